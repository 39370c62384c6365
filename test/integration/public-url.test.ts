// Links in RDAP answers never point at a Host the operator did not name (LACAK_BASE_URL, else
// LACAK_HOSTS), and the page asks browsers for HTTPS (upgrade-insecure-requests, HSTS) only
// when the request came over HTTPS: directly, or as a trusted proxy's X-Forwarded-Proto says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';

/** Every absolute URL in a body, once each. */
const urlsIn = (body: string): string[] => [...new Set([...body.matchAll(/"(https?:\/\/[^"]*)"/g)].map((m) => m[1]!))];

describe('public URL of RDAP links', () => {
  let unset: SampleApp;
  let based: SampleApp;
  let named: SampleApp;
  beforeAll(async () => {
    unset = await sampleApp({ LACAK_BASE_URL: undefined });
    based = await sampleApp({ LACAK_BASE_URL: 'https://rdap.lacak.example/' });
    named = await sampleApp({ LACAK_BASE_URL: undefined, LACAK_HOSTS: 'rdap.registry.example', LACAK_TRUSTED_PROXIES: '127.0.0.1' });
  });
  afterAll(async () => {
    await unset?.close();
    await based?.close();
    await named?.close();
  });

  const linksOf = async (s: SampleApp, headers: Record<string, string>) => {
    const r = await s.app.inject({ url: '/ip/198.51.100.41', headers });
    expect(r.statusCode).toBe(200);
    return { body: r.body, urls: urlsIn(r.body) };
  };

  it('never echoes an unaccepted Host: the safe default without LACAK_BASE_URL, the base with it', async () => {
    const fallback = await linksOf(unset, { host: 'evil.example' });
    expect(fallback.body).not.toContain('evil.example');
    expect(fallback.urls.length).toBeGreaterThan(3);
    expect(fallback.urls.every((u) => u.startsWith('http://localhost:8080/'))).toBe(true);
    expect(fallback.urls).toContain('http://localhost:8080/ip/198.51.100.40/30');

    for (const host of ['evil.example', 'evil.example:8080', 'localhost:8080']) {
      const configured = await linksOf(based, { host });
      expect(configured.body).not.toContain('evil.example');
      expect(configured.urls.every((u) => u.startsWith('https://rdap.lacak.example/'))).toBe(true);
    }
  });

  it('never echoes a Host dressed up as an accepted one (userinfo, path, bad port)', async () => {
    for (const host of ['localhost@evil.example', 'localhost:80@evil.example', 'evil.example#localhost', 'localhost.evil.example', 'localhost:99999']) {
      const { body, urls } = await linksOf(unset, { host });
      expect(body, host).not.toContain('evil.example');
      expect(urls.every((u) => u.startsWith('http://localhost:8080/')), host).toBe(true);
    }
  });

  it('echoes an accepted Host with its port, and refuses the rest, by default', async () => {
    expect((await linksOf(unset, { host: 'localhost:8080' })).urls.every((u) => u.startsWith('http://localhost:8080/'))).toBe(true);
    expect((await linksOf(unset, { host: 'LocalHost:9999' })).urls.every((u) => u.startsWith('http://localhost:9999/'))).toBe(true);
    expect((await linksOf(unset, { host: '127.0.0.1:8080' })).urls.every((u) => u.startsWith('http://127.0.0.1:8080/'))).toBe(true);
    expect((await linksOf(unset, { host: '[::1]:8080' })).urls.every((u) => u.startsWith('http://[::1]:8080/'))).toBe(true);
    expect((await linksOf(unset, { host: 'rdap.registry.example' })).urls.every((u) => u.startsWith('http://localhost:8080/'))).toBe(true);
  });

  it('LACAK_HOSTS names the accepted hosts: those are echoed (any port), others get the first on HTTP_PORT', async () => {
    expect((await linksOf(named, { host: 'rdap.registry.example' })).urls.every((u) => u.startsWith('http://rdap.registry.example/'))).toBe(true);
    expect((await linksOf(named, { host: 'rdap.registry.example:8443' })).urls.every((u) => u.startsWith('http://rdap.registry.example:8443/'))).toBe(true);
    // localhost is no longer among them.
    expect((await linksOf(named, { host: 'localhost:8080' })).urls.every((u) => u.startsWith('http://rdap.registry.example:8080/'))).toBe(true);
    // A trusted proxy's X-Forwarded-Proto and X-Forwarded-Host count, under the same rule.
    const proxied = await linksOf(named, { host: 'internal:8080', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'rdap.registry.example' });
    expect(proxied.urls.every((u) => u.startsWith('https://rdap.registry.example/'))).toBe(true);
    const forged = await linksOf(named, { host: 'internal:8080', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' });
    expect(forged.body).not.toContain('evil.example');
    expect(forged.urls.every((u) => u.startsWith('http://rdap.registry.example:8080/'))).toBe(true);
  });
});

describe('HTTPS-only headers of the page', () => {
  let plain: SampleApp;
  let proxied: SampleApp;
  beforeAll(async () => {
    plain = await sampleApp();
    proxied = await sampleApp({ LACAK_TRUSTED_PROXIES: '127.0.0.1' });
  });
  afterAll(async () => {
    await plain?.close();
    await proxied?.close();
  });

  const headersOf = async (s: SampleApp, headers: Record<string, string> = {}) => {
    const r = await s.app.inject({ url: '/?q=198.51.100.41', headers });
    expect(r.statusCode).toBe(200);
    const csp = String(r.headers['content-security-policy']);
    // The rest of the policy stays whatever the scheme.
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'/);
    return { csp, hsts: r.headers['strict-transport-security'] };
  };

  it('over plain HTTP: no upgrade-insecure-requests, no Strict-Transport-Security', async () => {
    const { csp, hsts } = await headersOf(plain);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(hsts).toBeUndefined();
  });

  it('from a trusted proxy: both when it says X-Forwarded-Proto https, neither when it says http', async () => {
    const https = await headersOf(proxied, { 'x-forwarded-proto': 'https' });
    expect(https.csp).toContain('upgrade-insecure-requests');
    expect(https.hsts).toMatch(/^max-age=\d+/);
    const http = await headersOf(proxied, { 'x-forwarded-proto': 'http' });
    expect(http.csp).not.toContain('upgrade-insecure-requests');
    expect(http.hsts).toBeUndefined();
  });

  it('ignores X-Forwarded-Proto https from a client that is no trusted proxy', async () => {
    const { csp, hsts } = await headersOf(plain, { 'x-forwarded-proto': 'https' });
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(hsts).toBeUndefined();
  });
});
