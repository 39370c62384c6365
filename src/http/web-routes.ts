// GET /: the page for people who do not use curl, rendered on the server so that a lookup
// works without JavaScript; GET /whois: the WHOIS text of the same question, for the page's
// link; GET /evidence/verify: the page that checks a piece of evidence. Security headers (CSP
// and friends) apply to this scope only: RDAP stays open to cross-origin clients.
import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import { formatIp, looksLikeAddress, parseAddressWithPort } from '../net/ip.js';
import { formatCidr, formatRange, leadingPrefix, parseRange, type IpRange } from '../net/prefix.js';
import { reverseZoneRange } from '../net/reverse.js';
import { NameSearch } from '../query/names.js';
import { redirectUrl } from '../referral/bootstrap.js';
import type { Referral } from '../web/page.js';
import type { LookupService, When } from '../query/service.js';
import type { AsOf, Authority, NotFound } from '../query/types.js';
import { resolveZone } from '../query/time.js';
import { viewObject, type Caller } from '../policy/access.js';
import type { StoredObject } from '../model/types.js';
import { SCRIPT, STYLESHEET } from '../web/assets.js';
import { FAVICON } from '../web/favicon.js';
import { pickWebLang } from '../web/messages.js';
import { ipCardFor, renderPage, type PageAnswer, type PageLinks, type PageQuery } from '../web/page.js';
import { renderVerifyPage } from '../web/verify-page.js';
import type { CurrentPageCards } from '../web/current-cards.js';

export interface WebDeps {
  readonly service: LookupService;
  readonly registry: string;
  /** The WHOIS answer, as text, to a search key (never flags) at the page's time. */
  readonly whois: (question: { readonly key: string; readonly at?: string; readonly tz?: string }) => string;
  /** Cards of current answers packed ahead of time (issue 15). */
  readonly cards?: CurrentPageCards;
}

