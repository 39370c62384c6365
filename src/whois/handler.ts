// One WHOIS query line → the answer's lines. No sockets here (server.ts frames bytes);
// every rule comes from the query service (DESIGN §2) and the access policy (DESIGN §5).
import { LRUCache } from 'lru-cache';
import { firstValue, allValues, stripComment, type StoredObject } from '../model/types.js';
import { oneLine } from '../model/one-line.js';
import { looksLikeAddress, parseAddressWithPort } from '../net/ip.js';
import { formatRange, parseRange, type IpRange } from '../net/prefix.js';
import { parseAsn, parseAsnRange } from '../net/asn.js';
import type { Config } from '../config.js';
import { lacakVersion } from '../version.js';
import { BYTES_PER_POINT, ROWS_PER_POINT } from '../access/cost.js';
import { ANONYMOUS, BULK_LINES, mayListVersions, viewKey, viewObject, type Caller } from '../policy/access.js';
import { parentOf, type LookupService, type When } from '../query/service.js';
import { mostSpecificRoutes } from '../query/routing.js';
import type { AsOf, IpAnswer, Outcome, SnapshotChange } from '../query/types.js';
import { ANSWER_TEXT, changeLines, portText, type Found as AnswerFound } from '../i18n/answer-texts.js';
import { RPSL_CLASSES } from '../rpsl/classes.js';
import { NameSearch } from '../query/names.js';
import { errorLines, WHOIS_ERR, whoisError, type WhoisError } from './errors.js';
import { flagHelp, parseQuery, type FlagName, type ParsedQuery, type ParseResult } from './flags.js';
import { bannerLines, informationLine, objectLines, sourceLines, templateLines, trailerLines, typeLines, verboseTemplateLines, type ServerInfo } from './render.js';
import { formatInstant } from '../query/time.js';

export interface WhoisDeps {
  readonly service: LookupService;
  readonly server: ServerInfo;
  /** Published in the help: queries per minute per client, address lines per bulk session. */
  readonly limits: { readonly queriesPerMinute: number; readonly bulkLines: number };
  readonly now?: () => number;
  /** Current plain-address answers kept encoded; absent: every answer is rendered. */
  readonly current?: EncodedWhoisAnswers;
}

export interface WhoisReply {
  readonly lines: readonly string[];
  /**
   * `-k` with a query: keep the connection open after this answer; `-k` alone: toggle
   * (opens a persistent connection as the first line, closes one that is open). The lines
   * of a toggle greet a connection it opens; one it closes ends without them.
   */
  readonly keepAlive: 'start' | 'toggle' | 'unchanged';
  /** The answer already encoded (a packed current answer, issue 15): sent as it is, `lines` empty. */
  readonly encoded?: Buffer;
  /** Where each block of the answer is in `lines`: [first, end) line numbers (for packing). */
  readonly blocks?: readonly (readonly [number, number])[];
}

/** Current answers kept encoded, by the plain address asked (current-answers.ts). */
export interface EncodedWhoisAnswers {
  /** The answer to `key` as a plain address now, or null to answer it as any other query. */
  answer(key: string): Buffer | null;
}

/** The handler as lacak serves it: this registry's name, version and published limits. */
export function whoisHandlerFor(
  config: Pick<Config, 'port43' | 'registry' | 'rates'>,
  service: LookupService,
  options: { readonly now?: () => number; readonly current?: EncodedWhoisAnswers } = {},
): WhoisHandler {
  return new WhoisHandler({
    service,
    server: { host: config.port43, registry: config.registry, version: lacakVersion() },
    limits: { queriesPerMinute: config.rates.anonymous, bulkLines: BULK_LINES.anonymous },
    ...options,
  });
}

/** Attributes `-i` accepts: those whose values name other objects. */
export const INVERSE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'mnt-by',
  'mnt-lower',
  'mnt-routes',
  'mnt-ref',
  'mnt-irt',
  'org',
  'admin-c',
  'tech-c',
  'zone-c',
  'abuse-c',
  'origin',
]);

/** Beyond these, an answer is cut and says so (inverse lookups, `-m`/`-M`, name searches). */
export const RESULT_LIMIT = 1000;
/** `-m`/`-M` on a range wider than these prefix lengths is refused (RIPE's 112). */
const WIDEST_MORE_SPECIFIC = { 4: 8, 6: 16 } as const;

const REFERENCES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['org', ['organisation']],
  ['admin-c', ['role', 'person']],
  ['tech-c', ['role', 'person']],
  ['zone-c', ['role', 'person']],
  ['abuse-c', ['role']],
  ['mnt-irt', ['irt']],
];

const ALL_ATTRIBUTES: ReadonlySet<string> = new Set([...RPSL_CLASSES.values()].flatMap((c) => c.attributes.map((a) => a.name)));


/** One main object of an answer and the `%` lines that go with it. */
interface Group {
  readonly object: StoredObject;
  readonly comments: readonly string[];
}

