// RDAP searches: RFC 9082 §3.2 (entities, domains), RFC 9910 (ips, autnums and their
// rirSearch1 relations), RFC 9536 reverse search; paged and sorted per RFC 8977, answered in
// the field sets of RFC 8982. Pure over the query service and plain data, so that a worker
// thread can answer them (issue 13: a search over hundreds of objects must not hold the event
// loop of the server that answers everyone).
import type { StoredObject } from '../model/types.js';
import { parseAsnRange } from '../net/asn.js';
import { parseRange } from '../net/prefix.js';
import { parseIp } from '../net/ip.js';
import { SearchPositionError, SearchStore, type SearchMatch, type SearchPattern, type SortKey, type SortKeyName } from '../store/search.js';
import { mayDisclosePersonalData, maySearchPersons } from '../policy/access.js';
import type { LookupService } from '../query/service.js';
import { TITLE, type Texts } from './messages.js';
import { ResponseBuilder, contextFrom, renderAutnum, renderDomain, renderEntity, renderError, renderNetwork, RELATIONS, type RdapContextData, type Relation } from './render.js';
import {
  FIELD_SETS,
  PAGE_SIZE,
  SearchParamError,
  decodeCursor,
  echo,
  encodeCursor,
  parseCount,
  parseFieldSet,
  parseSort,
  searchBinding,
  type FieldSet,
  type SearchPosition,
} from './search-params.js';

export { PAGE_SIZE } from './search-params.js';

type Json = Record<string, unknown>;

/** The searches, by route. */
export type SearchRoute = 'entities' | 'domains' | 'ips' | 'autnums' | 'ips-relation' | 'autnums-relation' | 'ips-reverse';

