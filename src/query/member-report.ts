// A member's own view of what it holds (GET /me, issue 14 item 7): its organisation and its row
// of the members list (the legal-request desk the police are given), its AS numbers, its
// networks with the customer networks nested inside them as the registry has them, the used
// and free space of each allocation, its route objects and reverse zones, and what looks
// wrong. As of any instant, by the rules every answer follows (DESIGN §2 "As of T").
import { allValues, firstValue, isDelegatedSource, stripComment, type StoredObject } from '../model/types.js';
import { parseAsnRange } from '../net/asn.js';
import { FAMILY_BITS } from '../net/ip.js';
import { cidrToRange, rangeContains, rangeToCidrs, type Cidr, type IpRange } from '../net/prefix.js';
import { reverseZoneName, reverseZoneSpace } from '../net/reverse.js';
import { sourceRank } from './placeholders.js';
import type { LookupService, When } from './service.js';
import type { AsOf, LegalContact, Outcome } from './types.js';

export type FindingRule = 'overlap' | 'no-abuse-contact' | 'outside-allocations' | 'status-hierarchy' | 'org-type';

export interface Finding {
  readonly severity: 'error' | 'warning';
  readonly rule: FindingRule;
  /** The objects concerned, by primary key. */
  readonly objects: readonly string[];
  readonly message: string;
}

/**
 * How much one report lists. A member with 10,000 customer networks gets them all in about
 * 3 MB of JSON; past that the list is cut (the space figures never are: they are summed from
 * every network). The cut drops the most specific networks first, so what is listed still
 * nests under its parents.
 */
export interface ReportLimits {
  /** Customer networks listed, over all of the member's networks. */
  readonly networks: number;
  readonly routes: number;
  readonly reverseZones: number;
  /** Zone names tried by name inside the member's space (each one indexed lookup). */
  readonly zoneNames: number;
  readonly findings: number;
}

export const REPORT_LIMITS: ReportLimits = Object.freeze({ networks: 10_000, routes: 2_000, reverseZones: 1_000, zoneNames: 1_024, findings: 1_000 });

/** Objects held through `org:` read at most (a member holds tens of resources, not thousands). */
const HELD_LIMIT = 10_000;
const NETWORK_CLASSES = new Set(['inetnum', 'inet6num']);
const ROUTE_CLASSES = ['route', 'route6'] as const;

/**
 * Addresses assigned out of a network and left. IPv4 counts addresses (any range, aligned or
 * not). IPv6 counts /64s, the unit every IPv6 assignment policy hands out in (a /48 is 65,536
 * of them, a /56 256): a /64 any customer network touches is used. An IPv6 network smaller
 * than a /64 counts addresses.
 */
export interface Space {
  readonly unit: 'address' | '/64';
  readonly total: bigint;
  readonly used: bigint;
  readonly free: bigint;
}

export interface CustomerNetwork {
  readonly object: StoredObject;
  /** 0 for the member's own network at the top of a tree. */
  readonly depth: number;
  readonly parent: StoredObject | null;
  /** The holder's name: its organisation's `org-name`, else its first `descr:` (DESIGN §2 Holder). */
  readonly holder: { readonly text: string; readonly from: 'org-name' | 'member-record' | 'descr' } | null;
  /** For the member's own networks and every allocation inside them; null for assignments. */
  readonly space: Space | null;
  readonly children: CustomerNetwork[];
}

export interface AutnumEntry {
  readonly asn: number;
  /** The aut-num objects of each source that has one, in source order. */
  readonly objects: readonly StoredObject[];
  /** The members list names it among the member's resources. */
  readonly inMembersList: boolean;
}

export type RouteReason = 'origin' | 'space' | 'maintainer';

export interface RouteEntry {
  readonly object: StoredObject;
  /** Why it is the member's: originated by its AS, for its space, maintained by its maintainer. */
  readonly why: readonly RouteReason[];
}

