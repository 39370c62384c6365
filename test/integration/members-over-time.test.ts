// The members list changes only when it is imported: an answer for a past instant names the
// member as the list stood then, whatever was asked before (the list is kept per snapshot).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/importers/run-import.js';
import { LookupService } from '../../src/query/service.js';
import { importText, quietLog, tempRegistry, testConfig } from '../helpers/registry.js';

const HEADER = 'member_id,org_handle,org_name,opaque_id,country,resources,legal_contact_name,legal_contact_email,legal_contact_phone,abuse_email';

describe('members list over time', () => {
  const reg = tempRegistry();
  let service: LookupService;

  beforeAll(async () => {
    // No organisation object: the holder's name comes from the members list.
    await importText(
      reg.db,
      reg.dir,
      [
        'inetnum: 192.0.2.0 - 192.0.2.255',
        'netname: CONTOH-ID',
        'descr: from the descr line',
        'country: ID',
        'org: ORG-CTH1-IDNIC',
        'admin-c: NOC1-IDNIC',
        'tech-c: NOC1-IDNIC',
        'status: ALLOCATED PORTABLE',
        'mnt-by: MAINT-ID-CONTOH',
        'source: IDNIC',
        '',
      ].join('\n'),
      '2025-01-01T00:00:00Z',
    );
    const lists = [
      ['2025-01-01T00:00:00Z', 'PT Contoh Lama', 'legal-lama@contoh.example.id'],
      ['2026-01-01T00:00:00Z', 'PT Contoh Baru', 'legal-baru@contoh.example.id'],
    ] as const;
    for (const [at, name, legal] of lists) {
      const file = join(reg.dir, `members-${at.slice(0, 4)}.csv`);
      writeFileSync(file, `${HEADER}\nIDNIC-0001,ORG-CTH1-IDNIC,${name},,ID,192.0.2.0/24,Meja Hukum,${legal},+62 21 5550,abuse@contoh.example.id\n`);
      await importFiles(reg.db, { files: [file], format: 'members-csv', at: Date.parse(at) }, quietLog);
    }
    service = new LookupService(reg.db, testConfig(reg.path), quietLog);
  });
  afterAll(() => reg.cleanup());

  const at = (when: string | undefined) => {
    const outcome = service.lookupAddress('192.0.2.7', when ? { at: when } : {});
    if (outcome.kind !== 'ok') throw new Error(`no answer at ${when}: ${JSON.stringify(outcome)}`);
    return { holder: outcome.value.holderName?.text, member: outcome.value.member?.name, legal: outcome.value.member?.legalContact?.email };
  };

  it('names the member as the list stood at each instant, in any order of asking', () => {
    const then = { holder: 'PT Contoh Lama', member: 'PT Contoh Lama', legal: 'legal-lama@contoh.example.id' };
    const later = { holder: 'PT Contoh Baru', member: 'PT Contoh Baru', legal: 'legal-baru@contoh.example.id' };
    expect(at(undefined)).toEqual(later);
    expect(at('2025-06-01T00:00:00Z')).toEqual(then);
    expect(at('2026-06-01T00:00:00Z')).toEqual(later);
    // The instant a list was imported belongs to that list; the instant before, to the one before.
    expect(at('2026-01-01T00:00:00Z')).toEqual(later);
    expect(at('2025-12-31T23:59:59Z')).toEqual(then);
    expect(at('2025-01-01T00:00:00Z')).toEqual(then);
    expect(at(undefined)).toEqual(later);
  });
});
