import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LACAK_ERR, LacakError } from '../../../src/errors.js';
import {
  delegatedSnapshotTime,
  readDelegatedObjects,
  type DelegatedItem,
  type DelegatedStats,
} from '../../../src/importers/delegated-stats.js';
import type { DelegatedHeader } from '../../../src/delegated/parse.js';
import type { DataIssue, RegistryObject } from '../../../src/model/types.js';

// APNIC's real 2013 file, carried in the repository (test/fixtures/README.md); samples/ holds
// lines written for lacak with each registry's quirks.
const STATS = fileURLToPath(new URL('../../fixtures/delegated-stats/', import.meta.url));
const APNIC_GZ = `${STATS}apnic-2013/delegated-apnic-extended-latest.gz`;

const tmp = mkdtempSync(join(tmpdir(), 'lacak-delegated-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function tempFile(content: string | Buffer): string {
  const path = join(tmp, `f${n++}`);
  writeFileSync(path, content);
  return path;
}

/** The file's Indonesian lines alone (`grep '^apnic|ID|'`): records with no header of their own. */
const DERIVED = tempFile(
  gunzipSync(readFileSync(APNIC_GZ))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('apnic|ID|'))
    .map((l) => `${l}\n`)
    .join(''),
);

interface Collected {
  header?: DelegatedHeader;
  objects: RegistryObject[];
  issues: DataIssue[];
  stats?: DelegatedStats;
  order: string[];
}

async function collect(items: AsyncGenerator<DelegatedItem>): Promise<Collected> {
  const out: Collected = { objects: [], issues: [], order: [] };
  for await (const item of items) {
    if (item.header) out.header = item.header;
    if (item.object) out.objects.push(item.object);
    if (item.issue) out.issues.push(item.issue);
    if (item.stats) out.stats = item.stats;
    out.order.push(Object.keys(item).join());
  }
  return out;
}

async function failure(path: string): Promise<unknown> {
  try {
    await collect(readDelegatedObjects(path));
  } catch (err) {
    return err;
  }
  return null;
}

