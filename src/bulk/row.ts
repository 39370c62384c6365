// One bulk answer row: everything an investigator needs about one log line, flat, so that
// NDJSON and CSV carry the same fields. Pure over the query service's answer; the wording of
// authority, member and change is the one every front end uses (i18n/answer-texts).
import { firstValue, stripComment } from '../model/types.js';
import { formatIp, parseAddressWithPort, unmapIpv4 } from '../net/ip.js';
import { formatCidr, formatRange, rangeToCidrs } from '../net/prefix.js';
import type { Authority, Outcome, IpAnswer, NotFound, SnapshotChange } from '../query/types.js';
import { formatInstant } from '../query/time.js';
import { ANSWER_TEXT, holderLabel, type Found } from '../i18n/answer-texts.js';

export interface BulkRow {
  readonly line: number;
  readonly input: string;
  /** The address of the line, as lacak writes it, and its port if it named one. */
  readonly address: string | null;
  readonly port: number | null;
  /** The request's case reference (X-Case-Reference), on every row so that a file carries it. */
  readonly case_reference: string | null;
  /** The instant the line was answered for (RFC 3339, UTC). */
  readonly instant: string | null;
  /** Who is authoritative for the address: this registry, another registry, or `unknown`. */
  readonly authority: string | null;
  /** What the answer says about authority, where it is not this registry (or why nobody holds it). */
  readonly authority_note: string | null;
  /** The authoritative registry's RDAP answer and WHOIS server, where it is another registry. */
  readonly authority_rdap: string | null;
  readonly authority_whois: string | null;
  readonly network: string | null;
  readonly prefixes: string | null;
  readonly netname: string | null;
  readonly holder: string | null;
  readonly member: string | null;
  /** Why no member ISP answers for it (the registry's pool, a direct assignment, the RIR's own). */
  readonly member_note: string | null;
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
  /** DESIGN §2 "Between snapshots": the next snapshot's holder where it differs, the verdict, and the likelier holder. */
  readonly next_holder: string | null;
  readonly changed: string | null;
  readonly likely_holder: string | null;
  readonly error: string | null;
}

export const BULK_COLUMNS: readonly (keyof BulkRow)[] = [
  'line',
  'input',
  'address',
  'port',
  'case_reference',
  'instant',
  'authority',
  'authority_note',
  'authority_rdap',
  'authority_whois',
  'network',
  'prefixes',
  'netname',
  'holder',
  'member',
  'member_note',
  'legal_contact',
  'sub_allocation',
  'abuse',
  'abuse_from',
  'country',
  'status',
  'snapshots',
  'next_snapshots',
  'next_holder',
  'changed',
  'likely_holder',
  'error',
];

/**
 * A CSV cell as a spreadsheet shows it, never runs it (OWASP's advice on CSV injection): a
 * cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
 * LibreOffice and Google Sheets, so it is written with a `'` in front, which they read as
 * "text follows" and do not show. Registry text (a netname `=HYPERLINK(...)`) and the
 * caller's own input are both cells. Numbers are not strings here and stay numbers (no row
 * holds a negative one); no address, range or prefix lacak writes begins with these
 * characters. NDJSON carries every value as it is.
 */
export function csvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** What every row of one request shares. */
export interface BulkContext {
  readonly registry: string;
  readonly caseReference?: string | null;
}

const EMPTY: Omit<BulkRow, 'line' | 'input' | 'error'> = {
  address: null,
  port: null,
  case_reference: null,
  instant: null,
  authority: null,
  authority_note: null,
  authority_rdap: null,
  authority_whois: null,
  network: null,
  prefixes: null,
  netname: null,
  holder: null,
  member: null,
  member_note: null,
  legal_contact: null,
  sub_allocation: null,
  abuse: null,
  abuse_from: null,
  country: null,
  status: null,
  snapshots: null,
  next_snapshots: null,
  next_holder: null,
  changed: null,
  likely_holder: null,
};

/** The address and port a bulk line names, as lacak writes them (null when it names none). */
function lineAddress(input: string): { address: string | null; port: number | null } {
  const parsed = parseAddressWithPort(input.split(',')[0] ?? '');
  if (!parsed) return { address: null, port: null };
  const address = unmapIpv4(parsed.address);
  return { address: formatIp(address.family, address.value), port: parsed.port };
}

export function errorRow(line: number, input: string, error: string, context?: BulkContext): BulkRow {
  return { line, input, ...EMPTY, ...lineAddress(input), case_reference: context?.caseReference ?? null, error };
}

