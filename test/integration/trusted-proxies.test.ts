// X-Forwarded-For names the client only when a proxy the operator trusts sent it: the audit
// log and the rate limit then see the real client, and a forged header from anyone else is
// ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';

describe('trusted proxies', () => {
  let trusting: SampleApp;
  let plain: SampleApp;
  beforeAll(async () => {
    trusting = await sampleApp({ LACAK_TRUSTED_PROXIES: '127.0.0.1', LACAK_RATE_ANONYMOUS: '2' });
    plain = await sampleApp({ LACAK_RATE_ANONYMOUS: '2' });
  });
  afterAll(async () => {
    await trusting?.close();
    await plain?.close();
  });

  it('believes X-Forwarded-For from a trusted proxy, for the audit log and the rate limit', async () => {
    const { token } = trusting.keys.add({ role: 'admin', label: 'ops', now: Date.now() });
    await trusting.app.inject({ url: '/ip/198.51.100.41', headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.9' } });
    expect(trusting.audit.list().at(-1)?.client).toBe('203.0.113.9');
    // Two anonymous clients behind the same proxy each get their own budget.
    const statuses: number[] = [];
    for (const client of ['192.0.2.1', '192.0.2.1', '192.0.2.2', '192.0.2.2', '192.0.2.1']) {
      statuses.push((await trusting.app.inject({ url: '/ip/198.51.100.41', headers: { 'x-forwarded-for': client } })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const { token } = plain.keys.add({ role: 'admin', label: 'ops', now: Date.now() });
    await plain.app.inject({ url: '/ip/198.51.100.41', headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.9' } });
    expect(plain.audit.list().at(-1)?.client).toBe('127.0.0.1');
    const statuses: number[] = [];
    for (const client of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      statuses.push((await plain.app.inject({ url: '/ip/198.51.100.41', headers: { 'x-forwarded-for': client } })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});
