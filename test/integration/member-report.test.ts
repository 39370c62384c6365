// GET /me's report (query/member-report.ts) on a registry built to hold every kind of
// mistake a member can make, and on one built for the arithmetic of used and free space
// (unaligned ranges, overlaps, nesting, IPv6), AS numbers, routes and reverse zones (issue 14).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/importers/run-import.js';
import { formatRange } from '../../src/net/prefix.js';
import { memberReport, walk, type Finding, type MemberReport } from '../../src/query/member-report.js';
import { LookupService } from '../../src/query/service.js';
import { importText, quietLog, tempRegistry, testConfig } from '../helpers/registry.js';

const net = (range: string, netname: string, status: string, extra: string[] = []) =>
  [`inetnum: ${range}`, `netname: ${netname}`, 'country: ID', 'admin-c: TEST-NOC', 'tech-c: TEST-NOC', `status: ${status}`, ...extra, 'source: IDNIC', ''].join('\n');

const REGISTRY = [
  'organisation: ORG-TEST1-IDNIC\norg-name: PT Uji Satu\norg-type: LIR\nmnt-ref: MAINT-IDNIC\nmnt-by: MAINT-IDNIC\nsource: IDNIC\n',
  'organisation: ORG-TEST2-IDNIC\norg-name: CV Uji Dua\norg-type: OTHER\nmnt-ref: MAINT-IDNIC\nmnt-by: MAINT-IDNIC\nsource: IDNIC\n',
  'role: TEST ABUSE\nabuse-mailbox: abuse@uji.example.id\nnic-hdl: TEST-ABU\nmnt-by: MAINT-TEST\nsource: IDNIC\n',
  'role: TEST NOC\nnic-hdl: TEST-NOC\nmnt-by: MAINT-TEST\nsource: IDNIC\n',
  net('192.0.2.0 - 192.0.2.255', 'UJI-ALLOC', 'ALLOCATED PORTABLE', ['org: ORG-TEST1-IDNIC', 'abuse-c: TEST-ABU', 'mnt-by: MAINT-IDNIC', 'mnt-lower: MAINT-TEST']),
  // Inherits its abuse contact; holds an allocation, which an assignment may not.
  net('192.0.2.0 - 192.0.2.63', 'UJI-CUST-A', 'ASSIGNED NON-PORTABLE', ['mnt-by: MAINT-TEST']),
  net('192.0.2.16 - 192.0.2.31', 'UJI-SUB', 'ALLOCATED NON-PORTABLE', ['mnt-by: MAINT-TEST']),
  // Overlaps customer A without either holding the other.
  net('192.0.2.48 - 192.0.2.95', 'UJI-CUST-B', 'ASSIGNED NON-PORTABLE', ['mnt-by: MAINT-TEST']),
  // Correct: its own abuse contact, inside the allocation.
  net('192.0.2.128 - 192.0.2.191', 'UJI-CUST-C', 'ASSIGNED NON-PORTABLE', ['mnt-by: MAINT-TEST', 'abuse-c: TEST-ABU']),
  // Maintained by the member, outside its allocation.
  net('198.51.100.0 - 198.51.100.15', 'UJI-STRAY', 'ASSIGNED NON-PORTABLE', ['mnt-by: MAINT-TEST', 'abuse-c: TEST-ABU']),
  // An allocation held by an organisation that is no LIR, with no abuse contact at all.
  net('203.0.113.0 - 203.0.113.255', 'DUA-ALLOC', 'ALLOCATED PORTABLE', ['org: ORG-TEST2-IDNIC', 'mnt-by: MAINT-IDNIC', 'mnt-lower: MAINT-DUA']),
].join('\n');

const rules = (findings: readonly Finding[]) => findings.map((f) => `${f.severity} ${f.rule} ${f.objects.join(' & ')}`).sort();

