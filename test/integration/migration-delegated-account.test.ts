// Schema migration 2 (src/store/migrations.ts): stores written before it kept a delegated
// record's account id as `org:`, so answers showed it as an organisation handle pointing
// nowhere. DESIGN §2 ("Space this registry does not manage"): "A delegated account id is an
// account, not an organisation handle: it never appears as `org:` pointing nowhere." Opening an
// old store (PRAGMA user_version 1) must turn every such `org:` into `opaque-id:` in place (same
// position, same order, every version, the reference rows too), leave RPSL and members objects'
// `org:` alone, and leave the store exactly as a fresh import would have written it: re-importing
// the same statistics then finds every record unchanged (no spurious new versions in history).
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/importers/run-import.js';
import { LookupService } from '../../src/query/service.js';
import { REGISTRY_MIGRATIONS } from '../../src/store/migrations.js';
import { openRegistryDb, type Db } from '../../src/store/db.js';
import { WhoisHandler } from '../../src/whois/handler.js';
import { importText, quietLog, tempRegistry, testConfig } from '../helpers/registry.js';

const HEADER = '2|apnic|20250601|5|19830613|20250531|+1000';
/** Two editions of APNIC's statistics: 192.0.2.128/25's record changes between them (a closed version). */
const STATS_V1 = [
  HEADER,
  'apnic|*|asn|*|1|summary',
  'apnic|*|ipv4|*|3|summary',
  'apnic|*|ipv6|*|1|summary',
  'apnic|ID|asn|64510|1|20160912|assigned|A91F3C07',
  'apnic|ID|ipv4|192.0.2.128|128|20160912|allocated|A91F3C07',
  'apnic|ID|ipv4|198.51.100.0|256|20100415|allocated|A9186214',
  'apnic|ID|ipv4|192.0.2.0|64|20240115|allocated|A9186214',
  'apnic|ID|ipv6|2001:db8::|32|20110824|allocated|A9186214',
  '',
].join('\n');
const STATS_V2 = STATS_V1.replace('192.0.2.128|128|20160912', '192.0.2.128|128|20170301');
const RECORDS = 5;

const RPSL = [
  'organisation: ORG-CTH1-IDNIC',
  'org-name: PT Contoh Jaringan',
  'org-type: LIR',
  'country: ID',
  'mnt-ref: MAINT-ID-CONTOH',
  'mnt-by: MAINT-ID-CONTOH',
  'source: IDNIC',
  '',
  'inetnum: 198.51.100.0 - 198.51.100.127',
  'netname: CONTOH-NET',
  'country: ID',
  'org: ORG-CTH1-IDNIC',
  'admin-c: NOC1-IDNIC',
  'tech-c: NOC1-IDNIC',
  'status: ALLOCATED PORTABLE',
  'mnt-by: MAINT-ID-CONTOH',
  'source: IDNIC',
  '',
].join('\n');

const MEMBERS = [
  'member_id,org_handle,org_name,opaque_id,country,resources,legal_contact_name,legal_contact_email,legal_contact_phone,abuse_email',
  'IDNIC-0001,ORG-CTH1-IDNIC,PT Contoh Jaringan,,ID,198.51.100.0/25,Meja Hukum,legal@contoh.example.id,+62 21 5550,abuse@contoh.example.id',
  '',
].join('\n');

interface Row {
  id: number;
  source: string;
  class: string;
  key: string;
  attributes: string;
  org: string | null;
  valid_to: number | null;
}
interface Ref {
  object_id: number;
  attribute: string;
  target: string;
}

const rows = (db: Db): Row[] => db.prepare<[], Row>('SELECT id, source, class, key, attributes, org, valid_to FROM objects ORDER BY id').all();
const refs = (db: Db): Ref[] => db.prepare<[], Ref>('SELECT object_id, attribute, target FROM refs ORDER BY object_id, attribute, target').all();
const isDelegated = (r: { source: string }) => r.source.startsWith('DELEGATED-');
const names = (r: Row) => (JSON.parse(r.attributes) as [string, string][]).map(([n]) => n);