export interface ZoneEntry {
  readonly object: StoredObject;
  /** The space the zone serves (RFC 2317 labels read), null if the name is no reverse zone. */
  readonly space: IpRange | null;
  /**
   * `inside`: the zone serves the member's space only (its own zone, a customer's, an RFC 2317
   * delegation); `covering`: it reaches beyond it (the registry's /24 around an allocation).
   */
  readonly relation: 'inside' | 'covering';
}

export interface MemberReport {
  readonly asOf: AsOf;
  readonly organisation: StoredObject | null;
  /** Its row of the members list (class `member`, source MEMBERS) at the instant. */
  readonly record: StoredObject | null;
  readonly legalContact: LegalContact | null;
  /** The member's own maintainers (DESIGN §5 "own objects"), as they are now: the key is now. */
  readonly maintainers: readonly string[];
  readonly autnums: readonly AutnumEntry[];
  readonly asBlocks: readonly StoredObject[];
  /** Its networks, each the top of a tree of the customer networks inside it. */
  readonly networks: readonly CustomerNetwork[];
  readonly routes: readonly RouteEntry[];
  readonly reverseZones: readonly ZoneEntry[];
  readonly findings: readonly Finding[];
  readonly limits: ReportLimits;
  /** What was cut to stay within the limits: customer networks found past the limit (at least), routes, zones, findings. */
  readonly cut: { readonly networks: boolean; readonly routes: boolean; readonly reverseZones: boolean; readonly findings: number };
  /** Networks listed inside the member's networks (not counting its own). */
  readonly listed: number;
}

const status = (o: StoredObject) => stripComment(firstValue(o, 'status') ?? '').toUpperCase();
const upperValue = (o: StoredObject, name: string) => stripComment(firstValue(o, name) ?? '').toUpperCase();
const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The report for `orgHandle` as of `when` (absent: now). A time before a source's first
 * snapshot or a bad time is the user error every answer gives (resolveWhen).
 */
export function memberReport(service: LookupService, orgHandle: string, when: When = {}, limits: ReportLimits = REPORT_LIMITS): Outcome<MemberReport> {
  const resolved = service.resolveWhen<MemberReport>(when);
  if (!resolved.ok) return resolved.error;
  const { asOf, at } = resolved;
  const rank = sourceRank(asOf.sources.map((s) => s.source));
  const bySource = (a: StoredObject, b: StoredObject) => rank(a.source) - rank(b.source) || a.id - b.id;
  const org = orgHandle.trim().toUpperCase();

  const organisation = service.resolveHandle(org, ['organisation'], at);
  const record = service.memberRecord(org, at);
  const maintainers = service.memberMaintainers(org);
  const held = service.objects.inverse('org', org, at, HELD_LIMIT);
  const heldNetworks = held.filter((o) => NETWORK_CLASSES.has(o.className) && o.range && !isDelegatedSource(o.source) && !service.isPlaceholder(o));

  // ---- networks: each of its own at the top of a tree of what lies inside ----------------
  const tops = outermostOf(heldNetworks, rank);
  const holderName = holderNamer(service, at);
  let budget = limits.networks;
  let networksCut = false;
  const networks: CustomerNetwork[] = [];
  for (const top of tops) {
    const range = top.range!;
    // Not the network itself nor another source's record of it; no placeholder or delegated
    // record, which mark space rather than hand it to a customer. One more than fits says "cut".
    const inside = service.ranges.inside(range.family, range.start, range.end, at, budget + 1, {
      widestFirst: true,
      keep: (o) => !(o.range!.start === range.start && o.range!.end === range.end) && !isDelegatedSource(o.source) && !service.isPlaceholder(o),
    });
    if (inside.length > budget) networksCut = true;
    const listed = inside.slice(0, budget);
    budget -= listed.length;
    // Space for its own network and each allocation inside (a sub-allocation's downstream asks
    // the same question of its part), summed from every registration, listed or not.
    const spaceFor = (node: { object: StoredObject; depth: number }) =>
      node.depth === 0 || status(node.object).startsWith('ALLOCATED') ? spaceOf(node.object.range!, service.registrationSpansInside(node.object.range!, at)) : null;
    networks.push(nest(top, listed, bySource, holderName, spaceFor));
  }

  const autnums = autnumsOf(held, record, bySource);
  const asBlocks = held.filter((o) => o.className === 'as-block').sort(bySource);
  const routes = routesOf(service, autnums, tops, maintainers, at, limits.routes);
  const zones = reverseZonesOf(service, tops, maintainers, at, limits);

  // ---- findings -----------------------------------------------------------------------------
  const findings: Finding[] = [];
  const everyNode = networks.flatMap((n) => [...walk(n)]);
  for (const top of networks) findings.push(...overlaps([...walk(top)].slice(1).map((n) => n.object)));
  for (const top of networks) findings.push(...abuseFindings(service, top, at));
  const allocations = heldNetworks.filter((o) => status(o).startsWith('ALLOCATED'));
  findings.push(...outsideAllocations(service, maintainers, allocations, at));
  findings.push(...hierarchy(everyNode));
  if (organisation) findings.push(...orgTypeFindings(organisation, heldNetworks));
  const shownFindings = findings.slice(0, limits.findings);

  return {
    kind: 'ok',
    value: {
      asOf,
      organisation,
      record,
      legalContact: record ? legalContactOf(record) : null,
      maintainers,
      autnums,
      asBlocks,
      networks,
      routes: routes.entries,
      reverseZones: zones.entries,
      findings: shownFindings,
      limits,
      cut: { networks: networksCut, routes: routes.cut, reverseZones: zones.cut, findings: findings.length - shownFindings.length },
      listed: limits.networks - budget,
    },
  };
}

