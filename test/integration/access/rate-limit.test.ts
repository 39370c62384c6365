// Per-role rate limits over HTTP (DESIGN §5): anonymous callers per IPv4 address or IPv6 /64,
// keys per key, each with its own budget; exempt ranges lifted; the limits published in /help.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TITLE } from '../../../src/rdap/messages.js';
import { expectValidRdap } from '../../helpers/rdap-schema.js';
import { sampleApp, type SampleApp } from '../../helpers/sample-app.js';

type Json = Record<string, any>;

const LIMITS = { anonymous: 3, member: 5, lea: 7, admin: 11 } as const;
const URL_ASKED = '/ip/198.51.100.41';

async function ask(app: SampleApp, options: { headers?: Record<string, string>; remoteAddress?: string; url?: string } = {}) {
  const r = await app.app.inject({ method: 'GET', url: options.url ?? URL_ASKED, headers: options.headers ?? {}, ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}) });
  return { status: r.statusCode, headers: r.headers, body: JSON.parse(r.body) as Json };
}

const seconds = (v: unknown) => Number(v);

function expectTooMany(r: Awaited<ReturnType<typeof ask>>, limit: number): void {
  expect(r.status).toBe(429);
  expect(r.headers['content-type']).toMatch(/^application\/rdap\+json/);
  expect(r.body).toMatchObject({ errorCode: 429, title: expect.any(String), description: [expect.any(String)] });
  expectValidRdap(r.body, 'error');
  expect(r.body.objectClassName).toBeUndefined();
  // RFC 9110 §10.2.3 Retry-After, and the RateLimit-* fields of the IETF draft.
  expect(String(r.headers['retry-after'])).toMatch(/^\d+$/);
  expect(seconds(r.headers['retry-after'])).toBeGreaterThan(0);
  expect(seconds(r.headers['retry-after'])).toBeLessThanOrEqual(60);
  expect(r.headers['ratelimit-limit']).toBe(String(limit));
  expect(r.headers['ratelimit-remaining']).toBe('0');
  expect(seconds(r.headers['ratelimit-reset'])).toBeGreaterThan(0);
  expect(seconds(r.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
  // The body tells the same wait as the header.
  expect(r.body.description.join(' ')).toContain(`${r.headers['retry-after']} s`);
}

describe('limits per role', () => {
  let s: SampleApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    s = await sampleApp({
      LACAK_RATE_ANONYMOUS: String(LIMITS.anonymous),
      LACAK_RATE_MEMBER: String(LIMITS.member),
      LACAK_RATE_LEA: String(LIMITS.lea),
      LACAK_RATE_ADMIN: String(LIMITS.admin),
    });
    const now = Date.now();
    tokens.member = s.keys.add({ role: 'member', label: 'rate a', org: 'ORG-CJN1-IDNIC', now }).token;
    tokens.member2 = s.keys.add({ role: 'member', label: 'rate b', org: 'ORG-AKM1-IDNIC', now }).token;
    tokens.lea = s.keys.add({ role: 'lea', label: 'rate lea', now }).token;
    tokens.admin = s.keys.add({ role: 'admin', label: 'rate admin', now }).token;
  });
  afterAll(async () => s?.close());
  const bearer = (name: string) => ({ authorization: `Bearer ${tokens[name]!}` });

  it('answers the 4th anonymous request in a minute from one address with 429', async () => {
    for (let i = 1; i <= LIMITS.anonymous; i++) {
      const r = await ask(s);
      expect(r.status).toBe(200);
      expect(r.headers['ratelimit-limit']).toBe(String(LIMITS.anonymous));
      expect(r.headers['ratelimit-remaining']).toBe(String(LIMITS.anonymous - i));
    }
    expectTooMany(await ask(s), LIMITS.anonymous);
    // Not a ban: still refused, not escalated.
    expectTooMany(await ask(s), LIMITS.anonymous);
  });

  it('gives a member key its own budget, separate from its address and from other keys', async () => {
    // 127.0.0.1 has spent its anonymous budget above; the key does not share it.
    expect((await ask(s)).status).toBe(429);
    for (let i = 1; i <= LIMITS.member; i++) {
      const r = await ask(s, { headers: bearer('member') });
      expect(r.status).toBe(200);
      expect(r.headers['ratelimit-limit']).toBe(String(LIMITS.member));
      expect(r.headers['ratelimit-remaining']).toBe(String(LIMITS.member - i));
    }
    const before = s.audit.list().length;
    expectTooMany(await ask(s, { headers: bearer('member') }), LIMITS.member);
    // A refused request of a key is still an authenticated request: audited.
    expect(s.audit.list().slice(before)).toHaveLength(1);
    const other = await ask(s, { headers: bearer('member2') });
    expect(other.status).toBe(200);
    expect(other.headers['ratelimit-remaining']).toBe(String(LIMITS.member - 1));
  });

  it('publishes the lea and admin limits on their answers', async () => {
    expect((await ask(s, { headers: bearer('lea') })).headers['ratelimit-limit']).toBe(String(LIMITS.lea));
    expect((await ask(s, { headers: bearer('admin') })).headers['ratelimit-limit']).toBe(String(LIMITS.admin));
  });

  it('counts anonymous callers per IPv4 address and per IPv6 /64', async () => {
    expect((await ask(s, { remoteAddress: '192.0.2.10' })).status).toBe(200);
    for (let i = 0; i < LIMITS.anonymous; i++) expect((await ask(s, { remoteAddress: `2001:db8:1:2::${i + 1}` })).status).toBe(200);
    expectTooMany(await ask(s, { remoteAddress: '2001:db8:1:2:ffff:ffff:ffff:ffff' }), LIMITS.anonymous);
    expect((await ask(s, { remoteAddress: '2001:db8:1:3::1' })).status).toBe(200);
  });

  // A request with no valid key is anonymous for DESIGN §5's limits (per address): refused
  // tokens spend that budget, so guessing is slow and cannot flood the audit log.
  it('counts refused tokens against the anonymous budget of their address', async () => {
    const forged = { authorization: `Bearer lacak_1_${'A'.repeat(43)}` };
    const statuses: number[] = [];
    for (let i = 0; i <= LIMITS.anonymous; i++) statuses.push((await ask(s, { headers: forged, remoteAddress: '192.0.2.200' })).status);
    expect(statuses).toEqual([...Array<number>(LIMITS.anonymous).fill(401), 429]);
  });

  it('lists the configured limits in /help', async () => {
    const r = await ask(s, { url: '/help', remoteAddress: '192.0.2.77' });
    expect(r.status).toBe(200);
    expectValidRdap(r.body, 'help');
    const notice = (r.body.notices as Json[]).find((n) => n.title === TITLE.limits);
    const text = (notice?.description as string[]).join(' ');
    expect(text).toMatch(new RegExp(`\\b${LIMITS.anonymous} per IPv4 address or IPv6 /64\\b`));
    expect(text).toMatch(new RegExp(`\\b${LIMITS.member} per member key\\b`));
    expect(text).toMatch(new RegExp(`\\b${LIMITS.lea} per law-enforcement key\\b`));
    expect(text).toMatch(new RegExp(`\\b${LIMITS.admin} per admin key\\b`));
    const id = await ask(s, { url: '/help', remoteAddress: '192.0.2.78', headers: { 'accept-language': 'id' } });
    const idText = ((id.body.notices as Json[]).find((n) => n.title === TITLE.limits)?.description as string[]).join(' ');
    for (const n of Object.values(LIMITS)) expect(idText).toMatch(new RegExp(`\\b${n}\\b`));
  });
});

