import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { delegatedRecordExtent, parseDelegatedLine, type DelegatedRecord } from '../../../src/delegated/parse.js';

// Real files the repository carries (test/fixtures/README.md): APNIC's 2013 statistics and RIPE's
// 'test' registry file; samples/ holds lines written for lacak with each registry's quirks.
const STATS = fileURLToPath(new URL('../../fixtures/delegated-stats/', import.meta.url));
const lines = (text: string) => text.split('\n').filter((l) => l !== '');

function record(line: string): DelegatedRecord {
  const parsed = parseDelegatedLine(line);
  if (parsed.kind !== 'record') throw new Error(`expected a record, got ${JSON.stringify(parsed)}`);
  return parsed;
}

describe('parseDelegatedLine: header, summary, comments', () => {
  it('reads the real APNIC 2013 header (empty start date)', () => {
    expect(parseDelegatedLine('2.3|apnic|20130417|46596||20130416|+1000')).toEqual({
      kind: 'header',
      version: '2.3',
      registry: 'apnic',
      serial: '20130417',
      records: 46596,
      startDate: '',
      endDate: '20130416',
      utcOffset: '+1000',
    });
  });

  it('reads a version-2 header with a start date', () => {
    const h = parseDelegatedLine('2|apnic|20130417|46626|19830613|20130416|+1000');
    expect(h).toMatchObject({ kind: 'header', version: '2', startDate: '19830613', records: 46626 });
  });

  it('reports a garbled header as an issue, never a throw', () => {
    expect(parseDelegatedLine('2.3|apnic|20130417|many||20130416|+1000')).toMatchObject({
      kind: 'issue',
      code: 'DELEGATED_BAD_HEADER',
    });
    expect(parseDelegatedLine('2|apnic|20130417')).toMatchObject({ kind: 'issue', code: 'DELEGATED_BAD_HEADER' });
    expect(parseDelegatedLine('2|apnic|20130417|5||20131399|+1000')).toMatchObject({ kind: 'issue' });
  });

  it('reads summary lines', () => {
    expect(parseDelegatedLine('apnic|*|ipv4|*|22204|summary')).toEqual({
      kind: 'summary',
      registry: 'apnic',
      type: 'ipv4',
      count: 22204,
    });
    expect(parseDelegatedLine('APNIC|*|ASN|*|5483|SUMMARY  ')).toMatchObject({ kind: 'summary', type: 'asn' });
  });

  it('skips comments and blank lines', () => {
    expect(parseDelegatedLine('# CONDITIONS OF USE')).toEqual({ kind: 'skip', reason: 'comment' });
    expect(parseDelegatedLine('   ')).toEqual({ kind: 'skip', reason: 'blank' });
    expect(parseDelegatedLine('')).toEqual({ kind: 'skip', reason: 'blank' });
  });
});