/** Every node of a tree, the root first, depth first in address order. */
export function* walk(node: CustomerNetwork): Generator<CustomerNetwork> {
  yield node;
  for (const child of node.children) yield* walk(child);
}

/**
 * The member's networks not inside another of its own (per family), one per range: another
 * source's record of the same range is not a second network.
 */
function outermostOf(networks: readonly StoredObject[], rank: (source: string) => number): StoredObject[] {
  const sorted = [...networks].sort(
    (a, b) => a.range!.family - b.range!.family || cmp(a.range!.start, b.range!.start) || cmp(b.range!.end, a.range!.end) || rank(a.source) - rank(b.source) || a.id - b.id,
  );
  const out: StoredObject[] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && rangeContains(last.range!, n.range!)) continue;
    out.push(n);
  }
  return out;
}

/**
 * The tree of `inside` under `top`: each network under the nearest listed network holding all
 * of it. In address order, widest first, a stack of the networks still open finds that one: a
 * network the top of the stack does not hold is held by none of what was opened after its
 * parent. Two networks that overlap without either holding the other are siblings (and an
 * `overlap` finding); the same range from two sources nests the later source under the earlier.
 */
function nest(
  top: StoredObject,
  inside: readonly StoredObject[],
  bySource: (a: StoredObject, b: StoredObject) => number,
  holderName: (o: StoredObject) => CustomerNetwork['holder'],
  spaceFor: (node: { object: StoredObject; depth: number }) => Space | null,
): CustomerNetwork {
  const make = (object: StoredObject, parent: CustomerNetwork | null): CustomerNetwork => {
    const depth = parent ? parent.depth + 1 : 0;
    return { object, depth, parent: parent?.object ?? null, holder: holderName(object), space: spaceFor({ object, depth }), children: [] };
  };
  const root = make(top, null);
  const sorted = [...inside].sort((a, b) => cmp(a.range!.start, b.range!.start) || cmp(b.range!.end, a.range!.end) || bySource(a, b));
  const open: CustomerNetwork[] = [root];
  for (const o of sorted) {
    while (open.length > 1 && !rangeContains(open[open.length - 1]!.object.range!, o.range!)) open.pop();
    const parent = open[open.length - 1]!;
    const node = make(o, parent);
    parent.children.push(node);
    open.push(node);
  }
  return root;
}

