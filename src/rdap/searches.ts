// RDAP searches: RFC 9082 §3.2 (entities, domains), RFC 9910 (ips, autnums and their
// rirSearch1 relations), RFC 9536 reverse search, all paged per RFC 8977. Pure over the query
// service and plain data, so that a worker thread can answer them (issue 13: a search over
// hundreds of objects must not hold the event loop of the server that answers everyone).
import type { StoredObject } from '../model/types.js';
import { parseAsnRange } from '../net/asn.js';
import { parseRange } from '../net/prefix.js';
import { parseIp } from '../net/ip.js';
import { SearchStore, type SearchCursor, type SearchPage, type SearchPattern } from '../store/search.js';
import { mayDisclosePersonalData, maySearchPersons } from '../policy/access.js';
import type { LookupService } from '../query/service.js';
import { TITLE } from './messages.js';
import { ResponseBuilder, contextFrom, renderAutnum, renderDomain, renderEntity, renderError, renderNetwork, RELATIONS, type RdapContextData, type Relation } from './render.js';

/** RFC 8977 page sizes: what a client gets without `count`, and the most it may ask for. */
export const PAGE_SIZE = { default: 50, max: 500 } as const;

type Json = Record<string, unknown>;

/** The searches, by route. */
export type SearchRoute = 'entities' | 'domains' | 'ips' | 'autnums' | 'ips-relation' | 'autnums-relation' | 'ips-reverse';

/** One search as asked: route, path and query parameters (first values), the URL, the context. */
export interface SearchQuestion {
  readonly route: SearchRoute;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The request's path and query, for the `next` link. */
  readonly url: string;
  readonly context: RdapContextData;
}

export interface SearchAnswer {
  readonly status: number;
  readonly body: Json;
  /** Handles whose personal data the answer carries (for the audit log). */
  readonly disclosed: readonly string[];
}

class SearchInputError extends Error {}

/** RFC 9082 §4.1: a trailing `*` matches any suffix; anywhere else it is not supported. */
function parsePattern(text: string, normalise: (s: string) => string): SearchPattern {
  const t = text.trim();
  if (t.length === 0 || t.length > 255) throw new SearchInputError('the search pattern must be 1 to 255 characters');
  const star = t.indexOf('*');
  if (star === -1) return { kind: 'exact', value: normalise(t) };
  if (star !== t.length - 1) throw new SearchInputError('only a trailing "*" wildcard is supported');
  if (star === 0) throw new SearchInputError('a search pattern needs at least one character before "*"');
  return { kind: 'prefix', value: normalise(t.slice(0, -1)) };
}

interface PageRequest {
  readonly size: number;
  readonly after: SearchCursor | null;
  readonly number: number;
}

function pageRequest(query: SearchQuestion['query']): PageRequest {
  const countText = query.count;
  let size: number = PAGE_SIZE.default;
  if (countText !== undefined) {
    if (!/^\d{1,6}$/.test(countText) || Number(countText) < 1) throw new SearchInputError('count must be a positive whole number');
    size = Math.min(Number(countText), PAGE_SIZE.max);
  }
  const cursorText = query.cursor;
  if (cursorText === undefined) return { size, after: null, number: 1 };
  try {
    const [sort, id, number] = JSON.parse(Buffer.from(cursorText, 'base64url').toString('utf8')) as [unknown, unknown, unknown];
    if (typeof sort !== 'string' || !Number.isSafeInteger(id) || !Number.isSafeInteger(number)) throw new Error('shape');
    return { size, after: [sort, id as number], number: number as number };
  } catch {
    throw new SearchInputError('the cursor is not one this server issued');
  }
}

