// NRO delegated-extended statistics, one line at a time. The format is the NRO's
// "RIR Statistics Exchange Format" (https://www.nro.net/wp-content/uploads/nro-extended-stats-readme5.txt):
//   header   version|registry|serial|records|startdate|enddate|UTCoffset
//   summary  registry|*|type|*|count|summary
//   record   registry|cc|type|start|value|date|status[|opaque-id[|extensions...]]
// Pure: no I/O, never throws; a defect is returned as an `issue` for the importer to count.
import { FAMILY_MAX, parseIp } from '../net/ip.js';
import { cidrToRange, type IpRange } from '../net/prefix.js';
import type { AsnRange } from '../net/asn.js';

export type DelegatedLine =
  | {
      kind: 'header';
      version: string;
      registry: string;
      serial: string;
      records: number;
      startDate: string;
      endDate: string;
      utcOffset: string;
    }
  | { kind: 'summary'; registry: string; type: string; count: number }
  | {
      kind: 'record';
      registry: string;
      cc: string;
      type: 'ipv4' | 'ipv6' | 'asn';
      start: string;
      value: number;
      date: string | null;
      status: string;
      opaqueId: string | null;
    }
  | { kind: 'skip'; reason: string };

export type DelegatedHeader = Extract<DelegatedLine, { kind: 'header' }>;
export type DelegatedSummary = Extract<DelegatedLine, { kind: 'summary' }>;
export type DelegatedRecord = Extract<DelegatedLine, { kind: 'record' }>;
export type DelegatedIssue = { kind: 'issue'; code: string; message: string };

export const DELEGATED_ISSUE = {
  BAD_HEADER: 'DELEGATED_BAD_HEADER',
  BAD_SUMMARY: 'DELEGATED_BAD_SUMMARY',
  BAD_RECORD: 'DELEGATED_BAD_RECORD',
} as const;

const MAX_ASN = 4294967295;
const VERSION = /^\d+(?:\.\d+)*$/;
const REGISTRY = /^[a-z][a-z0-9-]*$/;
const COUNTRY = /^[A-Z]{2}$/;
const DIGITS = /^\d{1,15}$/;
const YYYYMMDD = /^(\d{4})(\d{2})(\d{2})$/;
// Opaque ids differ per RIR (APNIC `A9186214`, ARIN 32 hex digits, RIPE NCC a UUID);
// anything printable without spaces or pipes is kept as written.
const OPAQUE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Longest quoted excerpt of a bad line in a message, so that one issue stays one line. */
const EXCERPT = 60;

function excerpt(text: string): string {
  return JSON.stringify(text.length > EXCERPT ? `${text.slice(0, EXCERPT)}...` : text);
}

function issue(code: string, message: string): DelegatedIssue {
  return { kind: 'issue', code, message };
}

