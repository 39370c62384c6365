// The query service on the sample registry against the hand-computed golden answers
// (test/fixtures/golden/sample-holders.json): holder, member, sub-allocation, abuse contact.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatIp } from '../../src/net/ip.js';
import { LookupService } from '../../src/query/service.js';
import type { Db } from '../../src/store/db.js';
import { RangeStore } from '../../src/store/ranges.js';
import { importFiles } from '../../src/importers/run-import.js';
import { ROOT, importText, quietLog, tempRegistry, testConfig } from '../helpers/registry.js';
import { sampleService, type SampleService } from '../helpers/sample-app.js';

interface GoldenCase {
  query: string;
  at: string | null;
  holder: string | null;
  holderSource: string | null;
  holderName: string | null;
  member: string | null;
  subAllocation: string | null;
  abuseMailbox: string | null;
  abuseFrom: string | null;
  /** DESIGN §2: who answers for the space, why no member, the between-snapshots verdict. */
  authority: string | null;
  noMember: string | null;
  verdict: string | null;
  note: string;
}

const golden = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'golden', 'sample-holders.json'), 'utf8')) as GoldenCase[];

describe('query service on the sample registry', () => {
  let sample: SampleService;
  let db: Db;
  let service: LookupService;

  beforeAll(async () => {
    sample = await sampleService();
    ({ db, service } = sample);
  });
  afterAll(() => sample?.close());

  it.each(golden.map((c) => [`${c.query} at ${c.at ?? 'now'}`, c] as const))('%s', (_name, c) => {
    const outcome = service.lookupAddress(c.query, c.at ? { at: c.at } : {});
    if (c.holder === null) {
      expect(outcome.kind).toBe('notFound');
      return;
    }
    if (outcome.kind === 'ok') {
      const a = outcome.value;
      const authority = a.authority.kind === 'this-registry' ? 'IDNIC' : a.authority.kind === 'other-registry' ? a.authority.registry.name : 'unknown';
      expect({ authority, noMember: a.noMember?.kind ?? null, verdict: a.change?.verdict ?? null }).toEqual({ authority: c.authority, noMember: c.noMember, verdict: c.verdict });
    }
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    const a = outcome.value;
    expect({
      holder: a.holder.key,
      holderSource: a.holder.source,
      holderName: a.holderName?.text ?? null,
      member: a.member?.orgHandle ?? null,
      subAllocation: a.subAllocation?.key ?? null,
      abuseMailbox: a.abuse?.mailbox ?? null,
      abuseFrom: a.abuse?.network.key ?? null,
    }).toEqual({
      holder: c.holder,
      holderSource: c.holderSource,
      holderName: c.holderName,
      member: c.member,
      subAllocation: c.subAllocation,
      abuseMailbox: c.abuseMailbox,
      abuseFrom: c.abuseFrom,
    });
    // The in-memory index must name the same holder as the SQL path for current data.
    if (c.at === null) expect(service.holderId(formatIp(a.query.range.family, a.query.range.start))).toBe(a.holder.id);
  });

  it('answers current addresses from the in-memory chain, the same as SQL answers them', () => {
    const covering = vi.spyOn(RangeStore.prototype, 'covering');
    // Every address where some network starts or ends, and its neighbours: where chains change.
    const probes = new Set<string>();
    for (const o of db.prepare<[], { family: 4 | 6; first: Buffer; last: Buffer }>(
      "SELECT family, first, last FROM objects WHERE valid_to IS NULL AND class IN ('inetnum', 'inet6num')",
    ).all()) {
      const first = BigInt(`0x${o.first.toString('hex')}`);
      const last = BigInt(`0x${o.last.toString('hex')}`);
      const max = o.family === 4 ? 0xffff_ffffn : (1n << 128n) - 1n;
      for (const v of [first - 1n, first, last, last + 1n]) if (v >= 0n && v <= max) probes.add(formatIp(o.family, v));
    }
    for (const c of golden) if (!c.query.includes('/') && !c.query.includes(' ')) probes.add(c.query);
    expect(probes.size).toBeGreaterThan(50);
    const kinds = new Set<unknown>();
    const summary = (outcome: ReturnType<LookupService['lookupAddress']>) =>
      outcome.kind === 'ok'
        ? {
            chain: outcome.value.chain.map((o) => o.id),
            member: outcome.value.member?.network.id ?? null,
            subAllocation: outcome.value.subAllocation?.id ?? null,
            abuse: outcome.value.abuse?.mailbox ?? null,
          }
        : outcome.kind === 'notFound'
          ? outcome.notFound.kind
          : outcome.kind;
    for (const address of probes) {
      covering.mockClear();
      const fromIndex = summary(service.lookupAddress(address));
      // Neither a hit nor a miss runs a SQL range query (DESIGN §6).
      expect(covering, address).not.toHaveBeenCalled();
      // Now, asked as an explicit instant, reads the same data through SQL.
      expect(fromIndex, address).toEqual(summary(service.lookupAddress(address, { at: new Date().toISOString() })));
      kinds.add(typeof fromIndex === 'string' ? fromIndex : 'ok');
    }
    // The probes reach holders, unassigned managed space and other registries' space.
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['foreign', 'ok', 'special']));
    covering.mockRestore();
  });

  it('says whose legal-request desk handles port-level (CGNAT) questions', () => {
    const outcome = service.lookupAddress('198.51.100.41:51234');
    expect(outcome.kind === 'ok' && outcome.value.query.port).toBe(51234);
    expect(outcome.kind === 'ok' && outcome.value.member?.legalContact?.email).toMatch(/@/);
  });

  it('explains special-purpose, unassigned and foreign space instead of a bare not-found', () => {
    expect(service.lookupAddress('10.1.2.3')).toMatchObject({ kind: 'notFound', notFound: { kind: 'special', block: { rfc: 'RFC 1918' } } });
    expect(service.lookupAddress('100.64.0.1')).toMatchObject({ kind: 'notFound', notFound: { kind: 'special', block: { rfc: 'RFC 6598' } } });
    expect(service.lookupAddress('8.8.8.8')).toMatchObject({ kind: 'notFound', notFound: { kind: 'foreign' } });
    expect(service.lookupAddress('not-an-address')).toMatchObject({ kind: 'userError', code: 'bad-address' });
  });

  it('finds objects by key and handle case-insensitively, as whois clients lower-case them', () => {
    const org = service.lookupHandle('org-cjn1-idnic');
    expect(org.kind === 'ok' && org.value.objects[0]!.key).toBe('ORG-CJN1-IDNIC');
    const autnum = service.lookupAutnum('as64497');
    expect(autnum.kind === 'ok' && autnum.value.objects[0]!.className).toBe('aut-num');
    // AS64501 has no aut-num: the most specific block holding it answers (IDNIC's, then APNIC's).
    const inBlock = service.lookupAutnum('AS64501');
    expect(inBlock.kind === 'ok' && inBlock.value.objects.map((o) => [o.className, o.key, o.source])).toEqual([
      ['as-block', 'AS64496 - AS64503', 'IDNIC'],
      ['as-block', 'AS64496 - AS64503', 'DELEGATED-APNIC'],
      ['as-block', 'AS64496 - AS64511', 'APNIC'],
    ]);
    // AS64510 has no RPSL aut-num: the delegated record of another account is the most specific.
    const statsOnly = service.lookupAutnum('AS64510');
    expect(statsOnly.kind === 'ok' && statsOnly.value.objects.map((o) => [o.className, o.source])).toEqual([
      ['aut-num', 'DELEGATED-APNIC'],
      ['as-block', 'APNIC'],
    ]);
    const net = service.lookupKey('198.51.100.0/26');
    expect(net.kind).toBe('notFound');
    const exact = service.lookupKey('198.51.100.128/26');
    expect(exact.kind === 'ok' && exact.value.objects[0]!.key).toBe('198.51.100.128 - 198.51.100.191');
  });

  it('inverse lookups find what refers to a maintainer or organisation', () => {
    const byOrg = service.inverse('org', 'ORG-CJN1-IDNIC');
    expect(byOrg.kind).toBe('ok');
    if (byOrg.kind !== 'ok') return;
    expect(byOrg.value.objects.map((o) => o.key)).toContain('198.51.100.0 - 198.51.100.95');
    expect(byOrg.value.objects.every((o) => o.attributes.some(([n, v]) => n === 'org' && v.toUpperCase().includes('ORG-CJN1-IDNIC')))).toBe(true);
    const byMaintainer = service.inverse('mnt-by', 'maint-id-contohnet');
    expect(byMaintainer.kind === 'ok' && byMaintainer.value.objects.length).toBeGreaterThan(3);
  });

  it('lists less and more specific networks', () => {
    const outcome = service.lookupRange('198.51.100.0 - 198.51.100.95');
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.value.chain.map((o) => o.key)).toEqual(['198.51.100.0 - 198.51.100.95', '198.51.100.0 - 198.51.100.255', '198.51.100.0 - 198.51.100.255']);
    const more = service.moreSpecifics(outcome.value.holder.range!, null, { oneLevel: true, limit: 100 }).map((o) => o.key);
    expect(more).toEqual(['198.51.100.16 - 198.51.100.63', '198.51.100.64 - 198.51.100.79']);
    const all = service.moreSpecifics(outcome.value.holder.range!, null, { oneLevel: false, limit: 100 }).map((o) => o.key);
    expect(all).toEqual(['198.51.100.16 - 198.51.100.63', '198.51.100.32 - 198.51.100.47', '198.51.100.40 - 198.51.100.43', '198.51.100.64 - 198.51.100.79']);
  });
});

