// Team Cymru's bulk protocol on the WHOIS port (DESIGN §4): after `begin`, option lines
// and one address per line, each answered by exactly one line as soon as it arrives.
// Real clients (python3-cymruwhois) split answers on `|` and crash on any other line.
import { LRUCache } from 'lru-cache';
import { firstValue, stripComment, type StoredObject } from '../model/types.js';
import { oneLine } from '../model/one-line.js';
import { parseAddressWithPort, unmapIpv4 } from '../net/ip.js';
import { formatCidr, rangeToCidrs, singlePrefix, type Cidr, type IpRange } from '../net/prefix.js';
import { parseAsn } from '../net/asn.js';
import { originRoute, type RoutedQuery } from '../query/routing.js';
import type { LookupService, When } from '../query/service.js';
import { formatInstant, parseInstant, resolveZone } from '../query/time.js';
import type { AsOf, IpAnswer } from '../query/types.js';

/** Cymru truncates AS names unless asked not to; so does lacak, at this length. */
const NAME_LIMIT = 60;

/** AS names kept per session: a bulk session asks about a few ASes many times over. */
const AS_NAMES_KEPT = 4096;

const OPTION_WORDS = ['verbose', 'prefix', 'asnumber', 'countrycode', 'notruncate', 'notrunc', 'noasname', 'lacak', 'noprefix', 'noasnumber', 'nocountrycode', 'header', 'noheader'] as const;
type OptionWord = (typeof OPTION_WORDS)[number];

/** `tz ZONE` (any case): the zone zoneless times on later lines are read in. */
const TZ_OPTION = /^tz\s+(\S+)$/i;

/**
 * A time written as date, time and a zone name: Cymru's own `2017-04-29 13:14:00 GMT`, and by
 * the same pattern `... UTC`, `... Z`, `... WIB` or `... Asia/Jakarta` (DESIGN §2 accepts
 * those names wherever a zone is).
 */
const NAMED_ZONE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s+(\S+)$/;

/** RFC 3339 with a space before the offset (`2017-04-29 20:14:00 +07:00`): the space is dropped. */
const SPACED_OFFSET_TIME = /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s+([+-]\d{2}:\d{2})$/;

export interface CymruOptions {
  verbose: boolean;
  noAsName: boolean;
  noTruncate: boolean;
  /** lacak's own extra columns: holder, responsible member, abuse e-mail, status. */
  lacak: boolean;
}

export function isBulkBegin(line: string): boolean {
  return line.trim().toLowerCase() === 'begin';
}

export function isBulkEnd(line: string): boolean {
  return line.trim().toLowerCase() === 'end';
}

/** The one line right after `begin`, like Cymru's "Bulk mode; ... [date]". */
export function bulkBanner(host: string, now: number): string {
  const d = new Date(now).toISOString();
  return `Bulk mode; ${host} [${d.slice(0, 10)} ${d.slice(11, 19)} +0000]`;
}


export class CymruSession {
  readonly options: CymruOptions = { verbose: false, noAsName: false, noTruncate: false, lacak: false };

  private addressLines = 0;

  /**
   * The IANA zone of the last `tz` line (null: an unknown zone, so that the zoneless times
   * after it are errors rather than read in an earlier line's zone); undefined: no `tz` line.
   */
  private zone: string | null | undefined = undefined;

  /** AS Name column by AS and the snapshots read: see asName. */
  private readonly asNames = new LRUCache<string, string>({ max: AS_NAMES_KEPT });

