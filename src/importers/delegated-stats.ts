// NRO delegated-extended statistics file → registry objects, streamed: APNIC's file
// alone is ~50k lines and the NRO's combined file several hundred thousand.
import {
  DELEGATED_ISSUE,
  delegatedRecordExtent,
  formatDelegatedDate,
  isDelegatedDate,
  parseDelegatedLine,
  type DelegatedHeader,
  type DelegatedRecord,
} from '../delegated/parse.js';
import { LACAK_ERR, LacakError } from '../errors.js';
import type { DataIssue, Reference, RegistryObject } from '../model/types.js';
import { formatAsn } from '../net/asn.js';
import { formatRange } from '../net/prefix.js';
import { DEFAULT_INPUT_LIMITS, INPUT_ISSUE, lineTooLongMessage } from '../io/lines.js';
import { inputName, readLineBatches, type InputOptions } from './input.js';

export type { DelegatedHeader } from '../delegated/parse.js';

export const DELEGATED_IMPORT_ISSUE = {
  ...DELEGATED_ISSUE,
  UNKNOWN_STATUS: 'DELEGATED_UNKNOWN_STATUS',
  DUPLICATE_HEADER: 'DELEGATED_DUPLICATE_HEADER',
  SUMMARY_MISMATCH: 'DELEGATED_SUMMARY_MISMATCH',
} as const;

/** Counts of one file, yielded last so that an importer can report them. */
export interface DelegatedStats {
  /** Record lines seen (good or bad): what the header's `records` field counts. */
  readonly records: number;
  readonly objects: number;
  /** `available` / `reserved` records: free space is not an object and not a defect. */
  readonly skipped: number;
  readonly skippedByStatus: Readonly<Record<string, number>>;
  readonly issues: number;
}

export interface DelegatedItem {
  header?: DelegatedHeader;
  object?: RegistryObject;
  issue?: DataIssue;
  stats?: DelegatedStats;
}

const HELD_STATUSES = new Set(['allocated', 'assigned']);
const FREE_STATUSES = new Set(['available', 'reserved']);

/**
 * The instant a file describes: its `enddate` (6th header field, "end of period"),
 * else its serial when that is a date (APNIC's serial is the publication day, one day
 * after enddate). The header's UTC offset is deliberately not applied: the statistics
 * are day-granular, `created:` dates from the same file are written at 00:00:00Z too,
 * and a whole-day snapshot time keeps imports of different RIRs' files comparable.
 * Use `--at` where a finer time is known.
 */
export function delegatedSnapshotTime(header: DelegatedHeader): Date {
  for (const candidate of [header.endDate, header.serial]) {
    if (isDelegatedDate(candidate)) return new Date(formatDelegatedDate(candidate));
  }
  throw new LacakError(
    LACAK_ERR.FORMAT,
    `delegated header of ${header.registry} has neither an end date nor a date serial; give --at`,
  );
}

function statusText(record: DelegatedRecord): string {
  // Delegated space is RIR/NIR-issued and so portable; ASNs have no portability.
  const held = record.status === 'allocated' ? 'ALLOCATED' : 'ASSIGNED';
  return record.type === 'asn' ? held : `${held} PORTABLE`;
}

/**
 * The netname is synthesized: the statistics carry no name. `DELEGATED-<CC>-<OPAQUE-ID>`
 * says where it came from (never mistaken for an RIR-given netname), and the opaque-id
 * makes a netname search find every block of one account. `ZZ` is the NRO's code for an
 * unknown country.
 */
function netname(record: DelegatedRecord): string {
  const cc = record.cc === '' ? 'ZZ' : record.cc;
  return record.opaqueId === null ? `DELEGATED-${cc}` : `DELEGATED-${cc}-${record.opaqueId.toUpperCase()}`;
}

