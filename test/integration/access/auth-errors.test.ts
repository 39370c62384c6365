// Refused credentials over HTTP: every bad token is a 401 RDAP error (never the anonymous
// answer), is audited against the key it named, and never leaves its text in the audit log.
// Tokens in URLs and malformed case references are 400. GET /me is for member keys only.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidRdap } from '../../helpers/rdap-schema.js';
import { sampleApp, type SampleApp } from '../../helpers/sample-app.js';
import { inetnumsInside, sampleObjects, values, first } from './sample-facts.js';

type Json = Record<string, any>;

const URL_ASKED = '/ip/198.51.100.41';
const OWN_ORG = 'ORG-CJN1-IDNIC';

let s: SampleApp;
let member: { id: number; token: string };
let lea: { id: number; token: string };
let expired: { id: number; token: string };
let revoked: { id: number; token: string };

beforeAll(async () => {
  s = await sampleApp();
  const now = Date.now();
  const add = (role: 'member' | 'lea', org: string | null, expiresAt: number | null) => {
    const { key, token } = s.keys.add({ role, label: `auth test ${role}`, org, expiresAt, now });
    return { id: key.id, token };
  };
  member = add('member', OWN_ORG, now + 3_600_000);
  lea = add('lea', null, now + 3_600_000);
  expired = add('lea', null, now - 60_000);
  revoked = add('member', OWN_ORG, null);
  expect(s.keys.revoke(revoked.id, now)).toBe(true);
});
afterAll(async () => s?.close());

/** The secret part of `lacak_<id>_<secret>` (the secret itself may contain `_`). */
const secretOf = (token: string) => token.slice(token.indexOf('_', 'lacak_'.length) + 1);

async function get(url: string, headers: Record<string, string | string[]> = {}) {
  const r = await s.app.inject({ method: 'GET', url, headers });
  return { status: r.statusCode, headers: r.headers, raw: r.body, body: JSON.parse(r.body) as Json };
}

function expectRdapError(r: Awaited<ReturnType<typeof get>>, status: number): void {
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/rdap\+json/);
  expect(r.body).toMatchObject({ errorCode: status, title: expect.any(String), description: [expect.any(String)] });
  expect(r.body.title.length).toBeGreaterThan(0);
  expectValidRdap(r.body, 'error');
  // Never the answer itself.
  expect(r.body.objectClassName).toBeUndefined();
  expect(r.raw).not.toContain('198.51.100.40 - 198.51.100.43');
}

describe('refused Authorization headers', () => {
  let anonymousAnswer: string;
  beforeAll(async () => {
    anonymousAnswer = (await get(URL_ASKED)).body.handle as string;
    expect(anonymousAnswer).toBeTruthy();
  });

  const cases: { name: string; authorization: () => string; keyId: () => number | null; secrets: () => string[] }[] = [
    {
      name: 'a forged token (right shape and key id, wrong secret)',
      authorization: () => `Bearer lacak_${member.id}_${forged}`,
      keyId: () => member.id,
      secrets: () => [forged, secretOf(member.token)],
    },
    { name: 'a truncated token', authorization: () => `Bearer ${member.token.slice(0, -1)}`, keyId: () => null, secrets: () => [secretOf(member.token).slice(0, -1)] },
    { name: 'an oversized (10 kB) token', authorization: () => `Bearer ${member.token}${'A'.repeat(10_240)}`, keyId: () => null, secrets: () => [secretOf(member.token), 'A'.repeat(64)] },
    { name: 'Basic credentials', authorization: () => `Basic ${Buffer.from(`lacak:${member.token}`).toString('base64')}`, keyId: () => null, secrets: () => [secretOf(member.token), Buffer.from(`lacak:${member.token}`).toString('base64')] },
    { name: '"Bearer" alone', authorization: () => 'Bearer', keyId: () => null, secrets: () => [] },
    { name: 'two tokens in one header', authorization: () => `Bearer ${member.token} ${lea.token}`, keyId: () => null, secrets: () => [secretOf(member.token), secretOf(lea.token)] },
    { name: 'two comma-separated credentials', authorization: () => `Bearer ${member.token}, Bearer ${lea.token}`, keyId: () => null, secrets: () => [secretOf(member.token), secretOf(lea.token)] },
    { name: 'an expired key', authorization: () => `Bearer ${expired.token}`, keyId: () => expired.id, secrets: () => [secretOf(expired.token)] },
    { name: 'a revoked key', authorization: () => `Bearer ${revoked.token}`, keyId: () => revoked.id, secrets: () => [secretOf(revoked.token)] },
  ];
  const forged = randomBytes(32).toString('base64url');

  it.each(cases)('refuses $name with 401, audited without the token', async (c) => {
    const before = s.audit.list().length;
    const r = await get(URL_ASKED, { authorization: c.authorization() });
    expectRdapError(r, 401);
    expect(r.body.handle).not.toBe(anonymousAnswer);
    // RFC 9110 §11.6.1 / RFC 6750 §3: a 401 names the scheme it wants.
    expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="lacak"/);
    // The refusal is audited once, against the key the token named when there is one.
    const added = s.audit.list().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ keyId: c.keyId(), role: null, caseReference: null, disclosed: [] });
    expect(added[0]!.query).toContain(`GET ${URL_ASKED}`);
    const rows = JSON.stringify(s.audit.list());
    for (const secret of c.secrets()) expect(rows).not.toContain(secret);
    // ("Bearer" alone carries nothing secret, and the refusal message names the scheme.)
    if (c.secrets().length > 0) expect(rows).not.toContain(c.authorization());
    expect(s.audit.verify().ok).toBe(true);
  });

  // Node's HTTP parser keeps only the first of several Authorization headers; the server reads
  // the raw header list, so a request carrying two keys is refused rather than served as one.
  it('refuses two Authorization headers with 401', async () => {
    const r = await get(URL_ASKED, { authorization: [`Bearer ${lea.token}`, `Bearer ${member.token}`] });
    expect(r.status).toBe(401);
  });

  it('audits nothing and answers anonymously when no credentials are sent', async () => {
    const before = s.audit.list().length;
    const r = await get(URL_ASKED);
    expect(r.status).toBe(200);
    expect(s.audit.list()).toHaveLength(before);
  });
});

