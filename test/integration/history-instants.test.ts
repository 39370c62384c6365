// The holders of an address over time are asked only where they can change (where a covering
// network's version began or ended, and the first instant anything is answered). They must be
// exactly what asking at every snapshot gives: checked against that brute force on a registry
// whose networks appear, change, nest, vanish and return, and on the whole sample registry.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/importers/run-import.js';
import { formatIp } from '../../src/net/ip.js';
import { LookupService } from '../../src/query/service.js';
import { importText, quietLog, tempRegistry, testConfig } from '../helpers/registry.js';
import { sampleService, type SampleService } from '../helpers/sample-app.js';

/** The holders by asking at every snapshot instant, merged into periods as the service does. */
function everySnapshot(service: LookupService, address: string): [number, number | null, number][] {
  const instants = [...new Set(service.objects.snapshots().map((s) => s.at))].sort((a, b) => a - b);
  const records: [number, number | null, number][] = [];
  for (const instant of instants) {
    const outcome = service.lookupAddress(address, { at: new Date(instant).toISOString() });
    if (outcome.kind === 'userError') continue;
    const holder = outcome.kind === 'ok' ? outcome.value.holder.id : null;
    const last = records.at(-1);
    if (last && last[1] === null) {
      if (holder !== null && last[2] === holder) continue;
      last[1] = instant;
    }
    if (holder !== null) records.push([instant, null, holder]);
  }
  return records;
}

function asked(service: LookupService, address: string): [number, number | null, number][] {
  const outcome = service.addressHistory(address);
  return outcome.kind === 'ok' ? outcome.value.records.map((r) => [r.from, r.until, r.value.holder.id]) : [];
}

function inetnum(range: string, netname: string, status: string, descr: string): string {
  return [`inetnum: ${range}`, `netname: ${netname}`, `descr: ${descr}`, 'country: ID', 'admin-c: NOC1-IDNIC', 'tech-c: NOC1-IDNIC', `status: ${status}`, 'mnt-by: MAINT-ID-CONTOH', 'source: IDNIC', ''].join('\n');
}

describe('holders over time, asked only where they can change', () => {
  const reg = tempRegistry();
  let service: LookupService;

  beforeAll(async () => {
    const a = (descr: string) => inetnum('192.0.2.0 - 192.0.2.255', 'CONTOH-A', 'ALLOCATED PORTABLE', descr);
    const b = inetnum('192.0.2.0 - 192.0.2.63', 'CONTOH-B', 'ASSIGNED NON-PORTABLE', 'PT B');
    const c = inetnum('192.0.2.128 - 192.0.2.191', 'CONTOH-C', 'ASSIGNED PORTABLE', 'PT C');
    const d = inetnum('192.0.2.100 - 192.0.2.200', 'CONTOH-D', 'ASSIGNED PORTABLE', 'PT D (not aligned)');
    const snapshots: [string, string[]][] = [
      ['2020-01-01T00:00:00Z', [a('PT A')]],
      ['2021-01-01T00:00:00Z', [a('PT A'), b]],
      ['2022-01-01T00:00:00Z', [a('PT A, renamed'), c]],
      ['2023-01-01T00:00:00Z', [a('PT A, renamed'), c]],
      ['2024-01-01T00:00:00Z', [c, d]],
      ['2025-01-01T00:00:00Z', [a('PT A returns'), b, d]],
    ];
    // Whole networks vanish between snapshots here, on purpose.
    for (const [at, objects] of snapshots) await importText(reg.db, reg.dir, objects.join('\n'), at, { allowMassDelete: true });
    // A source whose first snapshot is no change of any network: nothing is answered before it.
    const members = join(reg.dir, 'members.csv');
    writeFileSync(members, 'member_id,org_handle,org_name,opaque_id,country,resources,legal_contact_name,legal_contact_email,legal_contact_phone,abuse_email\nIDNIC-0009,ORG-LAIN1-IDNIC,PT Lain,,ID,,Meja Hukum,legal@lain.example.id,+62 21 5550,abuse@lain.example.id\n');
    await importFiles(reg.db, { files: [members], format: 'members-csv', at: Date.parse('2021-06-01T00:00:00Z') }, quietLog);
    service = new LookupService(reg.db, testConfig(reg.path), quietLog);
  });
  afterAll(() => reg.cleanup());

  it('gives every address the same periods and holders as asking at every snapshot', () => {
    let periods = 0;
    for (let last = 0; last < 256; last += 4) {
      for (const address of [`192.0.2.${last}`, `192.0.2.${last + 3}`]) {
        const expected = everySnapshot(service, address);
        expect(asked(service, address), address).toEqual(expected);
        periods += expected.length;
      }
    }
    // The registry really changes: many periods, and the first begins where members begin.
    expect(periods).toBeGreaterThan(200);
    expect(asked(service, '192.0.2.10')[0]![0]).toBe(Date.parse('2021-06-01T00:00:00Z'));
  });
});

describe('holders over time on the sample registry', () => {
  let s: SampleService;
  beforeAll(async () => {
    s = await sampleService();
  });
  afterAll(() => s?.close());

  it('are the same as asking at every snapshot, at every range boundary', () => {
    const rows = s.service.objects.database
      .prepare<[], { family: 4 | 6; first: Buffer; last: Buffer }>("SELECT DISTINCT family, first, last FROM objects WHERE class IN ('inetnum', 'inet6num')")
      .all();
    const addresses = new Set<string>();
    for (const r of rows) {
      for (const key of [r.first, r.last]) addresses.add(formatIp(r.family, BigInt(`0x${key.toString('hex')}`)));
    }
    expect(addresses.size).toBeGreaterThan(40);
    for (const address of addresses) expect(asked(s.service, address), address).toEqual(everySnapshot(s.service, address));
  });
});