type Found = { readonly asOf: AsOf; readonly at: number | null; readonly groups: readonly Group[]; readonly notes?: readonly string[] };

export class WhoisHandler {
  private readonly names: NameSearch;
  private readonly now: () => number;
  private readonly banner: readonly string[];
  private readonly trailer: readonly string[];
  private readonly texts = new LRUCache<string, readonly string[]>({ max: 10_000 });

  constructor(private readonly deps: WhoisDeps) {
    this.names = new NameSearch(deps.service.objects.database);
    this.now = deps.now ?? Date.now;
    this.banner = bannerLines(deps.server);
    this.trailer = trailerLines(deps.server);
  }

  /** A query line as the handler reads it: control bytes made `?`, then its flags and key. */
  read(raw: string): ParseResult {
    return parseQuery(cleanLine(raw));
  }

  /**
   * Whether a line asks for many objects at once (inverse `-i`, more-specific `-m`/`-M`): up to
   * RESULT_LIMIT objects and what they refer to, too much work for the thread that answers
   * everyone (issue 13), so the server answers it in a worker.
   */
  isHeavy(read: ParseResult): boolean {
    return read.ok && (read.query.flags.has('i') || read.query.flags.has('m') || read.query.flags.has('M'));
  }

  /** The banner line a bulk (Team Cymru) session starts with is separate: see cymru.ts. */
  answer(raw: string, caller: Caller = ANONYMOUS): WhoisReply {
    return this.answerRead(this.read(raw), caller);
  }

  /** answer() of a line already read, for the server, which reads it once to route it. */
  answerRead(parsed: ParseResult, caller: Caller = ANONYMOUS): WhoisReply {
    if (!parsed.ok) return this.reply([this.errorBlock(parsed.error)]);
    const { flags, key } = parsed.query;
    const keepAlive = flags.has('k') ? 'start' : 'unchanged';
    // A lone -k is answered as RIPE's server answers it: its banner (RIPE writes its terms after
    // every answer on a persistent connection), so the client sees the server is there and
    // waiting; the connection then stays open for the next query. Closing, it says nothing.
    if (flags.has('k') && key === '' && flags.size === 1) return { lines: [...this.banner, ''], keepAlive: 'toggle' };
    if (flags.has('V') && key === '' && flags.size === 1) return { lines: [], keepAlive };
    if (flags.has('help') || (flags.size === 0 && key.toLowerCase() === 'help')) return { ...this.reply([this.helpBlock()]), keepAlive };
    // A plain address now, anonymously (with -k or not): its answer as packed ahead of time.
    if (this.deps.current && caller === ANONYMOUS && (flags.size === 0 || (flags.size === 1 && flags.has('k')))) {
      const encoded = this.deps.current.answer(key);
      if (encoded) return { lines: [], encoded, keepAlive };
    }
    const viewer: Caller = flags.has('B') ? { ...caller, showNotifications: true } : caller;
    return { ...this.answered(parsed.query, viewer), keepAlive };
  }

  /**
   * The web page's question in WHOIS's words (its link `/whois?q=`): `key` is a search key
   * and nothing else. Words in it that look like flags (`-i mnt-by`, `-B`, `-k`) stay part
   * of the key, as the page itself reads them; the time comes from the page's own fields,
   * never out of the text. Flags are for the WHOIS port.
   */
  answerKey(text: string, when: { readonly at?: string; readonly tz?: string } = {}, caller: Caller = ANONYMOUS): WhoisReply {
    // As answer() reads a line: no control bytes, words one space apart.
    const key = text.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').trim().split(/\s+/).join(' ');
    if (key === '') return this.reply([this.errorBlock(whoisError(WHOIS_ERR.NO_SEARCH_KEY, 'No search key was given.'))]);
    const flags = new Map<FlagName, string>();
    if (when.at) flags.set('at', when.at);
    if (when.at && when.tz) flags.set('tz', when.tz);
    return this.answered({ flags, key }, caller);
  }

  private answered(query: ParsedQuery, caller: Caller): WhoisReply {
    try {
      return this.reply(this.answerQuery(query, caller));
    } catch (err) {
      if (err instanceof QueryRefused) return this.reply([this.errorBlock(err.error), [...err.after]]);
      throw err;
    }
  }

  // ---- the answer's frame ------------------------------------------------------------

  /**
   * Banner, the blocks one blank line apart, trailer. Every line is made one line here, the
   * one place all of them pass: `%` lines quote registry text (holder and member names, a
   * legal desk, an abuse mailbox), and a newline in one would start a line of the data's
   * own, such as a `ReferralServer:` clients follow blindly (issue 13). RPSL text arrives
   * already split into its lines (renderRpsl).
   */
  private reply(blocks: readonly (readonly string[])[]): WhoisReply {
    const lines = [...this.banner, ''];
    const where: [number, number][] = [];
    for (const block of blocks) {
      if (block.length === 0) continue;
      if (lines.length > this.banner.length + 1) lines.push('');
      const first = lines.length;
      for (const line of block) lines.push(oneLine(line));
      where.push([first, lines.length]);
    }
    lines.push('', ...this.trailer);
    return { lines, keepAlive: 'unchanged', blocks: where };
  }

