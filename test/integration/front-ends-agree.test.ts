// The same questions over RDAP, WHOIS, bulk and the web page must give the same answer
// (issue 12): every sample address, with and without a port, now and at two instants between
// the snapshots, plus other registries' and special-purpose space. Each front end is read the
// way its users read it (JSON members, `%` lines, CSV columns, the page's fields), reduced to
// the facts DESIGN §2 fixes — holder network, authority, responsible member, abuse contact and
// the between-snapshots verdict — and compared with the query service's own answer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, IpAnswer } from '../../src/query/types.js';
import { whoisHandlerFor, type WhoisHandler } from '../../src/whois/handler.js';
import { pageText } from '../helpers/html.js';
import { ROOT } from '../helpers/registry.js';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';

/** What DESIGN §2 fixes about an answer; `undefined`: this front end does not state it. */
interface Facts {
  holder?: string | null;
  authority?: string | null;
  member?: string | null;
  abuse?: string | null;
  verdict?: string | null;
}

const ADDRESSES = [
  // IDNIC's members, their customers, sub-allocations, the unaligned and the nested
  '198.51.100.41', '198.51.100.33', '198.51.100.20', '198.51.100.0', '198.51.100.95', '198.51.100.140', '198.51.100.165', '198.51.100.180', '198.51.100.200', '198.51.100.239',
  // changed and removed between the snapshots
  '198.51.100.70', '198.51.100.210',
  // no member: a direct assignment, IDNIC's pool, APNIC's record of IDNIC's blocks, not assigned
  '198.51.100.100', '198.51.100.110', '198.51.100.255', '203.0.113.20', '203.0.113.200', '2001:db8:f000::1', '192.0.2.10',
  // partial overlaps
  '203.0.113.64', '203.0.113.100', '203.0.113.175',
  // IPv6
  '2001:db8:110:2a00::25', '2001:db8:400::1', '2001:db8:300:ffff::1',
  // another registry: an APNIC direct member, APNIC's own network, another account's record, nothing here
  '192.0.2.70', '192.0.2.40', '192.0.2.200', '8.8.8.8', '2a00:1450::1',
  // special-purpose space, and a placeholder only
  '10.1.2.3', '192.0.2.50',
];

/** Now, before the changed network's `created:` (2025-10-14), and after it, in WIB. */
const TIMES = [null, '2025-09-01T10:00:00', '2025-11-15T10:00:00'] as const;

function withPort(address: string): string {
  return address.includes(':') ? `[${address}]:443` : `${address}:51234`;
}

const QUESTIONS = ADDRESSES.flatMap((a) => [a, withPort(a)]).flatMap((q) => TIMES.map((t) => [q, t] as const));

/** A registry named in an answer's authority wording. */
function authorityIn(text: string): string | null | undefined {
  if (/Authority unknown/i.test(text)) return 'unknown';
  const other = /[Rr]egistered with (APNIC|ARIN|RIPE NCC|LACNIC|AFRINIC)\b/.exec(text);
  if (other) return other[1]!;
  if (/Managed by IDNIC, not assigned/.test(text)) return 'IDNIC';
  if (/special-purpose address space/.test(text)) return null;
  return undefined;
}

function verdictIn(text: string): string | null {
  const m = /Verdict: (changed after|changed before|unknown)/.exec(text);
  return m ? m[1]!.replace(' ', '-') : null;
}

const REGISTRY_OF_HOST: Record<string, string> = { 'rdap.apnic.net': 'APNIC', 'rdap.arin.net': 'ARIN', 'rdap.db.ripe.net': 'RIPE NCC' };

