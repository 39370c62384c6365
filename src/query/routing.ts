// Which route object originates an address (DESIGN §4, Team Cymru's `AS` and `BGP Prefix`):
// the most specific covering `route`/`route6` object valid at the answer's instant. Only
// registered routes count: an AS is never guessed from the holder's organisation, because
// an organisation with one aut-num may still announce its space through its upstream.
import { firstValue, stripComment, type StoredObject } from '../model/types.js';
import { parseAsn } from '../net/asn.js';
import { singlePrefix, type Cidr, type IpRange } from '../net/prefix.js';
import { compareSpecificity } from '../index/specificity.js';
import { sourceRank } from './placeholders.js';
import type { LookupService } from './service.js';
import type { AsOf } from './types.js';

export interface OriginRoute {
  readonly asn: number;
  /** The route's own prefix (a route object's key is always one CIDR prefix). */
  readonly prefix: Cidr;
  readonly route: StoredObject;
}

/** Where routes are read: SQL ranges, and the in-memory route index for current addresses where there is one. */
export type RouteSource = Pick<LookupService, 'ranges'> & Partial<Pick<LookupService, 'currentRoutesAt'>>;

/** What the rule needs of an answer: the address asked and the instant it was answered for. */
export interface RoutedQuery {
  readonly query: { readonly range: IpRange };
  readonly asOf: AsOf;
}

/**
 * The most specific route object covering the queried range at the answer's instant, with
 * its origin; null when no route object covers it. Equal prefixes: the earlier source wins,
 * then the older object (a fixed order, so the same question always gets the same AS).
 * A route whose `origin:` does not parse is passed over for the next less specific one.
 *
 * `sources` is LACAK_SOURCES; without it the order is read from `asOf.sources`, which the
 * service lists in source order, so front ends that hold no Config still rank alike.
 */
export function originRoute(service: RouteSource, answer: RoutedQuery, sources?: readonly string[]): OriginRoute | null {
  for (const route of rankedRoutes(service, answer, sources)) {
    const asn = parseAsn(stripComment(firstValue(route, 'origin') ?? ''));
    const prefix = singlePrefix(route.range!);
    if (asn !== null && prefix !== null) return { asn, prefix, route };
  }
  return null;
}

/**
 * The route objects WHOIS shows beside the network that answers a query, as RIPE's and
 * APNIC's servers do: every route of the most specific prefix covering the queried range
 * (one per origin AS: a prefix announced by two ASes has two route objects), each key once,
 * from the earliest source that has it. A route is stored only with an origin that parses, so
 * the first is the one originRoute picks: WHOIS and the Cymru `AS` column name the same origin.
 * `keep` narrows the candidates before the most specific is chosen (`-s`: a source's own
 * routes, not the routes of another filtered away).
 */
export function mostSpecificRoutes(
  service: RouteSource,
  answer: RoutedQuery,
  keep: (route: StoredObject) => boolean = () => true,
  sources?: readonly string[],
): StoredObject[] {
  const candidates = rankedRoutes(service, answer, sources).filter(keep);
  const first = candidates[0];
  if (!first) return [];
  const shown = new Map<string, StoredObject>();
  for (const route of candidates) {
    if (route.range!.start !== first.range!.start || route.range!.end !== first.range!.end) break;
    if (!shown.has(route.key)) shown.set(route.key, route);
  }
  return [...shown.values()];
}

/**
 * Every route object covering the queried range at the answer's instant, most specific first;
 * equal prefixes: the earlier source, then the older object (a fixed order, so the same
 * question always gets the same routes in the same order).
 */
export function rankedRoutes(service: RouteSource, answer: RoutedQuery, sources?: readonly string[]): StoredObject[] {
  const { range } = answer.query;
  // "Now" reads current versions; a requested instant the versions valid then, as the answer did.
  // A current address reads the in-memory route index (issue 15: no range query per Cymru line).
  const at = answer.asOf.requested ? answer.asOf.instant : null;
  const routes = (at === null ? service.currentRoutesAt?.(range) : null) ?? service.ranges.covering(range.family, range.start, range.end, at, 'routes');
  if (routes.length === 0) return [];
  const rank = sourceRank(sources ?? answer.asOf.sources.map((s) => s.source));
  const ranked = routes.map((route) => ({
    route,
    key: { id: route.id, family: route.range!.family, start: route.range!.start, end: route.range!.end, rank: rank(route.source) },
  }));
  ranked.sort((a, b) => compareSpecificity(a.key, b.key));
  return ranked.map((r) => r.route);
}