  /**
   * An object's text as this caller may see it. Referenced organisations and contacts come
   * up in answer after answer; versions never change, so their text is kept (bounded).
   */
  private objectText(object: StoredObject, caller: Caller, options: { brief?: boolean; keysOnly?: boolean } = {}): readonly string[] {
    const key = `${object.id}\0${viewKey(caller)}\0${options.brief === true}\0${options.keysOnly === true}`;
    let lines = this.texts.get(key);
    if (!lines) {
      lines = objectLines(viewObject(caller, object), options);
      this.texts.set(key, lines);
    }
    return lines;
  }

  private errorBlock(error: WhoisError): string[] {
    return errorLines(error);
  }

  private helpBlock(): string[] {
    return [
      '% lacak WHOIS: the RIPE query language, answers in RPSL.',
      '%',
      '% Queries: an IP address (optionally with :port), a range "a.b.c.d - e.f.g.h", a prefix,',
      '% an AS number (AS64496), a handle (nic-hdl, ORG-..., maintainer, irt), a reverse zone,',
      '% or a name (netname, org-name, role name).',
      '%',
      '% Flags:',
      ...flagHelp().map((l) => `%   ${l}`),
      '%',
      '% Bulk mode (Team Cymru): send "begin", options (verbose, prefix, asnumber, countrycode,',
      '% notruncate, noasname, lacak, "tz ZONE" for times without a zone), one address per line',
      '% (optionally followed by a time), then "end".',
      '%',
      `% Limits: ${this.deps.limits.queriesPerMinute} points per minute per IPv4 address or IPv6 /64;`,
      `% a query costs 1 point, plus 1 for every ${ROWS_PER_POINT} registry rows it read and every`,
      `% ${BYTES_PER_POINT / 1024} KiB it returned (a lookup costs 1, "-i" of a big maintainer hundreds);`,
      `% ${this.deps.limits.bulkLines} address lines per bulk session. Over the limit the answer is`,
      '% %ERROR:201 saying when to come back; nobody is banned.',
    ];
  }

  // ---- query kinds -------------------------------------------------------------------

  private answerQuery(query: ParsedQuery, caller: Caller): (readonly string[])[] {
    const { flags, key } = query;
    const when: When = { at: flags.get('at'), tz: flags.get('tz') };
    if (flags.has('tz') && !flags.has('at')) throw refuse(WHOIS_ERR.INVALID_COMBINATION, '"--tz" only qualifies a "--at" time.');
    if (flags.has('q')) return [this.serverInfo(flags.get('q')!)];
    if (flags.has('t') || flags.has('v')) return [this.template(flags)];
    const types = this.typesFilter(flags);
    const sources = this.sourcesFilter(flags);
    if (flags.has('list-versions') || flags.has('show-version')) return this.versions(query, caller);

    let found: Found;
    const warnings: string[][] = [];
    const ipFlag = (['x', 'l', 'L', 'm', 'M', 'c'] as const).find((f) => flags.has(f));
    if (flags.has('i')) {
      found = this.inverse(flags.get('i')!, key, when);
    } else {
      const address = parseAddressWithPort(key);
      const range = address ? null : parseRange(key);
      if (address || range?.ok) {
        const r: IpRange = address ? { family: address.address.family, start: address.address.value, end: address.address.value } : (range as { range: IpRange }).range;
        found = this.network(key, r, flags, when, sources, types);
      } else if (looksLikeAddress(key)) {
        // A mistyped address (`1.2.3.4.5`, an address and port with a space) is no name to search.
        throw refuse(WHOIS_ERR.INVALID_SEARCH_KEY, `not an IP address: "${key}"`);
      } else {
        if (ipFlag) warnings.push(errorLines(whoisError(WHOIS_ERR.USELESS_IP_FLAG, `"-${ipFlag}" only applies to IP address, range and prefix queries.`)));
        found = this.object(key, when, caller);
      }
    }
    const groups = found.groups.filter((g) => (!types || types.has(g.object.className)) && (!sources || sources.has(g.object.source.toUpperCase())));
    if (groups.length === 0) throw refuse(WHOIS_ERR.NO_ENTRIES, `No entries found for "${key}"${sources ? ` in ${[...sources].join(', ')}` : ''}.`);
    return [...warnings, sourceLines(found.asOf, this.now()), ...(found.notes ? [[...found.notes]] : []), ...this.renderGroups(groups, flags, caller, found.at)];
  }