/** One search as asked: route, path and query parameters (first values), the URL, the context. */
export interface SearchQuestion {
  readonly route: SearchRoute;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The request's path and query. */
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

// ---- sorting (RFC 8977 §2.2) ----------------------------------------------------------------

/** A property results can be sorted by (RFC 8977 §2.2.1): the store's key for it, and where a result shows it. */
interface SortProperty {
  readonly property: string;
  readonly key: SortKeyName;
  /** JSONPath of the value within one result (the `jsonPath` of availableSorts adds the array). */
  readonly path: string;
}

const HANDLE: SortProperty = { property: 'handle', key: 'key', path: '.handle' };
const REGISTRATION: SortProperty = { property: 'registrationDate', key: 'created', path: ".events[?(@.eventAction=='registration')].eventDate" };
const LAST_CHANGED: SortProperty = { property: 'lastChangedDate', key: 'changed', path: ".events[?(@.eventAction=='last changed')].eventDate" };
const NAME: SortProperty = { property: 'name', key: 'name', path: '.name' };
const COUNTRY: SortProperty = { property: 'country', key: 'country', path: '.country' };
// RFC 8977 §2.2.1 names the entity properties (fn, country...) after the jCard; lacak's jCard
// carries an organisation's country as `country-name`.
const FN: SortProperty = { property: 'fn', key: 'name', path: ".vcardArray[1][?(@[0]=='fn')][3]" };
const ENTITY_COUNTRY: SortProperty = { property: 'country', key: 'country', path: ".vcardArray[1][?(@[0]=='country-name')][3]" };

const ENTITY_SORTS: readonly SortProperty[] = [HANDLE, FN, REGISTRATION, LAST_CHANGED, ENTITY_COUNTRY];
// IP addresses sort by their numeric value, IPv4 first (RFC 8977 §2.2.1), AS numbers numerically.
const NETWORK_SORTS: readonly SortProperty[] = [HANDLE, NAME, { property: 'startAddress', key: 'start', path: '.startAddress' }, REGISTRATION, LAST_CHANGED, COUNTRY];
const AUTNUM_SORTS: readonly SortProperty[] = [HANDLE, NAME, { property: 'startAutnum', key: 'asn', path: '.startAutnum' }, REGISTRATION, LAST_CHANGED, COUNTRY];
const DOMAIN_SORTS: readonly SortProperty[] = [{ property: 'name', key: 'key', path: '.ldhName' }, REGISTRATION, LAST_CHANGED];

interface Sorting {
  /** What this caller may sort this search by. */
  readonly offered: readonly SortProperty[];
  /** Properties withheld from this caller (DESIGN §5: sorting by redacted fields). */
  readonly withheld: readonly string[];
  /** The property results follow when the client gives no `sort`; null: registry order. */
  readonly default: string | null;
}

// ---- what each search finds -------------------------------------------------------------------

interface PlanPage {
  readonly objects: StoredObject[];
  /** The id the next page starts after (a cursor), or null. */
  readonly next: number | null;
  /** Results exist beyond this page (with or without a cursor to them). */
  readonly more: boolean;
}

/** How one route finds, counts, sorts and renders its results. */
interface Plan {
  readonly member: string;
  readonly extensions: readonly string[];
  /** What the search is, bound into its cursors: the same route and search term, and nothing else, accept them. */
  readonly identity: readonly unknown[];
  /** Null: the search is not sortable (rirSearch1 relations follow the tree). */
  readonly sorting: Sorting | null;
  /** False: the results are one page and no cursor is ever issued (rirSearch1 relations). */
  readonly cursors: boolean;
  readonly run: (order: readonly SortKey[], after: number | null, limit: number) => PlanPage;
  /** RFC 8977 §2.1 `totalCount`: every result the caller may find. */
  readonly count: () => number;
  readonly render: (b: ResponseBuilder, o: StoredObject, i: number) => Json;
}

function storePlan(search: SearchStore, match: SearchMatch, keep?: (o: StoredObject) => boolean): Pick<Plan, 'run' | 'count' | 'cursors'> {
  return {
    cursors: true,
    run: (order, after, limit) => {
      const page = search.page(match, order, after, limit, keep);
      return { ...page, more: page.next !== null };
    },
    count: () => search.count(match, keep),
  };
}

/** A relation answer holds everything at once (one network, or a level of them): one page, no cursor. */
function relationPlan(related: (limit: number) => StoredObject[]): Pick<Plan, 'run' | 'count' | 'cursors'> {
  return {
    cursors: false,
    run: (_order, _after, limit) => {
      const found = related(limit + 1);
      return { objects: found.slice(0, limit), next: null, more: found.length > limit };
    },
    count: () => related(Number.MAX_SAFE_INTEGER).length,
  };
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
      // DESIGN §5 "sorting by redacted fields: anonymous no, member own only". An fn search
      // finds no person whose name the caller may not see, so it sorts by fn. A handle search
      // finds every person (handles are public): where it finds one whose name is withheld
      // from the caller, fn is not offered, and asking for it is a 400 (RFC 8977 §3: a sort
      // by a property the response leaves out), rather than an order that would rank persons
      // by their withheld names. Whether it finds one is no secret: the same search unsorted
      // lists them.
      const fnSortable =
        byName || persons === 'all' || !search.some({ by: 'key', classes: ['person'], pattern }, (o) => !mayDisclosePersonalData(caller, o));
      return {
        member: 'entitySearchResults',
        extensions: [],
        identity: ['entities', by, pattern],
        sorting: { offered: ENTITY_SORTS.filter((p) => p !== FN || fnSortable), withheld: fnSortable ? [] : ['fn'], default: byName ? 'fn' : 'handle' },
        ...storePlan(search, byName ? { by: 'name', classes, pattern } : { by: 'key', classes, pattern }, keep),
        render: (b, o, i) => renderEntity(b, o, [], `$.entitySearchResults[${i}]`),
      };
    }
    case 'domains': {
      const [, value] = byOneOf(query, ['name']);
      const pattern = parsePattern(value.replace(/\.$/, ''), lower);
      return {
        member: 'domainSearchResults',
        extensions: [],
        identity: ['domains', pattern],
        sorting: { offered: DOMAIN_SORTS, withheld: [], default: 'name' },
        ...storePlan(search, { by: 'key', classes: ['domain'], pattern }),
        render: (b, o) => renderDomain(b, o),
      };
    }
    case 'ips':
    case 'autnums': {
      // RFC 9910 `?name=` / `?handle=` searches: one shape for networks and AS numbers.
      const [by, value] = byOneOf(query, ['name', 'handle']);
      const pattern = parsePattern(value, upper);
      const ips = q.route === 'ips';
      const classes = ips ? ['inetnum', 'inet6num'] : ['aut-num', 'as-block'];
      return {
        member: ips ? 'ipSearchResults' : 'autnumSearchResults',
        extensions: ['rirSearch1', q.route, ips ? 'ipSearchResults' : 'autnumSearchResults'],
        identity: [q.route, by, pattern],
        sorting: { offered: ips ? NETWORK_SORTS : AUTNUM_SORTS, withheld: [], default: by === 'name' ? 'name' : 'handle' },
        ...storePlan(search, by === 'name' ? { by: 'name', classes, pattern } : { by: 'key', classes, pattern }),
        render: ips ? (b, o) => renderNetwork(b, o, null, null) : (b, o) => renderAutnum(b, o),
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
        identity: ['ips-relation', relation, target],
        sorting: null,
        ...relationPlan((limit) => service.relatedNetworks(parsed.range, relation, limit)),
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
        identity: ['autnums-relation', relation, target],
        sorting: null,
        ...relationPlan((limit) => service.relatedAutnums(asns.first, asns.last, relation, limit)),
        render: (b, o) => renderAutnum(b, o),
      };
    }
    case 'ips-reverse': {
      const handle = query.handle;
      if (!handle) throw new SearchInputError('give handle=<entity handle>');
      const role = query.role;
      if (role !== undefined && !ROLE_ATTRIBUTES[role]) throw new SearchInputError(`unknown role "${role}" (registrant, administrative, technical, abuse)`);
      const attributes = role ? ROLE_ATTRIBUTES[role]! : Object.values(ROLE_ATTRIBUTES).flat();
      const target = handle.trim().toUpperCase();
      return {
        member: 'ipSearchResults',
        extensions: ['reverse_search', 'ips', 'ipSearchResults'],
        identity: ['ips-reverse', target, role ?? null],
        // Registry order unless sorted: no property is the default.
        sorting: { offered: NETWORK_SORTS, withheld: [], default: null },
        ...storePlan(search, { by: 'reference', classes: ['inetnum', 'inet6num'], attributes, target }),
        render: (b, o) => renderNetwork(b, o, null, null),
      };
    }
  }
}