/**
 * Used and free space of `range` given the spans of the networks inside it, sorted by start
 * (as the store streams them): overlapping and nested networks are counted once, ranges need
 * not be CIDR-aligned, and nothing but the running union is held.
 */
export function spaceOf(range: IpRange, spans: Iterable<{ readonly start: bigint; readonly end: bigint }>): Space {
  const perSlash64 = range.family === 6 && range.end - range.start + 1n >= 1n << 64n;
  const shift = perSlash64 ? 64n : 0n;
  const total = (range.end >> shift) - (range.start >> shift) + 1n;
  let used = 0n;
  let open: { start: bigint; end: bigint } | null = null;
  for (const s of spans) {
    // Clipped to the range: the store reads only what lies inside, a caller may not.
    const start = (s.start > range.start ? s.start : range.start) >> shift;
    const end = (s.end < range.end ? s.end : range.end) >> shift;
    if (end < start) continue;
    if (open && start <= open.end + 1n) {
      if (end > open.end) open.end = end;
      continue;
    }
    if (open) used += open.end - open.start + 1n;
    open = { start, end };
  }
  if (open) used += open.end - open.start + 1n;
  return { unit: perSlash64 ? '/64' : 'address', total, used, free: total - used };
}

/** Holder names by organisation, read once per report (10,000 customers share few organisations). */
function holderNamer(service: LookupService, at: number | null): (o: StoredObject) => CustomerNetwork['holder'] {
  const names = new Map<string, CustomerNetwork['holder']>();
  return (o) => {
    const org = upperValue(o, 'org');
    if (org) {
      let name = names.get(org);
      if (name === undefined) {
        const organisation = service.resolveHandle(org, ['organisation'], at);
        const orgName = organisation ? firstValue(organisation, 'org-name') : undefined;
        const recordName = orgName ? undefined : firstValue(service.memberRecord(org, at) ?? { attributes: [] }, 'org-name');
        name = orgName ? { text: orgName.trim(), from: 'org-name' } : recordName ? { text: recordName.trim(), from: 'member-record' } : null;
        names.set(org, name);
      }
      if (name) return name;
    }
    const descr = firstValue(o, 'descr');
    return descr ? { text: descr.trim(), from: 'descr' } : null;
  };
}

function legalContactOf(record: StoredObject): LegalContact | null {
  const name = firstValue(record, 'legal-contact');
  const email = firstValue(record, 'legal-email');
  const phone = firstValue(record, 'legal-phone');
  return name && email && phone ? { name: name.trim(), email: email.trim(), phone: phone.trim() } : null;
}

/**
 * Each AS number once: the aut-nums it holds in any source and the single numbers its row of
 * the members list names. (The report listed an aut-num as a pair [first, last] of the same
 * number, and once per source.)
 */
function autnumsOf(held: readonly StoredObject[], record: StoredObject | null, bySource: (a: StoredObject, b: StoredObject) => number): AutnumEntry[] {
  const byAsn = new Map<number, { objects: StoredObject[]; inMembersList: boolean }>();
  const entry = (asn: number) => {
    let e = byAsn.get(asn);
    if (!e) byAsn.set(asn, (e = { objects: [], inMembersList: false }));
    return e;
  };
  for (const o of held) if (o.className === 'aut-num' && o.asns) entry(o.asns.first).objects.push(o);
  for (const value of record ? allValues(record, 'resources') : []) {
    const asns = /^AS/i.test(value) ? parseAsnRange(value) : null;
    // A block in the members list is a range of numbers, not an aut-num each.
    if (asns && asns.first === asns.last) entry(asns.first).inMembersList = true;
  }
  return [...byAsn.entries()].sort(([a], [b]) => a - b).map(([asn, e]) => ({ asn, objects: e.objects.sort(bySource), inMembersList: e.inMembersList }));
}

