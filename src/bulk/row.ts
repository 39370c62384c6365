// One bulk answer row: everything an investigator needs about one log line, flat, so that
// NDJSON and CSV carry the same fields. Pure over the query service's answer.
import { firstValue, stripComment } from '../model/types.js';
import { formatCidr, formatRange, rangeToCidrs } from '../net/prefix.js';
import type { Outcome, IpAnswer, NotFound } from '../query/types.js';
import { formatInstant } from '../query/time.js';

export interface BulkRow {
  readonly line: number;
  readonly input: string;
  /** The instant the line was answered for (RFC 3339, UTC). */
  readonly instant: string | null;
  readonly network: string | null;
  readonly prefixes: string | null;
  readonly netname: string | null;
  readonly holder: string | null;
  readonly member: string | null;
  readonly legal_contact: string | null;
  readonly sub_allocation: string | null;
  readonly abuse: string | null;
  readonly abuse_from: string | null;
  readonly country: string | null;
  readonly status: string | null;
  /** Each source's snapshot read: `IDNIC 2026-01-01T00:00:00Z import 4`, `;`-separated. */
  readonly snapshots: string | null;
  /** The next snapshot after the instant, per source, or null when current. */
  readonly next_snapshots: string | null;
  readonly error: string | null;
}

export const BULK_COLUMNS: readonly (keyof BulkRow)[] = [
  'line',
  'input',
  'instant',
  'network',
  'prefixes',
  'netname',
  'holder',
  'member',
  'legal_contact',
  'sub_allocation',
  'abuse',
  'abuse_from',
  'country',
  'status',
  'snapshots',
  'next_snapshots',
  'error',
];


const EMPTY: Omit<BulkRow, 'line' | 'input' | 'error'> = {
  instant: null,
  network: null,
  prefixes: null,
  netname: null,
  holder: null,
  member: null,
  legal_contact: null,
  sub_allocation: null,
  abuse: null,
  abuse_from: null,
  country: null,
  status: null,
  snapshots: null,
  next_snapshots: null,
};

export function errorRow(line: number, input: string, error: string): BulkRow {
  return { line, input, ...EMPTY, error };
}

function notFoundText(notFound: NotFound, registry: string): string {
  switch (notFound.kind) {
    case 'special':
      return `special-purpose space: ${notFound.block.name} (${notFound.block.prefix}, ${notFound.block.rfc})`;
    case 'not-assigned':
      return `managed by ${registry}, not assigned`;
    case 'foreign':
      return `not managed by ${registry}: ask the registry that holds it`;
    case 'no-object':
      return 'no entries found';
  }
}

export function bulkRow(line: number, input: string, outcome: Outcome<IpAnswer>, registry: string): BulkRow {
  if (outcome.kind === 'userError') return errorRow(line, input, outcome.message);
  const asOf = outcome.kind === 'ok' ? outcome.value.asOf : outcome.asOf;
  const time = {
    instant: formatInstant(asOf.instant),
    snapshots: asOf.sources.map((s) => `${s.source} ${formatInstant(s.snapshotAt)} import ${s.importId}`).join('; '),
    next_snapshots: asOf.sources.some((s) => s.nextAt !== null) ? asOf.sources.map((s) => `${s.source} ${s.nextAt === null ? 'none' : formatInstant(s.nextAt)}`).join('; ') : null,
  };
  if (outcome.kind === 'notFound') return { line, input, ...EMPTY, ...time, error: notFoundText(outcome.notFound, registry) };
  const a = outcome.value;
  const holder = a.holder;
  const value = (name: string) => {
    const v = firstValue(holder, name);
    return v === undefined ? null : stripComment(v) || null;
  };
  const legal = a.member?.legalContact;
  return {
    line,
    input,
    ...EMPTY,
    ...time,
    network: formatRange(holder.range!),
    prefixes: rangeToCidrs(holder.range!).map(formatCidr).join(' '),
    netname: value('netname'),
    holder: a.holderName?.text ?? null,
    member: a.member ? `${a.member.name ?? a.member.orgHandle} (${a.member.orgHandle})` : a.heldByRegistry ? `${registry} (not allocated to a member)` : null,
    legal_contact: legal ? `${legal.name} <${legal.email}> ${legal.phone}` : null,
    sub_allocation: a.subAllocation && a.subAllocation.id !== holder.id ? a.subAllocation.key : null,
    abuse: a.abuse?.mailbox ?? null,
    abuse_from: a.abuse ? a.abuse.network.key : null,
    country: value('country')?.toUpperCase() ?? null,
    status: value('status')?.toUpperCase() ?? null,
    error: null,
  };
}