export function delegatedRecordToObject(
  record: DelegatedRecord,
  file: string,
  line: number,
): { object: RegistryObject } | { reason: string } {
  const extent = delegatedRecordExtent(record);
  if (!extent.ok) return { reason: extent.reason };
  const source = `DELEGATED-${record.registry.toUpperCase()}`;
  let className: string;
  let key: string;
  if ('range' in extent) {
    className = record.type === 'ipv4' ? 'inetnum' : 'inet6num';
    key = formatRange(extent.range);
  } else {
    const { first, last } = extent.asns;
    className = first === last ? 'aut-num' : 'as-block';
    key = first === last ? formatAsn(first) : `${formatAsn(first)} - ${formatAsn(last)}`;
  }
  const account = record.opaqueId?.toUpperCase() ?? null;
  const attributes: (readonly [string, string])[] = [[className, key]];
  // RPSL names networks with netname: and aut-nums with as-name:; an as-block has no name.
  if (className === 'inetnum' || className === 'inet6num') attributes.push(['netname', netname(record)]);
  else if (className === 'aut-num') attributes.push(['as-name', netname(record)]);
  if (record.cc !== '') attributes.push(['country', record.cc]);
  // An account id, not an organisation handle: stored under its own name so that nothing
  // resolves it as `org:` (DESIGN §2).
  if (account !== null) attributes.push(['opaque-id', account]);
  attributes.push(['status', statusText(record)]);
  if (record.date !== null) attributes.push(['created', formatDelegatedDate(record.date)]);
  attributes.push([
    'remarks',
    account === null ? 'delegated-extended record, no opaque-id' : `delegated-extended record, opaque-id ${account}`,
  ]);
  attributes.push(['source', source]);
  const references: Reference[] = account === null ? [] : [{ attribute: 'opaque-id', target: account }];
  const object: RegistryObject = {
    source,
    className,
    key,
    attributes,
    ...('range' in extent ? { range: extent.range } : { asns: extent.asns }),
    references,
    file,
    line,
  };
  return { object };
}

/** Lines one by one with their numbers; `cutBytes` when the line was over the line limit. */
async function* numberedLines(path: string, options: InputOptions): AsyncGenerator<{ text: string; line: number; cutBytes?: number }> {
  for await (const batch of readLineBatches(path, options)) {
    for (let i = 0; i < batch.lines.length; i++) yield { text: batch.lines[i]!, line: batch.firstLine + i, cutBytes: batch.cut?.get(i) };
  }
}

/**
 * Streams a delegated-extended file (path, `-` for stdin, gzip by magic bytes; `options`
 * as for readLines): first `{header}`, then one `{object}` per allocated/assigned record
 * and one `{issue}` per defect, and last `{stats}`. A missing or garbled header (the first
 * non-comment line) throws LacakError(FORMAT); an unreadable or truncated file throws
 * LacakError(FILE) from readLines. A bad record never throws.
 */
