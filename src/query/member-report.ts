// A member's own view of what it holds (GET /me): its organisation, its networks and AS
// numbers with the customer networks inside them, and what looks wrong. Current data.
import { firstValue, stripComment, type StoredObject } from '../model/types.js';
import { formatRange, rangeContains, type IpRange } from '../net/prefix.js';
import type { LookupService } from './service.js';

export type FindingRule = 'overlap' | 'no-abuse-contact' | 'outside-allocations' | 'status-hierarchy' | 'org-type';

export interface Finding {
  readonly severity: 'error' | 'warning';
  readonly rule: FindingRule;
  /** The objects concerned, by primary key. */
  readonly objects: readonly string[];
  readonly message: string;
}

export interface Resource {
  readonly object: StoredObject;
  /** Networks inside it (customer assignments, sub-allocations), by start. */
  readonly inside: readonly StoredObject[];
}

export interface MemberReport {
  readonly organisation: StoredObject | null;
  readonly maintainers: readonly string[];
  readonly resources: readonly Resource[];
  readonly findings: readonly Finding[];
  /** More networks than a report lists were found: the lists were cut. */
  readonly truncated: boolean;
}

/** Networks listed inside one resource, at most. */
const INSIDE_LIMIT = 5000;
const NETWORK_CLASSES = new Set(['inetnum', 'inet6num']);

const status = (o: StoredObject) => stripComment(firstValue(o, 'status') ?? '').toUpperCase();
const upperValue = (o: StoredObject, name: string) => stripComment(firstValue(o, name) ?? '').toUpperCase();

export function memberReport(service: LookupService, orgHandle: string): MemberReport {
  service.syncWithStore();
  const org = orgHandle.toUpperCase();
  const organisation = service.resolveHandle(org, ['organisation'], null);
  const maintainers = service.memberMaintainers(org);
  const held = service.objects.inverse('org', org, null, 10_000).filter((o) => NETWORK_CLASSES.has(o.className) || o.className === 'aut-num' || o.className === 'as-block');
  const networks = held.filter((o) => NETWORK_CLASSES.has(o.className) && !service.isPlaceholder(o));
  const allocations = networks.filter((o) => status(o).startsWith('ALLOCATED'));
  let truncated = false;
  const resources: Resource[] = held.map((object) => {
    if (!NETWORK_CLASSES.has(object.className)) return { object, inside: [] };
    const inside = service.moreSpecifics(object.range!, null, { oneLevel: false, limit: INSIDE_LIMIT }).filter((o) => !service.isPlaceholder(o));
    if (inside.length > INSIDE_LIMIT) truncated = true;
    return { object, inside: inside.slice(0, INSIDE_LIMIT) };
  });

  const findings: Finding[] = [];
  for (const r of resources) findings.push(...overlaps(r.inside));
  const everyNetwork = uniqueById([...networks, ...resources.flatMap((r) => r.inside)]);
  for (const o of everyNetwork) {
    const finding = abuseFinding(service, o);
    if (finding) findings.push(finding);
  }
  findings.push(...outsideAllocations(service, maintainers, allocations));
  findings.push(...hierarchy(resources));
  if (organisation) findings.push(...orgTypeFindings(organisation, networks));
  return { organisation, maintainers, resources, findings, truncated };
}

function uniqueById(objects: readonly StoredObject[]): StoredObject[] {
  return [...new Map(objects.map((o) => [o.id, o])).values()];
}

/**
 * Two customer networks of one source that share addresses without one holding the other.
 * (The same range twice cannot happen within a source: the range is the primary key.)
 */
function overlaps(inside: readonly StoredObject[]): Finding[] {
  const out: Finding[] = [];
  const sorted = [...inside].sort((a, b) => (a.range!.start < b.range!.start ? -1 : a.range!.start > b.range!.start ? 1 : 0));
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

/** DESIGN §2's abuse rule, asked of the network itself: none at all is an error, only inherited a warning. */
function abuseFinding(service: LookupService, o: StoredObject): Finding | null {
  const outcome = service.lookupRange(formatRange(o.range!));
  if (outcome.kind !== 'ok') return null;
  const chain = outcome.value.chain;
  const from = chain.findIndex((x) => x.id === o.id);
  if (from < 0) return null;
  const abuse = service.abuseContact(chain.slice(from), null);
  if (!abuse) return { severity: 'error', rule: 'no-abuse-contact', objects: [o.key], message: `${o.key} has no abuse contact, not even from a network above it` };
  if (abuse.inherited) {
    return { severity: 'warning', rule: 'no-abuse-contact', objects: [o.key], message: `${o.key} has no abuse contact of its own; reports go to ${abuse.mailbox} (from ${abuse.network.key})` };
  }
  return null;
}

/** Networks the member's maintainers keep that lie outside every allocation the member holds. */
function outsideAllocations(service: LookupService, maintainers: readonly string[], allocations: readonly StoredObject[]): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<number>();
  for (const m of maintainers) {
    for (const o of service.objects.inverse('mnt-by', m, null, 10_000)) {
      if (!NETWORK_CLASSES.has(o.className) || seen.has(o.id)) continue;
      seen.add(o.id);
      if (allocations.some((a) => rangeContains(a.range!, o.range!))) continue;
      out.push({ severity: 'error', rule: 'outside-allocations', objects: [o.key], message: `${o.key} is maintained by ${m} but lies outside every allocation of the member` });
    }
  }
  return out;
}

/** Allocations inside assignments, and portable assignments inside a member's allocation. */
function hierarchy(resources: readonly Resource[]): Finding[] {
  const out: Finding[] = [];
  for (const r of resources) {
    const all = [r.object, ...r.inside].filter((o) => NETWORK_CLASSES.has(o.className));
    for (const child of all) {
      const parent = nearestHolder(child.range!, all.filter((o) => o.id !== child.id));
      if (!parent) continue;
      const c = status(child);
      const p = status(parent);
      if (c.startsWith('ALLOCATED') && p.startsWith('ASSIGNED')) {
        out.push({ severity: 'error', rule: 'status-hierarchy', objects: [child.key, parent.key], message: `${child.key} is ${c} inside the assignment ${parent.key} (${p})` });
      } else if (c === 'ASSIGNED PORTABLE' && p.startsWith('ALLOCATED')) {
        out.push({ severity: 'warning', rule: 'status-hierarchy', objects: [child.key, parent.key], message: `${child.key} is ASSIGNED PORTABLE inside the allocation ${parent.key}: portable space comes from the registry, not a member` });
      }
    }
  }
  return uniqueFindings(out);
}

function nearestHolder(range: IpRange, candidates: readonly StoredObject[]): StoredObject | null {
  let best: StoredObject | null = null;
  for (const o of candidates) {
    if (!rangeContains(o.range!, range) || (o.range!.start === range.start && o.range!.end === range.end)) continue;
    if (!best || o.range!.end - o.range!.start < best.range!.end - best.range!.start) best = o;
  }
  return best;
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

function uniqueFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}\0${f.objects.join('\0')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