describe('member report', () => {
  const reg = tempRegistry();
  let service: LookupService;

  beforeAll(async () => {
    await importText(reg.db, reg.dir, REGISTRY, '2026-01-01T00:00:00Z');
    service = new LookupService(reg.db, testConfig(reg.path), quietLog);
  });
  afterAll(() => reg.cleanup());

  it('lists what the member holds and the networks inside it', () => {
    const report = reportOf(service, 'org-test1-idnic');
    expect(report.organisation?.key).toBe('ORG-TEST1-IDNIC');
    expect(report.maintainers).toEqual(['MAINT-TEST']);
    expect(report.networks.map((r) => r.object.key)).toEqual(['192.0.2.0 - 192.0.2.255']);
    expect([...walk(report.networks[0]!)].slice(1).map((n) => firstNetname(n.object.attributes))).toEqual(['UJI-CUST-A', 'UJI-SUB', 'UJI-CUST-B', 'UJI-CUST-C']);
  });

  it('finds every mistake, and nothing else', () => {
    expect(rules(reportOf(service, 'ORG-TEST1-IDNIC').findings)).toEqual(
      [
        'error overlap 192.0.2.0 - 192.0.2.63 & 192.0.2.48 - 192.0.2.95',
        'error outside-allocations 198.51.100.0 - 198.51.100.15',
        'error status-hierarchy 192.0.2.16 - 192.0.2.31 & 192.0.2.0 - 192.0.2.63',
        'warning no-abuse-contact 192.0.2.0 - 192.0.2.63',
        'warning no-abuse-contact 192.0.2.16 - 192.0.2.31',
        'warning no-abuse-contact 192.0.2.48 - 192.0.2.95',
      ].sort(),
    );
    expect(rules(reportOf(service, 'ORG-TEST2-IDNIC').findings)).toEqual([
      'error no-abuse-contact 203.0.113.0 - 203.0.113.255',
      'warning org-type 203.0.113.0 - 203.0.113.255 & ORG-TEST2-IDNIC',
    ]);
  });
});

/** The report now; a user error fails the test. */
function reportOf(service: LookupService, org: string): MemberReport {
  const outcome = memberReport(service, org);
  if (outcome.kind !== 'ok') throw new Error(`no report: ${outcome.kind}`);
  return outcome.value;
}

function firstNetname(attributes: readonly (readonly [string, string])[]): string | undefined {
  return attributes.find(([n]) => n === 'netname')?.[1];
}

// ---- the member's space, AS numbers, routes and reverse zones -------------------------------

const NIC = (handle: string) => `role: ${handle} ROLE\nnic-hdl: ${handle}\nabuse-mailbox: abuse@${handle.toLowerCase()}.example.id\nmnt-by: MAINT-NIR\nsource: IDNIC\n`;
const inet = (key: 'inetnum' | 'inet6num', range: string, netname: string, status: string, extra: string[] = []) =>
  [`${key}: ${range}`, `netname: ${netname}`, 'country: ID', 'admin-c: ARI-NOC', 'tech-c: ARI-NOC', `status: ${status}`, ...extra, 'source: IDNIC', ''].join('\n');
const customer = (key: 'inetnum' | 'inet6num', range: string, netname: string, status = 'ASSIGNED NON-PORTABLE') => inet(key, range, netname, status, ['mnt-by: MAINT-ARI']);
const route = (cls: 'route' | 'route6', prefix: string, origin: string, maintainer: string, source = 'IDNIC') =>
  `${cls}: ${prefix}\ndescr: test route\norigin: ${origin}\nmnt-by: ${maintainer}\nsource: ${source}\n`;
const zone = (name: string, maintainer: string) =>
  `domain: ${name}\nadmin-c: ARI-NOC\ntech-c: ARI-NOC\nzone-c: ARI-NOC\nnserver: ns1.${maintainer.toLowerCase()}.example.id\nmnt-by: ${maintainer}\nsource: IDNIC\n`;
const autnum = (asn: string, source: string) =>
  `aut-num: ${asn}\nas-name: ARI-AS\norg: ORG-ARI1-IDNIC\nadmin-c: ARI-NOC\ntech-c: ARI-NOC\nmnt-by: MAINT-NIR\nsource: ${source}\n`;

