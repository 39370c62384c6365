/**
 * Members CSV: the registry's member list with each member's legal-request contact
 * (the desk that answers police requests), which RPSL does not carry.
 *
 * Format: UTF-8 (a BOM is accepted), comma-separated, RFC 4180 quoting (`"PT Contoh, Tbk"`,
 * `""` for a quote inside quotes), LF or CRLF, optionally gzip-compressed. The first row
 * is a header naming the columns; names are exact (lower-case, underscores), order is
 * free, unknown columns are ignored with a warning. Every row has as many fields as the
 * header; blank lines and rows of empty fields are skipped.
 *
 * | column                | required | meaning |
 * |-----------------------|----------|---------|
 * | `member_id`           | yes      | the member's handle in this registry, e.g. `MBR-0001` (letters, digits, `-`, `_`); unique in the file; upper-cased |
 * | `org_handle`          | yes      | its `organisation` handle, e.g. `ORG-ANI1-IDNIC`; upper-cased |
 * | `org_name`            | yes      | the organisation's name as registered |
 * | `opaque_id`           | no       | the member's account id (opaque-id) in the RIR's delegated-extended statistics, e.g. `A91A7381`; upper-cased |
 * | `country`             | no       | ISO 3166 two-letter code; default `ID` |
 * | `resources`           | no       | ranges, prefixes and AS numbers the member holds, separated by spaces, `;` or `,`: `192.0.2.0 - 192.0.2.255`, `192.0.2.0/24`, `2001:db8::/32`, `AS64496`, `AS64496 - AS64511` (the `AS` is required) |
 * | `legal_contact_name`  | yes      | the desk that answers law-enforcement requests, e.g. `Legal Request Desk` |
 * | `legal_contact_email` | yes      | its e-mail address |
 * | `legal_contact_phone` | yes      | its phone, international form: `+` country code then digits, spaces, `-`, `.` or `()` allowed, 8–15 digits, optional `ext. 123`, e.g. `+62 21 5150 1234` |
 * | `abuse_email`         | no       | the member's abuse mailbox |
 *
 * Each good row becomes a `member` object of source `MEMBERS`. A bad row (missing required
 * field, bad e-mail, phone, country or resource, wrong number of fields) is a
 * `MEMBERS_BAD_ROW` issue and a repeated `member_id` a `MEMBERS_DUPLICATE` issue, both
 * naming the row's first line; the other rows still load. A header lacking a required
 * column, or CSV that cannot be split into rows at all (an unclosed quote swallows the
 * rest of the file), is fatal: LacakError(FORMAT) naming file and line.
 */
import { Transform } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { LACAK_ERR, LacakError } from '../errors.js';
import { inputName, openInput, type InputOptions } from '../importers/input.js';
import { DEFAULT_INPUT_LIMITS, INPUT_ISSUE, LineSplitter, lineTooLongMessage, type LineBatch } from '../io/lines.js';
import type { DataIssue, Reference, RegistryObject } from '../model/types.js';
import { formatAsn, parseAsnRange } from '../net/asn.js';
import { formatRange, parseRange } from '../net/prefix.js';

export const MEMBERS_SOURCE = 'MEMBERS';

export const MEMBERS_ISSUE = {
  BAD_ROW: 'MEMBERS_BAD_ROW',
  DUPLICATE: 'MEMBERS_DUPLICATE',
  UNKNOWN_COLUMN: 'MEMBERS_UNKNOWN_COLUMN',
} as const;

/** The columns, as data: the header check and the row reader both follow this table. */
export const MEMBER_COLUMNS = [
  { name: 'member_id', required: true },
  { name: 'org_handle', required: true },
  { name: 'org_name', required: true },
  { name: 'opaque_id', required: false },
  { name: 'country', required: false },
  { name: 'resources', required: false },
  { name: 'legal_contact_name', required: true },
  { name: 'legal_contact_email', required: true },
  { name: 'legal_contact_phone', required: true },
  { name: 'abuse_email', required: false },
] as const;

type ColumnName = (typeof MEMBER_COLUMNS)[number]['name'];