// ---- the parameters of one answer ------------------------------------------------------------

interface Shape {
  readonly fieldSet: FieldSet;
  readonly total: boolean;
  readonly order: readonly SortKey[];
  /** RFC 8977 §2.2 `currentSort`: the `sort` given, or the default property; null: registry order. */
  readonly currentSort: string | null;
  readonly binding: string;
  readonly position: SearchPosition | null;
}

function shapeOf(how: Plan, query: SearchQuestion['query']): Shape {
  const fieldSet = parseFieldSet(query.fieldSet);
  const total = parseCount(query.count);
  let order: SortKey[] = [];
  let currentSort: string | null = null;
  const sorting = how.sorting;
  if (query.sort !== undefined) {
    if (!sorting) throw new SearchParamError('sort', { kind: 'sortNotOffered' });
    const available = sorting.offered.map((p) => p.property);
    order = parseSort(query.sort).map((item) => {
      const property = sorting.offered.find((p) => p.property === item.property);
      if (property) return { key: property.key, descending: item.descending };
      if (sorting.withheld.includes(item.property)) throw new SearchParamError('sort', { kind: 'sortWithheld', property: item.property, available });
      throw new SearchParamError('sort', { kind: 'sortUnknown', property: item.property, available });
    });
    currentSort = query.sort;
  } else if (sorting?.default) {
    order = [{ key: sorting.offered.find((p) => p.property === sorting.default)!.key, descending: false }];
    currentSort = sorting.default;
  }
  // The order is part of what a cursor belongs to (its position means nothing in another
  // order); the field set and count are not: they change how a page is shown, not which.
  const binding = searchBinding([...how.identity, order.map((k) => [k.key, k.descending])]);
  const cursor = query.cursor;
  // A search that never issues cursors (a relation) accepts none.
  if (cursor !== undefined && !how.cursors) throw new SearchParamError('cursor', { kind: 'cursor' });
  const position = cursor === undefined ? null : decodeCursor(cursor, binding);
  return { fieldSet, total, order, currentSort, binding, position };
}

