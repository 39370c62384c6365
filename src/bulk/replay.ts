// `lacak replay`: a saved bulk answer (NDJSON, as POST /bulk/ip wrote it) asked again of the
// database, line by line at the instant each line was answered for, and every line whose
// answer changed reported with why: a snapshot imported since, or a new import of the same one.
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { LookupService } from '../query/service.js';
import { parseBulkQuery } from './lines.js';
import { BULK_COLUMNS, bulkRow, type BulkRow } from './row.js';

export interface ReplayDifference {
  readonly line: number;
  readonly input: string;
  /** Fields whose values differ: [field, then, now]. */
  readonly fields: readonly (readonly [string, string | null, string | null])[];
  readonly reason: string;
}

export interface ReplayReport {
  readonly lines: number;
  readonly differences: readonly ReplayDifference[];
}

/**
 * Fields that say what the answer is; `snapshots`/`next_snapshots` are compared to explain,
 * not as answers, and the case reference belongs to the request, not the answer.
 */
const ANSWER_FIELDS = BULK_COLUMNS.filter((c) => !['line', 'input', 'snapshots', 'next_snapshots', 'case_reference'].includes(c));

/** `IDNIC 2026-01-01T00:00:00Z import 4; APNIC ...` → source → [snapshot, import id]. */
function snapshotsOf(text: string | null): Map<string, { at: string; importId: string }> {
  const out = new Map<string, { at: string; importId: string }>();
  for (const part of (text ?? '').split(';')) {
    const m = /^\s*(\S+) (\S+) import (\d+)\s*$/.exec(part);
    if (m) out.set(m[1]!, { at: m[2]!, importId: m[3]! });
  }
  return out;
}

/** `IDNIC 2026-01-01T00:00:00Z; APNIC none` → source → the next snapshot, or null. */
function nextSnapshotsOf(text: string | null): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const part of (text ?? '').split(';')) {
    const m = /^\s*(\S+) (\S+)\s*$/.exec(part);
    if (m) out.set(m[1]!, m[2] === 'none' ? null : m[2]!);
  }
  return out;
}

function explain(then: BulkRow, now: BulkRow): string {
  const before = snapshotsOf(then.snapshots);
  const after = snapshotsOf(now.snapshots);
  const reasons: string[] = [];
  for (const [source, n] of after) {
    const b = before.get(source);
    if (!b) reasons.push(`${source} has data for this instant now (snapshot ${n.at}, import ${n.importId}) and had none then`);
    else if (b.at !== n.at) reasons.push(`a later snapshot of ${source} covers this instant: ${n.at} (import ${n.importId}), was ${b.at} (import ${b.importId})`);
    else if (b.importId !== n.importId) reasons.push(`${source}'s snapshot ${n.at} was imported again: import ${n.importId}, was import ${b.importId}`);
  }
  for (const source of before.keys()) if (!after.has(source)) reasons.push(`${source} no longer has data for this instant`);
  // The same snapshot read, but a snapshot after the instant that was not there then: the
  // answer now says what changed between the two (DESIGN §2 "Between snapshots").
  const nextBefore = nextSnapshotsOf(then.next_snapshots);
  for (const [source, next] of nextSnapshotsOf(now.next_snapshots)) {
    if (next !== null && nextBefore.get(source) !== next && before.get(source)?.at === after.get(source)?.at) reasons.push(`a later snapshot of ${source} was imported since: ${next}, after this instant`);
  }
  return reasons.length > 0 ? reasons.join('; ') : 'the same snapshots and imports give a different answer (the answer rules changed: a new lacak version or configuration)';
}

/** The provenance record of a saved answer: its first line. */
interface SavedProvenance {
  readonly query?: { readonly at?: string | null; readonly tz?: string | null };
}

/**
 * One saved row asked again: the same address, at the instant it was answered for (a line
 * that was refused is asked again as it was sent, in the request's zone `tz`). Null: the
 * same answer.
 */
export function replayRow(service: LookupService, then: BulkRow, tz: string | undefined, registry: string): ReplayDifference | null {
  const query = parseBulkQuery(then.input);
  const when = then.instant ? { at: then.instant } : query.time ? { at: query.time, tz } : {};
  return rowDifference(then, bulkRow(then.line, then.input, service.lookupAddress(query.address, when), { registry, caseReference: then.case_reference ?? null }));
}

/** How the answer `now` differs from the saved one `then`, and why; null: the same answer. */
export function rowDifference(then: BulkRow, now: BulkRow): ReplayDifference | null {
  const fields = ANSWER_FIELDS.filter((f) => (then[f] ?? null) !== (now[f] ?? null)).map((f) => [f, (then[f] ?? null) as string | null, (now[f] ?? null) as string | null] as const);
  return fields.length > 0 ? { line: then.line, input: then.input, fields, reason: explain(then, now) } : null;
}

export async function replay(service: LookupService, input: Readable, registry: string): Promise<ReplayReport> {
  const differences: ReplayDifference[] = [];
  let lines = 0;
  // The request's own zone: a zoneless line time was read in it (`POST /bulk/ip?tz=WIB`).
  let tz: string | undefined;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    if (text.trim() === '') continue;
    const record = JSON.parse(text) as Partial<BulkRow> & { provenance?: SavedProvenance };
    if (record.provenance !== undefined) {
      tz = record.provenance.query?.tz ?? undefined;
      continue;
    }
    if (typeof record.line !== 'number' || typeof record.input !== 'string') continue;
    lines++;
    const difference = replayRow(service, record as BulkRow, tz, registry);
    if (difference) differences.push(difference);
  }
  return { lines, differences };
}