function nextLink(url: string, baseUrl: string, next: SearchCursor, number: number): string {
  const u = new URL(url, baseUrl);
  u.searchParams.set('cursor', Buffer.from(JSON.stringify([next[0], next[1], number + 1])).toString('base64url'));
  return new URL(u.pathname.replace(/^\//, '') + u.search, baseUrl).toString();
}

/** A relation answer holds everything at once (one or a level of results), paged only by size. */
function fixed(objects: StoredObject[], size: number): SearchPage {
  return { objects: objects.slice(0, size), next: null };
}

const upper = (s: string) => s.toUpperCase();
const lower = (s: string) => s.toLowerCase();

function byOneOf(query: SearchQuestion['query'], names: readonly string[]): [string, string] {
  const given = names.filter((n) => query[n] !== undefined);
  if (given.length !== 1) throw new SearchInputError(`give exactly one of: ${names.join(', ')}`);
  return [given[0]!, query[given[0]!]!];
}

const isRelation = (r: string): r is Relation => (RELATIONS as readonly string[]).includes(r);

// RFC 9536: the networks related to an entity, e.g. every network of an organisation.
const ROLE_ATTRIBUTES: Record<string, readonly string[]> = {
  registrant: ['org'],
  administrative: ['admin-c'],
  technical: ['tech-c', 'zone-c'],
  abuse: ['abuse-c'],
};

/** How one route runs a page and renders a result. */
interface Plan {
  readonly member: string;
  readonly extensions: readonly string[];
  readonly run: (page: PageRequest) => SearchPage;
  readonly render: (b: ResponseBuilder, o: StoredObject, i: number) => Json;
}

function plan(service: LookupService, search: SearchStore, q: SearchQuestion): Plan {
  const { query, params } = q;
  const caller = q.context.caller;
  switch (q.route) {
    case 'entities': {
      const [by, value] = byOneOf(query, ['fn', 'handle']);
      const pattern = parsePattern(value, upper);
      // Person names are searched only for callers DESIGN §5 allows (a member: its own
      // persons); handles are not personal data, so handle searches find every class.
      const persons = maySearchPersons(caller);
      const byName = by === 'fn';
      const classes = byName && persons === 'none' ? ['organisation', 'role', 'irt', 'mntner'] : ['organisation', 'role', 'person', 'irt', 'mntner'];
      const keep = byName && persons === 'own' ? (o: StoredObject) => o.className !== 'person' || mayDisclosePersonalData(caller, o) : undefined;
      return {
        member: 'entitySearchResults',
        extensions: [],
        run: (p) => (byName ? search.byName(classes, pattern, p.after, p.size, keep) : search.byKey(classes, pattern, p.after, p.size)),
        render: (b, o, i) => renderEntity(b, o, [], `$.entitySearchResults[${i}]`),
      };
    }
    case 'domains': {
      const [, value] = byOneOf(query, ['name']);
      const pattern = parsePattern(value.replace(/\.$/, ''), lower);
      return { member: 'domainSearchResults', extensions: [], run: (p) => search.byKey(['domain'], pattern, p.after, p.size), render: (b, o) => renderDomain(b, o) };
    }
    case 'ips':
    case 'autnums': {
      // RFC 9910 `?name=` / `?handle=` searches: one shape for networks and AS numbers.
      const [by, value] = byOneOf(query, ['name', 'handle']);
      const pattern = parsePattern(value, upper);
      const classes = q.route === 'ips' ? ['inetnum', 'inet6num'] : ['aut-num', 'as-block'];
      return {
        member: q.route === 'ips' ? 'ipSearchResults' : 'autnumSearchResults',
        extensions: ['rirSearch1', q.route, q.route === 'ips' ? 'ipSearchResults' : 'autnumSearchResults'],
        run: (p) => (by === 'name' ? search.byName(classes, pattern, p.after, p.size) : search.byKey(classes, pattern, p.after, p.size)),
        render: q.route === 'ips' ? (b, o) => renderNetwork(b, o, null, null) : (b, o) => renderAutnum(b, o),
      };
    }
    case 'ips-relation': {
      const relation = params.relation ?? '';
      const target = params.target ?? '';
      if (!isRelation(relation)) throw new SearchInputError(`unknown relation "${relation}" (rdap-up, rdap-down, rdap-top, rdap-bottom)`);
      const single = parseIp(target);
      const parsed = single ? { ok: true as const, range: { family: single.family, start: single.value, end: single.value } } : target.includes('/') ? parseRange(target) : { ok: false as const, reason: `not an address or prefix: "${target}"` };
      if (!parsed.ok) throw new SearchInputError(parsed.reason);
      return {
        member: 'ipSearchResults',
        extensions: ['rirSearch1', 'ips', 'ipSearchResults'],
        run: (p) => fixed(service.relatedNetworks(parsed.range, relation, p.size), p.size),
        render: (b, o) => renderNetwork(b, o, null, null),
      };
    }
    case 'autnums-relation': {
      const relation = params.relation ?? '';
      const target = params.target ?? '';
      if (!isRelation(relation)) throw new SearchInputError(`unknown relation "${relation}" (rdap-up, rdap-down, rdap-top, rdap-bottom)`);
      const asns = /^(AS)?\d+(-(AS)?\d+)?$/i.test(target) ? parseAsnRange(target) : null;
      if (!asns) throw new SearchInputError(`not an AS number or range: "${target}"`);
      return {
        member: 'autnumSearchResults',
        extensions: ['rirSearch1', 'autnums', 'autnumSearchResults'],
        run: (p) => fixed(service.relatedAutnums(asns.first, asns.last, relation, p.size), p.size),
        render: (b, o) => renderAutnum(b, o),
      };
    }
    case 'ips-reverse': {
      const handle = query.handle;
      if (!handle) throw new SearchInputError('give handle=<entity handle>');
      const role = query.role;
      if (role !== undefined && !ROLE_ATTRIBUTES[role]) throw new SearchInputError(`unknown role "${role}" (registrant, administrative, technical, abuse)`);
      const attributes = role ? ROLE_ATTRIBUTES[role]! : Object.values(ROLE_ATTRIBUTES).flat();
      return {
        member: 'ipSearchResults',
        extensions: ['reverse_search', 'ips', 'ipSearchResults'],
        run: (p) => search.byReference(['inetnum', 'inet6num'], attributes, handle.trim(), p.after, p.size),
        render: (b, o) => renderNetwork(b, o, null, null),
      };
    }
  }
}

/** One search answered: a page of results, a 404 for none (RFC 7480 §5.3), a 400 for a bad question. */
export function answerSearch(service: LookupService, search: SearchStore, q: SearchQuestion): SearchAnswer {
  const disclosed = new Set<string>();
  const b = new ResponseBuilder(contextFrom(q.context, service, null, disclosed));
  const error = (status: number, description: string): SearchAnswer => ({ status, body: renderError(b, status, TITLE.errors[status]!, [description]), disclosed: [] });
  service.syncWithStore();
  let page: PageRequest;
  let result: SearchPage;
  let how: Plan;
  try {
    how = plan(service, search, q);
    page = pageRequest(q.query);
    result = how.run(page);
  } catch (err) {
    if (err instanceof SearchInputError) return error(400, err.message);
    throw err;
  }
  if (result.objects.length === 0) return error(404, b.t.errors.noObject);
  for (const e of how.extensions) b.use(e);
  b.use('paging');
  const results = result.objects.map((o, i) => {
    b.base = `$.${how.member}[${i}]`;
    return how.render(b, o, i);
  });
  const links = result.next
    ? [{ value: new URL(q.url.replace(/^\/+/, ''), b.ctx.baseUrl).toString(), rel: 'next', href: nextLink(q.url, b.ctx.baseUrl, result.next, page.number), type: 'application/rdap+json' }]
    : [];
  const body = b.finish({ [how.member]: results, paging_metadata: { pageSize: page.size, pageNumber: page.number, links } }, null);
  return { status: 200, body, disclosed: [...disclosed] };
}