function whoisFor(db: Db, path: string): (line: string) => string {
  const config = testConfig(path, { LACAK_PORT43: 'whois.lacak.example' });
  const handler = new WhoisHandler({
    service: new LookupService(db, config, quietLog),
    server: { host: 'whois.lacak.example', registry: config.registry, version: 'TEST' },
    limits: { queriesPerMinute: 600, bulkLines: 100 },
  });
  return (line) => handler.answer(line).lines.join('\n');
}

describe('migration 2: a delegated account stored as org: becomes opaque-id:', () => {
  const reg = tempRegistry();
  const v2File = join(reg.dir, 'delegated-apnic-extended-v2');
  /** The store as the current importer writes it: what the migration must arrive at. */
  let fresh: { rows: Row[]; refs: Ref[] };
  let migrated: Db;
  let controlPath: string;

  beforeAll(async () => {
    const v1File = join(reg.dir, 'delegated-apnic-extended-v1');
    writeFileSync(v1File, STATS_V1);
    writeFileSync(v2File, STATS_V2);
    const membersFile = join(reg.dir, 'members.csv');
    writeFileSync(membersFile, MEMBERS);
    await importFiles(reg.db, { files: [v1File], format: 'delegated', at: Date.parse('2025-05-31T00:00:00Z') }, quietLog);
    await importText(reg.db, reg.dir, RPSL, '2025-06-01T00:00:00Z');
    await importFiles(reg.db, { files: [membersFile], format: 'members-csv', at: Date.parse('2025-06-01T00:00:00Z') }, quietLog);
    await importFiles(reg.db, { files: [v2File], format: 'delegated', at: Date.parse('2025-06-30T00:00:00Z') }, quietLog);
    fresh = { rows: rows(reg.db), refs: refs(reg.db) };

    // An old store: every delegated version's account back under `org`, in the same place,
    // its reference rows too, and schema version 1.
    const delegatedIds = fresh.rows.filter(isDelegated).map((r) => r.id);
    const update = reg.db.prepare<[string, number]>('UPDATE objects SET attributes = ? WHERE id = ?');
    reg.db.transaction(() => {
      for (const r of fresh.rows.filter(isDelegated)) {
        const attributes = (JSON.parse(r.attributes) as [string, string][]).map(([n, v]) => (n === 'opaque-id' ? ['org', v] : [n, v]));
        update.run(JSON.stringify(attributes), r.id);
      }
      reg.db.prepare(`UPDATE refs SET attribute = 'org' WHERE attribute = 'opaque-id' AND object_id IN (${delegatedIds.join(',')})`).run();
    })();
    reg.db.pragma('user_version = 1');
    reg.db.close();
    // The same old store, kept aside unmigrated for the control below.
    controlPath = join(reg.dir, 'old-unmigrated.sqlite');
    copyFileSync(reg.path, controlPath);
    migrated = openRegistryDb(reg.path);
  });
  afterAll(() => {
    if (migrated?.open) migrated.close();
    reg.cleanup();
  });

  it('the fixture: the importer writes opaque-id:, and the simulated old store had org: in its place', () => {
    const delegated = fresh.rows.filter(isDelegated);
    // 5 current records and the closed version of 192.0.2.128/25.
    expect(delegated).toHaveLength(RECORDS + 1);
    expect(delegated.filter((r) => r.valid_to !== null)).toHaveLength(1);
    for (const r of delegated) {
      expect(names(r)).toContain('opaque-id');
      expect(names(r)).not.toContain('org');
      // What the old writer put in the org column too (the account): the migration selects on it.
      expect(r.org).toMatch(/^A9/);
    }
    const old = new Database(controlPath, { readonly: true });
    try {
      expect(old.pragma('user_version', { simple: true })).toBe(1);
      const oldRows = rows(old).filter(isDelegated);
      expect(oldRows).toHaveLength(RECORDS + 1);
      for (const r of oldRows) {
        expect(names(r)).toContain('org');
        expect(names(r)).not.toContain('opaque-id');
      }
      expect(refs(old).filter((r) => fresh.rows.find((o) => o.id === r.object_id && isDelegated(o))).map((r) => r.attribute)).toEqual(Array(RECORDS + 1).fill('org'));
    } finally {
      old.close();
    }
  });

  it('reopening upgrades the schema to the newest version', () => {
    expect(migrated.pragma('user_version', { simple: true })).toBe(REGISTRY_MIGRATIONS.length);
    expect(REGISTRY_MIGRATIONS.length).toBeGreaterThanOrEqual(2);
  });

  it('every delegated version says opaque-id: in the original position and order, byte for byte as a fresh import', () => {
    const after = rows(migrated);
    expect(after.filter(isDelegated)).toEqual(fresh.rows.filter(isDelegated));
    for (const r of after.filter(isDelegated)) {
      const attributes = JSON.parse(r.attributes) as [string, string][];
      // inetnum/inet6num: class, netname, country, opaque-id, ...; aut-num: class, as-name, country, opaque-id, ...
      expect(attributes[3]![0]).toBe('opaque-id');
      expect(attributes[3]![1]).toBe(r.org);
    }
  });

  it('reference rows of delegated versions say opaque-id; nothing refers to an account as org', () => {
    const after = refs(migrated);
    expect(after).toEqual(fresh.refs);
    const delegatedIds = new Set(fresh.rows.filter(isDelegated).map((r) => r.id));
    expect(after.filter((r) => delegatedIds.has(r.object_id)).map((r) => r.attribute)).toEqual(Array(RECORDS + 1).fill('opaque-id'));
    expect(after.filter((r) => r.attribute === 'org').map((r) => r.target)).not.toContain('A91F3C07');
  });

  it('leaves RPSL and members objects alone: their org: stays org:', () => {
    const after = rows(migrated).filter((r) => !isDelegated(r));
    expect(after).toEqual(fresh.rows.filter((r) => !isDelegated(r)));
    const inetnum = after.find((r) => r.class === 'inetnum' && r.source === 'IDNIC')!;
    expect(JSON.parse(inetnum.attributes)).toContainEqual(['org', 'ORG-CTH1-IDNIC']);
    const member = after.find((r) => r.source === 'MEMBERS')!;
    expect(names(member)).toContain('org');
    expect(refs(migrated)).toContainEqual({ object_id: inetnum.id, attribute: 'org', target: 'ORG-CTH1-IDNIC' });
  });

  it('WHOIS over the migrated store shows the account as opaque-id:, now and in the closed version, and no org: search finds it', () => {
    const whois = whoisFor(migrated, reg.path);
    for (const line of ['192.0.2.200', '--at 2025-06-15T00:00:00Z 192.0.2.200', 'AS64510']) {
      const text = whois(line);
      expect(text, line).toMatch(/^opaque-id:\s+A91F3C07$/m);
      expect(text, line).not.toMatch(/^org:/m);
    }
    expect(whois('192.0.2.200')).toMatch(/^% Registered with APNIC \(account A91F3C07\), not managed by IDNIC/m);
    expect(whois('-i org A91F3C07')).toMatch(/%ERROR:101/);
    // An RPSL network's org: still resolves, and an inverse search still finds it.
    expect(whois('198.51.100.7')).toMatch(/^org:\s+ORG-CTH1-IDNIC$/m);
    expect(whois('-r -i org ORG-CTH1-IDNIC')).toMatch(/^inetnum:\s+198\.51\.100\.0 - 198\.51\.100\.127$/m);
  });

  it('re-importing the same statistics afterwards finds every record unchanged', async () => {
    const report = await importFiles(migrated, { files: [v2File], format: 'delegated', at: Date.parse('2025-07-31T00:00:00Z') }, quietLog);
    expect({ created: report.created, changed: report.changed, deleted: report.deleted, unchanged: report.unchanged }).toEqual({
      created: 0,
      changed: 0,
      deleted: 0,
      unchanged: RECORDS,
    });
    // No new versions: 192.0.2.128/25's record has had the same two versions all along.
    const versions = whoisFor(migrated, reg.path)('--list-versions 192.0.2.128 - 192.0.2.255');
    expect(versions.match(/^\d+\s+\S+Z\s+ADD\/UPD$/gm), versions).toHaveLength(2);
  });

  it('(control) without the migration, the same re-import would have seen every record as changed', async () => {
    // Opened without openRegistryDb: no migration runs on this copy of the old store.
    const old = new Database(controlPath);
    try {
      const report = await importFiles(old, { files: [v2File], format: 'delegated', at: Date.parse('2025-07-31T00:00:00Z') }, quietLog);
      expect(report.changed).toBe(RECORDS);
      expect(report.unchanged).toBe(0);
    } finally {
      old.close();
    }
  });
});