describe('readDelegatedObjects: the full APNIC 2013 file', () => {
  const raw = gunzipSync(readFileSync(APNIC_GZ)).toString('utf8').split('\n');
  // Independent counts: plain splits, no parser.
  const rows = raw.filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('|'));
  // Header `2.3|apnic|...` also has 7 fields; records start with a registry name, not a digit.
  const recordRows = rows.filter((f) => f.length >= 7 && !/^\d/.test(f[0]!));
  const status = (s: string) => recordRows.filter((f) => f[6] === s).length;
  let result: Collected;

  it('loads with no issues and the header first, stats last', async () => {
    result = await collect(readDelegatedObjects(APNIC_GZ));
    expect(result.issues).toEqual([]);
    expect(result.order[0]).toBe('header');
    expect(result.order.at(-1)).toBe('stats');
  });

  it('has as many records as the header announces (summary lines excluded)', () => {
    expect(result.header).toMatchObject({ registry: 'apnic', serial: '20130417', records: 46596, startDate: '', endDate: '20130416' });
    expect(recordRows).toHaveLength(46596);
    expect(result.stats).toMatchObject({ records: recordRows.length, issues: 0 });
  });

  it('makes one object per allocated/assigned record and skips available/reserved', () => {
    expect(result.objects).toHaveLength(status('allocated') + status('assigned'));
    expect(result.objects).toHaveLength(29630);
    expect(result.stats?.skippedByStatus).toEqual({ available: status('available'), reserved: status('reserved') });
    expect(result.stats?.skipped).toBe(status('available') + status('reserved'));
  });

  it('counts classes as the raw types say', () => {
    const held = recordRows.filter((f) => f[6] === 'allocated' || f[6] === 'assigned');
    const byClass = (c: string) => result.objects.filter((o) => o.className === c).length;
    expect(byClass('inetnum')).toBe(held.filter((f) => f[2] === 'ipv4').length);
    expect(byClass('inet6num')).toBe(held.filter((f) => f[2] === 'ipv6').length);
    expect(byClass('aut-num')).toBe(held.filter((f) => f[2] === 'asn' && f[4] === '1').length);
    expect(byClass('as-block')).toBe(held.filter((f) => f[2] === 'asn' && f[4] !== '1').length);
  });

  it('turns the first record into an inetnum with attributes in order', () => {
    const first = result.objects[0]!;
    expect(first).toMatchObject({
      source: 'DELEGATED-APNIC',
      className: 'inetnum',
      key: '1.0.0.0 - 1.0.0.255',
      range: { family: 4, start: 0x01000000n, end: 0x010000ffn },
      references: [{ attribute: 'opaque-id', target: 'A9173591' }],
      file: APNIC_GZ,
      line: raw.indexOf('apnic|AU|ipv4|1.0.0.0|256|20110811|assigned|A9173591') + 1,
    });
    expect(first.attributes).toEqual([
      ['inetnum', '1.0.0.0 - 1.0.0.255'],
      ['netname', 'DELEGATED-AU-A9173591'],
      ['country', 'AU'],
      ['opaque-id', 'A9173591'],
      ['status', 'ASSIGNED PORTABLE'],
      ['created', '2011-08-11T00:00:00Z'],
      ['remarks', 'delegated-extended record, opaque-id A9173591'],
      ['source', 'DELEGATED-APNIC'],
    ]);
  });

  it('makes as-blocks of multi-AS records and aut-nums of single ones', () => {
    const block = result.objects.find((o) => o.key === 'AS2497 - AS2528');
    expect(block).toMatchObject({ className: 'as-block', asns: { first: 2497, last: 2528 } });
    expect(block?.attributes.map(([k]) => k)).toEqual(['as-block', 'country', 'opaque-id', 'status', 'created', 'remarks', 'source']);
    const autnum = result.objects.find((o) => o.key === 'AS173');
    expect(autnum).toMatchObject({ className: 'aut-num', asns: { first: 173, last: 173 } });
    expect(autnum?.attributes.slice(0, 2)).toEqual([
      ['aut-num', 'AS173'],
      ['as-name', 'DELEGATED-JP-A91E66F2'],
    ]);
    expect(autnum?.attributes).toContainEqual(['status', 'ALLOCATED']);
  });

  it('keys inet6nums by canonical prefix', () => {
    const v6 = result.objects.find((o) => o.className === 'inet6num');
    expect(v6?.key).toMatch(/^[0-9a-f:]+\/\d{1,3}$/);
    expect(v6?.attributes[0]).toEqual(['inet6num', v6?.key]);
  });

  it('takes the snapshot time from the end date', () => {
    expect(delegatedSnapshotTime(result.header!).toISOString()).toBe('2013-04-16T00:00:00.000Z');
  });
});

describe('delegatedSnapshotTime', () => {
  const header: DelegatedHeader = {
    kind: 'header',
    version: '2',
    registry: 'apnic',
    serial: '20130417',
    records: 0,
    startDate: '',
    endDate: '',
    utcOffset: '+1000',
  };
  it('falls back to a date serial when the end date is empty', () => {
    expect(delegatedSnapshotTime(header).toISOString()).toBe('2013-04-17T00:00:00.000Z');
  });
  it('throws a LacakError when neither is a date', () => {
    expect(() => delegatedSnapshotTime({ ...header, serial: '1234' })).toThrow(LacakError);
  });
});

