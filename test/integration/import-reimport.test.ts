// Issue 16: a re-import knows the objects it already holds by the digest of their text and
// passes them on unparsed; a first load makes the index of references after the rows. Both
// must store exactly what the plain way stores.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LACAK_ERR } from '../../src/errors.js';
import type { Db } from '../../src/store/db.js';
import { ObjectStore } from '../../src/store/objects.js';
import { importText, tempRegistry } from '../helpers/registry.js';

function inetnum(range: string, netname: string, extra = ''): string {
  return `inetnum:        ${range}
netname:        ${netname}
country:        ID
admin-c:        NOC1-IDNIC
tech-c:         NOC1-IDNIC
status:         ASSIGNED PORTABLE
mnt-by:         MAINT-IDNIC
${extra}source:         IDNIC
`;
}

const ROLE = `role:           Network Operations
address:        Jakarta
e-mail:         noc@example.id
nic-hdl:        NOC1-IDNIC
mnt-by:         MAINT-IDNIC
source:         IDNIC
`;

// A local attribute: a warning, and the object is kept.
const WITH_WARNING = inetnum('192.0.2.128 - 192.0.2.255', 'LOCAL-NET', 'x-local:        kept anyway\n');

/** A registry this small loses a third of a class in one day: --max-delete would refuse it. */
const ALL_MAY_GO = { maxDeletePct: 100 };

const T1 = '2025-06-01T00:00:00Z';
const T2 = '2026-01-01T00:00:00Z';

const day1 = [ROLE, inetnum('192.0.2.0 - 192.0.2.63', 'ALPHA-NET'), inetnum('192.0.2.64 - 192.0.2.127', 'BETA-NET'), WITH_WARNING].join('\n');
// Next day: ALPHA changed, BETA gone, GAMMA new; the role and LOCAL-NET as they were.
const day2 = [ROLE, inetnum('192.0.2.0 - 192.0.2.63', 'ALPHA-NET', 'remarks:        renumbered\n'), WITH_WARNING, inetnum('198.51.100.0 - 198.51.100.255', 'GAMMA-NET')].join('\n');

/** What answers are made of: every version with its validity, and every reference. */
function stored(db: Db): string {
  return JSON.stringify([
    db.prepare('SELECT source, class, key, valid_from, valid_to, attributes, netname, name, status, org, family, first, last FROM objects ORDER BY source, class, key, valid_from').all(),
    db.prepare('SELECT o.key, o.valid_from, r.attribute, r.target FROM refs r JOIN objects o ON o.id = r.object_id ORDER BY 1, 2, 3, 4').all(),
  ]);
}

function indexes(db: Db): string[] {
  return db
    .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
    .all()
    .map((r) => r.sql);
}