  private typesFilter(flags: ReadonlyMap<FlagName, string>): Set<string> | null {
    if (!flags.has('T')) return null;
    const types = flags.get('T')!.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t);
    for (const t of types) if (!RPSL_CLASSES.has(t)) throw refuse(WHOIS_ERR.UNKNOWN_OBJECT_TYPE, `"${t}" is not an object type this server knows (-q types lists them).`);
    return new Set(types);
  }

  private sourcesFilter(flags: ReadonlyMap<FlagName, string>): Set<string> | null {
    if (!flags.has('s')) return null;
    const known = new Set(this.knownSources());
    const asked = flags.get('s')!.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s);
    for (const s of asked) if (!known.has(s)) throw refuse(WHOIS_ERR.UNKNOWN_SOURCE, `"${s}" is not a source of this server (-q sources lists them).`);
    return new Set(asked);
  }

  private knownSources(): string[] {
    const resolved = this.deps.service.resolveWhen({});
    return resolved.ok ? resolved.asOf.sources.map((s) => s.source.toUpperCase()) : [];
  }

  private serverInfo(what: string): string[] {
    switch (what.toLowerCase()) {
      case 'version':
        return [`% lacak-${this.deps.server.version}`];
      case 'sources': {
        const resolved = this.deps.service.resolveWhen({});
        if (!resolved.ok) return ['% No data has been imported yet.'];
        return resolved.asOf.sources.map((s) => `${s.source}:3:N:0-${s.importId}`);
      }
      case 'types':
        return typeLines();
      default:
        throw refuse(WHOIS_ERR.INVALID_OPTION, `"-q ${what}": ask for version, sources or types.`);
    }
  }

  private template(flags: ReadonlyMap<FlagName, string>): string[] {
    const type = (flags.get('t') ?? flags.get('v'))!.toLowerCase();
    const lines = flags.has('t') ? templateLines(type) : verboseTemplateLines(type);
    if (!lines) throw refuse(WHOIS_ERR.UNKNOWN_OBJECT_TYPE, `"${type}" is not an object type this server knows (-q types lists them).`);
    return lines;
  }

  /**
   * Addresses, ranges and prefixes, with RIPE's IP flags. The plain lookup and `-x` answer
   * with the network and then the routing view (routeGroups); the flags that walk the network
   * hierarchy (`-l`, `-L`, `-m`, `-M`, `-c`) answer with networks only.
   */
  private network(key: string, range: IpRange, flags: ReadonlyMap<FlagName, string>, when: When, sources: ReadonlySet<string> | null, types: ReadonlySet<string> | null): Found {
    const service = this.deps.service;
    if (flags.has('m') || flags.has('M')) return this.moreSpecific(key, range, flags.has('m'), when);
    if (flags.has('x')) {
      const exact = service.lookupKey(formatRange(range), when);
      if (exact.kind === 'userError') throw refuse(WHOIS_ERR.INVALID_SEARCH_KEY, exact.message);
      const asOf = exact.kind === 'ok' ? exact.value.asOf : exact.asOf;
      const objects = exact.kind === 'ok' ? exact.value.objects.filter((o) => o.className === 'inetnum' || o.className === 'inet6num') : [];
      // RIPE's exact match covers route objects too: `-x 198.51.100.128/26` finds the route of that prefix.
      const routes = this.routeGroups(range, asOf, flags, sources, types, true);
      if (objects.length === 0 && routes.length === 0) throw refuse(WHOIS_ERR.NO_ENTRIES, `No network or route is registered as exactly ${key}.`);
      return { asOf, at: atOf(asOf), groups: [...objects.map((o) => ({ object: o, comments: this.networkComments(o, when) })), ...routes] };
    }
    const outcome = key.includes('/') || key.includes(' - ') || range.start !== range.end ? service.lookupRange(key, when) : service.lookupAddress(key, when);
    const answer = this.checkIp(outcome, key, range);
    const at = atOf(answer.asOf);
    // -s: the same question asked of those sources only, down the same chain.
    const chain = sources ? answer.chain.filter((o) => sources.has(o.source.toUpperCase())) : answer.chain;
    const hierarchy = flags.has('l') || flags.has('L') || flags.has('c');
    const routes = hierarchy ? [] : this.routeGroups(range, answer.asOf, flags, sources, types, false);
    const holder = chain[0];
    if (!holder) {
      // -s named sources without a network here: their routes still answer the query.
      if (routes.length > 0) return { asOf: answer.asOf, at, groups: routes };
      throw refuse(WHOIS_ERR.NO_ENTRIES, `No network of ${[...sources!].join(', ')} covers ${key}.`);
    }
    let networks: StoredObject[];
    if (flags.has('l')) {
      const parent = parentOf(holder, chain);
      if (!parent) throw refuse(WHOIS_ERR.NO_ENTRIES, `Nothing in this registry is less specific than ${holder.key}.`);
      networks = [parent];
    } else if (flags.has('L')) {
      networks = [...chain].reverse();
    } else if (flags.has('c')) {
      const withIrt = chain.find((o) => firstValue(o, 'mnt-irt') !== undefined);
      if (!withIrt) throw refuse(WHOIS_ERR.NO_ENTRIES, `No network covering ${key} names an IRT (mnt-irt).`);
      networks = [withIrt];
    } else {
      networks = [holder];
    }
    return {
      asOf: answer.asOf,
      at,
      groups: [...networks.map((o) => ({ object: o, comments: o.id === answer.holder.id ? this.holderComments(answer) : this.networkComments(o, when, answer.chain) })), ...routes],
    };
  }

  /**
   * The routing view RIPE's and APNIC's servers give after the network (issue 14): the
   * route/route6 objects of the most specific prefix covering the question (with `exact`, of
   * the question's own prefix), each its own `% Information related to '<prefix><origin>'`
   * group after the network and the objects it refers to. A route is an answer to the query,
   * not an object the network refers to, so `-r` keeps it (as RIPE's `-r` does); `-T` keeps
   * its meaning (`-T inetnum` shows none, `-T route` only routes); `-s` picks among that
   * source's routes. `-b` asks for the network's abuse contact only, which a route is not.
   */
  private routeGroups(range: IpRange, asOf: AsOf, flags: ReadonlyMap<FlagName, string>, sources: ReadonlySet<string> | null, types: ReadonlySet<string> | null, exact: boolean): Group[] {
    if (flags.has('b') || (types && !types.has(range.family === 4 ? 'route' : 'route6'))) return [];
    const keep = (route: StoredObject) =>
      (!sources || sources.has(route.source.toUpperCase())) && (!exact || (route.range!.start === range.start && route.range!.end === range.end));
    return mostSpecificRoutes(this.deps.service, { query: { range }, asOf }, keep).map((object) => ({ object, comments: [] }));
  }

  private moreSpecific(key: string, range: IpRange, oneLevel: boolean, when: When): Found {
    const service = this.deps.service;
    let base = range;
    if (range.start === range.end) {
      // "More specific than an address" means inside the network that holds it.
      const holder = service.lookupAddress(key, when);
      base = this.checkIp(holder, key, range).holder.range!;
    }
    const length = base.family === 4 ? 32 - bitLength(base.end - base.start) : 128 - bitLength(base.end - base.start);
    if (length < WIDEST_MORE_SPECIFIC[base.family]) {
      throw refuse(WHOIS_ERR.UNSUPPORTED_QUERY, `"-${oneLevel ? 'm' : 'M'}" is refused on ranges wider than /${WIDEST_MORE_SPECIFIC[base.family]}: ask about a smaller range.`);
    }
    const resolved = service.resolveWhen(when);
    if (!resolved.ok) return this.fromOutcome(resolved.error, key);
    const inside = service.moreSpecifics(base, resolved.at, { oneLevel, limit: RESULT_LIMIT }).filter((o) => !service.isPlaceholder(o));
    if (inside.length === 0) throw refuse(WHOIS_ERR.NO_ENTRIES, `No network is registered inside ${formatRange(base)}.`);
    const shown = inside.slice(0, RESULT_LIMIT);
    return {
      asOf: resolved.asOf,
      at: resolved.at,
      groups: shown.map((o) => ({ object: o, comments: [] })),
      notes: inside.length > RESULT_LIMIT ? [`% Only the first ${RESULT_LIMIT} networks are shown; ask about a smaller range for the rest.`] : undefined,
    };
  }

  /** AS numbers, handles, keys, reverse zones and names. */
  private object(key: string, when: When, caller: Caller): Found {
    const service = this.deps.service;
    const asRange = /^as\d+\s*-\s*as\d+$/i.test(key) ? parseAsnRange(key) : null;
    if (!asRange && /^as\d+$/i.test(key)) {
      if (parseAsn(key) === null) throw refuse(WHOIS_ERR.INVALID_SEARCH_KEY, `"${key}" is not an AS number (AS0 to AS4294967295).`);
      const outcome = service.lookupAutnum(key, when);
      // An AS number nothing here covers gets what the RDAP answer says, not a bare 101: a
      // referral to the registry the bootstrap names, or "Authority unknown" and where to look
      // when no bootstrap entry covers it (AS400000 with IANA's 2016 files; issue 14).
      if (outcome.kind === 'notFound' && outcome.notFound.kind !== 'no-object') this.fromOutcome(outcome, key);
      const answer = check(outcome, key);
      const at = atOf(answer.asOf);
      // The same rule as for networks: the aut-num's own contact, else the block above it.
      const abuse = service.abuseContact(answer.objects, at);
      const autnum = answer.objects[0]!;
      return { asOf: answer.asOf, at, groups: [{ object: autnum, comments: abuse ? [`% Abuse contact for '${autnum.key}' is '${abuse.mailbox}'`] : [] }] };
    }
    const byKey = service.lookupKey(key, when);
    if (byKey.kind === 'ok') return { asOf: byKey.value.asOf, at: atOf(byKey.value.asOf), groups: byKey.value.objects.map((o) => ({ object: o, comments: [] })) };
    if (byKey.kind === 'userError' && byKey.code !== 'bad-key') return this.fromOutcome(byKey, key);
    return this.byName(key, when, caller);
  }

  /** A name: netname, org-name, as-name, role or irt name; person names only for callers entitled to them. */
  private byName(key: string, when: When, caller: Caller): Found {
    const resolved = this.deps.service.resolveWhen(when);
    if (!resolved.ok) return this.fromOutcome(resolved.error, key);
    if (resolved.at !== null) {
      // Names are indexed for current data only; a past instant is answered by key.
      throw refuse(WHOIS_ERR.NO_ENTRIES, `No object has the key "${key}" at ${formatInstant(resolved.asOf.instant)} (names are searched in current data only).`);
    }
    const { objects, more } = this.names.find(key, caller, RESULT_LIMIT);
    if (objects.length === 0) throw refuse(WHOIS_ERR.NO_ENTRIES, `No object has the key or name "${key}".`);
    return {
      asOf: resolved.asOf,
      at: null,
      groups: objects.map((o) => ({ object: o, comments: [] })),
      notes: more ? [`% Only the first ${RESULT_LIMIT} objects named "${key}" are shown.`] : undefined,
    };
  }

  private inverse(attributeList: string, key: string, when: When): Found {
    const attributes = attributeList.split(',').map((a) => a.trim().toLowerCase()).filter((a) => a);
    for (const a of attributes) {
      if (!ALL_ATTRIBUTES.has(a)) throw refuse(WHOIS_ERR.UNKNOWN_ATTRIBUTE, `"${a}" is not an attribute of any object type.`);
      if (!INVERSE_ATTRIBUTES.has(a)) throw refuse(WHOIS_ERR.NOT_SEARCHABLE, `"${a}" cannot be searched inversely; try one of: ${[...INVERSE_ATTRIBUTES].join(', ')}.`);
    }
    const seen = new Map<number, StoredObject>();
    let asOf: AsOf | null = null;
    let truncated = false;
    for (const a of attributes) {
      const outcome = this.deps.service.inverse(a, key, when, RESULT_LIMIT + 1);
      if (outcome.kind === 'userError') return this.fromOutcome(outcome, key);
      asOf = outcome.kind === 'ok' ? outcome.value.asOf : outcome.asOf;
      if (outcome.kind !== 'ok') continue;
      if (outcome.value.objects.length > RESULT_LIMIT) truncated = true;
      for (const o of outcome.value.objects.slice(0, RESULT_LIMIT)) seen.set(o.id, o);
    }
    const objects = [...seen.values()].slice(0, RESULT_LIMIT);
    if (objects.length === 0 || asOf === null) throw refuse(WHOIS_ERR.NO_ENTRIES, `No object refers to "${key}" through ${attributes.join(', ')}.`);
    return {
      asOf,
      at: atOf(asOf),
      groups: objects.map((o) => ({ object: o, comments: [] })),
      notes: truncated || seen.size > RESULT_LIMIT ? [`% Only the first ${RESULT_LIMIT} objects are shown.`] : undefined,
    };
  }

  // ---- versions (RIPE's --list-versions / --show-version) -------------------------------

  private versions(query: ParsedQuery, caller: Caller): (readonly string[])[] {
    const { flags, key } = query;
    const service = this.deps.service;
    const current = service.lookupKey(key, {});
    if (current.kind === 'userError') throw refuse(WHOIS_ERR.INVALID_SEARCH_KEY, current.message);
    // An object deleted since is still found through its last version.
    const object = current.kind === 'ok' ? current.value.objects[0]! : this.lastVersionOf(key);
    if (!object) throw refuse(WHOIS_ERR.NO_ENTRIES, `No object has the key "${key}".`);
    if (!mayListVersions(caller, object)) {
      throw refuse(WHOIS_ERR.NO_PERSONAL_VERSIONS, `The history of ${object.className} objects holds personal data; it is shown only to callers entitled to it.`);
    }
    const versions = service.objects.versions(object.source, object.className, object.key);
    const asOf = service.resolveWhen({});
    const sources = asOf.ok ? sourceLines(asOf.asOf, this.now()) : [];
    if (flags.has('list-versions')) return [sources, versionListLines(object, versions)];
    const wanted = Number(flags.get('show-version'));
    if (!Number.isInteger(wanted) || wanted < 1 || wanted > versions.length) {
      throw refuse(WHOIS_ERR.VERSION_OUT_OF_RANGE, `"${object.key}" has versions 1 to ${versions.length}.`);
    }
    const version = versions[wanted - 1]!;
    const until = version.validTo === null ? 'now' : formatInstant(version.validTo);
    return [
      sources,
      [
        `% Version ${wanted} of object "${object.key}"`,
        `% This version was valid from ${formatInstant(version.validFrom)} until ${until} in ${version.source}.`,
        '% You can use "--list-versions" to get a list of versions for an object.',
      ],
      objectLines(viewObject(caller, version)),
    ];
  }

  private lastVersionOf(key: string): StoredObject | null {
    const resolved = this.deps.service.resolveWhen({});
    if (!resolved.ok) return null;
    for (let i = resolved.asOf.sources.length - 1; i >= 0; i--) {
      const past = this.deps.service.lookupKey(key, { at: new Date(resolved.asOf.sources[i]!.snapshotAt - 1).toISOString() });
      if (past.kind === 'ok') return past.value.objects[0]!;
    }
    return null;
  }

  // ---- groups and referenced objects ---------------------------------------------------

  private renderGroups(groups: readonly Group[], flags: ReadonlyMap<FlagName, string>, caller: Caller, at: number | null): (readonly string[])[] {
    const blocks: (readonly string[])[] = [];
    const shown = new Set<number>();
    const brief = flags.has('F');
    const keysOnly = flags.has('K');
    for (const group of groups) {
      const o = group.object;
      if (shown.has(o.id)) continue;
      shown.add(o.id);
      if (!flags.has('G')) blocks.push([informationLine(o.key)]);
      if (flags.has('b')) {
        const abuse = group.comments.find((c) => c.startsWith('% Abuse contact for'));
        const mailbox = abuse ? /is '([^']*)'/.exec(abuse)?.[1] : undefined;
        blocks.push(abuse ? [abuse] : [`% No abuse contact is registered for '${o.key}'.`]);
        blocks.push(objectLines(viewObject(caller, { ...o, attributes: [[o.className, o.key], ...(mailbox ? [['abuse-mailbox', mailbox] as const] : [])] })));
        continue;
      }
      if (group.comments.length > 0 && !keysOnly) blocks.push([...group.comments]);
      blocks.push(this.objectText(o, caller, { brief, keysOnly }));
      if (flags.has('r') || keysOnly) continue;
      for (const ref of this.referenced(o, at)) {
        if (shown.has(ref.id)) continue;
        shown.add(ref.id);
        blocks.push(this.objectText(ref, caller, { brief }));
      }
    }
    return blocks;
  }

  /** The organisation, contacts and IRT an object names, resolved at the answer's instant. */
  private referenced(o: StoredObject, at: number | null): StoredObject[] {
    const out: StoredObject[] = [];
    for (const [attribute, classes] of REFERENCES) {
      for (const value of allValues(o, attribute)) {
        const handle = stripComment(value);
        if (!handle) continue;
        const found = this.deps.service.resolveHandle(handle, classes, at);
        if (found && !out.some((x) => x.id === found.id)) out.push(found);
      }
    }
    return out;
  }

  /** What DESIGN §2 says about the holder, as `%` lines above it (a referral line for another registry's space). */
  private holderComments(answer: IpAnswer): string[] {
    const registry = this.deps.server.registry;
    const say = ANSWER_TEXT.en;
    const lines: string[] = [];
    const key = answer.holder.key;
    const holderName = answer.holderName?.text ?? key;
    if (answer.abuse) {
      lines.push(`% Abuse contact for '${key}' is '${answer.abuse.mailbox}'`);
      if (answer.abuse.inherited) lines.push(`% (inherited from '${answer.abuse.network.key}', which covers this network)`);
    }
    if (answer.holderName) lines.push(`% Holder: ${answer.holderName.text}`);
    if (answer.authority.kind !== 'this-registry') lines.push(`% ${say.authority(answer.authority, registry)}`);
    const member = answer.member;
    if (member) {
      lines.push(`% Responsible member: ${member.name ?? member.orgHandle} (${member.orgHandle}, allocation '${member.network.key}')`);
      if (member.legalContact) lines.push(`% Legal requests: ${member.legalContact.name}, ${member.legalContact.email}, ${member.legalContact.phone}`);
    } else if (answer.noMember) {
      const why = say.noMember(answer.noMember, registry, holderName);
      if (why) lines.push(`% ${why}`);
    }
    if (answer.subAllocation && answer.subAllocation.id !== answer.holder.id) lines.push(`% Sub-allocation: '${answer.subAllocation.key}'`);
    if (answer.query.port !== null) lines.push(...wrapComment(portText('en', answer, registry)));
    if (answer.change) lines.push(...changeComments(answer.change, { kind: 'ok', answer }, answer.asOf.instant, registry));
    // Clients follow referral lines blindly: only for space another registry answers for.
    if (answer.authority.kind === 'other-registry') lines.push(`ReferralServer: whois://${answer.authority.registry.whois}`);
    return lines;
  }

  /**
   * The abuse contact line of a network other than the holder (-l, -L, -c, -x), by the
   * same rule from that network up: `chain` holds it and what covers it, if known.
   */
  private networkComments(o: StoredObject, when: When, chain?: readonly StoredObject[]): string[] {
    let from = chain?.findIndex((x) => x.id === o.id) ?? -1;
    let covering = chain ?? [];
    if (from < 0) {
      const outcome = this.deps.service.lookupRange(formatRange(o.range!), when);
      if (outcome.kind !== 'ok') return [];
      covering = outcome.value.chain;
      from = covering.findIndex((x) => x.id === o.id);
      if (from < 0) return [];
    }
    const at = this.deps.service.resolveWhen(when);
    const abuse = at.ok ? this.deps.service.abuseContact(covering.slice(from), at.at) : null;
    return abuse ? [`% Abuse contact for '${o.key}' is '${abuse.mailbox}'`] : [];
  }

  // ---- outcomes that are not answers ------------------------------------------------------

  private checkIp(outcome: Outcome<IpAnswer>, key: string, range: IpRange): IpAnswer {
    if (outcome.kind === 'ok') return outcome.value;
    return this.fromOutcome(outcome, key, range);
  }

  private fromOutcome(outcome: Outcome<unknown>, key: string, range?: IpRange): never {
    if (outcome.kind === 'ok') throw new Error('an answer is not a refusal');
    if (outcome.kind === 'userError') {
      const code = outcome.code === 'bad-time' ? WHOIS_ERR.INVALID_OPTION : outcome.code === 'no-data-at-time' ? WHOIS_ERR.NO_ENTRIES : WHOIS_ERR.INVALID_SEARCH_KEY;
      throw refuse(code, outcome.message);
    }
    const registry = this.deps.server.registry;
    const { notFound } = outcome;
    const detail =
      notFound.kind === 'no-object' ? `No entries found for "${key}".` : notFound.kind === 'foreign' && !range && notFound.authority.kind !== 'unknown' ? `${key} is not registered with ${registry}.` : `${key}: ${ANSWER_TEXT.en.notFound(notFound, registry)}`;
    const after = [
      ...(outcome.change ? changeComments(outcome.change, { kind: 'notFound', notFound }, outcome.asOf.instant, registry) : []),
      ...(notFound.kind === 'foreign' && notFound.authority.kind === 'other-registry' ? [`ReferralServer: whois://${notFound.authority.registry.whois}`] : []),
    ];
    throw new QueryRefused(whoisError(WHOIS_ERR.NO_ENTRIES, detail), after);
  }
}