describe('readDelegatedObjects: the Indonesian lines alone', () => {
  const raw = readFileSync(DERIVED, 'utf8');
  const rawLines = raw.split('\n').filter((l) => l !== '');
  const idnic = rawLines.filter((l) => l.split('|')[7] === 'A9186214').length;

  it('has no header of its own: refused with a one-line FORMAT error naming file and line', async () => {
    const err = await failure(DERIVED);
    expect(err).toBeInstanceOf(LacakError);
    expect((err as LacakError).code).toBe(LACAK_ERR.FORMAT);
    expect((err as LacakError).message).toContain(`${DERIVED} line 1:`);
    expect((err as LacakError).message).not.toContain('\n');
  });

  it('with a header prepended: every line an object, 242 held by IDNIC (A9186214)', async () => {
    const path = tempFile(`# ID lines of APNIC 2013\n2.3|apnic|20130417|${rawLines.length}||20130416|+1000\n${raw}`);
    const result = await collect(readDelegatedObjects(path));
    expect(result.issues).toEqual([]);
    expect(result.objects).toHaveLength(rawLines.length);
    expect(result.objects).toHaveLength(1411);
    const held = result.objects.filter((o) => o.references.some((r) => r.attribute === 'opaque-id' && r.target === 'A9186214'));
    expect(held).toHaveLength(idnic);
    expect(idnic).toBe(242);
    expect(result.objects.every((o) => o.attributes.some(([k, v]) => k === 'country' && v === 'ID'))).toBe(true);
    // Lines count from the top of the file, comment and header included.
    expect(result.objects[0]?.line).toBe(3);
  });
});