const SPACE_REGISTRY = [
  NIC('ARI-NOC'),
  'organisation: ORG-ARI1-IDNIC\norg-name: PT Arimbi Data\norg-type: LIR\nmnt-ref: MAINT-NIR\nmnt-by: MAINT-NIR\nsource: IDNIC\n',
  // The registry's blocks around the member's: its maintainer is the registry's, not the member's.
  inet('inetnum', '192.0.2.0 - 192.0.2.255', 'NIR-POOL-V4', 'ALLOCATED PORTABLE', ['mnt-by: MAINT-NIR']),
  inet('inet6num', '2001:db8::/32', 'NIR-POOL-V6', 'ALLOCATED PORTABLE', ['mnt-by: MAINT-NIR']),
  // 200 addresses, on no CIDR boundary at either end.
  inet('inetnum', '192.0.2.10 - 192.0.2.209', 'ARI-V4', 'ALLOCATED PORTABLE', ['org: ORG-ARI1-IDNIC', 'abuse-c: ARI-NOC', 'mnt-by: MAINT-NIR', 'mnt-lower: MAINT-ARI']),
  customer('inetnum', '192.0.2.10 - 192.0.2.29', 'CUST-ONE'),
  // Inside CUST-ONE: listed under it, counted once.
  customer('inetnum', '192.0.2.12 - 192.0.2.15', 'CUST-ONE-SUB'),
  // Overlaps CUST-ONE by five addresses (25-29), which count once.
  customer('inetnum', '192.0.2.25 - 192.0.2.44', 'CUST-TWO'),
  // A sub-allocation to a downstream ISP, its customers two and three deep.
  customer('inetnum', '192.0.2.100 - 192.0.2.163', 'DOWNSTREAM', 'ALLOCATED NON-PORTABLE'),
  customer('inetnum', '192.0.2.100 - 192.0.2.107', 'DOWN-CUST'),
  customer('inetnum', '192.0.2.104 - 192.0.2.105', 'DOWN-CUST-LINK'),
  customer('inetnum', '192.0.2.150 - 192.0.2.152', 'DOWN-ODD'),
  customer('inetnum', '192.0.2.200 - 192.0.2.209', 'CUST-LAST'),
  inet('inet6num', '2001:db8:a00::/40', 'ARI-V6', 'ALLOCATED PORTABLE', ['org: ORG-ARI1-IDNIC', 'abuse-c: ARI-NOC', 'mnt-by: MAINT-NIR', 'mnt-lower: MAINT-ARI']),
  customer('inet6num', '2001:db8:a00::/48', 'CUST-V6-48'),
  customer('inet6num', '2001:db8:a00:1::/64', 'CUST-V6-48-SUB'),
  customer('inet6num', '2001:db8:a01::/56', 'CUST-V6-56'),
  // Smaller than a /64: the /64 it lies in counts as used.
  customer('inet6num', '2001:db8:a02:5::100/120', 'CUST-V6-LINK'),
  // One AS number, registered in two sources; the members list adds one with no aut-num.
  autnum('AS64500', 'IDNIC'),
  autnum('AS64500', 'APNIC'),
  route('route', '192.0.2.0/24', 'AS64500', 'MAINT-ARI'),
  route('route', '192.0.2.128/27', 'AS64511', 'MAINT-CUST'),
  route('route', '203.0.113.0/24', 'AS64500', 'MAINT-CUST'),
  route('route', '198.51.100.0/24', 'AS64499', 'MAINT-ARI'),
  route('route6', '2001:db8:a00::/40', 'AS64500', 'MAINT-NIR'),
  route('route', '198.51.100.128/25', 'AS64499', 'MAINT-OTHER'),
  // The registry's /24 delegates inside it; the member's classless zone; its own IPv6 zone
  // (the registry made it); a customer's /48 zone; zones that are not its.
  zone('2.0.192.in-addr.arpa', 'MAINT-NIR'),
  zone('128/26.2.0.192.in-addr.arpa', 'MAINT-ARI'),
  zone('a.0.8.b.d.0.1.0.0.2.ip6.arpa', 'MAINT-NIR'),
  zone('0.0.a.0.8.b.d.0.1.0.0.2.ip6.arpa', 'MAINT-CUST'),
  zone('100.51.198.in-addr.arpa', 'MAINT-OTHER'),
  zone('113.0.203.in-addr.arpa', 'MAINT-ARI'),
].join('\n');

const SPACE_MEMBERS = [
  'member_id,org_handle,org_name,resources,legal_contact_name,legal_contact_email,legal_contact_phone',
  'IDNIC-0900,ORG-ARI1-IDNIC,PT Arimbi Data,192.0.2.10-192.0.2.209 2001:db8:a00::/40 AS64500 AS64501,Legal Desk Arimbi,legal@arimbi.example.id,+62 21 5550 9000',
].join('\n');