/**
 * The member's route objects, each once with every reason it is the member's:
 * - `origin`: originated by one of its AS numbers (what it announces, its customers' space included);
 * - `space`: a route for a prefix inside its networks, whatever the origin (a member announcing
 *   through its upstream's AS has no route of its own AS, yet these are its routes);
 * - `maintainer`: kept by one of its own maintainers.
 * One rule alone misses what a member expects: by origin, everything registered for its space
 * under an upstream's AS; by maintainer, routes the registry created for it.
 */
function routesOf(
  service: LookupService,
  autnums: readonly AutnumEntry[],
  tops: readonly StoredObject[],
  maintainers: readonly string[],
  at: number | null,
  limit: number,
): { entries: RouteEntry[]; cut: boolean } {
  const found = new Map<number, { object: StoredObject; why: Set<RouteReason> }>();
  let cut = false;
  const add = (objects: readonly StoredObject[], why: RouteReason) => {
    if (objects.length > limit) cut = true;
    for (const object of objects.slice(0, limit)) {
      const e = found.get(object.id) ?? { object, why: new Set<RouteReason>() };
      e.why.add(why);
      found.set(object.id, e);
    }
  };
  for (const a of autnums) for (const cls of ROUTE_CLASSES) add(service.objects.inverse('origin', `AS${a.asn}`, at, limit + 1, cls), 'origin');
  for (const top of tops) add(service.ranges.inside(top.range!.family, top.range!.start, top.range!.end, at, limit + 1, { kind: 'routes' }), 'space');
  for (const m of maintainers) for (const cls of ROUTE_CLASSES) add(service.objects.inverse('mnt-by', m, at, limit + 1, cls), 'maintainer');
  const order: RouteReason[] = ['origin', 'space', 'maintainer'];
  const entries = [...found.values()]
    .sort((a, b) => a.object.range!.family - b.object.range!.family || cmp(a.object.range!.start, b.object.range!.start) || cmp(b.object.range!.end, a.object.range!.end) || a.object.key.localeCompare(b.object.key) || a.object.id - b.object.id)
    .map((e) => ({ object: e.object, why: order.filter((r) => e.why.has(r)) }));
  if (entries.length > limit) cut = true;
  return { entries: entries.slice(0, limit), cut };
}

/**
 * The domain objects for the member's space, found three ways, each a few indexed lookups:
 * 1. the zone serving each of its prefixes: its own zone (`1.0.8.b.d.0.1.0.0.2.ip6.arpa` for
 *    2001:db8:100::/40, or an RFC 2317 name such as `0/26.100.51.198.in-addr.arpa`), else the
 *    nearest zone around it (the registry's /24 that delegates inside it, RFC 2317 style);
 * 2. zones inside its space by name, on octet and nibble boundaries, widest first, as many names
 *    as `limits.zoneNames` allows (a /16 has 256 /24 zones; an IPv6 /32 has 4,096 /44s);
 * 3. zones its own maintainers keep, which finds the deeper and the classless ones.
 */
