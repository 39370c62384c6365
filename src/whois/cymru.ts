// Team Cymru's bulk protocol on the WHOIS port (DESIGN §4): after `begin`, option lines
// and one address per line, each answered by exactly one line as soon as it arrives.
// Real clients (python3-cymruwhois) split answers on `|` and crash on any other line.
import { firstValue, stripComment } from '../model/types.js';
import { parseAddressWithPort } from '../net/ip.js';
import { formatCidr, formatRange, singlePrefix } from '../net/prefix.js';
import { parseAsn } from '../net/asn.js';
import type { LookupService, When } from '../query/service.js';
import type { IpAnswer } from '../query/types.js';

/** Cymru truncates AS names unless asked not to; so does lacak, at this length. */
const NAME_LIMIT = 60;

const OPTION_WORDS = ['verbose', 'prefix', 'asnumber', 'countrycode', 'notruncate', 'notrunc', 'noasname', 'lacak', 'noprefix', 'noasnumber', 'nocountrycode', 'header', 'noheader'] as const;
type OptionWord = (typeof OPTION_WORDS)[number];

export interface CymruOptions {
  verbose: boolean;
  noAsName: boolean;
  noTruncate: boolean;
  /** lacak's own extra columns: responsible member, abuse e-mail, status. */
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
    // Beyond the limit every line still gets its one answer line, in the error form clients
    // already skip, so that a client reading one line per address stays in step.
    if (++this.addressLines > this.maxLines) return `${errorLine(lineNumber)} (limit: ${this.maxLines} lines per bulk session)`;
    const [token = '', ...rest] = trimmed.split(/\s+/);
    // Cymru accepts a time after the address; lacak answers as the registry stood then.
    const when: When = rest.length > 0 ? { at: cymruTime(rest.join(' ')) } : {};
    if (/^as\d+$/i.test(token)) return this.autnumLine(token, when) ?? errorLine(lineNumber);
    if (!parseAddressWithPort(token)) return errorLine(lineNumber);
    const outcome = this.service.lookupAddress(token, when);
    if (outcome.kind === 'userError') return errorLine(lineNumber);
    if (outcome.kind === 'notFound') return this.fields(['NA', token, 'NA', 'NA', ...this.middle(null), 'NA'], null);
    return this.addressLine(token, outcome.value);
  }

  private setOption(word: OptionWord): void {
    if (word === 'verbose') this.options.verbose = true;
    else if (word === 'noasname') this.options.noAsName = true;
    else if (word === 'notruncate' || word === 'notrunc') this.options.noTruncate = true;
    else if (word === 'lacak') this.options.lacak = true;
    // prefix, asnumber, countrycode are always on (the five default fields); header is never
    // sent: clients that parse every line as an answer break on it.
  }

  private addressLine(token: string, answer: IpAnswer): string {
    const holder = answer.holder;
    const asn = this.service.originAs(answer);
    const prefix = singlePrefix(holder.range!);
    const country = stripComment(firstValue(holder, 'country') ?? '').toUpperCase() || 'NA';
    const name = answer.holderName?.text ?? stripComment(firstValue(holder, 'netname') ?? '') ?? 'NA';
    return this.fields(
      [asn === null ? 'NA' : String(asn), token, prefix ? formatCidr(prefix) : formatRange(holder.range!), country, ...this.middle(answer), name || 'NA'],
      answer,
    );
  }

  private autnumLine(token: string, when: When): string | null {
    if (parseAsn(token) === null) return null;
    const outcome = this.service.lookupAutnum(token, when);
    if (outcome.kind !== 'ok') return outcome.kind === 'notFound' ? `${token.slice(2)} | NA | NA` : null;
    const object = outcome.value.objects[0]!;
    const country = stripComment(firstValue(object, 'country') ?? '').toUpperCase() || 'NA';
    const name = stripComment(firstValue(object, 'as-name') ?? firstValue(object, 'descr') ?? 'NA');
    const verbose = this.options.verbose ? [object.source.toLowerCase(), dateOf(firstValue(object, 'created'))] : [];
    return [token.slice(2), country, ...verbose, this.truncate(name)].join(' | ');
  }

  /** Cymru's verbose columns between CC and AS Name: registry and allocation date. */
  private middle(answer: IpAnswer | null): string[] {
    if (!this.options.verbose) return [];
    if (!answer) return ['NA', 'NA'];
    return [answer.holder.source.toLowerCase(), dateOf(firstValue(answer.holder, 'created'))];
  }

  private fields(values: string[], answer: IpAnswer | null): string {
    const name = values.pop()!;
    const out = [...values];
    if (!this.options.noAsName) out.push(this.truncate(name));
    if (this.options.lacak) {
      const member = answer?.member;
      out.push(member ? `${member.name ?? member.orgHandle} (${member.orgHandle})` : 'NA');
      out.push(answer?.abuse?.mailbox ?? 'NA');
      out.push(answer ? stripComment(firstValue(answer.holder, 'status') ?? '').toUpperCase() || 'NA' : 'NA');
    }
    // Cymru's column widths: AS 8, IP 16, prefix 19; clients strip the padding.
    return out.map((v, i) => (i === 0 ? v.padEnd(8) : i === 1 ? v.padEnd(16) : i === 2 ? v.padEnd(19) : v)).join(' | ');
  }

  private truncate(name: string): string {
    const clean = name.replace(/\|/g, '/');
    return this.options.noTruncate || clean.length <= NAME_LIMIT ? clean : clean.slice(0, NAME_LIMIT);
  }
}

/**
 * Cymru writes times as `2017-04-29 13:14:00 GMT` (GMT when no zone is given); anything else
 * is taken as RFC 3339 and must carry its zone.
 */
function cymruTime(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:\s*(?:GMT|UTC|Z))?$/i.exec(text.trim());
  return m ? `${m[1]}T${m[2]}Z` : text;
}

function errorLine(lineNumber: number): string {
  return `Error: no ASN or IP match on line ${lineNumber}.`;
}

function dateOf(text: string | undefined): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(stripComment(text ?? ''));
  return m ? `${m[1]}-${m[2]}-${m[3]}` : 'NA';
}