describe('space this registry manages but has not assigned', () => {
  it('is "not assigned" from the in-memory index and from SQL alike', async () => {
    const reg = tempRegistry();
    try {
      // IDNIC's account in the statistics marks 198.51.100.0/24 as managed; only the lower half is assigned.
      const stats = join(reg.dir, 'delegated-apnic-extended-20250601');
      writeFileSync(
        stats,
        ['2|apnic|20250601|1|19830613|20250531|+1000', 'apnic|*|ipv4|*|1|summary', 'apnic|ID|ipv4|198.51.100.0|256|20100415|allocated|A9186214', ''].join('\n'),
      );
      await importFiles(reg.db, { files: [stats], format: 'delegated', at: Date.parse('2025-06-01T00:00:00Z') }, quietLog);
      await importText(
        reg.db,
        reg.dir,
        [
          'inetnum: 198.51.100.0 - 198.51.100.127',
          'netname: CONTOH-NET',
          'descr: PT Contoh',
          'country: ID',
          'admin-c: NOC1-IDNIC',
          'tech-c: NOC1-IDNIC',
          'status: ASSIGNED PORTABLE',
          'mnt-by: MAINT-ID-CONTOH',
          'source: IDNIC',
          '',
        ].join('\n'),
        '2025-06-01T00:00:00Z',
      );
      const service = new LookupService(reg.db, testConfig(reg.path), quietLog);
      const covering = vi.spyOn(RangeStore.prototype, 'covering');
      expect(service.lookupAddress('198.51.100.200')).toMatchObject({ kind: 'notFound', notFound: { kind: 'not-assigned', registry: 'IDNIC' } });
      expect(covering).not.toHaveBeenCalled();
      covering.mockRestore();
      expect(service.lookupAddress('198.51.100.200', { at: new Date().toISOString() })).toMatchObject({ kind: 'notFound', notFound: { kind: 'not-assigned' } });
      expect(service.lookupAddress('198.51.100.20')).toMatchObject({ kind: 'ok', value: { holder: { key: '198.51.100.0 - 198.51.100.127' } } });
    } finally {
      reg.cleanup();
    }
  });
});