function describeProblem(t: Texts, err: SearchParamError): string {
  const p = err.problem;
  const s = t.searchParams;
  switch (p.kind) {
    case 'count':
      return s.count(echo(p.value));
    case 'sortSyntax':
      return s.sortSyntax(echo(p.value));
    case 'sortUnknown':
      return s.sortUnknown(echo(p.property), p.available);
    case 'sortWithheld':
      return s.sortWithheld(p.property, p.available);
    case 'sortRepeated':
      return s.sortRepeated(echo(p.property));
    case 'sortNotOffered':
      return s.sortNotOffered;
    case 'fieldSet':
      return s.fieldSet(echo(p.value), FIELD_SETS);
    case 'cursor':
      return s.cursor;
  }
}

// ---- field sets (RFC 8982 §4) ----------------------------------------------------------------

// `id`: what identifies a result, the key field (handle; ldhName for a domain) with the
// object class and the `self` link to its full form. `brief`: that, plus the short form of
// each class; contacts (nested entities), remarks, cidr0 and relation links stay out.
const ID_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  entity: ['objectClassName', 'handle', 'links'],
  'ip network': ['objectClassName', 'handle', 'links'],
  autnum: ['objectClassName', 'handle', 'links'],
  domain: ['objectClassName', 'ldhName', 'links'],
};
const BRIEF_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  entity: ['objectClassName', 'handle', 'vcardArray', 'events', 'links'],
  'ip network': ['objectClassName', 'handle', 'startAddress', 'endAddress', 'ipVersion', 'name', 'type', 'country', 'parentHandle', 'status', 'events', 'links'],
  autnum: ['objectClassName', 'handle', 'startAutnum', 'endAutnum', 'name', 'type', 'country', 'status', 'events', 'links'],
  domain: ['objectClassName', 'handle', 'ldhName', 'events', 'links'],
};
/** The jCard properties of a brief entity: its name, kind and country. */
const BRIEF_VCARD: ReadonlySet<string> = new Set(['version', 'fn', 'kind', 'country-name']);

/** A full result cut down to a field set. */
function subset(full: Json, fieldSet: Exclude<FieldSet, 'full'>): Json {
  const members = (fieldSet === 'id' ? ID_MEMBERS : BRIEF_MEMBERS)[full.objectClassName as string] ?? ID_MEMBERS.entity!;
  const out: Json = {};
  for (const name of members) {
    if (!(name in full)) continue;
    if (name === 'links') out.links = (full.links as Json[]).filter((l) => l.rel === 'self');
    else if (name === 'vcardArray') {
      const [kind, props] = full.vcardArray as [string, unknown[][]];
      out.vcardArray = [kind, props.filter((p) => BRIEF_VCARD.has(p[0] as string))];
    } else out[name] = full[name];
  }
  return out;
}