/** True for a real calendar date written `YYYYMMDD`. */
export function isDelegatedDate(text: string): boolean {
  const m = YYYYMMDD.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** `YYYYMMDD` → `YYYY-MM-DDT00:00:00Z` (the form `created:` uses). Assumes isDelegatedDate. */
export function formatDelegatedDate(text: string): string {
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T00:00:00Z`;
}

export type DelegatedExtent = { ok: true; range: IpRange } | { ok: true; asns: AsnRange } | { ok: false; reason: string };

/**
 * What a record covers. IPv4 `value` is an address count (not necessarily a power of
 * two, so the range need not be CIDR-aligned), IPv6 `value` a prefix length, ASN `value`
 * a count of consecutive AS numbers. Shared by the parser (to validate) and the importer.
 */
export function delegatedRecordExtent(record: Pick<DelegatedRecord, 'type' | 'start' | 'value'>): DelegatedExtent {
  const { type, start, value } = record;
  if (type === 'asn') {
    if (!DIGITS.test(start) || Number(start) > MAX_ASN) return { ok: false, reason: `bad AS number "${start}"` };
    if (value < 1) return { ok: false, reason: `bad ASN count ${value}` };
    const first = Number(start);
    const last = first + value - 1;
    if (last > MAX_ASN) return { ok: false, reason: `AS${first} + ${value} runs past AS${MAX_ASN}` };
    return { ok: true, asns: { first, last } };
  }
  const address = parseIp(start);
  const family = type === 'ipv4' ? 4 : 6;
  if (!address || address.family !== family) return { ok: false, reason: `bad ${type} address "${start}"` };
  if (family === 4) {
    if (value < 1) return { ok: false, reason: `bad IPv4 address count ${value}` };
    const end = address.value + BigInt(value) - 1n;
    if (end > FAMILY_MAX[4]) return { ok: false, reason: `${start} + ${value} addresses runs past 255.255.255.255` };
    return { ok: true, range: { family: 4, start: address.value, end } };
  }
  if (value > 128) return { ok: false, reason: `bad IPv6 prefix length ${value}` };
  const range = cidrToRange({ family: 6, start: address.value, length: value });
  if (range.start !== address.value) return { ok: false, reason: `host bits set in ${start}/${value}` };
  return { ok: true, range };
}

function parseHeader(fields: string[], line: string): DelegatedLine | DelegatedIssue {
  // Some writers end the header with a stray `|`; extra empty fields carry nothing.
  while (fields.length > 7 && fields[fields.length - 1] === '') fields.pop();
  if (fields.length !== 7) {
    return issue(DELEGATED_ISSUE.BAD_HEADER, `header must have 7 fields, found ${fields.length}: ${excerpt(line)}`);
  }
  const [version, registryRaw, serial, recordsText, startDate, endDate, utcOffset] = fields as [
    string, string, string, string, string, string, string,
  ];
  const registry = registryRaw.toLowerCase();
  if (!REGISTRY.test(registry)) return issue(DELEGATED_ISSUE.BAD_HEADER, `bad registry in header: ${excerpt(line)}`);
  if (serial === '') return issue(DELEGATED_ISSUE.BAD_HEADER, `empty serial in header: ${excerpt(line)}`);
  if (!DIGITS.test(recordsText)) return issue(DELEGATED_ISSUE.BAD_HEADER, `bad record count in header: ${excerpt(line)}`);
  for (const date of [startDate, endDate]) {
    // Empty dates are legal (APNIC leaves startdate empty); 00000000 means the same.
    if (date !== '' && date !== '00000000' && !isDelegatedDate(date)) {
      return issue(DELEGATED_ISSUE.BAD_HEADER, `bad date "${date}" in header: ${excerpt(line)}`);
    }
  }
  return { kind: 'header', version, registry, serial, records: Number(recordsText), startDate, endDate, utcOffset };
}

function parseSummary(fields: string[], line: string): DelegatedLine | DelegatedIssue {
  const registry = (fields[0] ?? '').toLowerCase();
  const type = (fields[2] ?? '').toLowerCase();
  const countText = fields[4] ?? '';
  if (!REGISTRY.test(registry) || type === '' || !DIGITS.test(countText)) {
    return issue(DELEGATED_ISSUE.BAD_SUMMARY, `bad summary line: ${excerpt(line)}`);
  }
  return { kind: 'summary', registry, type, count: Number(countText) };
}

function parseRecord(fields: string[], line: string): DelegatedLine | DelegatedIssue {
  const bad = (why: string): DelegatedIssue => issue(DELEGATED_ISSUE.BAD_RECORD, `${why}: ${excerpt(line)}`);
  // The opaque-id is optional: LACNIC's "available" lines and older files stop after status.
  if (fields.length < 7) return bad(`record needs at least 7 fields, found ${fields.length}`);
  const [registryRaw, ccRaw, typeRaw, start, valueText, dateRaw, statusRaw, opaqueRaw = ''] = fields as [
    string, string, string, string, string, string, string, string?,
  ];
  const registry = registryRaw.toLowerCase();
  if (!REGISTRY.test(registry)) return bad('bad registry');
  const cc = ccRaw.toUpperCase();
  if (cc !== '' && !COUNTRY.test(cc)) return bad(`bad country code "${ccRaw}"`);
  const type = typeRaw.toLowerCase();
  if (type !== 'ipv4' && type !== 'ipv6' && type !== 'asn') return bad(`unknown type "${typeRaw}"`);
  if (!DIGITS.test(valueText)) return bad(`bad value "${valueText}"`);
  const value = Number(valueText);
  const extent = delegatedRecordExtent({ type, start, value });
  if (!extent.ok) return bad(extent.reason);
  let date: string | null = null;
  if (dateRaw !== '' && dateRaw !== '00000000') {
    if (!isDelegatedDate(dateRaw)) return bad(`bad date "${dateRaw}"`);
    date = dateRaw;
  }
  const status = statusRaw.toLowerCase();
  if (status === '') return bad('empty status');
  if (opaqueRaw !== '' && !OPAQUE_ID.test(opaqueRaw)) return bad(`bad opaque-id "${opaqueRaw}"`);
  return {
    kind: 'record',
    registry,
    cc,
    type,
    start,
    value,
    date,
    status,
    opaqueId: opaqueRaw === '' ? null : opaqueRaw,
  };
}

/**
 * One line (without its terminator) → header, summary, record, skip, or an issue.
 * Which of header/summary/record a line is follows from its shape, not its position;
 * the importer enforces that the header comes first.
 */
export function parseDelegatedLine(line: string): DelegatedLine | DelegatedIssue {
  // Real files pad lines with trailing spaces (APNIC, LACNIC, RIPE NCC samples).
  const text = line.trim();
  if (text === '') return { kind: 'skip', reason: 'blank' };
  if (text.startsWith('#')) return { kind: 'skip', reason: 'comment' };
  const fields = text.split('|').map((f) => f.trim());
  if (VERSION.test(fields[0] ?? '')) return parseHeader(fields, text);
  if (fields.length >= 6 && fields[1] === '*' && (fields[5] ?? '').toLowerCase() === 'summary') {
    return parseSummary(fields, text);
  }
  return parseRecord(fields, text);
}