describe('LACAK_RATE_EXEMPT', () => {
  let s: SampleApp;
  beforeAll(async () => {
    s = await sampleApp({ LACAK_RATE_ANONYMOUS: String(LIMITS.anonymous), LACAK_RATE_EXEMPT: '127.0.0.0/8' });
  });
  afterAll(async () => s?.close());

  it("lifts the limit for inject()'s default address 127.0.0.1 and the rest of 127.0.0.0/8", async () => {
    for (let i = 0; i < LIMITS.anonymous * 3; i++) expect((await ask(s)).status).toBe(200);
    for (let i = 0; i < LIMITS.anonymous * 2; i++) expect((await ask(s, { remoteAddress: '127.0.0.5' })).status).toBe(200);
    // The same address written IPv4-mapped, as a dual-stack socket reports it.
    for (let i = 0; i < LIMITS.anonymous * 2; i++) expect((await ask(s, { remoteAddress: '::ffff:127.0.0.9' })).status).toBe(200);
  });

  it('still limits addresses outside the exempt ranges', async () => {
    for (let i = 0; i < LIMITS.anonymous; i++) expect((await ask(s, { remoteAddress: '192.0.2.1' })).status).toBe(200);
    expectTooMany(await ask(s, { remoteAddress: '192.0.2.1' }), LIMITS.anonymous);
  });
});