describe('parseDelegatedLine: records', () => {
  it('reads an IPv4 record', () => {
    expect(parseDelegatedLine('apnic|ID|ipv4|202.43.160.0|4096|20011210|allocated|A9186214')).toEqual({
      kind: 'record',
      registry: 'apnic',
      cc: 'ID',
      type: 'ipv4',
      start: '202.43.160.0',
      value: 4096,
      date: '20011210',
      status: 'allocated',
      opaqueId: 'A9186214',
    });
  });

  it('tolerates trailing spaces after the opaque-id and empty cc/date (as in APNIC\'s files)', () => {
    expect(record('apnic|JP|asn|173|1|20020801|allocated|A91E66F2       ')).toMatchObject({ opaqueId: 'A91E66F2' });
    expect(record('apnic||ipv6|240f:d000::|20||available|                  ')).toMatchObject({
      cc: '',
      date: null,
      status: 'available',
      opaqueId: null,
      value: 20,
    });
  });

  it('accepts a record without the opaque-id field (LACNIC available lines)', () => {
    expect(record('lacnic||asn|6064|1||available                             ')).toMatchObject({
      status: 'available',
      opaqueId: null,
    });
  });

  it('normalises case: registry/type/status lower, cc upper', () => {
    expect(record('APNIC|id|IPV4|192.0.2.0|256|20130101|ALLOCATED|a1b2')).toMatchObject({
      registry: 'apnic',
      cc: 'ID',
      type: 'ipv4',
      status: 'allocated',
      opaqueId: 'a1b2',
    });
  });

  it('reads date 00000000 as no date and ignores extension fields', () => {
    expect(record('ripencc|EU|asn|7|1|00000000|allocated|fbf93c3e-7884-422f-860e-75ea4eb3a038|e-stats|x')).toMatchObject({
      date: null,
      opaqueId: 'fbf93c3e-7884-422f-860e-75ea4eb3a038',
    });
  });

  it('accepts IPv4 counts that are not powers of two and gives the exact range', () => {
    const r = record('apnic|ID|ipv4|192.0.2.64|100|20130101|allocated|A1');
    const extent = delegatedRecordExtent(r);
    expect(extent).toEqual({ ok: true, range: { family: 4, start: 0xc0000240n, end: 0xc0000240n + 99n } });
  });

  it('accepts whole-space records (the RIPE "test" registry file)', () => {
    const text = readFileSync(`${STATS}apnic-2013/delegated-test`, 'utf8');
    const parsed = lines(text).map(parseDelegatedLine);
    expect(parsed.map((p) => p.kind)).toEqual(['record', 'record', 'record']);
    expect(delegatedRecordExtent(parsed[0] as DelegatedRecord)).toMatchObject({ ok: true, range: { end: 0xfffffffen } });
    expect(delegatedRecordExtent(parsed[1] as DelegatedRecord)).toMatchObject({ ok: true, range: { start: 0n } });
  });

  it.each([
    ['apnic|ID|ipv4|192.0.2.256|256|20130101|allocated|A1', 'bad ipv4 address'],
    ['apnic|ID|ipv4|2001:db8::|256|20130101|allocated|A1', 'bad ipv4 address'],
    ['apnic|ID|ipv4|192.0.2.0|0|20130101|allocated|A1', 'bad IPv4 address count'],
    ['apnic|ID|ipv4|192.0.2.0|-4|20130101|allocated|A1', 'bad value'],
    ['apnic|ID|ipv4|255.255.255.0|512|20130101|allocated|A1', 'runs past 255.255.255.255'],
    ['apnic|ID|ipv6|2001:db8::|129|20130101|allocated|A1', 'bad IPv6 prefix length'],
    ['apnic|ID|ipv6|2001:db8::1|32|20130101|allocated|A1', 'host bits set'],
    ['apnic|ID|asn|AS64496|1|20130101|allocated|A1', 'bad AS number'],
    ['apnic|ID|asn|4294967295|2|20130101|allocated|A1', 'runs past'],
    ['apnic|ID|ipx|192.0.2.0|256|20130101|allocated|A1', 'unknown type'],
    ['apnic|ID|ipv4|192.0.2.0|256|20130231|allocated|A1', 'bad date'],
    ['apnic|IDN|ipv4|192.0.2.0|256|20130101|allocated|A1', 'bad country code'],
    ['apnic|ID|ipv4|192.0.2.0|256', 'at least 7 fields'],
    ['garbage', 'at least 7 fields'],
  ])('reports %s as a bad record (%s)', (line, why) => {
    const parsed = parseDelegatedLine(line);
    expect(parsed).toMatchObject({ kind: 'issue', code: 'DELEGATED_BAD_RECORD' });
    expect((parsed as { message: string }).message).toContain(why);
  });
});

describe('parseDelegatedLine over real and sample files', () => {
  it.each(readdirSync(`${STATS}samples`))('samples/%s: every line is a record, none an issue', (name) => {
    const raw = lines(readFileSync(`${STATS}samples/${name}`, 'utf8'));
    const parsed = raw.map(parseDelegatedLine);
    expect(parsed.filter((p) => p.kind === 'issue')).toEqual([]);
    expect(parsed.every((p) => p.kind === 'record')).toBe(true);
    // Independent count of held records: the 7th field, trimmed.
    const held = raw.filter((l) => ['allocated', 'assigned'].includes((l.split('|')[6] ?? '').trim())).length;
    expect(parsed.filter((p) => p.kind === 'record' && ['allocated', 'assigned'].includes(p.status))).toHaveLength(held);
  });

  it('the Indonesian lines of the 2013 file: 1,411 records, 242 of them the IDNIC account A9186214', () => {
    const raw = gunzipSync(readFileSync(`${STATS}apnic-2013/delegated-apnic-extended-latest.gz`))
      .toString('utf8')
      .split('\n')
      .filter((l) => l.startsWith('apnic|ID|'));
    const expectedIdnic = raw.filter((l) => l.split('|')[7] === 'A9186214').length;
    const parsed = raw.map(parseDelegatedLine);
    const records = parsed.filter((p): p is DelegatedRecord => p.kind === 'record');
    expect(records).toHaveLength(raw.length);
    expect(records).toHaveLength(1411);
    expect(records.every((r) => r.cc === 'ID')).toBe(true);
    expect(records.filter((r) => r.opaqueId === 'A9186214')).toHaveLength(expectedIdnic);
    expect(expectedIdnic).toBe(242);
  });

  it('full APNIC 2013 file: no issues; record lines equal the header count', () => {
    const raw = gunzipSync(readFileSync(`${STATS}apnic-2013/delegated-apnic-extended-latest.gz`)).toString('utf8').split('\n');
    const parsed = raw.map(parseDelegatedLine);
    expect(parsed.filter((p) => p.kind === 'issue')).toEqual([]);
    const header = parsed.find((p) => p.kind === 'header');
    const records = parsed.filter((p) => p.kind === 'record').length;
    // The NRO format's header count excludes summary lines, and APNIC's file agrees.
    expect(header).toMatchObject({ records });
    const summaries = parsed.filter((p) => p.kind === 'summary');
    expect(summaries.reduce((n, s) => n + (s.kind === 'summary' ? s.count : 0), 0)).toBe(records);
  });
});
