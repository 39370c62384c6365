// Real RPSL files: the RIPE whois test dumps, which the repository carries
// (test/fixtures/rpsl/ripe-test, BSD), and the 2013 GRS extracts of APNIC, AFRINIC, RIPE, RADB,
// JPIRR, LACNIC and ARIN, which it may not (real registry data under each registry's terms), read
// from LACAK_TEST_SHARED_DATA when it is set. Expected numbers come from the raw text with plain
// regular expressions, never from the parser under test.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../../src/importers/input.js';
import type { DataIssue, RegistryObject, RpslObject } from '../../../src/model/types.js';
import { parseRpsl } from '../../../src/rpsl/parse.js';
import { toRegistryObject } from '../../../src/rpsl/to-model.js';
import { SHARED_DATA, withoutSharedData } from '../../helpers/shared-data.js';

/** Files are named as in the registry's shared data (rpsl/...), wherever they are read from. */
const CARRIED = fileURLToPath(new URL('../../fixtures/rpsl/ripe-test/', import.meta.url));
const NO_GRS = withoutSharedData(
  'the 2013 GRS extracts (APNIC, AFRINIC, RIPE, RADB, JPIRR, LACNIC, ARIN) in this file; the RIPE test dumps still run',
  "they are real registry data under each registry's terms, which the repository may not carry",
);
const GRS_DIR = SHARED_DATA === undefined ? undefined : join(SHARED_DATA, 'rpsl', 'grs-dumps');

function rpslFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? rpslFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .filter((f) => !f.endsWith('.md'))
    .sort();
}

/** A file's name as the tests speak of it: `TEST.db`, `grs-dumps/apnic.test`. */
function nameOf(file: string): string {
  return GRS_DIR !== undefined && file.startsWith(GRS_DIR) ? `grs-dumps/${relative(GRS_DIR, file)}` : relative(CARRIED, file);
}

function pathOf(name: string): string {
  return name.startsWith('grs-dumps/') ? join(GRS_DIR!, name.slice('grs-dumps/'.length)) : join(CARRIED, name);
}

const FILES = [...rpslFiles(CARRIED), ...(GRS_DIR === undefined ? [] : rpslFiles(GRS_DIR))];
/** Not RPSL: LACNIC's and ARIN's own bulk formats, in the same directory for GRS tests. */
const FOREIGN_FORMATS = new Set(['grs-dumps/lacnic.test', 'grs-dumps/arin_db.txt']);

function rawText(file: string): string {
  // latin1 keeps one character per byte, so LACNIC's ISO-8859-1 file cannot shift anything.
  return readFileSync(file, 'latin1').replace(/\r/g, '');
}