describe("a member's space, AS numbers, routes and reverse zones", () => {
  const reg = tempRegistry();
  let report: MemberReport;

  beforeAll(async () => {
    await importText(reg.db, reg.dir, SPACE_REGISTRY, '2026-01-01T00:00:00Z', { strict: true });
    const csv = join(reg.dir, 'members.csv');
    writeFileSync(csv, SPACE_MEMBERS + '\n');
    await importFiles(reg.db, { files: [csv], format: 'members-csv', at: Date.parse('2026-01-01T00:00:00Z'), strict: true }, quietLog);
    report = reportOf(new LookupService(reg.db, testConfig(reg.path), quietLog), 'ORG-ARI1-IDNIC');
  });
  afterAll(() => reg.cleanup());

  const tree = (key: string) => {
    const top = report.networks.find((n) => n.object.key === key);
    if (!top) throw new Error(`no network ${key}`);
    return [...walk(top)].map((n) => `${'  '.repeat(n.depth)}${firstNetname(n.object.attributes)}`);
  };
  const node = (netname: string) => report.networks.flatMap((n) => [...walk(n)]).find((n) => firstNetname(n.object.attributes) === netname)!;

  it('nests the customer networks as they lie, overlapping ones side by side', () => {
    expect(tree('192.0.2.10 - 192.0.2.209')).toEqual([
      'ARI-V4',
      '  CUST-ONE',
      '    CUST-ONE-SUB',
      '  CUST-TWO',
      '  DOWNSTREAM',
      '    DOWN-CUST',
      '      DOWN-CUST-LINK',
      '    DOWN-ODD',
      '  CUST-LAST',
    ]);
    expect(tree('2001:db8:a00::/40')).toEqual(['ARI-V6', '  CUST-V6-48', '    CUST-V6-48-SUB', '  CUST-V6-56', '  CUST-V6-LINK']);
    expect(node('DOWN-CUST-LINK').parent?.key).toBe('192.0.2.100 - 192.0.2.107');
  });

  it('counts used and free IPv4 addresses of an unaligned allocation, overlaps and nesting once', () => {
    // 10-44 (CUST-ONE ∪ CUST-TWO: 35), 100-163 (64), 200-209 (10).
    expect(node('ARI-V4').space).toEqual({ unit: 'address', total: 200n, used: 109n, free: 91n });
    // The sub-allocation's own: 100-107 (8, DOWN-CUST-LINK inside it) and 150-152 (3).
    expect(node('DOWNSTREAM').space).toEqual({ unit: 'address', total: 64n, used: 11n, free: 53n });
    // Assignments carry no space figures.
    expect(node('CUST-ONE').space).toBeNull();
  });

  it('counts IPv6 in /64s: a /48 is 65,536, a /56 256, anything inside one /64 one', () => {
    const total = 1n << 24n;
    const used = 65_536n + 256n + 1n;
    expect(node('ARI-V6').space).toEqual({ unit: '/64', total, used, free: total - used });
  });

  it('lists each AS number once, with every source that registers it and the members list', () => {
    expect(report.autnums.map((a) => ({ asn: a.asn, sources: a.objects.map((o) => o.source), inMembersList: a.inMembersList }))).toEqual([
      { asn: 64500, sources: ['IDNIC', 'APNIC'], inMembersList: true },
      { asn: 64501, sources: [], inMembersList: true },
    ]);
  });

  it("lists the routes of its AS numbers, of its space and of its maintainers, saying why", () => {
    expect(report.routes.map((r) => `${r.object.key} ${r.why.join('+')}`)).toEqual([
      '192.0.2.0/24AS64500 origin+maintainer',
      '192.0.2.128/27AS64511 space',
      '198.51.100.0/24AS64499 maintainer',
      '203.0.113.0/24AS64500 origin',
      '2001:db8:a00::/40AS64500 origin+space',
    ]);
  });

  it('lists the reverse zones of its space: the one around it, its own, classless ones and those inside', () => {
    expect(report.reverseZones.map((z) => `${z.object.key} ${z.relation} ${z.space ? formatRange(z.space) : '-'}`)).toEqual([
      '2.0.192.in-addr.arpa covering 192.0.2.0 - 192.0.2.255',
      '128/26.2.0.192.in-addr.arpa inside 192.0.2.128 - 192.0.2.191',
      'a.0.8.b.d.0.1.0.0.2.ip6.arpa inside 2001:db8:a00::/40',
      '0.0.a.0.8.b.d.0.1.0.0.2.ip6.arpa inside 2001:db8:a00::/48',
    ]);
  });

  it("includes its row of the members list with the legal-request desk", () => {
    expect(report.maintainers).toEqual(['MAINT-ARI']);
    expect(report.record?.key).toBe('IDNIC-0900');
    expect(report.legalContact).toEqual({ name: 'Legal Desk Arimbi', email: 'legal@arimbi.example.id', phone: '+62 21 5550 9000' });
  });
});