const KNOWN = new Set<string>(MEMBER_COLUMNS.map((c) => c.name));
const HANDLE = /^[A-Z0-9][A-Z0-9_-]*$/i;
const OPAQUE_ID = /^[A-Z0-9][A-Z0-9._-]*$/i;
const COUNTRY = /^[A-Z]{2}$/i;
// Deliberately practical rather than RFC 5322: one @, no spaces, a dotted domain of LDH labels.
const EMAIL = /^[^\s@"(),:;<>[\]\\]+@[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?(?:\.[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?)+$/i;
const PHONE = /^\+\d[\d\s().-]*\d(?:\s*(?:ext\.?|x)\s*\d{1,6})?$/i;
const PHONE_EXTENSION = /\s*(?:ext\.?|x)\s*\d{1,6}$/i;
/** E.164 allows at most 15 digits; fewer than 8 cannot be a reachable international number. */
const PHONE_DIGITS = { min: 8, max: 15 } as const;
const DEFAULT_COUNTRY = 'ID';

export interface MemberItem {
  object?: RegistryObject;
  issue?: DataIssue;
}

export function isValidEmail(text: string): boolean {
  return text.length <= 254 && EMAIL.test(text);
}

export function isValidPhone(text: string): boolean {
  if (!PHONE.test(text)) return false;
  const digits = text.replace(PHONE_EXTENSION, '').replace(/\D/g, '').length;
  return digits >= PHONE_DIGITS.min && digits <= PHONE_DIGITS.max;
}

/** One resource token → its canonical key form (`a - b`, `prefix/len`, `AS1`, `AS1 - AS2`), or null. */
export function canonicalResource(token: string): string | null {
  if (/^AS/i.test(token)) {
    const asns = parseAsnRange(token);
    if (!asns) return null;
    return asns.first === asns.last ? formatAsn(asns.first) : `${formatAsn(asns.first)} - ${formatAsn(asns.last)}`;
  }
  const range = parseRange(token);
  return range.ok ? formatRange(range.range) : null;
}

/** Splits the `resources` field; `a - b` ranges contain spaces, so dashes are joined first. */
export function splitResources(text: string): string[] {
  return text
    .replace(/\s*-\s*/g, '-')
    .split(/[\s;,]+/)
    .filter((t) => t !== '');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function countNewlines(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) n++;
  return n;
}

function readHeader(fields: readonly string[], file: string, line: number): { columns: Map<ColumnName, number>; unknown: string[] } {
  const columns = new Map<ColumnName, number>();
  const seen = new Set<string>();
  const unknown: string[] = [];
  fields.forEach((raw, index) => {
    const name = raw.trim();
    if (seen.has(name)) {
      throw new LacakError(LACAK_ERR.FORMAT, `${file} line ${line}: members CSV header names column "${name}" twice`);
    }
    seen.add(name);
    if (KNOWN.has(name)) columns.set(name as ColumnName, index);
    else unknown.push(name);
  });
  const missing = MEMBER_COLUMNS.filter((c) => c.required && !columns.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw new LacakError(
      LACAK_ERR.FORMAT,
      `${file} line ${line}: members CSV header lacks required column(s) ${missing.join(', ')} (found: ${fields.join(', ')})`,
    );
  }
  return { columns, unknown };
}

type RowResult = { object: RegistryObject } | { problems: string[] };

function rowToMember(get: (name: ColumnName) => string, file: string, line: number): RowResult {
  const problems: string[] = [];
  const required = (name: ColumnName): string => {
    const value = get(name);
    if (value === '') problems.push(`${name} is empty`);
    return value;
  };
  const memberId = required('member_id').toUpperCase();
  if (memberId !== '' && !HANDLE.test(memberId)) problems.push(`member_id "${memberId}" is not a handle`);
  const orgHandle = required('org_handle').toUpperCase();
  if (orgHandle !== '' && !HANDLE.test(orgHandle)) problems.push(`org_handle "${orgHandle}" is not a handle`);
  const orgName = required('org_name');
  const opaqueId = get('opaque_id').toUpperCase();
  if (opaqueId !== '' && !OPAQUE_ID.test(opaqueId)) problems.push(`opaque_id "${opaqueId}" is not an opaque-id`);
  const country = (get('country') || DEFAULT_COUNTRY).toUpperCase();
  if (!COUNTRY.test(country)) problems.push(`country "${country}" is not a two-letter code`);
  const resources: string[] = [];
  for (const token of splitResources(get('resources'))) {
    const canonical = canonicalResource(token);
    if (canonical === null) problems.push(`resource "${token}" is not a range, prefix or AS number`);
    else resources.push(canonical);
  }
  const legalName = required('legal_contact_name');
  const legalEmail = required('legal_contact_email');
  if (legalEmail !== '' && !isValidEmail(legalEmail)) problems.push(`legal_contact_email "${legalEmail}" is not an e-mail address`);
  const legalPhone = required('legal_contact_phone');
  if (legalPhone !== '' && !isValidPhone(legalPhone)) {
    problems.push(`legal_contact_phone "${legalPhone}" is not an international number (+<country code> <digits>)`);
  }
  const abuseEmail = get('abuse_email');
  if (abuseEmail !== '' && !isValidEmail(abuseEmail)) problems.push(`abuse_email "${abuseEmail}" is not an e-mail address`);
  if (problems.length > 0) return { problems };

  const attributes: (readonly [string, string])[] = [
    ['member', memberId],
    ['org', orgHandle],
    ['org-name', orgName],
  ];
  if (opaqueId !== '') attributes.push(['opaque-id', opaqueId]);
  attributes.push(['country', country]);
  for (const r of resources) attributes.push(['resources', r]);
  attributes.push(['legal-contact', legalName], ['legal-email', legalEmail], ['legal-phone', legalPhone]);
  if (abuseEmail !== '') attributes.push(['abuse-mailbox', abuseEmail]);
  attributes.push(['source', MEMBERS_SOURCE]);
  const references: Reference[] = [{ attribute: 'org', target: orgHandle }];
  if (opaqueId !== '') references.push({ attribute: 'opaque-id', target: opaqueId });
  return {
    object: { source: MEMBERS_SOURCE, className: 'member', key: memberId, attributes, references, file, line },
  };
}

/**
 * Lines ahead of csv-parse, through the importers' line splitter: CRLF → LF, and a line over
 * the line limit handed on as an empty line (which csv-parse skips), its number and length
 * noted in `cut` for the reader to report. Only LF and CRLF end lines, as before: csv-parse
 * 6.2 counts a CRLF inside a quoted field, or a CRLF in a file whose first line ended in LF,
 * as two lines, so issue line numbers would drift after every multi-line field of a
 * spreadsheet export. One line out per line in, so csv-parse's line numbers stay the file's.
 */
function lineGuard(maxLineBytes: number, cut: Map<number, number>): Transform {
  const splitter = new LineSplitter(maxLineBytes);
  const encode = (batch: LineBatch | null): Buffer | null => {
    if (!batch) return null;
    const lines = batch.cut ? batch.lines.map((l, i) => (batch.cut!.has(i) ? '' : l)) : batch.lines;
    for (const [i, bytes] of batch.cut ?? []) cut.set(batch.firstLine + i, bytes);
    return Buffer.from(lines.join('\n') + '\n', 'utf8');
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const out = encode(splitter.push(chunk));
      if (out) this.push(out);
      done();
    },
    flush(done) {
      const out = encode(splitter.end());
      if (out) this.push(out);
      done();
    },
  });
}