function reverseZonesOf(
  service: LookupService,
  tops: readonly StoredObject[],
  maintainers: readonly string[],
  at: number | null,
  limits: ReportLimits,
): { entries: ZoneEntry[]; cut: boolean } {
  const found = new Map<number, ZoneEntry>();
  let names = limits.zoneNames;
  const relationOf = (space: IpRange | null): ZoneEntry['relation'] | null => {
    if (!space) return null;
    if (tops.some((t) => rangeContains(t.range!, space))) return 'inside';
    return tops.some((t) => t.range!.family === space.family && space.start <= t.range!.end && t.range!.start <= space.end) ? 'covering' : null;
  };
  // Prefixes of one member often share the zone around them: each name is asked once.
  const tried = new Map<string, boolean>();
  const lookup = (name: string): boolean => {
    const known = tried.get(name);
    if (known !== undefined) return known;
    names--;
    let any = false;
    for (const object of service.objects.byKey(name, at, 'domain')) {
      any = true;
      const space = reverseZoneSpace(object.key);
      const relation = relationOf(space);
      if (relation && !found.has(object.id)) found.set(object.id, { object, space, relation });
    }
    tried.set(name, any);
    return any;
  };

  const cidrs: Cidr[] = tops.flatMap((t) => rangeToCidrs(t.range!));
  // 1. The zone that serves each prefix. Classless names first (a prefix longer than /24),
  // then its own zone on a boundary, then the nearest one around it.
  for (const top of tops) {
    const r = top.range!;
    if (r.family === 4 && r.start >> 8n === r.end >> 8n && r.end - r.start < 255n) lookup(`${Number(r.start & 255n)}-${Number(r.end & 255n)}.${reverseZoneName({ family: 4, start: r.start, length: 24 })}`);
  }
  for (const cidr of cidrs) {
    if (cidr.family === 4 && cidr.length > 24 && lookup(`${Number(cidr.start & 255n)}/${cidr.length}.${reverseZoneName({ family: 4, start: cidr.start, length: 24 })}`)) continue;
    const step = cidr.family === 4 ? 8 : 4;
    for (let length = Math.min(cidr.length - (cidr.length % step), cidr.family === 4 ? 24 : 124); length >= step; length -= step) {
      const name = reverseZoneName({ family: cidr.family, start: cidrToRange({ family: cidr.family, start: cidr.start, length }).start, length });
      if (name && lookup(name)) break;
    }
  }
  // 2. Zones inside, by name, level by level while names are left.
  const deepest = { 4: 24, 6: 64 } as const;
  for (const cidr of cidrs) {
    const step = cidr.family === 4 ? 8 : 4;
    for (let length = cidr.length - (cidr.length % step) + step; length <= deepest[cidr.family]; length += step) {
      const count = 1n << BigInt(length - cidr.length);
      if (count > BigInt(names)) break;
      const size = 1n << BigInt(FAMILY_BITS[cidr.family] - length);
      for (let i = 0n; i < count; i++) lookup(reverseZoneName({ family: cidr.family, start: cidr.start + i * size, length })!);
    }
  }
  // 3. Zones its maintainers keep.
  let cut = false;
  for (const m of maintainers) {
    const kept = service.objects.inverse('mnt-by', m, at, limits.reverseZones + 1, 'domain');
    if (kept.length > limits.reverseZones) cut = true;
    for (const object of kept) {
      const space = reverseZoneSpace(object.key);
      const relation = relationOf(space);
      if (relation && !found.has(object.id)) found.set(object.id, { object, space, relation });
    }
  }
  const entries = [...found.values()].sort(
    (a, b) => (a.space?.family ?? 0) - (b.space?.family ?? 0) || cmp(a.space?.start ?? 0n, b.space?.start ?? 0n) || cmp(b.space?.end ?? 0n, a.space?.end ?? 0n) || a.object.key.localeCompare(b.object.key),
  );
  if (entries.length > limits.reverseZones) cut = true;
  return { entries: entries.slice(0, limits.reverseZones), cut };
}

/**
 * Two customer networks of one source that share addresses without one holding the other.
 * (The same range twice cannot happen within a source: the range is the primary key.)
 */
function overlaps(inside: readonly StoredObject[]): Finding[] {
  const out: Finding[] = [];
  const sorted = [...inside].sort((a, b) => cmp(a.range!.start, b.range!.start));
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length && sorted[j]!.range!.start <= a.range!.end; j++) {
      const b = sorted[j]!;
      if (a.source !== b.source || rangeContains(a.range!, b.range!) || rangeContains(b.range!, a.range!)) continue;
      out.push({ severity: 'error', rule: 'overlap', objects: [a.key, b.key], message: `${a.key} and ${b.key} overlap without one holding the other` });
    }
  }
  return out;
}

