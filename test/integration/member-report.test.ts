// GET /me's report (query/member-report.ts) on a registry built to hold every kind of
// mistake a member can make, and on the sample registry, where a member sees its own space.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberReport, type Finding } from '../../src/query/member-report.js';
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
    const report = memberReport(service, 'org-test1-idnic');
    expect(report.organisation?.key).toBe('ORG-TEST1-IDNIC');
    expect(report.maintainers).toEqual(['MAINT-TEST']);
    expect(report.resources.map((r) => r.object.key)).toEqual(['192.0.2.0 - 192.0.2.255']);
    expect(report.resources[0]!.inside.map((o) => firstNetname(o.attributes))).toEqual(['UJI-CUST-A', 'UJI-SUB', 'UJI-CUST-B', 'UJI-CUST-C']);
  });

  it('finds every mistake, and nothing else', () => {
    expect(rules(memberReport(service, 'ORG-TEST1-IDNIC').findings)).toEqual(
      [
        'error overlap 192.0.2.0 - 192.0.2.63 & 192.0.2.48 - 192.0.2.95',
        'error outside-allocations 198.51.100.0 - 198.51.100.15',
        'error status-hierarchy 192.0.2.16 - 192.0.2.31 & 192.0.2.0 - 192.0.2.63',
        'warning no-abuse-contact 192.0.2.0 - 192.0.2.63',
        'warning no-abuse-contact 192.0.2.16 - 192.0.2.31',
        'warning no-abuse-contact 192.0.2.48 - 192.0.2.95',
      ].sort(),
    );
    expect(rules(memberReport(service, 'ORG-TEST2-IDNIC').findings)).toEqual([
      'error no-abuse-contact 203.0.113.0 - 203.0.113.255',
      'warning org-type 203.0.113.0 - 203.0.113.255 & ORG-TEST2-IDNIC',
    ]);
  });
});

function firstNetname(attributes: readonly (readonly [string, string])[]): string | undefined {
  return attributes.find(([n]) => n === 'netname')?.[1];
}
