// GET /me's answer as plain data in, text out (issue 14 item 7): who may have it, the report
// as JSON or CSV, or why not. No Fastify here: the route hands the question to the heavy
// runner, so a member with 10,000 customer networks (half a second of SQLite and rendering)
// is answered in a worker thread and delays nobody's /ip.
import { stringify } from 'csv-stringify/sync';
import { csvCell } from '../bulk/row.js';
import { ANSWER_TEXT } from '../i18n/answer-texts.js';
import type { Language } from '../i18n/accept-language.js';
import { allValues, firstValue, stripComment, type StoredObject } from '../model/types.js';
import { formatAsn } from '../net/asn.js';
import { formatCidr, formatRange, rangeToCidrs } from '../net/prefix.js';
import { viewObject, type Caller } from '../policy/access.js';
import { memberReport, walk, type CustomerNetwork, type MemberReport, type Space } from '../query/member-report.js';
import { memberStanding } from '../query/membership.js';
import type { LookupService } from '../query/service.js';
import { formatInstant } from '../query/time.js';

/** What the route passes on: the caller (a member key naming its organisation) and its query parameters. */
export interface MeQuestion {
  readonly caller: Caller & { readonly org: string };
  /** The first value of each of `at`, `tz` and `format`. */
  readonly query: { readonly at?: string; readonly tz?: string; readonly format?: string };
  readonly lang: Language;
}

export type MeAnswer =
  | { readonly status: 200; readonly contentType: string; readonly filename: string | null; readonly body: string }
  /** Refused: the route answers with an RDAP error body saying `message`. */
  | { readonly status: 400 | 403; readonly message: string };

type Json = Record<string, unknown>;

const FORMATS = new Set(['json', 'csv']);

const value = (o: StoredObject, name: string): string | null => {
  const v = firstValue(o, name);
  return v === undefined ? null : stripComment(v) || null;
};

