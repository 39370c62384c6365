// RDAP searches: RFC 9082 §3.2 (entities, domains), RFC 9910 (ips, autnums and their
// rirSearch1 relations), RFC 9536 reverse search, all paged per RFC 8977.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StoredObject } from '../model/types.js';
import { parseAsnRange } from '../net/asn.js';
import { parseRange } from '../net/prefix.js';
import { parseIp } from '../net/ip.js';
import { SearchStore, type SearchCursor, type SearchPage, type SearchPattern } from '../store/search.js';
import { mayDisclosePersonalData, maySearchPersons } from '../policy/access.js';
import { ResponseBuilder, renderAutnum, renderDomain, renderEntity, renderNetwork, RELATIONS, type Relation } from './render.js';
import { rdapContext, sendRdap, sendRdapError, type RdapDeps } from './routes.js';

/** RFC 8977 page sizes: what a client gets without `count`, and the most it may ask for. */
export const PAGE_SIZE = { default: 50, max: 500 } as const;

type Query = Record<string, unknown>;
type Json = Record<string, unknown>;

class SearchInputError extends Error {}

function param(request: FastifyRequest, name: string): string | undefined {
  const v = (request.query as Query)[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

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

function pageRequest(request: FastifyRequest): PageRequest {
  const countText = param(request, 'count');
  let size: number = PAGE_SIZE.default;
  if (countText !== undefined) {
    if (!/^\d{1,6}$/.test(countText) || Number(countText) < 1) throw new SearchInputError('count must be a positive whole number');
    size = Math.min(Number(countText), PAGE_SIZE.max);
  }
  const cursorText = param(request, 'cursor');
  if (cursorText === undefined) return { size, after: null, number: 1 };
  try {
    const [sort, id, number] = JSON.parse(Buffer.from(cursorText, 'base64url').toString('utf8')) as [unknown, unknown, unknown];
    if (typeof sort !== 'string' || !Number.isSafeInteger(id) || !Number.isSafeInteger(number)) throw new Error('shape');
    return { size, after: [sort, id as number], number: number as number };
  } catch {
    throw new SearchInputError('the cursor is not one this server issued');
  }
}

function nextLink(request: FastifyRequest, baseUrl: string, next: SearchCursor, number: number): string {
  const url = new URL(request.url, baseUrl);
  url.searchParams.set('cursor', Buffer.from(JSON.stringify([next[0], next[1], number + 1])).toString('base64url'));
  return new URL(url.pathname.replace(/^\//, '') + url.search, baseUrl).toString();
}

export function registerRdapSearchRoutes(app: FastifyInstance, deps: RdapDeps): void {
  const search = new SearchStore(deps.service.objects.database);

  /** One result page as an RDAP search answer; an empty search is a 404 (RFC 7480 §5.3). */
  function respond(
    request: FastifyRequest,
    reply: FastifyReply,
    member: string,
    extensions: readonly string[],
    run: (page: PageRequest) => SearchPage,
    render: (b: ResponseBuilder, o: StoredObject, i: number) => Json,
  ): FastifyReply {
    let page: PageRequest;
    let result: SearchPage;
    deps.service.syncWithStore();
    try {
      page = pageRequest(request);
      result = run(page);
    } catch (err) {
      if (err instanceof SearchInputError) return sendRdapError(deps, request, reply, 400, [err.message]);
      throw err;
    }
    if (result.objects.length === 0) {
      const b = new ResponseBuilder(rdapContext(deps, request, null));
      return sendRdapError(deps, request, reply, 404, [b.t.errors.noObject]);
    }
    const b = new ResponseBuilder(rdapContext(deps, request, null));
    for (const e of extensions) b.use(e);
    b.use('paging');
    const results = result.objects.map((o, i) => {
      b.base = `$.${member}[${i}]`;
      return render(b, o, i);
    });
    const links = result.next ? [{ value: new URL(request.url.replace(/^\/+/, ''), b.ctx.baseUrl).toString(), rel: 'next', href: nextLink(request, b.ctx.baseUrl, result.next, page.number), type: 'application/rdap+json' }] : [];
    return sendRdap(reply, 200, b.finish({ [member]: results, paging_metadata: { pageSize: page.size, pageNumber: page.number, links } }, null));
  }

  /** A relation answer holds everything at once (one or a level of results), paged only by size. */
  function fixed(objects: StoredObject[], size: number): SearchPage {
    return { objects: objects.slice(0, size), next: null };
  }

  const upper = (s: string) => s.toUpperCase();
  const lower = (s: string) => s.toLowerCase();
  const byOneOf = (request: FastifyRequest, names: readonly string[]): [string, string] => {
    const given = names.filter((n) => param(request, n) !== undefined);
    if (given.length !== 1) throw new SearchInputError(`give exactly one of: ${names.join(', ')}`);
    return [given[0]!, param(request, given[0]!)!];
  };
  const guarded = (handler: (request: FastifyRequest, reply: FastifyReply) => FastifyReply) => async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      return handler(request, reply);
    } catch (err) {
      if (err instanceof SearchInputError) return sendRdapError(deps, request, reply, 400, [err.message]);
      throw err;
    }
  };

  app.get(
    '/entities',
    guarded((request, reply) => {
      const [by, value] = byOneOf(request, ['fn', 'handle']);
      const pattern = parsePattern(value, upper);
      // Person names are searched only for callers DESIGN §5 allows (a member: its own
      // persons); handles are not personal data, so handle searches find every class.
      const persons = maySearchPersons(request.caller);
      const byName = by === 'fn';
      const classes = byName && persons === 'none' ? ['organisation', 'role', 'irt', 'mntner'] : ['organisation', 'role', 'person', 'irt', 'mntner'];
      const keep = byName && persons === 'own' ? (o: StoredObject) => o.className !== 'person' || mayDisclosePersonalData(request.caller, o) : undefined;
      const run = (p: PageRequest): SearchPage => (byName ? search.byName(classes, pattern, p.after, p.size, keep) : search.byKey(classes, pattern, p.after, p.size));
      return respond(request, reply, 'entitySearchResults', [], run, (b, o, i) => renderEntity(b, o, [], `$.entitySearchResults[${i}]`));
    }),
  );

  app.get(
    '/domains',
    guarded((request, reply) => {
      const [, value] = byOneOf(request, ['name']);
      const pattern = parsePattern(value.replace(/\.$/, ''), lower);
      return respond(request, reply, 'domainSearchResults', [], (p) => search.byKey(['domain'], pattern, p.after, p.size), (b, o) => renderDomain(b, o));
    }),
  );

  /** RFC 9910 `?name=` / `?handle=` searches: one shape for networks and AS numbers. */
  const nameOrHandleSearch = (path: string, classes: readonly string[], member: string, extensions: readonly string[], render: (b: ResponseBuilder, o: StoredObject) => Json) =>
    app.get(
      path,
      guarded((request, reply) => {
        const [by, value] = byOneOf(request, ['name', 'handle']);
        const pattern = parsePattern(value, upper);
        const run = (p: PageRequest) => (by === 'name' ? search.byName(classes, pattern, p.after, p.size) : search.byKey(classes, pattern, p.after, p.size));
        return respond(request, reply, member, extensions, run, render);
      }),
    );
  nameOrHandleSearch('/ips', ['inetnum', 'inet6num'], 'ipSearchResults', ['rirSearch1', 'ips', 'ipSearchResults'], (b, o) => renderNetwork(b, o, null, null));
  nameOrHandleSearch('/autnums', ['aut-num', 'as-block'], 'autnumSearchResults', ['rirSearch1', 'autnums', 'autnumSearchResults'], (b, o) => renderAutnum(b, o));

  const isRelation = (r: string): r is Relation => (RELATIONS as readonly string[]).includes(r);

  app.get(
    '/ips/rirSearch1/:relation/*',
    guarded((request, reply) => {
      const { relation } = request.params as { relation: string };
      const target = (request.params as { '*': string })['*'];
      if (!isRelation(relation)) throw new SearchInputError(`unknown relation "${relation}" (rdap-up, rdap-down, rdap-top, rdap-bottom)`);
      const single = parseIp(target);
      const parsed = single ? { ok: true as const, range: { family: single.family, start: single.value, end: single.value } } : target.includes('/') ? parseRange(target) : { ok: false as const, reason: `not an address or prefix: "${target}"` };
      if (!parsed.ok) throw new SearchInputError(parsed.reason);
      return respond(request, reply, 'ipSearchResults', ['rirSearch1', 'ips', 'ipSearchResults'], (p) => fixed(deps.service.relatedNetworks(parsed.range, relation, p.size), p.size), (b, o) =>
        renderNetwork(b, o, null, null),
      );
    }),
  );

  app.get(
    '/autnums/rirSearch1/:relation/:target',
    guarded((request, reply) => {
      const { relation, target } = request.params as { relation: string; target: string };
      if (!isRelation(relation)) throw new SearchInputError(`unknown relation "${relation}" (rdap-up, rdap-down, rdap-top, rdap-bottom)`);
      const asns = /^(AS)?\d+(-(AS)?\d+)?$/i.test(target) ? parseAsnRange(target) : null;
      if (!asns) throw new SearchInputError(`not an AS number or range: "${target}"`);
      return respond(request, reply, 'autnumSearchResults', ['rirSearch1', 'autnums', 'autnumSearchResults'], (p) => fixed(deps.service.relatedAutnums(asns.first, asns.last, relation, p.size), p.size), (b, o) =>
        renderAutnum(b, o),
      );
    }),
  );

  // RFC 9536: the networks related to an entity, e.g. every network of an organisation.
  const ROLE_ATTRIBUTES: Record<string, readonly string[]> = {
    registrant: ['org'],
    administrative: ['admin-c'],
    technical: ['tech-c', 'zone-c'],
    abuse: ['abuse-c'],
  };
  app.get(
    '/ips/reverse_search/entity',
    guarded((request, reply) => {
      const handle = param(request, 'handle');
      if (!handle) throw new SearchInputError('give handle=<entity handle>');
      const role = param(request, 'role');
      if (role !== undefined && !ROLE_ATTRIBUTES[role]) throw new SearchInputError(`unknown role "${role}" (registrant, administrative, technical, abuse)`);
      const attributes = role ? ROLE_ATTRIBUTES[role]! : Object.values(ROLE_ATTRIBUTES).flat();
      return respond(request, reply, 'ipSearchResults', ['reverse_search', 'ips', 'ipSearchResults'], (p) => search.byReference(['inetnum', 'inet6num'], attributes, handle.trim(), p.after, p.size), (b, o) =>
        renderNetwork(b, o, null, null),
      );
    }),
  );
}