/**
 * DESIGN §2's abuse rule, asked of every network of a tree: none at all is an error, only
 * inherited a warning. The chain is the network, its parents in the tree, then what covers the
 * member's network: one covering read per tree, not one per customer.
 */
function abuseFindings(service: LookupService, top: CustomerNetwork, at: number | null): Finding[] {
  const above = service.coveringNetworks(top.object.range!, at).filter((o) => o.id !== top.object.id && !service.isPlaceholder(o));
  const out: Finding[] = [];
  const visit = (node: CustomerNetwork, parents: readonly StoredObject[]) => {
    const chain = [node.object, ...parents];
    const abuse = service.abuseContact(chain, at);
    const o = node.object;
    if (!abuse) out.push({ severity: 'error', rule: 'no-abuse-contact', objects: [o.key], message: `${o.key} has no abuse contact, not even from a network above it` });
    else if (abuse.inherited) {
      out.push({ severity: 'warning', rule: 'no-abuse-contact', objects: [o.key], message: `${o.key} has no abuse contact of its own; reports go to ${abuse.mailbox} (from ${abuse.network.key})` });
    }
    for (const child of node.children) visit(child, chain);
  };
  visit(top, above);
  return out;
}

/** Networks the member's maintainers keep that lie outside every allocation the member holds. */
function outsideAllocations(service: LookupService, maintainers: readonly string[], allocations: readonly StoredObject[], at: number | null): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<number>();
  for (const m of maintainers) {
    for (const o of service.objects.networksMaintainedOutside(m, allocations.map((a) => a.range!), at, HELD_LIMIT)) {
      if (seen.has(o.id)) continue;
      seen.add(o.id);
      out.push({ severity: 'error', rule: 'outside-allocations', objects: [o.key], message: `${o.key} is maintained by ${m} but lies outside every allocation of the member` });
    }
  }
  return out;
}

/** Allocations inside assignments, and portable assignments inside a member's allocation: each network against its parent in the tree. */
function hierarchy(nodes: readonly CustomerNetwork[]): Finding[] {
  const out: Finding[] = [];
  const byId = new Map(nodes.map((n) => [n.object.id, n]));
  for (const node of nodes) {
    const parent = node.parent;
    if (!parent || !byId.has(parent.id)) continue;
    const c = status(node.object);
    const p = status(parent);
    const child = node.object;
    if (c.startsWith('ALLOCATED') && p.startsWith('ASSIGNED')) {
      out.push({ severity: 'error', rule: 'status-hierarchy', objects: [child.key, parent.key], message: `${child.key} is ${c} inside the assignment ${parent.key} (${p})` });
    } else if (c === 'ASSIGNED PORTABLE' && p.startsWith('ALLOCATED')) {
      out.push({ severity: 'warning', rule: 'status-hierarchy', objects: [child.key, parent.key], message: `${child.key} is ASSIGNED PORTABLE inside the allocation ${parent.key}: portable space comes from the registry, not a member` });
    }
  }
  return out;
}

/** An allocation held by an organisation that is not a registry member type. */
function orgTypeFindings(organisation: StoredObject, networks: readonly StoredObject[]): Finding[] {
  const type = upperValue(organisation, 'org-type');
  if (type === 'LIR' || type === 'NIR') return [];
  return networks
    .filter((o) => status(o) === 'ALLOCATED PORTABLE')
    .map((o) => ({
      severity: 'warning' as const,
      rule: 'org-type' as const,
      objects: [o.key, organisation.key],
      message: `${o.key} is ALLOCATED PORTABLE, but ${organisation.key} has org-type ${type || '(none)'}, not LIR`,
    }));
}
