// DESIGN §2 "Snapshots and time": one run is one snapshot replacing only the (source, class)
// pairs it contains; versions are valid between snapshots; refusals leave the data as it was.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LACAK_ERR } from '../../src/errors.js';
import { importFiles } from '../../src/importers/run-import.js';
import { LookupService } from '../../src/query/service.js';
import type { Db } from '../../src/store/db.js';
import { ObjectStore } from '../../src/store/objects.js';
import { importText, quietLog, tempRegistry, testConfig } from '../helpers/registry.js';

function inetnum(range: string, netname: string, org: string, extra = ''): string {
  return `inetnum:        ${range}
netname:        ${netname}
country:        ID
org:            ${org}
admin-c:        ADM1-IDNIC
tech-c:         ADM1-IDNIC
status:         ASSIGNED PORTABLE
mnt-by:         MAINT-IDNIC
${extra}source:         IDNIC
`;
}

function organisation(handle: string, name: string): string {
  return `organisation:   ${handle}
org-name:       ${name}
org-type:       OTHER
address:        Jakarta
e-mail:         noc@example.id
mnt-ref:        MAINT-IDNIC
mnt-by:         MAINT-IDNIC
source:         IDNIC
`;
}

const T1 = '2025-06-01T00:00:00Z';
const T2 = '2026-01-01T00:00:00Z';

function dump(parts: string[]): string {
  return parts.join('\n');
}

/** Everything stored, as comparable text: the state a refused import must not change. */
function snapshotOfDb(db: Db): string {
  const objects = db.prepare('SELECT id, source, class, key, valid_from, valid_to, attributes FROM objects ORDER BY id').all();
  const imports = db.prepare('SELECT id, snapshot_at FROM imports ORDER BY id').all();
  const snapshots = db.prepare('SELECT * FROM snapshots ORDER BY source, class, at').all();
  return JSON.stringify({ objects, imports, snapshots });
}

