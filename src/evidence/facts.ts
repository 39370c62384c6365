// The facts a piece of evidence states in plain fields (issue 18), read from the one query
// service: what the report prints and what a later check compares with the registry's
// current data. Addresses get the bulk row (holder, member, legal desk, abuse contact,
// change between snapshots); an AS number or an entity its public attributes. Never personal
// data: a check may be asked by anyone, and the facts are compared, not the redacted answer.
import { stripComment, firstValue, type StoredObject } from '../model/types.js';
import type { LookupService, When } from '../query/service.js';
import type { AsOf, ObjectAnswer, Outcome } from '../query/types.js';
import { formatInstant } from '../query/time.js';
import { bulkRow, type BulkRow } from '../bulk/row.js';
import { replayRow, rowDifference, type ReplayDifference } from '../bulk/replay.js';
import { rowsReadSoFar } from '../store/rows.js';
import { importedFiles } from '../store/objects.js';
import type { EvidenceProvenance, EvidenceStatement, ObjectFacts, QuestionKind } from './statement.js';

/** Questions about one registry object rather than an address. */
export type ObjectKind = Exclude<QuestionKind, 'ip' | 'bulk'>;

/** An address or prefix question's facts: its bulk row (line 1). */
export function addressFacts(service: LookupService, query: string, when: When, registry: string, caseReference: string | null): BulkRow {
  const outcome = /^[^[\]]+\/\d{1,3}$/.test(query) ? service.lookupRange(query, when) : service.lookupAddress(query, when);
  return bulkRow(1, query, outcome, { registry, caseReference });
}

function value(o: StoredObject, name: string): string | null {
  const v = firstValue(o, name);
  return v === undefined ? null : stripComment(v);
}

/** Public facts of an aut-num, entity or reverse domain answer; null when the lookup found nothing. */
export function objectFacts(service: LookupService, kind: ObjectKind, query: string, when: When): ObjectFacts | null {
  const outcome: Outcome<ObjectAnswer> = kind === 'autnum' ? service.lookupAutnum(query, when) : kind === 'domain' ? service.lookupKey(query, when, 'domain') : service.lookupHandle(query, when);
  if (outcome.kind !== 'ok') return null;
  const { objects, asOf } = outcome.value;
  const o = objects[0]!;
  const at = asOf.requested ? asOf.instant : null;
  const org = value(o, 'org');
  const orgObject = org ? service.resolveHandle(org, ['organisation'], at) : null;
  const abuse = kind === 'autnum' ? (service.abuseContact(objects, at)?.mailbox ?? null) : value(o, 'abuse-mailbox');
  // A person's name is personal data (DESIGN §5): the handle identifies it.
  const name = o.className === 'person' ? null : (value(o, 'as-name') ?? value(o, 'org-name') ?? value(o, 'role') ?? value(o, 'irt') ?? value(o, 'mntner') ?? value(o, 'descr'));
  return {
    class: o.className,
    key: o.key,
    name,
    holder: orgObject ? (value(orgObject, 'org-name') ?? orgObject.key) : org,
    country: value(o, 'country'),
    status: value(o, 'status'),
    abuse,
    source: o.source,
    'last-modified': value(o, 'last-modified'),
    'version-from': formatInstant(o.validFrom),
  };
}

/** The snapshots an answer was read from and the imports behind them (a bulk answer's rows name theirs) and the newest, with each file's SHA-256. */
export function evidenceProvenance(service: LookupService, asOf: AsOf | null, rows: readonly BulkRow[] = []): EvidenceProvenance {
  const snapshots = (asOf?.sources ?? []).map((s) => ({ source: s.source, snapshotAt: formatInstant(s.snapshotAt), importId: s.importId, nextSnapshotAt: s.nextAt === null ? null : formatInstant(s.nextAt) }));
  // Bulk rows each name the imports they were read from (`IDNIC 2026-01-01T00:00:00Z import 4; ...`).
  const named = rows.flatMap((r) => [...(r.snapshots ?? '').matchAll(/ import (\d+)/g)].map((m) => Number(m[1])));
  const ids = new Set([...snapshots.map((s) => s.importId), ...named, service.importId]);
  const imports = [...ids]
    .sort((a, b) => a - b)
    .map((id) => service.importRecord(id))
    .filter((i) => i !== null)
    .map((i) => ({
      id: i.id,
      snapshotAt: formatInstant(i.snapshotAt),
      format: i.format,
      files: importedFiles(i),
      lacakVersion: i.lacakVersion,
    }));
  return { snapshots, imports };
}

/** Where the current data answers differently: per address line, or per field of an object. */
export interface CurrentComparison {
  /** The same question asked now of the registry, at the instant the evidence answered for. */
  readonly same: boolean;
  readonly differences: readonly ReplayDifference[];
}

/** How long a comparison computes before it lets other requests in (as a bulk answer does). */
const YIELD_EVERY_MS = 10;

/**
 * Asks the statement's question again (at the instant it answered for) and lists what
 * differs: a later import may have corrected the data. The evidence stays what was answered
 * then. A signed bulk answer of 10,000 lines is 10,000 lookups: they give way to other
 * requests every few milliseconds, and `charge` is told the registry rows each one read.
 */
export async function compareWithCurrent(service: LookupService, statement: EvidenceStatement, registry: string, charge: (rows: number) => void = () => {}): Promise<CurrentComparison> {
  const differences: ReplayDifference[] = [];
  let slice = performance.now();
  const measured = <T>(work: () => T): T => {
    const before = rowsReadSoFar();
    try {
      return work();
    } finally {
      charge(rowsReadSoFar() - before);
    }
  };
  if (statement.question.kind === 'ip') {
    // One address or prefix, asked again at the instant it was answered for.
    const then = (statement.facts as readonly BulkRow[])[0]!;
    const at = then.instant ?? statement.instant;
    const when: When = at ? { at } : {};
    const difference = measured(() => rowDifference(then, addressFacts(service, statement.question.query, when, registry, then.case_reference ?? null)));
    if (difference) differences.push(difference);
  } else if (Array.isArray(statement.facts)) {
    for (const then of statement.facts as readonly BulkRow[]) {
      if (performance.now() - slice > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const difference = measured(() => replayRow(service, then, statement.question.tz ?? undefined, registry));
      if (difference) differences.push(difference);
    }
  } else {
    const kind = statement.question.kind as ObjectKind;
    // "Now" in the evidence was the instant it was served: that instant is asked again.
    const when: When = statement.instant ? { at: statement.instant } : {};
    const then = statement.facts as ObjectFacts;
    const now = measured(() => objectFacts(service, kind, statement.question.query, when)) ?? {};
    const fields = [...new Set([...Object.keys(then), ...Object.keys(now)])]
      .filter((f) => (then[f] ?? null) !== (now[f] ?? null))
      .map((f) => [f, then[f] ?? null, now[f] ?? null] as const);
    if (fields.length > 0) differences.push({ line: 1, input: statement.question.query, fields, reason: Object.keys(now).length === 0 ? 'the registry no longer has this object at that instant' : 'the registry holds another version of this object for that instant now (a later import changed it)' });
  }
  return { same: differences.length === 0, differences };
}