/** Paragraph openers: a line after start-of-file or a blank line, past any %/# comment lines. */
function expectedClassCounts(text: string): { classes: Map<string, number>; unclassed: number } {
  const classes = new Map<string, number>();
  let unclassed = 0;
  const opener = /(?:^|\n[ \t]*\n)(?:[%#][^\n]*\n)*([^\s%#][^\n]*)/g;
  for (const m of text.matchAll(opener)) {
    const name = /^([A-Za-z0-9][A-Za-z0-9_-]*):/.exec(m[1]!)?.[1];
    if (name) classes.set(name.toLowerCase(), (classes.get(name.toLowerCase()) ?? 0) + 1);
    else unclassed++;
  }
  return { classes, unclassed };
}

interface FileResult {
  objects: RpslObject[];
  nullObjects: number;
  issues: DataIssue[];
}

async function parseFile(path: string): Promise<FileResult> {
  const result: FileResult = { objects: [], nullObjects: 0, issues: [] };
  for await (const parsed of parseRpsl(readLines(path), nameOf(path))) {
    if (parsed.object) result.objects.push(parsed.object);
    else result.nullObjects++;
    result.issues.push(...parsed.issues);
  }
  return result;
}

function countClasses(objects: readonly RpslObject[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.className, (counts.get(o.className) ?? 0) + 1);
  return counts;
}

describe('real RPSL files', () => {
  it('finds the files', () => {
    expect(FILES.map(nameOf)).toEqual([
      'TEST.db',
      'TEST_ADDITIONAL_LOAD_DUMP.db',
      'TEST_ADDITIONAL_LOAD_DUMP_WITH_ERROR.db',
      'TEST_BOOTSTRAP_LOAD_DUMP.db',
      ...(NO_GRS
        ? []
        : [
            'grs-dumps/afrinic.test',
            'grs-dumps/apnic.test',
            'grs-dumps/arin_db.txt',
            'grs-dumps/jpirr.test',
            'grs-dumps/lacnic.test',
            'grs-dumps/radb.test',
            'grs-dumps/ripe.test',
          ]),
    ]);
  });

  for (const file of FILES) {
    const name = nameOf(file);
    it(`${name}: one object per paragraph, classes counted as in the raw text`, async () => {
      const { classes, unclassed } = expectedClassCounts(rawText(file));
      const result = await parseFile(file);
      expect(countClasses(result.objects)).toEqual(classes);
      expect(result.nullObjects).toBe(unclassed);
      // Every object records its first line, and that line opens it in the raw file.
      const rawLines = rawText(file).split('\n');
      for (const o of result.objects) {
        expect(rawLines[o.line - 1]!.toLowerCase().startsWith(`${o.className}:`)).toBe(true);
        for (const a of o.attributes) expect(rawLines[a.line - 1]!.toLowerCase().startsWith(`${a.name}:`)).toBe(true);
      }
    });
  }

  it('TEST.db holds the classes PROVENANCE.md lists', async () => {
    const result = await parseFile(pathOf('TEST.db'));
    expect(Object.fromEntries(countClasses(result.objects))).toEqual({
      mntner: 40,
      person: 37,
      inetnum: 36,
      'aut-num': 34,
      organisation: 33,
      inet6num: 32,
      domain: 3,
      role: 1,
      route: 1,
      'as-set': 1,
      'as-block': 1,
      'key-cert': 1,
    });
    expect(result.issues).toEqual([]);
  });

  it('TEST.db keeps tab-indented continuation lines of a multi-line address', async () => {
    const result = await parseFile(pathOf('TEST.db'));
    const smith = result.objects.find((o) => o.attributes.some((a) => a.name === 'nic-hdl' && a.value === 'JS1-TEST'))!;
    expect(smith.attributes.find((a) => a.name === 'address')).toEqual({
      name: 'address',
      value: 'Example LTD\nHigh street 12\nSt.Mery Mead\nEssex, UK',
      line: 7,
    });
  });

  it('the RPSL dumps have no syntax issues; only the mangled GRS objects are reported', async () => {
    const bad: [string, number, string][] = [];
    for (const file of FILES) {
      const name = nameOf(file);
      if (FOREIGN_FORMATS.has(name)) continue;
      for (const i of (await parseFile(file)).issues) bad.push([i.file, i.line, i.code]);
    }
    // RIPE's GRS import tests plant these two objects with an invalid class name.
    if (NO_GRS) {
      expect(bad).toEqual([]);
      return;
    }
    expect(bad).toEqual([
      ['grs-dumps/jpirr.test', 10, 'RPSL_BAD_LINE'],
      ['grs-dumps/radb.test', 10, 'RPSL_BAD_LINE'],
    ]);
    const radb = rawText(pathOf('grs-dumps/radb.test')).split('\n');
    const jpirr = rawText(pathOf('grs-dumps/jpirr.test')).split('\n');
    expect(radb[9]).toMatch(/^\*xxte:/);
    expect(jpirr[9]).toMatch(/^\*xxset:/);
  });

  it('every object of a modelled class in the RPSL dumps passes its template (no error issues)', async () => {
    const errors: DataIssue[] = [];
    let converted = 0;
    let total = 0;
    for (const file of FILES) {
      if (FOREIGN_FORMATS.has(nameOf(file))) continue;
      for (const obj of (await parseFile(file)).objects) {
        total++;
        const { object, issues } = toRegistryObject(obj, {});
        errors.push(...issues.filter((i) => i.severity === 'error'));
        expect(issues.filter((i) => i.code === 'RPSL_UNKNOWN_ATTRIBUTE')).toEqual([]);
        if (object) converted++;
      }
    }
    expect(errors).toEqual([]);
    expect(converted).toBe(total);
  });

  it.skipIf(NO_GRS)('old GRS dumps (changed:, no created:/last-modified:) load with canonical keys', async () => {
    const apnic = await parseFile(pathOf('grs-dumps/apnic.test'));
    const models = apnic.objects.map((o) => toRegistryObject(o, {}));
    expect(models.flatMap((m) => m.issues)).toEqual([]);
    expect(models.map((m) => [m.object!.key, m.object!.source, m.object!.asns])).toEqual([
      ['AS7467 - AS7722', 'APNIC', { first: 7467, last: 7722 }],
      ['AS18410 - AS18429', 'APNIC', { first: 18410, last: 18429 }],
    ]);
    const afrinic = await parseFile(pathOf('grs-dumps/afrinic.test'));
    const keys = afrinic.objects.map((o) => toRegistryObject(o, {}).object!.key);
    // A non-CIDR range stays a range (`.1` start).
    expect(keys).toContain('196.204.208.1 - 196.204.208.255');
  });

  it.skipIf(NO_GRS)('LACNIC and ARIN bulk files parse without throwing but are not valid RPSL objects', async () => {
    const lacnic = await parseFile(pathOf('grs-dumps/lacnic.test'));
    const lacnicIssues = lacnic.objects.flatMap((o) => toRegistryObject(o, {}).issues);
    // Abbreviated `24.232.16/24`, and an IPv6 prefix under `inetnum:`.
    expect(lacnicIssues.filter((i) => i.code === 'RPSL_BAD_KEY').map((i) => i.line)).toEqual([11, 23]);
    const arin = await parseFile(pathOf('grs-dumps/arin_db.txt'));
    // `State/Prov:` is not an RPSL attribute name.
    expect(arin.issues.map((i) => [i.code, i.line])).toEqual([['RPSL_BAD_LINE', 20]]);
    expect(arin.objects.map((o) => toRegistryObject(o, {}).issues[0]?.code)).toEqual(Array(5).fill('RPSL_UNKNOWN_CLASS'));
  });
});

describe('TEST_ADDITIONAL_LOAD_DUMP_WITH_ERROR.db', () => {
  // The defect is not syntactic: "Incorrect Person" claims nic-hdl AA2-TEST, which
  // the role "TEST ROLE" of TEST_BOOTSTRAP_LOAD_DUMP.db already holds (RIPE's loader
  // fails it with a ClaimException). Each object is valid alone, so the parser and
  // the template checks must pass it, and the clash shows in the canonical keys.
  const errorFile = pathOf('TEST_ADDITIONAL_LOAD_DUMP_WITH_ERROR.db');
  const bootstrapFile = pathOf('TEST_BOOTSTRAP_LOAD_DUMP.db');

  async function models(path: string): Promise<{ object: RegistryObject; issues: DataIssue[] }[]> {
    const out: { object: RegistryObject; issues: DataIssue[] }[] = [];
    for (const obj of (await parseFile(path)).objects) {
      const r = toRegistryObject(obj, {});
      out.push({ object: r.object!, issues: r.issues });
    }
    return out;
  }

  it('parses into three objects with no per-object issues', async () => {
    const parsed = await parseFile(errorFile);
    expect(parsed.issues).toEqual([]);
    expect(parsed.objects.map((o) => [o.className, o.line])).toEqual([
      ['mntner', 1],
      ['person', 11],
      ['role', 21],
    ]);
    expect((await models(errorFile)).flatMap((m) => m.issues)).toEqual([]);
  });

  it('the person key clashes with the bootstrap role: nic-hdl on line 17', async () => {
    const raw = rawText(errorFile).split('\n');
    const defectLine = raw.findIndex((l) => l.startsWith('nic-hdl:') && l.includes('AA2-TEST')) + 1;
    expect(defectLine).toBe(17);

    // person and role share the NIC-handle namespace.
    const claimed = new Map<string, RegistryObject>();
    for (const { object } of await models(bootstrapFile)) {
      if (object.className === 'person' || object.className === 'role') claimed.set(object.key, object);
    }
    const clashes: { key: string; className: string; line: number; keyLine: number; holder: string }[] = [];
    const parsed = await parseFile(errorFile);
    for (const obj of parsed.objects) {
      const { object } = toRegistryObject(obj, {});
      const holder = object && claimed.get(object.key);
      if (!object || !holder || (object.className !== 'person' && object.className !== 'role')) continue;
      const keyLine = obj.attributes.find((a) => a.name === 'nic-hdl')!.line;
      clashes.push({ key: object.key, className: object.className, line: obj.line, keyLine, holder: `${holder.className}:${holder.line}` });
    }
    expect(clashes).toEqual([{ key: 'AA2-TEST', className: 'person', line: 11, keyLine: defectLine, holder: 'role:23' }]);
  });

  it('differs from the valid TEST_ADDITIONAL_LOAD_DUMP.db only in handles, not in structure', async () => {
    const good = await parseFile(pathOf('TEST_ADDITIONAL_LOAD_DUMP.db'));
    const bad = await parseFile(errorFile);
    expect(good.issues).toEqual([]);
    expect(good.objects.map((o) => o.className)).toEqual(bad.objects.map((o) => o.className));
  });
});