/** The cut lines up to line `upTo`, in order, taken out of `cut`. */
function takeCut(cut: Map<number, number>, upTo: number): [number, number][] {
  const taken: [number, number][] = [];
  for (const [n, bytes] of cut) if (n <= upTo) taken.push([n, bytes]);
  for (const [n] of taken) cut.delete(n);
  return taken.sort((a, b) => a[0] - b[0]);
}

function readFailure(err: unknown, file: string, lastRecordEnd: number, maxRowBytes: number): LacakError {
  if (err instanceof LacakError) return err;
  if (err instanceof CsvError) {
    if (err.code === 'CSV_MAX_RECORD_SIZE') {
      // Lines are cut at --max-line before csv-parse sees them, so only a quoted field running
      // over many lines gets here: an unclosed quote, most likely, swallowing the rest of the file.
      return new LacakError(
        LACAK_ERR.FORMAT,
        `${file} line ${lastRecordEnd + 1}: a row over ${maxRowBytes} bytes (--max-object); a quoted field opened in it is probably never closed`,
      );
    }
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      // csv-parse reports the end of file; the quote opened in the record after the last good one.
      return new LacakError(
        LACAK_ERR.FORMAT,
        `${file} line ${lastRecordEnd + 1}: a quoted field opened in this row is never closed (the rest of the file would be one field)`,
      );
    }
    const line = (err as CsvError & { lines?: number }).lines ?? lastRecordEnd + 1;
    const reason = oneLine(err.message.split(':')[0] ?? err.code);
    return new LacakError(LACAK_ERR.FORMAT, `${file} line ${line}: malformed CSV (${reason})`);
  }
  const e = err as NodeJS.ErrnoException;
  const reason = e?.code === 'Z_BUF_ERROR' ? 'unexpected end of file (truncated gzip?)' : oneLine(String(e?.message ?? err));
  return new LacakError(LACAK_ERR.FILE, `cannot read ${file}: ${reason}`);
}

/**
 * Streams the members CSV at `path` (`-` for stdin, gzip by magic bytes): one `{object}`
 * per good row, one `{issue}` per bad row or ignored column. Throws LacakError only for
 * what makes the whole file unusable (see the module comment).
 */