export async function* readDelegatedObjects(
  path: string,
  options: InputOptions = {},
): AsyncGenerator<DelegatedItem> {
  const file = inputName(path);
  let header: DelegatedHeader | null = null;
  let headerLine = 0;
  let lineNo = 0;
  let records = 0;
  let objects = 0;
  let issues = 0;
  const skippedByStatus: Record<string, number> = {};
  // Record lines per type as the summary lines count them: every line, good or bad.
  const seenByType = new Map<string, number>();
  const summaries: { type: string; count: number; line: number }[] = [];
  const mkIssue = (line: number, code: string, message: string, severity: DataIssue['severity'] = 'error') => {
    issues++;
    return { issue: { file, line, code, message, severity } satisfies DataIssue };
  };

  const maxLine = (options.limits ?? DEFAULT_INPUT_LIMITS).maxLineBytes;
  for await (const { text, line, cutBytes } of numberedLines(path, options)) {
    lineNo = line;
    const parsed = parseDelegatedLine(text);
    if (cutBytes !== undefined) {
      // Before the header no issue can be reported yet (the header dates the snapshot).
      if (header === null) throw new LacakError(LACAK_ERR.FORMAT, `${file} line ${lineNo}: not a delegated-extended file: ${lineTooLongMessage(cutBytes, maxLine)}`);
      // Only the start of the line was kept: whatever it parses as, it is not the record written.
      if (parsed.kind === 'record' || (parsed.kind === 'issue' && parsed.code === DELEGATED_ISSUE.BAD_RECORD)) {
        records++;
        const type = text.split('|')[2]?.trim().toLowerCase() ?? '';
        seenByType.set(type, (seenByType.get(type) ?? 0) + 1);
      }
      yield mkIssue(lineNo, INPUT_ISSUE.LINE_TOO_LONG, `${lineTooLongMessage(cutBytes, maxLine)}; record not loaded`);
      continue;
    }
    if (parsed.kind === 'skip') continue;
    if (header === null) {
      if (parsed.kind === 'header') {
        header = parsed;
        headerLine = lineNo;
        yield { header };
        continue;
      }
      const why = parsed.kind === 'issue' ? parsed.message : `expected a version|registry|serial|... header, found a ${parsed.kind} line`;
      throw new LacakError(LACAK_ERR.FORMAT, `${file} line ${lineNo}: not a delegated-extended file: ${why}`);
    }
    switch (parsed.kind) {
      case 'header':
        yield mkIssue(lineNo, DELEGATED_IMPORT_ISSUE.DUPLICATE_HEADER, `second header line (first on line ${headerLine}) ignored`);
        break;
      case 'summary':
        summaries.push({ type: parsed.type, count: parsed.count, line: lineNo });
        break;
      case 'issue': {
        if (parsed.code === DELEGATED_ISSUE.BAD_RECORD) {
          records++;
          const type = text.split('|')[2]?.trim().toLowerCase() ?? '';
          seenByType.set(type, (seenByType.get(type) ?? 0) + 1);
        }
        yield mkIssue(lineNo, parsed.code, parsed.message);
        break;
      }
      case 'record': {
        records++;
        seenByType.set(parsed.type, (seenByType.get(parsed.type) ?? 0) + 1);
        if (FREE_STATUSES.has(parsed.status)) {
          skippedByStatus[parsed.status] = (skippedByStatus[parsed.status] ?? 0) + 1;
          break;
        }
        if (!HELD_STATUSES.has(parsed.status)) {
          yield mkIssue(
            lineNo,
            DELEGATED_IMPORT_ISSUE.UNKNOWN_STATUS,
            `unknown status "${parsed.status}" for ${parsed.type} ${parsed.start}; record not loaded`,
          );
          break;
        }
        const converted = delegatedRecordToObject(parsed, file, lineNo);
        if ('reason' in converted) {
          // Unreachable while the parser validates extents; kept so a bad record can never throw.
          yield mkIssue(lineNo, DELEGATED_ISSUE.BAD_RECORD, converted.reason);
          break;
        }
        objects++;
        yield { object: converted.object };
        break;
      }
    }
  }

  if (header === null) {
    throw new LacakError(LACAK_ERR.FORMAT, `${file}: not a delegated-extended file: no header line`);
  }
  // Warnings only: the records are what they are; a mismatch points at a cut or edited file.
  if (header.records !== records) {
    yield mkIssue(
      headerLine,
      DELEGATED_IMPORT_ISSUE.SUMMARY_MISMATCH,
      `header announces ${header.records} records, file has ${records}`,
      'warning',
    );
  }
  for (const summary of summaries) {
    const seen = seenByType.get(summary.type) ?? 0;
    if (summary.count !== seen) {
      yield mkIssue(
        summary.line,
        DELEGATED_IMPORT_ISSUE.SUMMARY_MISMATCH,
        `summary announces ${summary.count} ${summary.type} records, file has ${seen}`,
        'warning',
      );
    }
  }
  const skipped = Object.values(skippedByStatus).reduce((a, b) => a + b, 0);
  yield { stats: { records, objects, skipped, skippedByStatus, issues } };
}
