// The base URL of RDAP links as a pure rule, and LACAK_HOSTS as config.ts reads it.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { LacakError } from '../../../src/errors.js';
import { fallbackBaseUrl, publicBaseUrl, type PublicUrlSettings } from '../../../src/http/public-url.js';
import { parseHostAndPort } from '../../../src/net/host.js';

const settings = (acceptedHosts: readonly string[], baseUrl?: string): PublicUrlSettings => ({ baseUrl, acceptedHosts, httpPort: 8080 });
const LOOPBACK = settings(['localhost', '127.0.0.1', '[::1]']);

describe('parseHostAndPort', () => {
  it.each([
    ['rdap.example.id', 'rdap.example.id', undefined],
    ['RDAP.Example.ID:8080', 'rdap.example.id', 8080],
    ['192.0.2.1:43', '192.0.2.1', 43],
    ['[2001:DB8::1]:8080', '[2001:db8::1]', 8080],
    ['2001:db8::1', '[2001:db8::1]', undefined],
    ['[0::1]', '[::1]', undefined],
    ['127.1', '127.0.0.1', undefined],
  ])('%s → %s port %s', (text, name, port) => {
    expect(parseHostAndPort(text)).toEqual({ name, port });
  });

  it.each(['', 'localhost@evil.example', 'localhost:80@evil.example', 'localhost/evil', 'localhost:', 'localhost:99999', 'localhost:8080:1', '-a.example', 'a..example', 'under_score.example', '[::1', '[zz::1]', 'fe80::1%eth0', '999.1.1.1', 'localhost.'])(
    'refuses %j',
    (text) => {
      expect(parseHostAndPort(text)).toBeNull();
    },
  );
});

describe('publicBaseUrl', () => {
  it('takes LACAK_BASE_URL whatever the Host, ending it in a slash', () => {
    expect(publicBaseUrl(settings(['localhost'], 'https://rdap.example.id/rdap'), { protocol: 'http', host: 'evil.example' })).toBe('https://rdap.example.id/rdap/');
    expect(publicBaseUrl(settings(['localhost'], 'https://rdap.example.id/'), { protocol: 'http', host: 'localhost:8080' })).toBe('https://rdap.example.id/');
  });

  it('echoes the scheme and Host when the Host names an accepted host, on any port', () => {
    expect(publicBaseUrl(LOOPBACK, { protocol: 'http', host: 'localhost:8080' })).toBe('http://localhost:8080/');
    expect(publicBaseUrl(LOOPBACK, { protocol: 'https', host: 'LOCALHOST' })).toBe('https://localhost/');
    expect(publicBaseUrl(LOOPBACK, { protocol: 'http', host: '[::1]:3000' })).toBe('http://[::1]:3000/');
    // The scheme's own port is left out, as a URL writes it.
    expect(publicBaseUrl(LOOPBACK, { protocol: 'http', host: '127.0.0.1:80' })).toBe('http://127.0.0.1/');
  });

  it('answers any other Host, or none, or an odd scheme, with the first accepted name on the HTTP port', () => {
    for (const host of ['evil.example', 'evil.example:8080', 'localhost@evil.example', 'localhost.evil.example', '', undefined]) {
      expect(publicBaseUrl(LOOPBACK, { protocol: 'http', host }), String(host)).toBe('http://localhost:8080/');
    }
    expect(publicBaseUrl(LOOPBACK, { protocol: 'javascript', host: 'localhost' })).toBe('http://localhost:8080/');
    expect(publicBaseUrl(settings(['rdap.registry.example']), { protocol: 'https', host: 'evil.example' })).toBe('http://rdap.registry.example:8080/');
  });

  it('takes the first entry with its own port for the fallback, and localhost when there is none', () => {
    expect(fallbackBaseUrl(settings(['rdap.registry.example:80', 'localhost']))).toBe('http://rdap.registry.example/');
    expect(fallbackBaseUrl(settings([]))).toBe('http://localhost:8080/');
    expect(publicBaseUrl(settings([]), { protocol: 'http', host: 'localhost:8080' })).toBe('http://localhost:8080/');
  });
});

describe('LACAK_HOSTS', () => {
  it('defaults to loopback and the machine name', () => {
    const { acceptedHosts } = loadConfig({});
    expect(acceptedHosts.slice(0, 3)).toEqual(['localhost', '127.0.0.1', '[::1]']);
    if (parseHostAndPort(hostname())) expect(acceptedHosts).toContain(parseHostAndPort(hostname())!.name);
  });

  it('reads a comma-separated list in the form compared', () => {
    expect(loadConfig({ LACAK_HOSTS: ' RDAP.Example.ID , rdap.example.id:8443, ::1, [2001:db8::1]:8080 ' }).acceptedHosts).toEqual([
      'rdap.example.id',
      'rdap.example.id:8443',
      '[::1]',
      '[2001:db8::1]:8080',
    ]);
  });

  it('refuses an entry that is no host name or IP address', () => {
    for (const bad of ['http://rdap.example.id', 'rdap.example.id/rdap', 'rdap.example.id:http', 'user@rdap.example.id']) {
      expect(() => loadConfig({ LACAK_HOSTS: bad }), bad).toThrow(LacakError);
      expect(() => loadConfig({ LACAK_HOSTS: bad }), bad).toThrow(/bad setting LACAK_HOSTS: each entry must be a host name/);
    }
  });
});