export async function* readMembers(path: string, options: InputOptions = {}): AsyncGenerator<MemberItem> {
  const file = inputName(path);
  const limits = options.limits ?? DEFAULT_INPUT_LIMITS;
  const input = await openInput(path, options);
  // No `columns: true`: reading the header ourselves gives a fatal, one-line error for a
  // missing column and lets a row with the wrong field count be an issue, not a crash.
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    // A stray quote inside an unquoted field (`PT "Maju" Jaya`) is kept as text.
    relax_quotes: true,
    info: true,
    // A row is one object: held whole while it is read, so bounded like one.
    max_record_size: limits.maxObjectBytes,
  });
  const cut = new Map<number, number>();
  const normalizer = lineGuard(limits.maxLineBytes, cut);
  const tooLong = (line: number, bytes: number): DataIssue => ({
    file,
    line,
    code: INPUT_ISSUE.LINE_TOO_LONG,
    message: `${lineTooLongMessage(bytes, limits.maxLineBytes)}; row not loaded`,
    severity: 'error',
  });
  input.on('error', (err) => normalizer.destroy(err));
  normalizer.on('error', (err) => parser.destroy(err));
  input.pipe(normalizer).pipe(parser);

  let header: { columns: Map<ColumnName, number>; width: number } | null = null;
  let lastRecordEnd = 0;
  const firstLineOf = new Map<string, number>();
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = item;
      const line = info.lines - countNewlines(record);
      lastRecordEnd = info.lines;
      // Lines over --max-line reach csv-parse empty: one that was a row of its own was skipped
      // as a blank line; one inside this row (a quoted field over several lines) costs it.
      const cutHere = takeCut(cut, info.lines);
      if (cutHere.length > 0 && header === null) {
        const [n, bytes] = cutHere[0]!;
        throw new LacakError(LACAK_ERR.FORMAT, `${file} line ${n}: not a members CSV header: ${lineTooLongMessage(bytes, limits.maxLineBytes)}`);
      }
      for (const [n, bytes] of cutHere) yield { issue: tooLong(n, bytes) };
      if (cutHere.some(([n]) => n >= line)) continue;
      if (header === null) {
        const { columns, unknown } = readHeader(record, file, line);
        header = { columns, width: record.length };
        if (unknown.length > 0) {
          yield {
            issue: {
              file,
              line,
              code: MEMBERS_ISSUE.UNKNOWN_COLUMN,
              message: `column(s) ${unknown.map((u) => `"${u}"`).join(', ')} not known; ignored`,
              severity: 'warning',
            },
          };
        }
        continue;
      }
      // Spreadsheets save rows that were merely formatted as `,,,,`.
      if (record.every((f) => f === '')) continue;
      const bad = (code: string, message: string): MemberItem => ({ issue: { file, line, code, message, severity: 'error' } });
      if (record.length !== header.width) {
        yield bad(MEMBERS_ISSUE.BAD_ROW, `row has ${record.length} fields, header has ${header.width}; row not loaded`);
        continue;
      }
      const columns = header.columns;
      const get = (name: ColumnName): string => {
        const index = columns.get(name);
        return index === undefined ? '' : oneLine(record[index] ?? '');
      };
      const id = get('member_id').toUpperCase();
      if (id !== '') {
        const first = firstLineOf.get(id);
        if (first !== undefined) {
          yield bad(MEMBERS_ISSUE.DUPLICATE, `member_id ${id} already on line ${first}; row not loaded`);
          continue;
        }
        firstLineOf.set(id, line);
      }
      const result = rowToMember(get, file, line);
      if ('problems' in result) yield bad(MEMBERS_ISSUE.BAD_ROW, `${result.problems.join('; ')}; row not loaded`);
      else yield { object: result.object };
    }
    for (const [n, bytes] of takeCut(cut, Infinity)) {
      if (header === null) throw new LacakError(LACAK_ERR.FORMAT, `${file} line ${n}: not a members CSV header: ${lineTooLongMessage(bytes, limits.maxLineBytes)}`);
      yield { issue: tooLong(n, bytes) };
    }
  } catch (err) {
    throw readFailure(err, file, lastRecordEnd, limits.maxObjectBytes);
  } finally {
    // Also runs when the consumer stops early: release the file descriptor, but never close stdin.
    input.unpipe(normalizer);
    normalizer.destroy();
    parser.destroy();
    if (path !== '-') input.destroy();
  }
  if (header === null) throw new LacakError(LACAK_ERR.FORMAT, `${file}: members CSV is empty (no header row)`);
}