describe('readDelegatedObjects: edge cases', () => {
  const HEADER = '2|apnic|20130417|%N%||20130416|+1000';

  it('reads the APNIC sample: trailing spaces, empty cc/date, a 2-AS block', async () => {
    const body = readFileSync(`${STATS}samples/delegated-apnic-sample`, 'utf8');
    const count = body.split('\n').filter((l) => l !== '').length;
    const result = await collect(readDelegatedObjects(tempFile(`${HEADER.replace('%N%', String(count))}\n${body}`)));
    expect(result.issues).toEqual([]);
    expect(result.stats).toMatchObject({ records: count, skipped: 2, skippedByStatus: { available: 2 } });
    expect(result.objects.map((o) => o.key)).toContain('AS64510 - AS64511');
    expect(result.objects.find((o) => o.key === 'AS64497')?.references).toEqual([{ attribute: 'opaque-id', target: 'A91E66F2' }]);
  });

  it('upper-cases RIPE NCC opaque-ids (UUIDs)', async () => {
    const body = readFileSync(`${STATS}samples/delegated-ripencc-sample`, 'utf8');
    const result = await collect(readDelegatedObjects(tempFile(`2|ripencc|20141201|6||20141130|+0100\n${body}`)));
    expect(result.objects[0]).toMatchObject({ source: 'DELEGATED-RIPENCC', key: 'AS64496' });
    expect(result.objects[0]?.attributes).toContainEqual(['opaque-id', '0B6F0D4E-5C2A-4E7E-9A55-3F1D2C8B7A60']);
  });

  it('gives exact, non-CIDR ranges for counts that are not powers of two', async () => {
    const path = tempFile(
      [
        HEADER.replace('%N%', '3'),
        'apnic|ID|ipv4|192.0.2.64|100|20130101|allocated|A1',
        'apnic|ID|ipv4|198.51.100.0|768|20130101|assigned|A2',
        'apnic|ID|ipv6|2001:0DB8:0000::|32|00000000|allocated|A3',
      ].join('\n'),
    );
    const result = await collect(readDelegatedObjects(path));
    expect(result.issues).toEqual([]);
    expect(result.objects.map((o) => o.key)).toEqual([
      '192.0.2.64 - 192.0.2.163',
      '198.51.100.0 - 198.51.102.255',
      '2001:db8::/32',
    ]);
    expect(result.objects[2]?.attributes.some(([k]) => k === 'created')).toBe(false);
  });

  it('reports bad records with their lines and loads the rest, never throwing', async () => {
    const path = tempFile(
      [
        '# comment',
        HEADER.replace('%N%', '6'),
        'apnic|*|ipv4|*|4|summary',
        'apnic|ID|ipv4|192.0.2.0|256|20130101|allocated|A1',
        'apnic|ID|ipv4|192.0.2.999|256|20130101|allocated|A1',
        'apnic|ID|ipv4|255.255.255.0|257|20130101|allocated|A1',
        'apnic|ID|ipx|192.0.2.0|256|20130101|allocated|A1',
        'apnic|ID|ipv4|203.0.113.0|256|20130101|transferred|A1',
        'apnic|ID|asn|64496|16|20130101|assigned|A1',
      ].join('\n'),
    );
    const result = await collect(readDelegatedObjects(path));
    expect(result.objects.map((o) => o.key)).toEqual(['192.0.2.0 - 192.0.2.255', 'AS64496 - AS64511']);
    expect(result.issues.map((i) => [i.line, i.code, i.severity])).toEqual([
      [5, 'DELEGATED_BAD_RECORD', 'error'],
      [6, 'DELEGATED_BAD_RECORD', 'error'],
      [7, 'DELEGATED_BAD_RECORD', 'error'],
      [8, 'DELEGATED_UNKNOWN_STATUS', 'error'],
    ]);
    expect(result.issues.every((i) => i.file === path)).toBe(true);
    expect(result.stats).toMatchObject({ records: 6, objects: 2, issues: 4 });
  });

  it('warns when the header or summary counts disagree with the records', async () => {
    const path = tempFile(
      [HEADER.replace('%N%', '5'), 'apnic|*|ipv4|*|3|summary', 'apnic|ID|ipv4|192.0.2.0|256|20130101|allocated|A1'].join('\n'),
    );
    const result = await collect(readDelegatedObjects(path));
    expect(result.objects).toHaveLength(1);
    expect(result.issues.map((i) => [i.line, i.code, i.severity])).toEqual([
      [1, 'DELEGATED_SUMMARY_MISMATCH', 'warning'],
      [2, 'DELEGATED_SUMMARY_MISMATCH', 'warning'],
    ]);
  });

  it.each([
    ['garbled header', '2|apnic|20130417|lots||20130416|+1000\napnic|ID|ipv4|192.0.2.0|256|20130101|allocated|A1\n', 'line 1:'],
    ['record before header', '# c\napnic|ID|ipv4|192.0.2.0|256|20130101|allocated|A1\n', 'line 2:'],
    ['empty file', '', 'no header'],
    ['comments only', '# nothing\n#\n', 'no header'],
  ])('refuses a file with a %s (LacakError FORMAT)', async (_name, content, where) => {
    const path = tempFile(content);
    const err = await failure(path);
    expect(err).toBeInstanceOf(LacakError);
    expect((err as LacakError).code).toBe(LACAK_ERR.FORMAT);
    expect((err as LacakError).message).toContain(path);
    expect((err as LacakError).message).toContain(where);
  });

  it.each([0.5, 0.02])('turns a truncated gzip (cut at %s) into a LacakError, not a crash', async (fraction) => {
    const gz = readFileSync(APNIC_GZ);
    const path = tempFile(gz.subarray(0, Math.floor(gz.length * fraction)));
    const err = await failure(path);
    expect(err).toBeInstanceOf(LacakError);
    expect((err as LacakError).code).toBe(LACAK_ERR.FILE);
    expect((err as LacakError).message).toContain(path);
  });

  it('reports a missing file as a LacakError', async () => {
    const err = await failure(join(tmp, 'does-not-exist'));
    expect(err).toBeInstanceOf(LacakError);
  });

  it('reads stdin for -', async () => {
    const stdin = Readable.from([`${HEADER.replace('%N%', '1')}\napnic|ID|asn|64496|1|20130101|allocated|A1\n`]);
    const result = await collect(readDelegatedObjects('-', { stdin }));
    expect(result.objects).toHaveLength(1);
    expect(result.objects[0]).toMatchObject({ key: 'AS64496', file: '<stdin>', line: 2 });
  });
});