const ZONES = new Set(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', 'UTC']);

/** Names found beyond this are not listed; the page asks for a longer name instead. */
const NAMES_SHOWN = 50;

function param(query: unknown, name: string): string {
  const v = (query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.trim().slice(0, 200) : '';
}

export async function registerWebRoutes(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const names = new NameSearch(deps.service.objects.database);
  // Over plain HTTP, upgrade-insecure-requests sends the browser to an https:// that may not
  // exist (the page's stylesheet and script then fail to load), and RFC 6797 §7.2 forbids
  // Strict-Transport-Security: both only when the request came over HTTPS, directly or from a
  // trusted proxy (request.protocol believes X-Forwarded-Proto only from LACAK_TRUSTED_PROXIES).
  const pageHeaders = (overHttps: boolean) => ({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: overHttps ? [] : null,
      },
    },
    strictTransportSecurity: overHttps ? {} : false,
  });
  // Made once each: helmet builds its headers when asked for a middleware, not per request.
  const overHttp = helmet(pageHeaders(false));
  const overHttps = helmet(pageHeaders(true));
  app.addHook('onRequest', (request, reply, done) => {
    (request.protocol === 'https' ? overHttps : overHttp)(request.raw, reply.raw, (err) => done(err as Error | undefined));
  });

  app.get('/static/lacak.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET));
  app.get('/static/lacak.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(SCRIPT));
  // Browsers ask for it unprompted; an answer (same origin, as the CSP's img-src allows)
  // instead of a 404 in the console, kept a week so that it is asked for once (issue 14).
  app.get('/favicon.ico', async (_request, reply) => reply.type('image/x-icon').header('cache-control', 'public, max-age=604800').send(FAVICON));

  app.get('/', async (request, reply) => {
    const lang = pickWebLang(request.headers['accept-language'], (request.query as Record<string, unknown>).lang);
    // WIB, WITA and WIT name the zones the form offers (DESIGN §2); anything else reads as WIB.
    const tzAsked = resolveZone(param(request.query, 'tz')) ?? '';
    const query: PageQuery = { q: param(request.query, 'q'), at: param(request.query, 'at'), tz: ZONES.has(tzAsked) ? tzAsked : 'Asia/Jakarta' };
    const when: When = query.at ? { at: query.at, tz: query.tz } : {};
    // What the caller may see of each object shown; a person's data shown is recorded for the audit log.
    const show = (object: StoredObject): StoredObject => {
      const view = viewObject(request.caller, object);
      if (object.className === 'person' && !view.redactions.some((r) => r.reason === 'personal-data')) request.disclosed?.add(object.key);
      return { ...object, attributes: view.attributes };
    };
    const { answer, links } = ask(deps, names, request.caller, show, query, when);
    const otherLang = lang === 'id' ? 'en' : 'id';
    const params = new URLSearchParams({ ...(query.q ? { q: query.q } : {}), ...(query.at ? { at: query.at, tz: query.tz } : {}), lang: otherLang });
    const status = answer.kind === 'error' ? 400 : answer.kind === 'notFound' ? 404 : 200;
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('content-language', lang)
      .header('vary', 'Accept-Language')
      .send(renderPage(lang, query, answer, links, { lang: otherLang, href: `/?${params.toString()}` }, deps.registry));
  });

  // The page that checks evidence; the check itself is POST /evidence/verify (evidence-routes).
  app.get('/evidence/verify', async (request, reply) => {
    const lang = pickWebLang(request.headers['accept-language'], (request.query as Record<string, unknown>).lang);
    const serial = param(request.query, 'serial');
    const otherLang = lang === 'id' ? 'en' : 'id';
    const params = new URLSearchParams({ ...(serial ? { serial } : {}), lang: otherLang });
    return reply
      .type('text/html; charset=utf-8')
      .header('content-language', lang)
      .header('vary', 'Accept-Language')
      .send(renderVerifyPage(lang, serial, { lang: otherLang, href: `/evidence/verify?${params.toString()}` }));
  });

  app.get('/whois', async (request, reply) => {
    const q = param(request.query, 'q');
    const at = param(request.query, 'at');
    const tz = resolveZone(param(request.query, 'tz')) ?? '';
    // The same question as the page asked, in WHOIS's words. q is a search key only, as on
    // the page: nothing in it is read as a flag (`x -i mnt-by` is the key "x -i mnt-by", not
    // an inverse query), and the time comes from at and tz alone. Flags are for port 43.
    const question = { key: q, ...(at ? { at, ...(tz && ZONES.has(tz) ? { tz } : {}) } : {}) };
    return reply.type('text/plain; charset=utf-8').send(deps.whois(question));
  });
}

/** What the caller may see of an object (DESIGN §5): the page renders only that. */
type Show = (object: StoredObject) => StoredObject;

/** The page's question → the service's answer, and where the same answer is in RDAP and WHOIS. */
function ask(deps: WebDeps, names: NameSearch, caller: Caller, show: Show, query: PageQuery, when: When): { answer: PageAnswer; links: PageLinks } {
  const { service } = deps;
  const q = query.q;
  if (!q) return { answer: { kind: 'none' }, links: { rdap: null, whois: null } };
  const timeParams = query.at ? `?${new URLSearchParams({ at: query.at, tz: query.tz }).toString()}` : '';
  const whois = `/whois?${new URLSearchParams({ q, ...(query.at ? { at: query.at, tz: query.tz } : {}) }).toString()}`;
  // A current answer packed ahead of time (a plain address, nothing asked of the time).
  const packed = query.at ? null : deps.cards?.card(q);
  if (packed) return { answer: { kind: 'ip', card: packed.card, asOf: packed.asOf, q }, links: { rdap: `/ip/${encodeURIComponent(q)}`, whois } };
  const address = parseAddressWithPort(q);
  const range = parseRange(q);
  if (address || range.ok) {
    const outcome = address ? service.lookupAddress(q, when) : service.lookupRange(q, when);
    // A range that is no prefix is asked in RDAP by its first prefix, as RDAP's own links do.
    const rdap = `/${address || !range.ok ? `ip/${encodeURIComponent(q)}` : `ip/${formatCidr(leadingPrefix(range.range))}`}${timeParams}`;
    if (outcome.kind === 'userError') return { answer: { kind: 'error', problem: outcome.problem }, links: { rdap: null, whois: null } };
    if (outcome.kind === 'notFound') {
      const start = address ? address.address : range.ok ? { family: range.range.family, value: range.range.start } : null;
      const referral = outcome.notFound.kind === 'foreign' && start ? referralFor(outcome.notFound.authority, `ip/${formatIp(start.family, start.value)}`) : null;
      return { answer: { kind: 'notFound', notFound: outcome.notFound, registry: deps.registry, referral, change: outcome.change ?? null, asOf: outcome.asOf }, links: { rdap, whois } };
    }
    const history = service.addressHistory(q);
    const a = outcome.value;
    const referral = referralFor(a.authority, address ? `ip/${formatIp(a.query.range.family, a.query.range.start)}` : `ip/${formatCidr(leadingPrefix(a.query.range))}`);
    const card = ipCardFor(a, history.kind === 'ok' ? history.value.records : [], referral, deps.registry);
    return { answer: { kind: 'ip', card, asOf: a.asOf, q: a.query.text }, links: { rdap, whois } };
  }
  // Something shaped like an address that is not one (`1.2.3.4.5`, `198.51.100.41 51234`):
  // say so, rather than searching it as a name.
  if (looksLikeAddress(q)) return { answer: { kind: 'error', problem: { code: 'bad-address', input: q } }, links: { rdap: null, whois: null } };
  const zone = reverseZoneRange(q);
  if (zone) return reverseZone(deps, show, q, zone, when, timeParams, whois);
  const asn = /^as(\d{1,10})$/i.exec(q);
  const outcome = asn ? service.lookupAutnum(q, when) : service.lookupHandle(q, when);
  const rdap = asn ? `/autnum/${asn[1]}${timeParams}` : `/entity/${encodeURIComponent(q)}${timeParams}`;
  if (outcome.kind === 'ok') return { answer: objectAnswer(service, show, outcome.value.objects, outcome.value.asOf), links: { rdap, whois } };
  const maybeName = !asn && (outcome.kind === 'notFound' || outcome.code === 'bad-key');
  if (!maybeName) {
    return outcome.kind === 'userError'
      ? { answer: { kind: 'error', problem: outcome.problem }, links: { rdap: null, whois: null } }
      : {
          answer: {
            kind: 'notFound',
            notFound: outcome.notFound,
            registry: deps.registry,
            referral: asn && outcome.notFound.kind === 'foreign' ? referralFor(outcome.notFound.authority, `autnum/${asn[1]}`) : null,
          },
          links: { rdap: null, whois },
        };
  }
  // Not a handle: a name. Names are indexed for current data only, so a past time finds none.
  if (query.at) return { answer: { kind: 'notFound', notFound: { kind: 'no-object' }, registry: deps.registry, currentOnly: true }, links: { rdap: null, whois: null } };
  // The exact name first; a name typed only in part ("PT Contoh") finds those it begins
  // (WHOIS searches whole names only, so that answer has no WHOIS link).
  let match: 'exact' | 'prefix' = 'exact';
  let found = names.find(q, caller, NAMES_SHOWN, match);
  if (found.objects.length === 0) found = names.find(q, caller, NAMES_SHOWN, (match = 'prefix'));
  if (found.objects.length === 0) return { answer: { kind: 'notFound', notFound: { kind: 'no-object' }, registry: deps.registry }, links: { rdap: null, whois } };
  return { answer: { kind: 'names', name: q, match, objects: found.objects.map(show), more: found.more }, links: { rdap: null, whois: match === 'exact' ? whois : null } };
}

/**
 * A reverse zone (`100.51.198.in-addr.arpa`), as RDAP's /domain and WHOIS answer it: the
 * domain object; else who answers for that space.
 */
function reverseZone(deps: WebDeps, show: Show, q: string, zone: IpRange, when: When, timeParams: string, whois: string): { answer: PageAnswer; links: PageLinks } {
  const { service } = deps;
  const name = q.toLowerCase().replace(/\.$/, '');
  const rdap = `/domain/${encodeURIComponent(name)}${timeParams}`;
  const outcome = service.lookupKey(name, when, 'domain');
  if (outcome.kind === 'ok') return { answer: objectAnswer(service, show, outcome.value.objects, outcome.value.asOf), links: { rdap, whois } };
  if (outcome.kind === 'userError') return { answer: { kind: 'error', problem: outcome.problem }, links: { rdap: null, whois: null } };
  const space = service.lookupRange(formatRange(zone), when);
  const authority = space.kind === 'ok' ? space.value.authority : space.kind === 'notFound' && space.notFound.kind === 'foreign' ? space.notFound.authority : null;
  const notFound: NotFound = authority && authority.kind !== 'this-registry' ? { kind: 'foreign', authority } : { kind: 'no-object' };
  return { answer: { kind: 'notFound', notFound, registry: deps.registry, referral: authority ? referralFor(authority, `domain/${name}`) : null }, links: { rdap, whois } };
}

/** The registry answering for another registry's space: its RDAP answer for the question, and its WHOIS server. */
function referralFor(authority: Authority, path: string): Referral | null {
  if (authority.kind !== 'other-registry') return null;
  const rdap = redirectUrl([authority.registry.rdap], path);
  const rdapHost = rdap && URL.canParse(rdap) ? new URL(rdap).host : null;
  return rdap && rdapHost ? { registry: authority.registry.name, rdap, rdapHost, whois: authority.registry.whois } : null;
}

/** Resources an organisation holds, listed on its card; beyond this the card says there are more. */
const HOLDINGS_SHOWN = 50;

/**
 * An object found by key: the first (most specific, highest-ranked source), its abuse contact
 * by the same rule as for networks, and for an organisation the networks and AS numbers it holds.
 */
function objectAnswer(service: LookupService, show: Show, objects: readonly StoredObject[], asOf: AsOf): PageAnswer {
  const object = objects[0]!;
  const at = asOf.requested ? asOf.instant : null;
  const abuse = service.abuseContact(objects, at);
  let holds: StoredObject[] = [];
  let more = false;
  if (object.className === 'organisation') {
    const found = service.inverse('org', object.key, asOf.requested ? { at: new Date(asOf.instant).toISOString() } : {}, HOLDINGS_SHOWN * 4);
    const resources = found.kind === 'ok' ? found.value.objects.filter((o) => HELD_CLASSES.has(o.className)) : [];
    holds = resources.slice(0, HOLDINGS_SHOWN).map(show);
    more = resources.length > HOLDINGS_SHOWN;
  }
  return { kind: 'object', object: show(object), asOf, abuse: abuse?.mailbox ?? null, holds, holdsMore: more };
}

const HELD_CLASSES = new Set(['inetnum', 'inet6num', 'aut-num']);
