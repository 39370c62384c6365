// /history/*: who held an address from when to when, every version of an AS number or an
// entity, in APNIC's history shape; person and role history only for entitled callers; and
// WHOIS --list-versions agreeing with RDAP on the same data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhoisHandler } from '../../src/whois/handler.js';
import { expectValidRdap } from '../helpers/rdap-schema.js';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';

interface HistoryBody {
  rdapConformance: string[];
  notices: unknown[];
  records: { applicableFrom: string; applicableUntil: string | null; content: Record<string, unknown> }[];
}

describe('history', () => {
  let s: SampleApp;
  beforeAll(async () => {
    s = await sampleApp();
  });
  afterAll(async () => s?.close());

  const get = async (url: string, headers: Record<string, string> = {}) => {
    const r = await s.app.inject({ url, headers });
    return { status: r.statusCode, body: JSON.parse(r.body) as HistoryBody & { errorCode?: number } };
  };
  /** A record's content is an RDAP object of its own: valid with the answer's conformance and notices. */
  const expectValidRecords = (body: HistoryBody, kind: 'ip network' | 'autnum' | 'entity') => {
    expect(body.rdapConformance).toContain('history_version_0');
    for (const r of body.records) expectValidRdap({ ...r.content, rdapConformance: body.rdapConformance.filter((c) => c !== 'history_version_0'), notices: body.notices }, kind);
  };

  it('answers the chain of holders of an address over time', async () => {
    const { status, body } = await get('/history/ip/198.51.100.70');
    expect(status).toBe(200);
    expect(body.records.map((r) => [r.applicableFrom, r.applicableUntil, r.content.name])).toEqual([
      ['2025-06-01T00:00:00Z', '2026-01-01T00:00:00Z', 'SINARLOG-ID'],
      ['2026-01-01T00:00:00Z', null, 'MBAGRINDO-ID'],
    ]);
    expectValidRecords(body, 'ip network');
    // A removed assignment: the customer until the second snapshot, then the allocation above it.
    const removed = await get('/history/ip/198.51.100.210');
    expect(removed.body.records.map((r) => [r.applicableFrom, r.applicableUntil, r.content.handle])).toEqual([
      ['2025-06-01T00:00:00Z', '2026-01-01T00:00:00Z', '198.51.100.208 - 198.51.100.215'],
      ['2026-01-01T00:00:00Z', null, '198.51.100.192 - 198.51.100.239'],
    ]);
  });

  it('answers a prefix in APNIC\'s form with the holders of the whole prefix, each with its own dates', async () => {
    const { status, body } = await get('/history/ip/198.51.100.64/28');
    expect(status).toBe(200);
    expect(body.records.map((r) => [r.applicableFrom, r.applicableUntil, r.content.name])).toEqual([
      ['2025-06-01T00:00:00Z', '2026-01-01T00:00:00Z', 'SINARLOG-ID'],
      ['2026-01-01T00:00:00Z', null, 'MBAGRINDO-ID'],
    ]);
    // The snapshot bounds say when lacak saw each holder; the events say when the registry dated it.
    expect(body.records[1]!.content.events).toContainEqual({ eventAction: 'registration', eventDate: '2025-10-14T03:12:45Z' });
    // A prefix wider than any network answers with the network covering all of it.
    const wide = await get('/history/ip/198.51.100.64/27');
    expect(wide.body.records.map((r) => r.content.handle)).toEqual(['198.51.100.0 - 198.51.100.95']);
    expect((await get('/history/ip/198.51.100.64/33')).status).toBe(400);
  });

  it('answers 404 for space nobody here ever held and 400 for a malformed address', async () => {
    expect((await get('/history/ip/8.8.8.8')).status).toBe(404);
    expect((await get('/history/ip/10.1.2.3')).status).toBe(404);
    const bad = await get('/history/ip/300.1.2.3');
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe(400);
  });

  it('lists the versions of an AS number and of an organisation', async () => {
    const autnum = await get('/history/autnum/64497');
    expect(autnum.status).toBe(200);
    expect(autnum.body.records.map((r) => [r.applicableFrom, r.applicableUntil, r.content.handle])).toEqual([['2025-06-01T00:00:00Z', null, 'AS64497']]);
    expectValidRecords(autnum.body, 'autnum');
    const org = await get('/history/entity/ORG-CJN1-IDNIC');
    expect(org.status).toBe(200);
    expectValidRecords(org.body, 'entity');
  });

  it('shows person and role history only to callers DESIGN §5 entitles', async () => {
    expect((await get('/history/entity/AWP1-IDNIC')).status).toBe(403);
    expect((await get('/history/entity/CN1-IDNIC')).status).toBe(403);
    const { token } = s.keys.add({ role: 'lea', label: 'siber', now: Date.now() });
    const withCase = await get('/history/entity/AWP1-IDNIC', { authorization: `Bearer ${token}`, 'x-case-reference': 'LP/123/XI/2026' });
    expect(withCase.status).toBe(200);
    expect(JSON.stringify(withCase.body)).toContain('Arif Wicaksono Pranoto');
    expect((await get('/history/entity/AWP1-IDNIC', { authorization: `Bearer ${token}` })).status).toBe(403);
  });

  it('refuses to say who will hold an address: a time in the future is a 400', async () => {
    const r = await s.app.inject({ url: '/ip/198.51.100.41?at=2999-01-01T00:00:00Z' });
    expect(r.statusCode).toBe(400);
    expect((JSON.parse(r.body) as { description: string[] }).description.join(' ')).toMatch(/is in the future/);
    // A little ahead of our clock is clock skew, not the future.
    const skewed = await s.app.inject({ url: `/ip/198.51.100.41?at=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}` });
    expect(skewed.statusCode).toBe(200);
  });

  it('agrees with WHOIS --list-versions on the same data', async () => {
    const handler = new WhoisHandler({ service: s.service, server: { host: 'whois.test', registry: 'IDNIC', version: 'TEST' }, limits: { queriesPerMinute: 600, bulkLines: 100 } });
    const text = handler.answer('--list-versions 198.51.100.64 - 198.51.100.79').lines.join('\n');
    const whoisDates = [...text.matchAll(/^\d+\s+(\S+)\s+ADD\/UPD$/gm)].map((m) => m[1]);
    const { body } = await get('/history/ip/198.51.100.70');
    expect(whoisDates).toEqual(body.records.map((r) => r.applicableFrom));
  });
});
