// Record batches cross from the parse worker to the writer as flat arrays (record-wire.ts):
// what arrives must be what was sent, item for item, whatever its kind.
import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../../src/importers/read-file.js';
import { decodeBatch, encodeBatch } from '../../../src/importers/record-wire.js';
import { parseIp } from '../../../src/net/ip.js';
import { objectRecord } from '../../../src/store/rows.js';

const FILE = 'idnic.db';

function network(key: string, start: string, end: string, family: 4 | 6) {
  return objectRecord(
    {
      source: 'IDNIC',
      className: family === 4 ? 'inetnum' : 'inet6num',
      key,
      attributes: [
        [family === 4 ? 'inetnum' : 'inet6num', key],
        ['netname', 'EXAMPLE-NET # a comment'],
        ['status', 'ASSIGNED PORTABLE'],
        ['org', 'ORG-EX1-IDNIC'],
        ['descr', 'line one\nline "two"'],
      ],
      range: { family, start: parseIp(start)!.value, end: parseIp(end)!.value },
      references: [
        { attribute: 'org', target: 'ORG-EX1-IDNIC' },
        { attribute: 'mnt-by', target: 'MAINT-EX' },
      ],
      file: FILE,
      line: 12,
      keyLine: 12,
    },
    'q6Yw0vVjMNn0fHUwY2k4bA',
  );
}

describe('record batches between threads', () => {
  it('arrive as sent: objects with and without ranges, defects, dates, unchanged paragraphs, file marks', () => {
    const items: RecordItem[] = [
      { kind: 'file', name: FILE },
      { kind: 'dated', at: Date.parse('2026-01-01T00:00:00Z') },
      { kind: 'object', record: network('192.0.2.0 - 192.0.2.255', '192.0.2.0', '192.0.2.255', 4), issues: [] },
      {
        kind: 'object',
        record: objectRecord({ source: 'IDNIC', className: 'aut-num', key: 'AS64496', attributes: [['aut-num', 'AS64496']], asns: { first: 64496, last: 64496 }, references: [], file: FILE, line: 30 }, null),
        issues: [{ file: FILE, line: 31, code: 'RPSL_UNKNOWN_ATTRIBUTE', message: 'attribute "x" is not part of the aut-num template', severity: 'warning' }],
      },
      { kind: 'unchanged', digest: 'AAAAAAAAAAAAAAAAAAAAAA', line: 40 },
      { kind: 'issue', issue: { file: FILE, line: 50, code: 'OBJECT_TOO_LARGE', message: 'too large', severity: 'error' }, rejected: true },
      { kind: 'object', record: network('2001:db8::/32', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 6), issues: [] },
      { kind: 'digest', sha256: 'ab'.repeat(32), bytes: 1234 },
    ];
    const arrived = decodeBatch(structuredClone(encodeBatch(items)));
    // Buffers become plain bytes for the comparison: a view into the batch's keys is as good as its own.
    const plain = (list: RecordItem[]) =>
      list.map((item) => (item.kind === 'object' ? { ...item, record: { ...item.record, first: item.record.first && [...item.record.first], last: item.record.last && [...item.record.last] } } : { rejected: false, ...item }));
    expect(plain(arrived)).toEqual(plain(items));
  });

  it('a batch holds the objects of one file only', () => {
    const other = { ...network('192.0.2.0 - 192.0.2.255', '192.0.2.0', '192.0.2.255', 4), file: 'other.db' };
    expect(() =>
      encodeBatch([
        { kind: 'object', record: network('192.0.2.0 - 192.0.2.255', '192.0.2.0', '192.0.2.255', 4), issues: [] },
        { kind: 'object', record: other, issues: [] },
      ]),
    ).toThrow(/idnic\.db and other\.db/);
  });
});