  /** `maxLines`: address lines this session may ask (DESIGN §5 bulk lines per request). */
  constructor(
    private readonly service: LookupService,
    private readonly maxLines: number = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * One line of the session (numbered from the connection's first line, `begin` being 1):
   * an option changes the format and answers nothing; a blank line answers nothing; an
   * address or AS number answers one line; anything else answers Cymru's error line.
   */
  line(text: string, lineNumber: number): string | null {
    const trimmed = text.trim();
    if (trimmed === '') return null;
    const word = trimmed.toLowerCase();
    if ((OPTION_WORDS as readonly string[]).includes(word)) {
      this.setOption(word as OptionWord);
      return null;
    }
    const tz = TZ_OPTION.exec(trimmed);
    if (tz) {
      this.zone = resolveZone(tz[1]!);
      return null;
    }
    // Beyond the limit every line still gets its one answer line, in the error form clients
    // already skip, so that a client reading one line per address stays in step.
    if (++this.addressLines > this.maxLines) return `${errorLine(lineNumber)} (limit: ${this.maxLines} lines per bulk session)`;
    const [token = '', ...rest] = trimmed.split(/\s+/);
    // Cymru accepts a time after the address; lacak answers as the registry stood then.
    // DESIGN §4: a line the rule for times refuses is a bad line, answered by the one error form.
    const when = rest.length > 0 ? this.lineTime(rest.join(' ')) : {};
    if (when === null) return errorLine(lineNumber);
    if (/^as\d+$/i.test(token)) return this.autnumLine(token, when) ?? errorLine(lineNumber);
    const parsed = parseAddressWithPort(token);
    if (!parsed) return errorLine(lineNumber);
    const outcome = this.service.lookupAddress(token, when);
    if (outcome.kind === 'userError') return errorLine(lineNumber);
    if (outcome.kind === 'notFound') {
      const address = unmapIpv4(parsed.address);
      const range: IpRange = { family: address.family, start: address.value, end: address.value };
      // Special-purpose space is nobody's: a route object there is a mistake, not an origin.
      const routed = outcome.notFound.kind === 'special' ? null : { query: { range }, asOf: outcome.asOf };
      return this.addressLine(token, routed, null);
    }
    return this.addressLine(token, outcome.value, outcome.value);
  }

  private setOption(word: OptionWord): void {
    if (word === 'verbose') this.options.verbose = true;
    else if (word === 'noasname') this.options.noAsName = true;
    else if (word === 'notruncate' || word === 'notrunc') this.options.noTruncate = true;
    else if (word === 'lacak') this.options.lacak = true;
    // prefix, asnumber, countrycode are always on (the five default fields); header is never
    // sent: clients that parse every line as an answer break on it.
  }

  /**
   * The time after an address, by the one rule for times (DESIGN §2, §4): a time with a zone
   * stands as written; a zoneless one is read in the zone of the last `tz` line, and is an
   * error without one (never silently GMT: a police request quotes local time).
   */
  private lineTime(text: string): When | null {
    const spaced = SPACED_OFFSET_TIME.exec(text);
    if (spaced) return { at: `${spaced[1]}${spaced[2]}` };
    const named = NAMED_ZONE_TIME.exec(text);
    if (named) {
      const at = `${named[1]}T${named[2]}`;
      if (named[3]!.toUpperCase() === 'Z') return { at: `${at}Z` };
      const zone = resolveZone(named[3]!);
      return zone === null ? null : { at, tz: zone };
    }
    // A zone in the text itself (RFC 3339 offset or Z), or not a time at all: the service
    // judges it.
    const parsed = parseInstant(text);
    if (parsed.ok || parsed.why !== 'no-zone') return { at: text };
    return this.zone ? { at: text, tz: this.zone } : null;
  }

  /**
   * `AS | IP | BGP Prefix | CC | AS Name` (DESIGN §4). `routed` is what the route rule reads
   * (null: look for no route); `answer` is the holder's answer, null when nobody here holds it.
   */
  private addressLine(token: string, routed: RoutedQuery | null, answer: IpAnswer | null): string {
    const route = routed ? originRoute(this.service, routed) : null;
    let prefix = 'NA';
    if (route) prefix = formatCidr(route.prefix);
    else if (answer) prefix = formatCidr(holderBlock(answer.holder.range!, answer.query.range.start));
    const holder = answer?.holder ?? null;
    const country = holder ? clean(stripComment(firstValue(holder, 'country') ?? '').toUpperCase()) || 'NA' : 'NA';
    const asName = route && routed ? this.asName(route.asn, routed.asOf) : 'NA';
    const out = [route ? String(route.asn) : 'NA', token, prefix, country, ...this.middle(holder)];
    if (!this.options.noAsName) out.push(this.truncate(asName));
    if (this.options.lacak) out.push(...lacakFields(answer));
    // Cymru's column widths: AS 8, IP 16, prefix 19; clients strip the padding.
    return out.map((v, i) => (i === 0 ? v.padEnd(8) : i === 1 ? v.padEnd(16) : i === 2 ? v.padEnd(19) : v)).join(' | ');
  }

  /**
   * Cymru's AS Name: the aut-num's `as-name`, a comma and its country (`CONTOHNET-AS-ID, ID`),
   * read at the instant the line was answered for. An AS with no aut-num object at that
   * instant (only an as-block, or nothing) or one without an `as-name` gets `NA`, as Cymru
   * prints for an AS it has no name for: a descr or an organisation name would be a name
   * the AS never registered.
   *
   * Versions begin and end only at snapshot instants, so every instant read from the same
   * snapshots sees the same aut-num: the name is kept per AS and snapshots read.
   */
  private asName(asn: number, asOf: AsOf): string {
    const key = `${asn} ${asOf.requested ? '' : 'now '}${asOf.sources.map((s) => `${s.source}:${s.importId}:${s.snapshotAt}`).join(',')}`;
    const kept = this.asNames.get(key);
    if (kept !== undefined) return kept;
    const outcome = this.service.lookupAutnum(String(asn), asOf.requested ? { at: formatInstant(asOf.instant) } : {});
    const autnum = outcome.kind === 'ok' ? outcome.value.objects.find((o) => o.className === 'aut-num') : undefined;
    const name = autnum ? autnumName(autnum) : 'NA';
    this.asNames.set(key, name);
    return name;
  }

  private autnumLine(token: string, when: When): string | null {
    if (parseAsn(token) === null) return null;
    const outcome = this.service.lookupAutnum(token, when);
    if (outcome.kind !== 'ok') return outcome.kind === 'notFound' ? `${token.slice(2)} | NA | NA` : null;
    const object = outcome.value.objects[0]!;
    const country = clean(stripComment(firstValue(object, 'country') ?? '').toUpperCase()) || 'NA';
    // The same AS Name as on address lines; an as-block (no aut-num for this AS) has none.
    const name = object.className === 'aut-num' ? autnumName(object) : 'NA';
    const verbose = this.options.verbose ? [clean(object.source.toLowerCase()), dateOf(firstValue(object, 'created'))] : [];
    return [token.slice(2), country, ...verbose, this.truncate(name)].join(' | ');
  }

  /** Cymru's verbose columns between CC and AS Name: registry and allocation date. */
  private middle(holder: StoredObject | null): string[] {
    if (!this.options.verbose) return [];
    if (!holder) return ['NA', 'NA'];
    return [clean(holder.source.toLowerCase()), dateOf(firstValue(holder, 'created'))];
  }

  private truncate(name: string): string {
    const cleaned = clean(name);
    return this.options.noTruncate || cleaned.length <= NAME_LIMIT ? cleaned : cleaned.slice(0, NAME_LIMIT);
  }
}

/**
 * The CIDR block of the holder network that contains the address: the network itself when
 * it is one prefix, else the one block of its CIDR decomposition holding the address (an
 * inetnum such as `198.51.100.0 - 198.51.100.95` is /26 + /27; Cymru's column is a prefix).
 */
function holderBlock(range: IpRange, address: bigint): Cidr {
  const single = singlePrefix(range);
  if (single) return single;
  const blocks = rangeToCidrs(range);
  // Blocks are in address order and contiguous: the last one starting at or below the address.
  let found = blocks[0]!;
  for (const block of blocks) {
    if (block.start > address) break;
    found = block;
  }
  return found;
}

/** `as-name, CC` as Cymru writes it; `NA` for the country when the aut-num names none. */
function autnumName(autnum: StoredObject): string {
  const name = clean(stripComment(firstValue(autnum, 'as-name') ?? ''));
  if (name === '') return 'NA';
  const country = clean(stripComment(firstValue(autnum, 'country') ?? '').toUpperCase()) || 'NA';
  return `${name}, ${country}`;
}

/**
 * lacak's four extra columns (option `lacak`): holder (its name, else its netname),
 * responsible member `Name (ORG-HANDLE)`, abuse e-mail, status; `NA` where there is none.
 */
function lacakFields(answer: IpAnswer | null): string[] {
  if (!answer) return ['NA', 'NA', 'NA', 'NA'];
  const holder = answer.holderName?.text || stripComment(firstValue(answer.holder, 'netname') ?? '') || 'NA';
  const member = answer.member ? `${answer.member.name ?? answer.member.orgHandle} (${answer.member.orgHandle})` : 'NA';
  const abuse = answer.abuse?.mailbox || 'NA';
  const status = stripComment(firstValue(answer.holder, 'status') ?? '').toUpperCase() || 'NA';
  return [holder, member, abuse, status].map(clean);
}

/**
 * Registry text as one field of a `|`-separated answer line: one line (a newline in an
 * org-name would give the address two answer lines, issue 13), and a `|` inside a value,
 * which would split it into two fields, written as `/`.
 */
function clean(value: string): string {
  return oneLine(value).replace(/\|/g, '/');
}

function errorLine(lineNumber: number): string {
  return `Error: no ASN or IP match on line ${lineNumber}.`;
}

function dateOf(text: string | undefined): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(stripComment(text ?? ''));
  return m ? `${m[1]}-${m[2]}-${m[3]}` : 'NA';
}