describe('re-import by digest', () => {
  let reg: ReturnType<typeof tempRegistry>;
  let plain: ReturnType<typeof tempRegistry>;
  beforeEach(() => {
    reg = tempRegistry();
    plain = tempRegistry();
  });
  afterEach(() => {
    reg.cleanup();
    plain.cleanup();
  });

  it('stores what comparing every object stores, and counts the same', async () => {
    await importText(reg.db, reg.dir, day1, T1);
    const known = await importText(reg.db, reg.dir, day2, T2, ALL_MAY_GO);
    // The control: the same history with no digests to know objects by, so every object is compared.
    await importText(plain.db, plain.dir, day1, T1);
    plain.db.prepare('UPDATE objects SET digest = NULL').run();
    const compared = await importText(plain.db, plain.dir, day2, T2, ALL_MAY_GO);
    expect([known.created, known.changed, known.deleted, known.unchanged]).toEqual([1, 1, 1, 2]);
    expect([compared.created, compared.changed, compared.deleted, compared.unchanged]).toEqual([1, 1, 1, 2]);
    expect(stored(reg.db)).toBe(stored(plain.db));
    // The compared objects got their digests: the next import knows them too.
    expect(plain.db.prepare('SELECT count(*) AS n FROM objects WHERE valid_to IS NULL AND digest IS NULL').get()).toEqual({ n: 0 });
  });

  it("does not parse an unchanged object again: yesterday's warnings are not repeated; a dry run still reports them", async () => {
    const warned = async (db: Db, dir: string, text: string, at: string, dryRun = false) => {
      const codes: string[] = [];
      // (A dry run also names the maintainer no object here defines: not what this is about.)
      await importText(db, dir, text, at, { ...ALL_MAY_GO, dryRun, onIssue: (i) => codes.push(i.code) });
      return codes.filter((c) => c !== 'REF_UNRESOLVED');
    };
    expect(await warned(reg.db, reg.dir, day1, T1)).toEqual(['RPSL_UNKNOWN_ATTRIBUTE']);
    expect(await warned(reg.db, reg.dir, day2, T2, true)).toEqual(['RPSL_UNKNOWN_ATTRIBUTE']);
    expect(await warned(reg.db, reg.dir, day2, T2)).toEqual([]);
    // Without digests the object is parsed, and its warning reported again.
    await warned(plain.db, plain.dir, day1, T1);
    plain.db.prepare('UPDATE objects SET digest = NULL').run();
    expect(await warned(plain.db, plain.dir, day2, T2)).toEqual(['RPSL_UNKNOWN_ATTRIBUTE']);
  });

  it('an unchanged object given twice is a repeated key: the first is kept', async () => {
    await importText(reg.db, reg.dir, day1, T1);
    const issues: string[] = [];
    const twice = [day1, inetnum('192.0.2.0 - 192.0.2.63', 'ALPHA-NET')].join('\n');
    const r = await importText(reg.db, reg.dir, twice, T2, { onIssue: (i) => issues.push(`${i.line}:${i.code}:${i.message}`) });
    expect(r.rejected).toBe(1);
    expect(r.unchanged).toBe(4);
    const line = twice.split('\n').lastIndexOf('inetnum:        192.0.2.0 - 192.0.2.63') + 1;
    expect(issues).toEqual([`${line}:DUPLICATE_KEY:inetnum 192.0.2.0 - 192.0.2.63 (IDNIC) appears more than once in this run; the first is kept`]);
  });

  it('a changed object followed by its old text: the change stands, the old text is the repeat', async () => {
    await importText(reg.db, reg.dir, day1, T1);
    const changedThenOld = [ROLE, inetnum('192.0.2.0 - 192.0.2.63', 'ALPHA-NEW'), inetnum('192.0.2.0 - 192.0.2.63', 'ALPHA-NET'), WITH_WARNING].join('\n');
    const codes: string[] = [];
    const r = await importText(reg.db, reg.dir, changedThenOld, T2, { ...ALL_MAY_GO, onIssue: (i) => codes.push(i.code) });
    expect(codes).toEqual(['DUPLICATE_KEY']);
    expect([r.changed, r.rejected]).toEqual([1, 1]);
    const now = new ObjectStore(reg.db).byKey('192.0.2.0 - 192.0.2.63', null);
    expect(now.map((o) => o.attributes.find(([n]) => n === 'netname')?.[1])).toEqual(['ALPHA-NEW']);
  });

  it('the same text under another default source is another object, not a known one', async () => {
    const unsourced = day1.replace(/^source: .*\n/gm, '');
    await importText(reg.db, reg.dir, unsourced, T1, { source: 'IDNIC' });
    const r = await importText(reg.db, reg.dir, unsourced, T2, { source: 'APJII' });
    expect([r.created, r.unchanged]).toEqual([4, 0]);
    const sources = reg.db.prepare('SELECT DISTINCT source FROM objects WHERE valid_to IS NULL ORDER BY source').all();
    expect(sources).toEqual([{ source: 'APJII' }, { source: 'IDNIC' }]);
  });
});

describe('first load into an empty store', () => {
  let reg: ReturnType<typeof tempRegistry>;
  let fresh: ReturnType<typeof tempRegistry>;
  beforeEach(() => {
    reg = tempRegistry();
    fresh = tempRegistry();
  });
  afterEach(() => {
    reg.cleanup();
    fresh.cleanup();
  });

  it('leaves the schema as it found it and answers inverse lookups through the remade index', async () => {
    const schema = indexes(reg.db);
    expect(schema.some((sql) => sql.includes('refs_target'))).toBe(true);
    await importText(reg.db, reg.dir, day1, T1);
    expect(indexes(reg.db)).toEqual(schema);
    const plan = reg.db.prepare("EXPLAIN QUERY PLAN SELECT object_id FROM refs WHERE target = 'NOC1-IDNIC' AND attribute = 'admin-c'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX refs_target/);
    const admins = new ObjectStore(reg.db).inverse('admin-c', 'NOC1-IDNIC', null, 100);
    expect(admins.map((o) => o.key).sort()).toEqual(['192.0.2.0 - 192.0.2.63', '192.0.2.128 - 192.0.2.255', '192.0.2.64 - 192.0.2.127']);
  });

  it('stores what loading into a store that already holds something stores', async () => {
    await importText(reg.db, reg.dir, day1, T1);
    // Not empty: another source's object first, so this load keeps every index up as it goes.
    await importText(fresh.db, fresh.dir, ROLE.replace('source:         IDNIC', 'source:         OTHER').replace('NOC1-IDNIC', 'NOC9-OTHER'), T1);
    await importText(fresh.db, fresh.dir, day1, T1);
    fresh.db.prepare("DELETE FROM refs WHERE object_id IN (SELECT id FROM objects WHERE source = 'OTHER')").run();
    fresh.db.prepare("DELETE FROM objects WHERE source = 'OTHER'").run();
    expect(stored(reg.db)).toBe(stored(fresh.db));
  });

  it('a refused first load leaves the empty store with every index', async () => {
    const schema = indexes(reg.db);
    const twice = [day1, inetnum('192.0.2.0 - 192.0.2.63', 'AGAIN')].join('\n');
    await expect(importText(reg.db, reg.dir, twice, T1, { strict: true })).rejects.toMatchObject({ code: LACAK_ERR.STRICT });
    expect(indexes(reg.db)).toEqual(schema);
    expect(reg.db.prepare('SELECT (SELECT count(*) FROM objects) + (SELECT count(*) FROM refs) AS n').get()).toEqual({ n: 0 });
  });
});