/** The authority columns: who answers for the address and where its servers are. */
function authorityColumns(authority: Authority, registry: string, address: string | null): Pick<BulkRow, 'authority' | 'authority_note' | 'authority_rdap' | 'authority_whois'> {
  if (authority.kind === 'this-registry') return { authority: registry, authority_note: null, authority_rdap: null, authority_whois: null };
  const note = ANSWER_TEXT.en.authority(authority, registry);
  if (authority.kind === 'unknown') return { authority: 'unknown', authority_note: note, authority_rdap: null, authority_whois: null };
  const r = authority.registry;
  return { authority: r.name, authority_note: note, authority_rdap: address ? `${r.rdap}ip/${address}` : r.rdap, authority_whois: r.whois };
}

function notFoundColumns(notFound: NotFound, registry: string, address: string | null): Partial<BulkRow> {
  switch (notFound.kind) {
    case 'not-assigned':
      return { authority: registry, member_note: ANSWER_TEXT.en.notFound(notFound, registry) };
    case 'foreign':
      return authorityColumns(notFound.authority, registry, address);
    case 'special':
    case 'no-object':
      return { authority_note: ANSWER_TEXT.en.notFound(notFound, registry) };
  }
}

/** The between-snapshots columns: S′'s holder, the verdict, and who more likely held it. */
function changeColumns(change: SnapshotChange | null | undefined, then: Found, registry: string): Pick<BulkRow, 'next_holder' | 'changed' | 'likely_holder'> {
  if (!change) return { next_holder: null, changed: null, likely_holder: null };
  const next = holderLabel('en', change.next, registry);
  const likely = change.verdict === 'changed-before' ? next : change.verdict === 'changed-after' ? holderLabel('en', then, registry) : null;
  return { next_holder: next, changed: ANSWER_TEXT.en.verdictWord(change.verdict), likely_holder: likely };
}

export function bulkRow(line: number, input: string, outcome: Outcome<IpAnswer>, context: BulkContext): BulkRow {
  const { registry } = context;
  const case_reference = context.caseReference ?? null;
  if (outcome.kind === 'userError') return errorRow(line, input, outcome.message, context);
  const { address, port } = lineAddress(input);
  const asOf = outcome.kind === 'ok' ? outcome.value.asOf : outcome.asOf;
  const base = {
    line,
    input,
    ...EMPTY,
    address,
    port,
    case_reference,
    instant: formatInstant(asOf.instant),
    snapshots: asOf.sources.map((s) => `${s.source} ${formatInstant(s.snapshotAt)} import ${s.importId}`).join('; '),
    next_snapshots: asOf.sources.some((s) => s.nextAt !== null) ? asOf.sources.map((s) => `${s.source} ${s.nextAt === null ? 'none' : formatInstant(s.nextAt)}`).join('; ') : null,
  };
  if (outcome.kind === 'notFound') {
    return { ...base, ...notFoundColumns(outcome.notFound, registry, address), ...changeColumns(outcome.change, { kind: 'notFound', notFound: outcome.notFound }, registry), error: null };
  }
  const a = outcome.value;
  const holder = a.holder;
  const value = (name: string) => {
    const v = firstValue(holder, name);
    return v === undefined ? null : stripComment(v) || null;
  };
  const legal = a.member?.legalContact;
  const holderName = a.holderName?.text ?? null;
  return {
    ...base,
    ...authorityColumns(a.authority, registry, address),
    network: formatRange(holder.range!),
    prefixes: rangeToCidrs(holder.range!).map(formatCidr).join(' '),
    netname: value('netname'),
    holder: holderName,
    member: a.member ? `${a.member.name ?? a.member.orgHandle} (${a.member.orgHandle})` : null,
    member_note: a.noMember ? ANSWER_TEXT.en.noMember(a.noMember, registry, holderName ?? holder.key) : null,
    legal_contact: legal ? `${legal.name} <${legal.email}> ${legal.phone}` : null,
    sub_allocation: a.subAllocation && a.subAllocation.id !== holder.id ? a.subAllocation.key : null,
    abuse: a.abuse?.mailbox ?? null,
    abuse_from: a.abuse ? a.abuse.network.key : null,
    country: value('country')?.toUpperCase() ?? null,
    status: value('status')?.toUpperCase() ?? null,
    ...changeColumns(a.change, { kind: 'ok', answer: a }, registry),
    error: null,
  };
}