/** The jCard property a redaction (RFC 9537) points into, from its JSONPath filter. */
function redactedProperty(entry: Json): string | null {
  const path = (entry.postPath ?? entry.prePath) as string | undefined;
  return /\[\?\(@\[0\]=='([a-z-]+)'/.exec(path ?? '')?.[1] ?? null;
}

// ---- the answer ------------------------------------------------------------------------------

/** One search answered: a page of results, a 404 for none (RFC 7480 §5.3), a 400 for a bad question. */
export function answerSearch(service: LookupService, search: SearchStore, q: SearchQuestion): SearchAnswer {
  const disclosed = new Set<string>();
  const b = new ResponseBuilder(contextFrom(q.context, service, null, disclosed));
  const t = b.t;
  const error = (status: number, description: string): SearchAnswer => ({ status, body: renderError(b, status, TITLE.errors[status]!, [description]), disclosed: [] });
  service.syncWithStore();
  let how: Plan;
  let shape: Shape;
  let result: PlanPage;
  let total: number | null = null;
  try {
    how = plan(service, search, q);
    shape = shapeOf(how, q.query);
    result = how.run(shape.order, shape.position?.id ?? null, PAGE_SIZE);
    if (shape.total) total = how.count();
  } catch (err) {
    if (err instanceof SearchInputError) return error(400, err.message);
    if (err instanceof SearchParamError) return error(400, describeProblem(t, err));
    // A cursor whose checksum holds but whose object this search does not find for this caller.
    if (err instanceof SearchPositionError) return error(400, t.searchParams.cursor);
    throw err;
  }
  if (result.objects.length === 0) return error(404, t.errors.noObject);
  for (const e of how.extensions) b.use(e);
  const results = renderResults(service, b, q, how, shape.fieldSet, result.objects, disclosed);

  const here = new URL(b.ctx.contextUrl);
  const link = (change: Record<string, string | null>, rel: string, title: string): Json => {
    const u = new URL(here);
    for (const [name, value] of Object.entries(change)) {
      if (value === null) u.searchParams.delete(name);
      else u.searchParams.set(name, value);
    }
    return { value: b.ctx.contextUrl, rel, href: u.toString(), title, type: 'application/rdap+json' };
  };
  const body: Json = { [how.member]: results };

  // RFC 8977 §2: totalCount if and only if `count` asked for it; pageSize and pageNumber if
  // and only if the results exceed one page; the `next` link (§2.3.1) while pages remain.
  const page = shape.position?.page ?? 1;
  const manyPages = result.more || page > 1 || (total !== null && total > PAGE_SIZE);
  const paging: Json = {
    ...(total !== null ? { totalCount: total } : {}),
    ...(manyPages ? { pageSize: PAGE_SIZE, pageNumber: page } : {}),
    ...(result.next !== null ? { links: [link({ cursor: encodeCursor(shape.binding, { id: result.next, page: page + 1 }) }, 'next', TITLE.pagingLink)] } : {}),
  };
  if (Object.keys(paging).length > 0) {
    b.use('paging');
    body.paging_metadata = paging;
  }

  // RFC 8977 §2.2: what the results are sorted by and what they could be; each sort's links
  // start again at the first page (§2.2.2).
  if (how.sorting) {
    const sorting = how.sorting;
    b.use('sorting');
    body.sorting_metadata = {
      ...(shape.currentSort !== null ? { currentSort: shape.currentSort } : {}),
      availableSorts: sorting.offered.map((p) => ({
        property: p.property,
        jsonPath: `$.${how.member}[*]${p.path}`,
        default: p.property === sorting.default,
        links: [
          link({ sort: p.property, cursor: null }, 'alternate', TITLE.sortAscendingLink),
          link({ sort: `${p.property}:d`, cursor: null }, 'alternate', TITLE.sortDescendingLink),
        ],
      })),
    };
  }

  // RFC 8982 §2.1: the field set of this answer and the others; the same page in another.
  b.use('subsetting');
  body.subsetting_metadata = {
    currentFieldSet: shape.fieldSet,
    availableFieldSets: FIELD_SETS.map((name) => ({
      name,
      default: name === 'full',
      description: t.fieldSets[name],
      links: [link({ fieldSet: name }, 'alternate', TITLE.subsetLink)],
    })),
  };
  return { status: 200, body: b.finish(body, null), disclosed: [...disclosed] };
}

/**
 * The results in a field set. `full` renders each as today. `id` and `brief` render each in
 * full aside, with the same access policy, then keep their members; only what they keep
 * declares its redactions (RFC 9537) and counts as disclosed (the audit log records personal
 * data shown, not data rendered and dropped).
 */
function renderResults(service: LookupService, b: ResponseBuilder, q: SearchQuestion, how: Plan, fieldSet: FieldSet, objects: readonly StoredObject[], disclosed: Set<string>): Json[] {
  if (fieldSet === 'full') {
    return objects.map((o, i) => {
      b.base = `$.${how.member}[${i}]`;
      return how.render(b, o, i);
    });
  }
  const shownAside = new Set<string>();
  const aside = new ResponseBuilder(contextFrom(q.context, service, null, shownAside));
  return objects.map((o, i) => {
    aside.base = `$.${how.member}[${i}]`;
    const from = aside.redacted.length;
    shownAside.clear();
    const kept = subset(how.render(aside, o, i), fieldSet);
    const vcard = kept.vcardArray as [string, unknown[][]] | undefined;
    const keptProps = new Set((vcard?.[1] ?? []).map((p) => p[0] as string));
    for (const entry of aside.redacted.slice(from)) {
      const property = redactedProperty(entry);
      // The entity's own jCard only: a network's contacts are not in its brief form.
      const path = (entry.postPath ?? entry.prePath) as string;
      if (property && keptProps.has(property) && path.startsWith(`${aside.base}.vcardArray`)) b.redacted.push(entry);
    }
    if (o.className === 'person' && shownAside.has(o.key) && keptProps.has('fn')) disclosed.add(o.key);
    return kept;
  });
}