/** A count as a JSON number while it is exact, else as decimal text (only IPv6 wider than a /11 gets there). */
function count(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

function renderSpace(s: Space): Json {
  // Four decimals: a /56 in an IPv6 /40 is 0.0015 %, which two decimals would show as nothing.
  const percent = s.total === 0n ? 0 : Number((s.used * 1_000_000n) / s.total) / 10_000;
  return { unit: s.unit, total: count(s.total), used: count(s.used), free: count(s.free), usedPercent: percent };
}

/** One network of a tree: what identifies it and who holds it (no contact data: those are its own objects, a lookup away). */
function renderNetwork(n: CustomerNetwork): Json {
  const o = n.object;
  return {
    network: o.key,
    prefixes: rangeToCidrs(o.range!).map(formatCidr),
    class: o.className,
    source: o.source,
    netname: value(o, 'netname'),
    status: value(o, 'status'),
    org: value(o, 'org')?.toUpperCase() ?? null,
    holder: n.holder ? { name: n.holder.text, from: n.holder.from } : null,
    country: value(o, 'country'),
    // A past instant: this version ended with a later snapshot (the network changed or went).
    ...(o.validTo !== null ? { until: formatInstant(o.validTo) } : {}),
    ...(n.space ? { space: renderSpace(n.space) } : {}),
    children: n.children.map(renderNetwork),
  };
}

/** What was cut, in words (JSON `notes`, the CSV's last row). */
function cutNotes(report: MemberReport): string[] {
  const { cut, limits } = report;
  const notes: string[] = [];
  if (cut.networks) {
    notes.push(
      `customer networks cut at ${limits.networks}: the most specific ones were left out; space figures count every network. ` +
        'Ask /ips/rirSearch1/rdap-down/{prefix} for the networks below one listed here.',
    );
  }
  if (cut.routes) notes.push(`route objects cut at ${limits.routes}`);
  if (cut.reverseZones) notes.push(`reverse zones cut at ${limits.reverseZones}`);
  if (cut.findings > 0) notes.push(`${cut.findings} more findings left out (${limits.findings} listed)`);
  return notes;
}

function renderJson(report: MemberReport, caller: Caller): Json {
  const { asOf, record } = report;
  const notes = cutNotes(report);
  return {
    asOf: {
      instant: formatInstant(asOf.instant),
      requested: asOf.requested,
      snapshots: asOf.sources.map((s) => ({ source: s.source, snapshot: formatInstant(s.snapshotAt), importId: s.importId, next: s.nextAt === null ? null : formatInstant(s.nextAt) })),
    },
    organisation: report.organisation ? { handle: report.organisation.key, attributes: viewObject(caller, report.organisation).attributes.map(([n, v]) => [n, v]) } : null,
    // Its row of the members list: the desk the police are given for its space (DESIGN §2).
    member: record
      ? {
          memberId: record.key,
          orgName: value(record, 'org-name'),
          opaqueId: value(record, 'opaque-id'),
          country: value(record, 'country'),
          resources: allValues(record, 'resources'),
          legalContact: report.legalContact,
          abuseMailbox: value(record, 'abuse-mailbox'),
          source: record.source,
        }
      : null,
    maintainers: report.maintainers,
    autnums: report.autnums.map((a) => ({
      asn: formatAsn(a.asn),
      name: a.objects[0] ? value(a.objects[0], 'as-name') : null,
      sources: a.objects.map((o) => o.source),
      inMembersList: a.inMembersList,
    })),
    asBlocks: report.asBlocks.map((o) => ({ handle: o.key, source: o.source })),
    networks: report.networks.map(renderNetwork),
    routes: report.routes.map((r) => ({
      route: formatCidr(rangeToCidrs(r.object.range!)[0]!),
      class: r.object.className,
      origin: value(r.object, 'origin')?.toUpperCase() ?? null,
      source: r.object.source,
      maintainers: allValues(r.object, 'mnt-by').map((m) => stripComment(m).toUpperCase()),
      why: r.why,
    })),
    reverseZones: report.reverseZones.map((z) => ({
      domain: z.object.key,
      space: z.space ? formatRange(z.space) : null,
      relation: z.relation,
      source: z.object.source,
      nservers: allValues(z.object, 'nserver').map(stripComment),
      maintainers: allValues(z.object, 'mnt-by').map((m) => stripComment(m).toUpperCase()),
    })),
    findings: report.findings,
    limits: report.limits,
    truncated: notes.length > 0,
    notes,
  };
}

/** The CSV columns: one row per network, each tree depth first in address order. */
export const ME_CSV_COLUMNS = [
  'instant',
  'top_network',
  'depth',
  'parent',
  'network',
  'prefixes',
  'class',
  'source',
  'netname',
  'status',
  'org',
  'holder',
  'country',
  'until',
  'space_unit',
  'space_total',
  'space_used',
  'space_free',
  'note',
] as const;

function renderCsv(report: MemberReport): string {
  const instant = formatInstant(report.asOf.instant);
  const rows: Record<string, string | number | null>[] = [];
  for (const top of report.networks) {
    for (const n of walk(top)) {
      const o = n.object;
      rows.push({
        instant,
        top_network: top.object.key,
        depth: n.depth,
        parent: n.parent?.key ?? null,
        network: o.key,
        prefixes: rangeToCidrs(o.range!).map(formatCidr).join(' '),
        class: o.className,
        source: o.source,
        netname: value(o, 'netname'),
        status: value(o, 'status'),
        org: value(o, 'org')?.toUpperCase() ?? null,
        holder: n.holder?.text ?? null,
        country: value(o, 'country'),
        until: o.validTo !== null ? formatInstant(o.validTo) : null,
        space_unit: n.space?.unit ?? null,
        space_total: n.space ? n.space.total.toString() : null,
        space_used: n.space ? n.space.used.toString() : null,
        space_free: n.space ? n.space.free.toString() : null,
        note: null,
      });
    }
  }
  // A cut list must not read as complete: its last row says so, as the bulk API's does.
  for (const note of cutNotes(report)) rows.push({ instant, note });
  // Cells a spreadsheet would run as a formula are written as text (issue 13), as bulk CSV does.
  return stringify(rows, { header: true, columns: [...ME_CSV_COLUMNS], cast: { string: csvCell } });
}

/**
 * Member keys are for members (DESIGN §5): a key made for an organisation that is not one (or
 * no longer one) gets no member's view. Then the parameters, then the report.
 */
export function answerMe(service: LookupService, registry: string, question: MeQuestion): MeAnswer {
  const { caller, query } = question;
  const standing = memberStanding(service.objects, caller.org, registry);
  if (!standing.member) return { status: 403, message: `GET /me answers members of ${registry}: ${standing.reason}` };
  const format = query.format ?? 'json';
  if (!FORMATS.has(format)) return { status: 400, message: `format: "${format.slice(0, 40)}" is not a format of /me (json, csv)` };
  const outcome = memberReport(service, caller.org, { at: query.at, tz: query.tz });
  if (outcome.kind === 'userError') return { status: 400, message: ANSWER_TEXT[question.lang].problem(outcome.problem) };
  // memberReport answers a report or a user error; nothing else reaches here.
  if (outcome.kind !== 'ok') throw new Error(`member report answered ${outcome.kind}`);
  if (format === 'csv') {
    return { status: 200, contentType: 'text/csv; charset=utf-8', filename: `lacak-me-${caller.org.replace(/[^A-Za-z0-9_-]/g, '_')}.csv`, body: renderCsv(outcome.value) };
  }
  return { status: 200, contentType: 'application/json; charset=utf-8', filename: null, body: JSON.stringify(renderJson(outcome.value, caller)) };
}
