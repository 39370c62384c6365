// DESIGN §5 "member (own objects)" in code: which organisations are members (who may hold a
// member key), and which maintainers are a member's own (objects they maintain are its own).
// Current data.
import { allValues, firstValue, stripComment, type StoredObject } from '../model/types.js';
import type { IpRange } from '../net/prefix.js';
import type { ObjectStore } from '../store/objects.js';

export type MemberStanding =
  | { readonly member: true; readonly organisation: StoredObject | null; readonly via: 'members-list' | 'org-type' }
  | { readonly member: false; readonly reason: string };

const upper = (v: string | undefined) => (v === undefined ? '' : stripComment(v).toUpperCase());

/**
 * Is `orgHandle` a member (DESIGN §2 "responsible member": listed in the members CSV, or an
 * organisation of `org-type: LIR`)? A member key names one; anything else would hand a
 * customer, or a handle nobody holds, the member view.
 */
export function memberStanding(objects: ObjectStore, orgHandle: string, registry: string): MemberStanding {
  const org = orgHandle.trim().toUpperCase();
  const organisations = objects.byKey(org, null, 'organisation');
  const organisation = organisations.find((o) => o.source === registry) ?? organisations[0] ?? null;
  // The members row refers to its organisation (`org`): one indexed read, not a scan of every
  // object (GET /me asks this on every request, issue 14).
  const listed = objects.inverse('org', org, null, 1, 'member').length > 0;
  if (listed) return { member: true, organisation, via: 'members-list' };
  if (!organisation) return { member: false, reason: `no organisation ${org} in the registry` };
  const type = upper(firstValue(organisation, 'org-type')) || 'none';
  // An LIR of another registry (an APNIC direct member in APNIC's data) is not this registry's member.
  if (type === 'LIR' && organisation.source === registry) return { member: true, organisation, via: 'org-type' };
  if (type === 'LIR') return { member: false, reason: `${org} is an LIR in ${organisation.source}'s data, not a member of ${registry}` };
  return { member: false, reason: `${org} is not a member (org-type ${type}, not in the members list)` };
}

/** What ownMaintainers reads, from the query service. */
export interface MaintainerSources {
  readonly objects: ObjectStore;
  /** Networks covering the range (current data), placeholders included. */
  coveringNetworks(range: IpRange, at: null): StoredObject[];
}

const NETWORK_CLASSES = new Set(['inetnum', 'inet6num']);
const RESOURCE_CLASSES = new Set(['inetnum', 'inet6num', 'aut-num', 'as-block']);
const MAINTAINER_ATTRIBUTES = ['mnt-by', 'mnt-lower'];

function maintainersOf(o: StoredObject): string[] {
  return MAINTAINER_ATTRIBUTES.flatMap((name) => allValues(o, name).flatMap((v) => stripComment(v).toUpperCase().split(/[\s,]+/))).filter((m) => m !== '');
}

/** The networks not inside another of the list (a member's own assignments inside its allocation are not). */
function outermost(networks: readonly StoredObject[]): StoredObject[] {
  const sorted = [...networks].sort((a, b) => a.range!.family - b.range!.family || cmp(a.range!.start, b.range!.start) || cmp(b.range!.end, a.range!.end));
  const out: StoredObject[] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && last.range!.family === n.range!.family && n.range!.end <= last.range!.end) continue;
    out.push(n);
  }
  return out;
}

const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** Ranges merged where they touch or overlap: the fewer, the shorter the question to the store. */
function mergeRanges(ranges: readonly IpRange[]): IpRange[] {
  const sorted = [...ranges].sort((a, b) => a.family - b.family || cmp(a.start, b.start));
  const merged: IpRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.family === r.family && r.start <= last.end + 1n) {
      if (r.end > last.end) merged[merged.length - 1] = { ...last, end: r.end };
    } else merged.push(r);
  }
  return merged;
}

/**
 * A member's own maintainers (DESIGN §5 "own objects"): those named (`mnt-by`, `mnt-lower`) on
 * its organisation and on the resources it holds (`org:` it), less every one that also looks
 * after something above or beside it, since such a maintainer is someone else's:
 *
 * 1. a maintainer of a network (or as-block) covering one of its resources that it does not
 *    hold itself. A member's allocation names the member's maintainer in `mnt-lower:`, so
 *    without this rule a customer holding a sub-allocation inside it, maintained by that
 *    maintainer (as LIRs make them), got the member's maintainer and so its staff in full
 *    (issue #13, finding 5);
 * 2. a maintainer of a network held by another organisation outside its own networks: the
 *    registry's, which is `mnt-by:` of every member's organisation and allocation (in the
 *    sample MAINT-IDNIC), found even where the registry's own block is not loaded.
 *
 * What is left is the maintainer the registry or the member above handed down in `mnt-lower:`
 * (in the sample, MAINT-ID-CONTOHNET for ORG-CJN1-IDNIC: its staff and its customers'
 * assignments are `mnt-by:` it), or its own maintainer where it maintains its own objects.
 * When in doubt a maintainer is left out: a member then sees less of its own, never more of
 * anyone else's.
 */
export function ownMaintainers(sources: MaintainerSources, orgHandle: string): string[] {
  const org = orgHandle.trim().toUpperCase();
  const { objects } = sources;
  const held = objects.inverse('org', org, null, 100_000).filter((o) => RESOURCE_CLASSES.has(o.className));
  const own = [...objects.byKey(org, null, 'organisation'), ...held];
  const candidates = new Set(own.flatMap(maintainersOf));
  if (candidates.size === 0) return [];

  const heldBy = (o: StoredObject) => upper(firstValue(o, 'org')) === org;
  const networks = held.filter((o) => NETWORK_CLASSES.has(o.className) && o.range);
  // Rule 1: what covers its resources and is not its own. Above a network inside another of
  // its own is only what is above that one, so only the outermost are asked about.
  const above = new Set<string>();
  for (const n of outermost(networks)) {
    for (const c of sources.coveringNetworks(n.range!, null)) if (c.id !== n.id && !heldBy(c)) for (const m of maintainersOf(c)) above.add(m);
  }
  for (const a of held) {
    if (a.className !== 'aut-num' || !a.asns) continue;
    for (const b of objects.autnums(a.asns.first, null)) if (b.className === 'as-block' && !heldBy(b)) for (const m of maintainersOf(b)) above.add(m);
  }
  // Rule 2: what else it maintains, asked only for the maintainers still in question.
  const space = mergeRanges(networks.map((n) => n.range!));
  const found = [...candidates].filter((m) => !above.has(m) && !objects.maintainsNetworkOutside(m, org, space));
  return found.sort();
}