describe('RDAP, WHOIS, bulk and the page agree on the same questions', () => {
  let s: SampleApp;
  let whois: WhoisHandler;
  const bulk = new Map<string, Record<string, unknown>>();

  beforeAll(async () => {
    s = await sampleApp();
    // The WHOIS port's handler, as the server builds it.
    whois = whoisHandlerFor(s.config, s.service);
    // Bulk asks every question in one request per instant, as an investigator would.
    for (const time of TIMES) {
      const lines = QUESTIONS.filter(([, t]) => t === time).map(([q]) => (time ? `${q},${time}` : q));
      const r = await s.app.inject({ method: 'POST', url: '/bulk/ip?tz=WIB', payload: lines.join('\n'), headers: { 'content-type': 'text/plain' } });
      const rows = r.body.trimEnd().split('\n').slice(1).map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const row of rows) bulk.set(row.input as string, row);
    }
  });
  afterAll(async () => s?.close());

  function fromService(q: string, time: string | null): Facts {
    const o: Outcome<IpAnswer> = s.service.lookupAddress(q, time ? { at: time, tz: 'WIB' } : {});
    if (o.kind === 'userError') throw new Error(o.message);
    if (o.kind === 'notFound') {
      const n = o.notFound;
      const authority = n.kind === 'not-assigned' ? 'IDNIC' : n.kind === 'foreign' ? (n.authority.kind === 'other-registry' ? n.authority.registry.name : 'unknown') : null;
      return { holder: null, authority, member: null, abuse: null, verdict: o.change?.verdict ?? null };
    }
    const a = o.value;
    const authority = a.authority.kind === 'this-registry' ? 'IDNIC' : a.authority.kind === 'other-registry' ? a.authority.registry.name : 'unknown';
    return { holder: a.holder.key, authority, member: a.member?.orgHandle ?? null, abuse: a.abuse?.mailbox ?? null, verdict: a.change?.verdict ?? null };
  }

  async function fromRdap(q: string, time: string | null): Promise<Facts> {
    const r = await s.app.inject({ url: `/ip/${q}${time ? `?at=${time}&tz=WIB` : ''}` });
    if (r.statusCode === 301) return { authority: REGISTRY_OF_HOST[new URL(r.headers.location as string).host] ?? r.headers.location as string };
    const body = JSON.parse(r.body) as Record<string, any>;
    const notices = (body.notices ?? []) as { title: string; description: string[] }[];
    const change = notices.find((n) => n.title === 'Change between snapshots');
    const verdict = change ? verdictIn(change.description.join(' ')) : null;
    if (r.statusCode === 404) return { holder: null, authority: authorityIn(body.description.join(' ')), member: null, abuse: null, verdict };
    expect(r.statusCode, q).toBe(200);
    const remark = (body.remarks ?? []).find((x: { title: string }) => x.title === 'Authority');
    const entities = (body.entities ?? []) as Record<string, any>[];
    const sponsor = entities.find((e) => (e.roles as string[]).includes('sponsor'));
    const abuse = entities.find((e) => (e.roles as string[]).includes('abuse'));
    // The preferred e-mail of the abuse entity (RFC 6350 PREF), as an RDAP client picks it.
    const emails = abuse ? (abuse.vcardArray[1] as [string, { pref?: string }, string, string][]).filter((p) => p[0] === 'email') : [];
    const email = (emails.find((p) => p[1].pref === '1') ?? emails[0])?.[3] ?? null;
    return { holder: body.handle, authority: remark ? authorityIn(remark.description.join(' ')) : 'IDNIC', member: sponsor?.handle ?? null, abuse: email, verdict };
  }

  function fromWhois(q: string, time: string | null): Facts {
    const text = whois.answer(`${time ? `--at ${time} --tz WIB ` : ''}${q}`).lines.join('\n');
    const verdict = verdictIn(text.replace(/\n%\s+/g, ' '));
    if (/^%ERROR:101/m.test(text)) {
      const detail = /^%ERROR:101.*\n%\n% (.*)$/m.exec(text)![1]!;
      return { holder: null, authority: authorityIn(detail), member: null, abuse: null, verdict };
    }
    const authorityLine = text.split('\n').find((l) => /^% (Registered with|Authority unknown)/.test(l));
    return {
      holder: /^% Information related to '([^']+)'/m.exec(text)?.[1] ?? null,
      authority: authorityLine ? authorityIn(authorityLine) : 'IDNIC',
      member: /^% Responsible member: .* \(([^,]+), allocation/m.exec(text)?.[1] ?? null,
      abuse: /^% Abuse contact for '[^']+' is '([^']+)'/m.exec(text)?.[1] ?? null,
      verdict,
    };
  }

  function fromBulk(q: string, time: string | null): Facts {
    const row = bulk.get(time ? `${q},${time}` : q)!;
    expect(row, q).toBeDefined();
    const member = row.member === null ? null : /\(([^)]+)\)$/.exec(row.member as string)![1]!;
    return {
      holder: row.network as string | null,
      authority: row.authority as string | null,
      member,
      abuse: row.abuse as string | null,
      verdict: row.changed === null ? null : (row.changed as string).replace(' ', '-'),
    };
  }

  async function fromPage(q: string, time: string | null): Promise<Facts> {
    const r = await s.app.inject({ url: `/?${new URLSearchParams({ q, ...(time ? { at: time, tz: 'WIB' } : {}), lang: 'en' })}` });
    const html = r.body;
    const field = (name: string) => new RegExp(`data-field="${name}"[^>]*>([\\s\\S]*?)</(?:div|p)>`).exec(html)?.[1];
    const plain = (x: string | undefined) => (x === undefined ? undefined : pageText(x).trim());
    const verdict = /data-verdict="([^"]+)"/.exec(html)?.[1] ?? null;
    const authorityText = plain(field('authority'));
    if (r.statusCode === 404) return { holder: null, authority: authorityText === undefined ? undefined : authorityIn(authorityText), member: null, abuse: null, verdict };
    expect(r.statusCode, q).toBe(200);
    const member = field('member');
    return {
      holder: /<span data-range>([^<]+)<\/span>/.exec(html)?.[1] ?? null,
      authority: authorityText === undefined ? 'IDNIC' : authorityIn(authorityText),
      member: member && /class="handle">([^<]+)</.exec(member)?.[1] ? /class="handle">([^<]+)</.exec(member)![1]! : null,
      abuse: /<span id="abuse">([^<]+)<\/span>/.exec(html)?.[1] ?? null,
      verdict,
    };
  }

  /** The facts a front end states equal the service's; what it leaves unstated is only a redirect's. */
  function expectSame(frontEnd: string, q: string, time: string | null, got: Facts, want: Facts): void {
    const stated = Object.fromEntries(Object.entries(got).filter(([, v]) => v !== undefined));
    const expected = Object.fromEntries(Object.keys(stated).map((k) => [k, want[k as keyof Facts]]));
    expect(stated, `${frontEnd}: ${q} at ${time ?? 'now'}`).toEqual(expected);
  }

  it.each(QUESTIONS)('%s at %s', async (q, time) => {
    const want = fromService(q, time);
    const rdap = await fromRdap(q, time);
    // Only a redirect leaves facts unstated: another account's space now, or nothing here.
    if (Object.keys(rdap).length < 5) expect(rdap, q).toEqual({ authority: want.authority });
    expectSame('RDAP', q, time, rdap, want);
    expectSame('WHOIS', q, time, fromWhois(q, time), want);
    expectSame('bulk', q, time, fromBulk(q, time), want);
    const page = await fromPage(q, time);
    expect(Object.values(page).filter((v) => v === undefined), `page states everything: ${q}`).toEqual([]);
    expectSame('page', q, time, page, want);
  });

  it('asks about every address of the sample registry\'s golden answers', () => {
    const golden = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'golden', 'sample-holders.json'), 'utf8')) as { query: string }[];
    const bare = (q: string) => q.replace(/^\[(.*)\]:\d+$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
    for (const { query } of golden) expect(ADDRESSES, query).toContain(bare(query));
  });

  it('covers every kind of answer: members, each reason for none, each authority, and each verdict', () => {
    const all = QUESTIONS.map(([q, t]) => fromService(q, t));
    expect(new Set(all.map((f) => f.authority))).toEqual(new Set(['IDNIC', 'APNIC', 'ARIN', 'RIPE NCC', null]));
    expect(new Set(all.map((f) => f.verdict))).toEqual(new Set([null, 'changed-after', 'changed-before', 'unknown']));
    expect(all.filter((f) => f.member !== null).length).toBeGreaterThan(50);
  });
});
