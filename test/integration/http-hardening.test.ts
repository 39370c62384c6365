// HTTP answers and who asks (issue 13, finding 9): an answer given to a key is kept by no
// cache and every answer varies on the caller's headers; the page's WHOIS link takes its
// q as a search key only, never as flags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';
import { PERSON_HANDLES } from './access/sample-facts.js';

describe('HTTP answers and who asks', () => {
  let s: SampleApp;
  let lea: string;
  let admin: string;
  beforeAll(async () => {
    s = await sampleApp();
    lea = s.keys.add({ role: 'lea', label: 'siber', now: Date.now() }).token;
    admin = s.keys.add({ role: 'admin', label: 'ops', now: Date.now() }).token;
  });
  afterAll(async () => s?.close());

  const varies = (headers: Record<string, unknown>) =>
    String(headers.vary ?? '')
      .split(',')
      .map((v) => v.trim().toLowerCase());

  it('answers carrying personal data: Cache-Control private, no-store, and Vary on Authorization and X-Case-Reference', async () => {
    const person = [...PERSON_HANDLES][0]!;
    const caseHeaders = { authorization: `Bearer ${lea}`, 'x-case-reference': 'LP/B/123/IV/2017' };
    const asked = [
      { url: `/entity/${person}`, headers: caseHeaders },
      { url: `/?q=${person}`, headers: caseHeaders },
      { url: '/ip/198.51.100.41', headers: { authorization: `Bearer ${admin}` } },
      // A refused key is answered per caller too.
      { url: '/ip/198.51.100.41', headers: { authorization: 'Bearer lacak_999_nope' } },
    ];
    for (const { url, headers } of asked) {
      const r = await s.app.inject({ url, headers });
      expect(r.headers['cache-control'], url).toBe('private, no-store');
      expect(varies(r.headers), url).toEqual(expect.arrayContaining(['authorization', 'x-case-reference']));
    }
    // The entity answer did disclose (else the first case proves less).
    expect(s.audit.list().some((row) => row.disclosed.includes(person.toUpperCase()))).toBe(true);
    const bulk = await s.app.inject({ method: 'POST', url: '/bulk/ip', payload: '198.51.100.41', headers: { 'content-type': 'text/plain', authorization: `Bearer ${admin}` } });
    expect(bulk.headers['cache-control']).toBe('private, no-store');
    expect(varies(bulk.headers)).toEqual(expect.arrayContaining(['authorization', 'x-case-reference']));
  });

  it('anonymous answers vary on those headers too, keep their own Vary, and are not marked private', async () => {
    const rdap = await s.app.inject({ url: '/ip/198.51.100.41' });
    expect(rdap.headers['cache-control'] ?? '').not.toMatch(/private/);
    expect(varies(rdap.headers)).toEqual(expect.arrayContaining(['authorization', 'x-case-reference']));
    const page = await s.app.inject({ url: '/?q=198.51.100.41' });
    expect(varies(page.headers)).toEqual(expect.arrayContaining(['accept-language', 'authorization', 'x-case-reference']));
  });

  it('/whois?q= takes q as a search key only: flags in it are not run', async () => {
    // The inverse query the words spell out, on the WHOIS port, finds this maintainer's objects.
    const inverse = '-r -i mnt-by MAINT-ID-CONTOHNET';
    for (const q of ['MAINT-ID-CONTOHNET -i mnt-by', `x ${inverse}`, '-i mnt-by MAINT-ID-CONTOHNET', '198.51.100.41 -B']) {
      const r = await s.app.inject({ url: `/whois?${new URLSearchParams({ q })}` });
      expect(r.headers['content-type']).toMatch(/^text\/plain/);
      expect(r.body, q).toMatch(/^%ERROR:101: no entries found$/m);
      expect(r.body, q).toContain(`"${q}"`);
      expect(r.body, q).not.toMatch(/^inetnum:/m);
    }
    // A time in at cannot carry flags either: it is the time, whatever it says.
    const at = await s.app.inject({ url: `/whois?${new URLSearchParams({ q: '198.51.100.41', at: '2025-07-01T00:00:00Z -i mnt-by' })}` });
    expect(at.body).not.toMatch(/^inetnum:/m);
    expect(at.body).toMatch(/^%ERROR:/m);
    // The key alone is answered as before.
    expect((await s.app.inject({ url: '/whois?q=MAINT-ID-CONTOHNET' })).body).toMatch(/^mntner:\s+MAINT-ID-CONTOHNET$/m);
  });
});