/** The "Change between snapshots" notice of DESIGN §2 as `%` lines. */
function changeComments(change: SnapshotChange, then: AnswerFound, instant: number, registry: string): string[] {
  return ['% Change between snapshots:', ...changeLines('en', change, then, instant, registry).flatMap((l) => wrapComment(l, '%   '))];
}

/** A long sentence as `%` lines of at most about 100 characters. */
function wrapComment(text: string, prefix = '% '): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > 100 - prefix.length) {
      out.push(prefix + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(prefix + line);
  return out;
}

/** Control bytes mean nothing in a key, and quoted back they could drive the user's terminal. */
function cleanLine(raw: string): string {
  return raw.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** A query refused with a RIPE error; `after` are lines printed below it (a referral). */
// Not an Error: a refusal is an answer, thrown only to leave deep call paths, and an Error
// would capture a stack trace for every "no entries found" (measured: 4% of a busy server).
class QueryRefused {
  constructor(
    readonly error: WhoisError,
    readonly after: readonly string[] = [],
  ) {}
}

function refuse(code: Parameters<typeof whoisError>[0], ...details: string[]): QueryRefused {
  return new QueryRefused(whoisError(code, ...details));
}

function check<T>(outcome: Outcome<T>, key: string): T {
  if (outcome.kind === 'ok') return outcome.value;
  if (outcome.kind === 'userError') throw refuse(WHOIS_ERR.INVALID_SEARCH_KEY, outcome.message);
  throw refuse(WHOIS_ERR.NO_ENTRIES, `No entries found for "${key}".`);
}

function atOf(asOf: AsOf): number | null {
  return asOf.requested ? asOf.instant : null;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** RIPE's version list: one row per version, plus a DEL row where the object vanished. */
function versionListLines(object: StoredObject, versions: readonly StoredObject[]): string[] {
  const lines = [
    `% Version history for ${object.className.toUpperCase()} object "${object.key}"`,
    '% You can use "--show-version rev#" to get an exact version of the object.',
    '',
    'rev#  Date                  Op.',
    '',
  ];
  versions.forEach((v, i) => {
    lines.push(`${String(i + 1).padEnd(6)}${formatInstant(v.validFrom).padEnd(22)}ADD/UPD`);
    const next = versions[i + 1];
    if (v.validTo !== null && (!next || next.validFrom !== v.validTo)) lines.push(`${''.padEnd(6)}${formatInstant(v.validTo).padEnd(22)}DEL`);
  });
  return lines;
}