describe('snapshots and history', () => {
  let reg: ReturnType<typeof tempRegistry>;
  beforeEach(() => {
    reg = tempRegistry();
  });
  afterEach(() => reg.cleanup());

  const first = dump([
    organisation('ORG-A1-IDNIC', 'PT Alpha'),
    organisation('ORG-B1-IDNIC', 'PT Beta'),
    inetnum('192.0.2.0 - 192.0.2.63', 'ALPHA-NET', 'ORG-A1-IDNIC'),
    inetnum('192.0.2.64 - 192.0.2.127', 'BETA-NET', 'ORG-B1-IDNIC'),
    inetnum('192.0.2.128 - 192.0.2.191', 'GAMMA-NET', 'ORG-A1-IDNIC'),
    inetnum('192.0.2.192 - 192.0.2.255', 'DELTA-NET', 'ORG-A1-IDNIC'),
    inetnum('192.0.2.0 - 192.0.2.255', 'IDNIC-BLOCK', 'ORG-A1-IDNIC'),
  ]);
  // At T2: ALPHA changed holder, DELTA vanished, EPSILON is new.
  const second = dump([
    organisation('ORG-A1-IDNIC', 'PT Alpha'),
    organisation('ORG-B1-IDNIC', 'PT Beta'),
    inetnum('192.0.2.0 - 192.0.2.63', 'ALPHA-NEW', 'ORG-B1-IDNIC'),
    inetnum('192.0.2.64 - 192.0.2.127', 'BETA-NET', 'ORG-B1-IDNIC'),
    inetnum('192.0.2.128 - 192.0.2.191', 'GAMMA-NET', 'ORG-A1-IDNIC'),
    inetnum('192.0.2.0 - 192.0.2.255', 'IDNIC-BLOCK', 'ORG-A1-IDNIC'),
    inetnum('198.51.100.0 - 198.51.100.255', 'EPSILON-NET', 'ORG-B1-IDNIC'),
  ]);

  it('counts created, changed, deleted and unchanged objects per run', async () => {
    const r1 = await importText(reg.db, reg.dir, first, T1);
    expect([r1.created, r1.changed, r1.deleted, r1.unchanged]).toEqual([7, 0, 0, 0]);
    const r2 = await importText(reg.db, reg.dir, second, T2);
    expect([r2.created, r2.changed, r2.deleted, r2.unchanged]).toEqual([1, 1, 1, 5]);
  });

  it('answers as the registry stood at a time between, after and before the snapshots', async () => {
    await importText(reg.db, reg.dir, first, T1);
    await importText(reg.db, reg.dir, second, T2);
    const service = new LookupService(reg.db, testConfig(reg.path), quietLog);

    const between = service.lookupAddress('192.0.2.10', { at: '2025-09-01T12:00:00+07:00' });
    expect(between.kind).toBe('ok');
    if (between.kind !== 'ok') return;
    expect(between.value.holder.attributes).toContainEqual(['netname', 'ALPHA-NET']);
    const idnic = between.value.asOf.sources.find((s) => s.source === 'IDNIC')!;
    expect(new Date(idnic.snapshotAt).toISOString()).toBe('2025-06-01T00:00:00.000Z');
    expect(new Date(idnic.nextAt!).toISOString()).toBe('2026-01-01T00:00:00.000Z');

    const now = service.lookupAddress('192.0.2.10');
    expect(now.kind === 'ok' && now.value.holder.attributes).toContainEqual(['netname', 'ALPHA-NEW']);
    expect(now.kind === 'ok' && now.value.asOf.sources[0]!.nextAt).toBeNull();

    // The removed network: held at T1, falls back to the less specific block after T2.
    const removedThen = service.lookupAddress('192.0.2.200', { at: '2025-12-31T23:59:59Z' });
    expect(removedThen.kind === 'ok' && removedThen.value.holder.key).toBe('192.0.2.192 - 192.0.2.255');
    const removedNow = service.lookupAddress('192.0.2.200');
    expect(removedNow.kind === 'ok' && removedNow.value.holder.key).toBe('192.0.2.0 - 192.0.2.255');

    // The exact instant of a snapshot reads that snapshot.
    const atT2 = service.lookupAddress('192.0.2.10', { at: T2 });
    expect(atT2.kind === 'ok' && atT2.value.holder.attributes).toContainEqual(['netname', 'ALPHA-NEW']);

    const before = service.lookupAddress('192.0.2.10', { at: '2020-01-01T00:00:00Z' });
    expect(before).toMatchObject({ kind: 'userError', code: 'no-data-at-time' });
    expect(before.kind === 'userError' && before.message).toContain('no data for IDNIC before 2025-06-01');

    const zoneless = service.lookupAddress('192.0.2.10', { at: '2025-09-01T12:00:00' });
    expect(zoneless).toMatchObject({ kind: 'userError', code: 'bad-time' });
    const withTz = service.lookupAddress('192.0.2.10', { at: '2026-01-01T06:59:59', tz: 'Asia/Jakarta' });
    expect(withTz.kind === 'ok' && withTz.value.holder.attributes).toContainEqual(['netname', 'ALPHA-NET']);
    const withTzAfter = service.lookupAddress('192.0.2.10', { at: '2026-01-01T07:00:00', tz: 'Asia/Jakarta' });
    expect(withTzAfter.kind === 'ok' && withTzAfter.value.holder.attributes).toContainEqual(['netname', 'ALPHA-NEW']);
  });

  it('a split dump replaces only its own (source, class) pairs', async () => {
    await importText(reg.db, reg.dir, first, T1);
    // An inetnum-only dump at T2: the organisations are not in it and must stay current.
    const inetnumsOnly = second.split('\n\n').filter((p) => p.startsWith('inetnum')).join('\n\n');
    const r = await importText(reg.db, reg.dir, inetnumsOnly, T2);
    expect(r.pairs).toEqual([['IDNIC', 'inetnum']]);
    const store = new ObjectStore(reg.db);
    expect(store.byKey('ORG-A1-IDNIC', null)).toHaveLength(1);
    expect(store.byKey('192.0.2.192 - 192.0.2.255', null)).toHaveLength(0);
  });

  it('refuses a snapshot older than the source has, and changes nothing', async () => {
    await importText(reg.db, reg.dir, second, T2);
    const before = snapshotOfDb(reg.db);
    await expect(importText(reg.db, reg.dir, first, T1)).rejects.toMatchObject({ code: LACAK_ERR.SNAPSHOT_ORDER });
    expect(snapshotOfDb(reg.db)).toBe(before);
  });

  it('refuses to delete more than --max-delete of a pair unless allowed', async () => {
    await importText(reg.db, reg.dir, first, T1);
    const before = snapshotOfDb(reg.db);
    const truncated = dump([organisation('ORG-A1-IDNIC', 'PT Alpha'), organisation('ORG-B1-IDNIC', 'PT Beta'), inetnum('192.0.2.0 - 192.0.2.255', 'IDNIC-BLOCK', 'ORG-A1-IDNIC')]);
    await expect(importText(reg.db, reg.dir, truncated, T2)).rejects.toMatchObject({ code: LACAK_ERR.MASS_DELETE });
    expect(snapshotOfDb(reg.db)).toBe(before);
    await expect(importText(reg.db, reg.dir, truncated, T2, { maxDeletePct: 90 })).resolves.toMatchObject({ deleted: 4 });
  });

  it('reports a repeated key and keeps the first; --strict refuses the run', async () => {
    const twice = dump([first, inetnum('192.0.2.0 - 192.0.2.63', 'SECOND-COPY', 'ORG-A1-IDNIC')]);
    const issues: string[] = [];
    const r = await importText(reg.db, reg.dir, twice, T1, { onIssue: (i) => issues.push(`${i.line}:${i.code}`) });
    expect(r.rejected).toBe(1);
    expect(issues).toEqual([`${twice.split('\n').indexOf('netname:        SECOND-COPY')}:DUPLICATE_KEY`]);
    const held = new ObjectStore(reg.db).byKey('192.0.2.0 - 192.0.2.63', null);
    expect(held[0]!.attributes).toContainEqual(['netname', 'ALPHA-NET']);

    const other = tempRegistry();
    try {
      await expect(importText(other.db, other.dir, twice, T1, { strict: true })).rejects.toMatchObject({ code: LACAK_ERR.STRICT });
      expect(other.db.prepare('SELECT count(*) AS n FROM objects').get()).toEqual({ n: 0 });
    } finally {
      other.cleanup();
    }
  });

  it('a dry run reports and writes nothing', async () => {
    await importText(reg.db, reg.dir, first, T1);
    const before = snapshotOfDb(reg.db);
    const r = await importText(reg.db, reg.dir, second, T2, { dryRun: true });
    expect([r.created, r.changed, r.deleted]).toEqual([1, 1, 1]);
    expect(snapshotOfDb(reg.db)).toBe(before);
  });

  it('a truncated .gz fails the whole run and leaves the data untouched', async () => {
    await importText(reg.db, reg.dir, first, T1);
    const before = snapshotOfDb(reg.db);
    // Big enough that objects are written before the cut is reached.
    const many = Array.from({ length: 3000 }, (_, i) => inetnum(`198.51.100.${i % 256} - 198.51.100.${i % 256}`, `N${i}`, 'ORG-A1-IDNIC').replace('IDNIC\n', `IDNIC\nremarks:        copy ${i}\n`)).join('\n');
    const gz = gzipSync(Buffer.from(dump([second, many])));
    const file = join(reg.dir, 'cut.db.gz');
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length * 0.8)));
    await expect(importFiles(reg.db, { files: [file], format: 'rpsl', at: Date.parse(T2) }, quietLog)).rejects.toMatchObject({
      code: LACAK_ERR.FILE,
    });
    expect(snapshotOfDb(reg.db)).toBe(before);
  });
});