describe('tokens in the URL', () => {
  it.each(['token', 'access_token'])('refuses ?%s= with 400 and keeps the token out of the audit log', async (parameter) => {
    const before = s.audit.list().length;
    const r = await get(`${URL_ASKED}?${parameter}=${encodeURIComponent(member.token)}`);
    expectRdapError(r, 400);
    const added = s.audit.list().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ keyId: null, role: null });
    expect(JSON.stringify(s.audit.list())).not.toContain(secretOf(member.token));
  });

  it('refuses the token in the URL even when a valid Authorization header comes with it', async () => {
    const r = await get(`${URL_ASKED}?access_token=${encodeURIComponent(member.token)}`, { authorization: `Bearer ${member.token}` });
    expectRdapError(r, 400);
  });
});

describe('X-Case-Reference', () => {
  it.each([
    ['a control character', 'LP/123\u0001XI/2026'],
    ['DEL', 'LP/123\u007fXI/2026'],
    ['an escape sequence', 'LP/123\u001b[2J'],
    ['a line break', 'LP/123\nXI/2026'],
    ['65 characters', 'A'.repeat(65)],
  ])('refuses %s with 400', async (_what, value) => {
    const r = await get(URL_ASKED, { authorization: `Bearer ${lea.token}`, 'x-case-reference': value });
    expectRdapError(r, 400);
  });

  it('accepts 64 characters, and the audit row carries them', async () => {
    const value = `LP/${'1'.repeat(61)}`;
    expect(value).toHaveLength(64);
    const before = s.audit.list().length;
    const r = await get(URL_ASKED, { authorization: `Bearer ${lea.token}`, 'x-case-reference': value });
    expect(r.status).toBe(200);
    expect(s.audit.list().slice(before)).toMatchObject([{ keyId: lea.id, role: 'lea', caseReference: value }]);
  });

  it('refuses two X-Case-Reference headers with 400', async () => {
    const r = await get(URL_ASKED, { authorization: `Bearer ${lea.token}`, 'x-case-reference': ['LP/1/2026', 'LP/2/2026'] });
    expectRdapError(r, 400);
  });
});

describe('GET /me', () => {
  it('is 401 for anonymous callers', async () => {
    const r = await get('/me');
    expectRdapError(r, 401);
  });

  // RFC 9110 §15.5.2: a 401 carries WWW-Authenticate; RFC 6750 §3: `Bearer realm="..."` with
  // no error code when no credentials were sent.
  it('names the Bearer scheme on its 401', async () => {
    const r = await get('/me');
    expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="lacak"/);
  });

  it('is 403 for a lea key, and for a member key that names no organisation', async () => {
    expectRdapError(await get('/me', { authorization: `Bearer ${lea.token}` }), 403);
    const orgless = s.keys.add({ role: 'member', label: 'no org', now: Date.now() });
    expectRdapError(await get('/me', { authorization: `Bearer ${orgless.token}` }), 403);
  });

  it("lists the member's allocation with the customer networks inside it", async () => {
    const r = await get('/me', { authorization: `Bearer ${member.token}` });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.body.organisation.handle).toBe(OWN_ORG);

    // From the sample files: the member's IPv4 allocation and every IDNIC network inside it.
    const allocations = sampleObjects('inetnum').filter((o) => values(o, 'org').includes(OWN_ORG) && /^ALLOCATED/.test(first(o, 'status') ?? ''));
    expect(allocations.map((o) => first(o, 'inetnum'))).toEqual(['198.51.100.0 - 198.51.100.95']);
    const allocation = first(allocations[0]!, 'inetnum')!;
    const inside = inetnumsInside(allocation);
    expect(inside.length).toBeGreaterThan(0);

    // The customer networks come as a tree under the allocation (issue 14): every one of them, once.
    const resource = (r.body.networks as Json[]).find((x) => x.network === allocation);
    expect(resource).toMatchObject({ class: 'inetnum', network: allocation, org: OWN_ORG });
    const everyInside = (n: Json): string[] => (n.children as Json[]).flatMap((c) => [c.network as string, ...everyInside(c)]);
    expect(everyInside(resource!).sort()).toEqual([...inside].sort());
  });
});
