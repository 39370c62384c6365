// The one query service every front end uses (DESIGN §2, §6): holder, chain, responsible
// member, sub-allocation, abuse contact, managed and special-purpose space, objects by key,
// inverse lookups, all "as of" any instant with the snapshots they were read from.
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { allValues, delegatedAccount, delegatedRegistry, firstValue, isDelegatedSource, stripComment, type StoredObject } from '../model/types.js';
import { createdAt, lastModifiedAt } from '../model/dates.js';
import { parseAsn } from '../net/asn.js';
import { parseAddressWithPort, unmapIpv4, type IpAddress } from '../net/ip.js';
import { parseRange, formatRange, rangeContains, type IpRange } from '../net/prefix.js';
import { specialPurpose, specialPurposeAsn } from '../net/special.js';
import { compareSpecificity } from '../index/specificity.js';
import type { RangeIndex } from '../index/range-index.js';
import { buildIndexFromDb, emptyBuiltIndex, inThreadIndexBuilder, type BuiltIndex, type IndexBuilder } from '../index/build-from-db.js';
import type { Db } from '../store/db.js';
import { ObjectStore, type ImportRecord, type SnapshotRow } from '../store/objects.js';
import { RangeStore, versionBoundaries, type AsOf as StoreAsOf } from '../store/ranges.js';
import { indexSettings, objectIsPlaceholder, ownerOf, placeholderRule, sourceRank, type PlaceholderRule } from './placeholders.js';
import { formatInstant, parseInstant } from './time.js';
import { ownMaintainers } from './membership.js';
import { userError } from './problems.js';
import type { Bootstrap } from '../referral/bootstrap.js';
import { registryForAddress, registryForAsn, registryNamed } from '../referral/registries.js';
import type {
  AbuseContact,
  AsOf,
  Authority,
  ChangeVerdict,
  NoMember,
  SnapshotChange,
  HolderName,
  IpAnswer,
  LegalContact,
  NotFound,
  ObjectAnswer,
  Outcome,
  ResponsibleMember,
  SourceSnapshot,
} from './types.js';

/** One stretch of time [from, until) in which `value` held; `until` null: still now. */
export interface HistoryRecord<T> {
  readonly from: number;
  readonly until: number | null;
  readonly value: T;
}

export interface HolderHistory {
  readonly asOf: AsOf;
  readonly records: readonly HistoryRecord<IpAnswer>[];
}

/** When the caller asks: absent means now; `tz` makes a zoneless time valid. */
export interface When {
  readonly at?: string;
  readonly tz?: string;
}

/** How far ahead of this server's clock a requested time may be (clocks differ a little). */
const FUTURE_SKEW_MS = 5 * 60_000;

const HANDLE_CLASSES = ['organisation', 'role', 'person', 'irt', 'mntner', 'member'];
const CONTACT_CLASSES = ['role', 'person'];

/**
 * How long a current answer may be served from the in-memory index before the newest import
 * id is read again: an import that commits is answered within this, or the index swap.
 */
const IMPORT_RECHECK_MS = 50;

/** Members lists kept for past instants: one per members snapshot, a few hundred rows each. */
const MEMBER_LISTS_KEPT = 256;

type Resolved<T> = { ok: true; asOf: AsOf; at: StoreAsOf } | { ok: false; error: Outcome<T> };

export class LookupService {
  readonly objects: ObjectStore;
  readonly ranges: RangeStore;
  private readonly rule: PlaceholderRule;
  private readonly rank: (source: string) => number;
  /** The in-memory index and what it reflects, swapped as one value. */
  private built: BuiltIndex;
  private refreshing: Promise<boolean> | null = null;
  /** The newest finished import as last read, and when (performance.now()): see currentNode. */
  private newestImport = -1;
  private importCheckedAt = -Infinity;
  // Bounded, least recently used out first (issue 15: caches that started over whole when
  // full made every answer after that a miss at once, the p99 of the bench). Most current
  // answers come packed, without them: these serve the rest, and the packing itself, which
  // walks the registry in address order where neighbours share their parents and contacts.
  private readonly handleCache = new LRUCache<string, { readonly object: StoredObject | null }>({ max: 25_000 });
  /** Current network and route versions by id, for chains read from the indexes. */
  private readonly networkCache = new LRUCache<number, StoredObject>({ max: 25_000 });
  private readonly maintainerCache = new LRUCache<string, readonly string[]>({ max: 10_000 });
  private importCache: ReadonlyMap<number, ImportRecord> | null = null;
  /** The members list by the members snapshot it was read for (null: current). */
  private readonly memberCache = new Map<number | null, ReadonlyMap<string, StoredObject>>();
  private snapshotCache: { importId: number; bySource: ReadonlyMap<string, SnapshotRow[]> } | null = null;
  private readonly rebuild: IndexBuilder;
  /** The service's clock (epoch ms): what "now" is for its answers. */
  readonly now: () => number;
  /** RFC 9224 bootstrap files: who serves the space and AS numbers no source of lacak covers. */
  private readonly bootstrap: Bootstrap | undefined;

  constructor(
    db: Db,
    private readonly config: Config,
    private readonly log?: Logger,
    options: { now?: () => number; indexBuilder?: IndexBuilder; bootstrap?: Bootstrap; index?: boolean; built?: BuiltIndex } = {},
  ) {
    this.objects = new ObjectStore(db);
    this.ranges = new RangeStore(db);
    this.rule = placeholderRule(config);
    this.rank = sourceRank(config.sources);
    this.now = options.now ?? Date.now;
    this.bootstrap = options.bootstrap;
    const settings = indexSettings(config);
    this.rebuild = options.indexBuilder ?? inThreadIndexBuilder(db, settings);
    // A worker answering only searches and inverse queries needs no address index: without one
    // (`index: false`) every lookup is a SQL query.
    // `built`: an index read from the file kept beside the database (issue 16), for its newest import.
    this.built = options.built ?? (options.index === false ? emptyBuiltIndex() : buildIndexFromDb(db, settings));
  }

  /** The import the in-memory index reflects. */
  get importId(): number {
    return this.built.importId;
  }

  get rangeIndex(): RangeIndex {
    return this.built.index;
  }

  /** The index and what it reflects, as one value (to hand to another thread). */
  get builtIndex(): BuiltIndex {
    return this.built;
  }

  /**
   * Serves an index built elsewhere (with the answers pre-encoded for it, issue 15), unless
   * it reflects an older import than the one served: swapped in one assignment, as a rebuild is.
   */
  adoptIndex(built: BuiltIndex): boolean {
    if (built.importId < this.built.importId) return false;
    this.built = built;
    return true;
  }

  /**
   * Called by the server's poll: when an import has committed since the index was built,
   * build a new one and swap it in one assignment (lookups in flight keep the old one).
   */
  refreshIfChanged(): Promise<boolean> {
    if (this.refreshing) return this.refreshing;
    if (this.objects.lastImportId() === this.built.importId) return Promise.resolve(false);
    const started = Date.now();
    this.refreshing = this.rebuild()
      .then((built) => {
        // An index of the same import may have been swapped in meanwhile, with its answers
        // packed (adoptIndex): that one stays.
        if (built.importId <= this.built.importId) return false;
        this.built = built;
        this.log?.info({ importId: built.importId, networks: built.index.networks, ms: Date.now() - started }, 'index rebuilt');
        return true;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  /**
   * The chain node answering a current lookup of `text` (a plain address, no port), for
   * answers pre-encoded per chain (issue 15): ≥ 0 a chain of networks, -1 none covers it,
   * -2 not a plain address; null when the index may be behind the newest import (the
   * caller asks lookupAddress). Reads no SQL but for a look at the newest import id at
   * most every IMPORT_RECHECK_MS.
   */
  currentNode(text: string): number | null {
    return this.currentNodeIn(this.built.index, text);
  }

  /** currentNode in the route index: equal nodes, the same covering route objects. */
  currentRouteNode(text: string): number | null {
    return this.currentNodeIn(this.built.routes, text);
  }

  private currentNodeIn(index: RangeIndex, text: string): number | null {
    // IPv4-mapped IPv6 is answered as its IPv4 address: lookupAddress unmaps it.
    if (text.includes(':') && text.includes('.')) return -2;
    const now = performance.now();
    if (now - this.importCheckedAt > IMPORT_RECHECK_MS) {
      this.newestImport = this.objects.lastImportId();
      this.importCheckedAt = now;
    }
    if (this.newestImport !== this.built.importId) return null;
    return index.chainNodeOfText(text);
  }

  /** Hot path: holder version id for a string address, -1 none, -2 not an address (current data). */
  holderId(address: string): number {
    return this.built.index.lookupText(address);
  }

  // ---- time -------------------------------------------------------------------------

  /** Drops every cache made before the newest import (searches call it; lookups do through resolveWhen). */
  syncWithStore(): void {
    this.snapshotsBySource();
  }

  /**
   * Snapshots per source (oldest first, sources in source order), re-read together with
   * the range buckets whenever an import has committed since.
   */
  private snapshotsBySource(): ReadonlyMap<string, SnapshotRow[]> {
    const id = this.objects.lastImportId();
    this.newestImport = id;
    this.importCheckedAt = performance.now();
    if (!this.snapshotCache || this.snapshotCache.importId !== id) {
      this.ranges.invalidate();
      this.handleCache.clear();
      this.networkCache.clear();
      this.maintainerCache.clear();
      this.importCache = null;
      this.memberCache.clear();
      const grouped = new Map<string, SnapshotRow[]>();
      for (const r of this.objects.snapshots()) {
        const list = grouped.get(r.source) ?? [];
        list.push(r);
        grouped.set(r.source, list);
      }
      const order = [...grouped.keys()].sort((a, b) => this.rank(a) - this.rank(b) || a.localeCompare(b));
      this.snapshotCache = { importId: id, bySource: new Map(order.map((s) => [s, grouped.get(s)!])) };
    }
    return this.snapshotCache.bySource;
  }

  /**
   * Each source's newest snapshot (whatever its classes), sources in source order: how old
   * the data behind current answers is, for /healthz and the start-up log (issue 14).
   */
  latestSnapshots(): { readonly source: string; readonly at: number; readonly importId: number }[] {
    return [...this.snapshotsBySource()].map(([source, list]) => {
      // Oldest first: the last row is the newest.
      const newest = list[list.length - 1]!;
      return { source, at: newest.at, importId: newest.importId };
    });
  }

  /** The newest `publication` of the RFC 9224 bootstrap files in use; null without them. */
  get bootstrapPublication(): string | null {
    return this.bootstrap?.publication ?? null;
  }

  /** Resolves "as of" into an instant and its snapshots, or the user error of DESIGN §2. */
  resolveWhen<T>(when: When = {}): Resolved<T> {
    let instant: number;
    const requested = when.at !== undefined && when.at !== '';
    if (requested) {
      const parsed = parseInstant(when.at!, when.tz);
      if (!parsed.ok) return { ok: false, error: userError({ code: 'bad-time', input: when.at!.trim(), why: parsed.why, zone: when.tz }) };
      instant = parsed.ms;
      // Nobody can say who will hold an address: a time ahead of the clock (beyond a little
      // skew between the asker's clock and ours) is a mistake, not a question.
      if (instant > this.now() + FUTURE_SKEW_MS) {
        return { ok: false, error: userError({ code: 'bad-time', input: when.at!.trim(), why: 'future' }) };
      }
    } else {
      instant = this.now();
    }
    const out: SourceSnapshot[] = [];
    for (const [source, list] of this.snapshotsBySource()) {
      const first = list[0]!;
      if (instant < first.at) {
        return { ok: false, error: userError({ code: 'no-data-at-time', source, first: formatInstant(first.at) }) };
      }
      let read = first;
      let nextAt: number | null = null;
      for (const r of list) {
        if (r.at <= instant) read = r;
        else if (nextAt === null || r.at < nextAt) nextAt = r.at;
      }
      out.push({ source, snapshotAt: read.at, importId: read.importId, nextAt });
    }
    // "Now" reads current versions; an instant reads the versions valid then.
    return { ok: true, asOf: { instant, requested, sources: out }, at: requested ? instant : null };
  }

  // ---- addresses ----------------------------------------------------------------------

  /** An address, optionally with a port (`203.0.113.7:51234`, `[2001:db8::1]:443`). */
  lookupAddress(text: string, when: When = {}): Outcome<IpAnswer> {
    const parsed = parseAddressWithPort(text);
    if (!parsed) return badAddress(text);
    const address = unmapIpv4(parsed.address);
    return this.answerRange(text, { family: address.family, start: address.value, end: address.value }, parsed.port, when);
  }

  /** A prefix or range: the most specific network covering all of it (RFC 9082 §3.1.1). */
  lookupRange(text: string, when: When = {}): Outcome<IpAnswer> {
    const parsed = parseRange(text);
    if (!parsed.ok) return userError({ code: 'bad-range', input: text.trim(), reason: parsed.reason });
    return this.answerRange(text, parsed.range, null, when);
  }

  /** Every network covering the range at the time, most specific first (placeholders kept). */
  coveringNetworks(range: IpRange, at: StoreAsOf): StoredObject[] {
    return this.ranges.covering(range.family, range.start, range.end, at).sort((a, b) => this.compare(a, b));
  }

  /** Networks inside the range; `oneLevel` keeps only those with no other network between. */
  moreSpecifics(range: IpRange, at: StoreAsOf, options: { oneLevel: boolean; limit: number }): StoredObject[] {
    const inside = this.ranges
      .inside(range.family, range.start, range.end, at, options.limit + 1)
      .filter((o) => !(o.range!.start === range.start && o.range!.end === range.end))
      .sort(cmpStart);
    return options.oneLevel ? outermost(inside) : inside;
  }

  /**
   * The spans of the registrations inside `range` at `at`, by start and widest first, streamed
   * (GET /me's used space, issue 14): not the range itself, nor another source's record of it,
   * nor placeholders or delegated-statistics records, which mark space rather than hand it out.
   */
  *registrationSpansInside(range: IpRange, at: StoreAsOf): Generator<{ readonly start: bigint; readonly end: bigint }> {
    for (const s of this.ranges.insideSpans(range.family, range.start, range.end, at)) {
      if (s.start === range.start && s.end === range.end) continue;
      if (isDelegatedSource(s.source) || this.rule.isPlaceholder(s.netname, s.status, s.source, s.owner)) continue;
      yield s;
    }
  }

  isPlaceholder(o: StoredObject): boolean {
    return objectIsPlaceholder(this.rule, o);
  }

  private compare(a: StoredObject, b: StoredObject): number {
    return compareSpecificity(
      { id: a.id, family: a.range!.family, start: a.range!.start, end: a.range!.end, rank: this.rank(a.source) },
      { id: b.id, family: b.range!.family, start: b.range!.start, end: b.range!.end, rank: this.rank(b.source) },
    );
  }

  private answerRange(text: string, range: IpRange, port: number | null, when: When): Outcome<IpAnswer> {
    const resolved = this.resolveWhen<IpAnswer>(when);
    if (!resolved.ok) return resolved.error;
    if (!resolved.asOf.requested) return this.answerAt(text.trim(), range, port, resolved.asOf, null);
    // A past instant reads every version of the covering networks once: the chain then, and
    // whether it changed before the next snapshot, come from the same rows.
    const versions = this.ranges.coveringVersions(range.family, range.start, range.end);
    const outcome = this.answerAt(text.trim(), range, port, resolved.asOf, resolved.at, versions);
    // An instant between snapshots: say so when the next snapshot answers differently.
    const change = this.changeBetweenSnapshots(text.trim(), range, port, outcome, resolved.asOf, versions);
    if (!change) return outcome;
    return outcome.kind === 'ok' ? { kind: 'ok', value: { ...outcome.value, change } } : outcome.kind === 'notFound' ? { ...outcome, change } : outcome;
  }

  /** The answer as of one resolved instant: holder, member, abuse contact, authority. */
  private answerAt(text: string, range: IpRange, port: number | null, asOf: AsOf, at: StoreAsOf, versions?: readonly StoredObject[]): Outcome<IpAnswer> {
    // Current single addresses come from memory; anything else is one SQL range query (or the
    // versions of the covering networks, already read).
    const covering = this.fromIndex(range, at) ?? this.fromStore(range, at, versions);
    const { chain } = covering;
    const holder = chain[0];
    const authority = this.authorityOf(covering);
    if (!holder || !authority) return { kind: 'notFound', notFound: this.classifyUnheld(range, this.markersOf(covering).length > 0), asOf };
    const organisation = this.orgOf(holder, at);
    // Another registry's space has none of this registry's members (DESIGN §2).
    const member = authority.kind === 'other-registry' ? null : this.responsibleMember(chain, at);
    return {
      kind: 'ok',
      value: {
        query: { text, range, port },
        asOf,
        holder,
        holderName: this.holderName(holder, organisation, at),
        organisation,
        chain,
        member,
        noMember: member ? null : this.noMember(holder, organisation, authority),
        subAllocation: this.subAllocation(chain, member),
        abuse: this.abuseContact(chain, at),
        authority,
        change: null,
      },
    };
  }

  /**
   * A current single address answered from the in-memory index, when the index reflects
   * the newest import (resolveWhen has just checked it); null: ask SQL.
   */
  private fromIndex(range: IpRange, at: StoreAsOf): Covering | null {
    const { index, managed, importId } = this.built;
    if (at !== null || range.start !== range.end || this.snapshotCache?.importId !== importId) return null;
    const address = { family: range.family, value: range.start };
    const chain = this.networksById(index.chain(address));
    // The markers are read only where no network of this registry's source holds the address.
    return chain ? { chain, markers: null, address } : null;
  }

  /**
   * Current route objects covering a single address, from the in-memory route index when it
   * reflects the newest import (the answer asked for has just checked it); null: ask SQL.
   */
  currentRoutesAt(range: IpRange): StoredObject[] | null {
    if (range.start !== range.end || this.snapshotCache?.importId !== this.built.importId) return null;
    return this.networksById(this.built.routes.chain({ family: range.family, value: range.start }));
  }

  /** The placeholders marking this registry's space where a chain was found. */
  private markersOf(covering: Covering): readonly StoredObject[] {
    if (covering.markers) return covering.markers;
    return (covering.markers = this.networksById(this.built.managed.chain(covering.address!)) ?? []);
  }

  /** Network versions the index names; null if one is gone (the database changed under it: ask SQL). */
  private networksById(ids: readonly number[]): StoredObject[] | null {
    const out: StoredObject[] = [];
    for (const id of ids) {
      let network = this.networkCache.get(id);
      if (network === undefined) {
        const found = this.objects.byId(id);
        if (!found) return null;
        this.networkCache.set(id, found);
        network = found;
      }
      out.push(network);
    }
    return out;
  }

  private fromStore(range: IpRange, at: StoreAsOf, versions?: readonly StoredObject[]): Covering {
    const chain: StoredObject[] = [];
    const markers: StoredObject[] = [];
    const covering =
      versions && at !== null
        ? versions.filter((o) => o.validFrom <= at && (o.validTo === null || o.validTo > at)).sort((a, b) => this.compare(a, b))
        : this.coveringNetworks(range, at);
    for (const o of covering) {
      if (!this.isPlaceholder(o)) chain.push(o);
      else if (this.rule.isManagedMarker(o.source, ownerOf(o))) markers.push(o);
    }
    return { chain, markers, address: null };
  }

  /**
   * Who answers for space a chain of networks covers (DESIGN §2): this registry where its own
   * source has a network or its own delegated account covers it; else the registry of the
   * holder's source (another RPSL source, or another account's delegated record); null when
   * nothing but placeholders covers it. Never this registry by default: a registry lacak does
   * not know, or the statistics giving the space to two accounts, is "unknown".
   */
  private authorityOf(covering: Covering): Authority | null {
    const registry = this.config.registry;
    const { chain } = covering;
    if (chain.some((o) => o.source === registry)) return { kind: 'this-registry' };
    const markers = this.markersOf(covering);
    if (markers.some((o) => o.source === registry)) return { kind: 'this-registry' };
    // Delegated records of this registry's accounts are markers; any in the chain are others'.
    const others = chain.filter((o) => isDelegatedSource(o.source));
    if (markers.length > 0) {
      if (others.length === 0) return { kind: 'this-registry' };
      const accounts = [...new Set([...markers, ...others].map((o) => ownerOf(o) ?? o.key))];
      return { kind: 'unknown', why: { kind: 'conflict', accounts } };
    }
    const holder = chain[0];
    if (!holder) return null;
    const account = delegatedAccount(holder);
    const name = delegatedRegistry(holder.source) ?? holder.source;
    const servers = registryNamed(name);
    if (!servers) return { kind: 'unknown', why: { kind: 'unknown-registry', name, account } };
    return { kind: 'other-registry', via: isDelegatedSource(holder.source) ? 'delegated' : 'rpsl', registry: servers, account };
  }

  /** Why no member answers for the holder's space (DESIGN §2 "Responsible member"). */
  private noMember(holder: StoredObject, organisation: StoredObject | null, authority: Authority): NoMember {
    const orgType = organisation ? upper(firstValue(organisation, 'org-type')) : null;
    if (orgType === 'RIR') return { kind: 'rir', registry: registryNamed(organisation!.source)?.name ?? organisation!.source };
    // Space this registry does not manage, or cannot tell that it does: never "assigned by" it.
    if (authority.kind !== 'this-registry') return { kind: 'outside' };
    // The registry's own block, as it or its RIR records it: its unassigned pool.
    if (orgType === 'NIR') return { kind: 'unassigned' };
    return { kind: 'direct' };
  }

  /** Why nothing holds the range: space this registry manages, special-purpose, or another registry's. */
  private classifyUnheld(range: IpRange, managed: boolean): NotFound {
    if (managed) return { kind: 'not-assigned', registry: this.config.registry };
    const address: IpAddress = { family: range.family, value: range.start };
    const block = specialPurpose(address);
    if (block) return { kind: 'special', block };
    const servers = registryForAddress(this.bootstrap, address);
    return { kind: 'foreign', authority: servers ? { kind: 'other-registry', via: 'bootstrap', registry: servers, account: null } : { kind: 'unknown', why: { kind: 'no-bootstrap' } } };
  }

  // ---- between snapshots (DESIGN §2) ------------------------------------------------------

  /**
   * When the instant lies between a snapshot S and the next S′ of some source, and S′
   * answers differently (another holder network, organisation or member), what the data
   * says about when the change happened. Each source's next snapshot is tried in time order;
   * the first that answers differently is S′ (a few lookups, only for past instants).
   */
  private changeBetweenSnapshots(text: string, range: IpRange, port: number | null, then: Outcome<IpAnswer>, asOf: AsOf, versions: readonly StoredObject[]): SnapshotChange | null {
    if (then.kind === 'userError') return null;
    const instant = asOf.instant;
    const nexts = [...new Set(asOf.sources.map((s) => s.nextAt).filter((t): t is number => t !== null))].sort((a, b) => a - b);
    if (nexts.length === 0) return null;
    // Where the networks covering the range did not change between the instant and S′, the
    // chain is the same versions: only the holder's organisation or the member can differ,
    // and those few handles are checked without a second full answer (which would double the
    // cost of every past-time answer before the latest snapshot).
    const boundaries = versionBoundaries(versions);
    for (const nextAt of nexts) {
      const resolved = this.resolveWhen<IpAnswer>({ at: formatInstant(nextAt) });
      if (!resolved.ok) continue;
      const networksChanged = boundaries.some((b) => b > instant && b <= nextAt);
      if (!networksChanged && (then.kind === 'notFound' || this.sameParties(then.value, nextAt))) continue;
      const next = this.answerAt(text, range, port, resolved.asOf, resolved.at, versions);
      if (next.kind === 'userError' || sameAnswer(then, next)) continue;
      // S: the snapshot, at or before the instant, of the sources whose next snapshot is S′.
      const snapshotAt = Math.max(...asOf.sources.filter((s) => s.nextAt === nextAt).map((s) => s.snapshotAt));
      return judgeChange(then, next, instant, snapshotAt, nextAt);
    }
    return null;
  }

  /** The same chain at `at` gives the same holder organisation, holder name and member as `answer`. */
  private sameParties(answer: IpAnswer, at: number): boolean {
    const organisation = this.orgOf(answer.holder, at);
    const member = this.responsibleMember(answer.chain, at);
    return (
      (organisation?.id ?? null) === (answer.organisation?.id ?? null) &&
      this.holderName(answer.holder, organisation, at)?.text === answer.holderName?.text &&
      (member?.orgHandle ?? null) === (answer.member?.orgHandle ?? null)
    );
  }

  // ---- DESIGN §2 rules ------------------------------------------------------------------

  /**
   * The first object with this handle in source order, among the given classes. The same
   * organisations and contacts come up in answer after answer, so current ones are kept
   * until the next import (bounded: the least recently used give way).
   */
  resolveHandle(handle: string, classes: readonly string[], at: StoreAsOf): StoredObject | null {
    const key = handle.toUpperCase();
    if (at === null) {
      // Every query passes resolveWhen first, which empties this cache after an import.
      const id = `${key}\0${classes.join(',')}`;
      const hit = this.handleCache.get(id);
      if (hit !== undefined) return hit.object;
      const found = this.findHandle(key, classes, null);
      this.handleCache.set(id, { object: found });
      return found;
    }
    return this.findHandle(key, classes, at);
  }

  private findHandle(key: string, classes: readonly string[], at: StoreAsOf): StoredObject | null {
    const found = this.objects.byKey(key, at).filter((o) => classes.includes(o.className));
    found.sort((a, b) => this.rank(a.source) - this.rank(b.source));
    return found[0] ?? null;
  }

  private orgOf(network: StoredObject, at: StoreAsOf): StoredObject | null {
    const org = upper(firstValue(network, 'org'));
    return org ? this.resolveHandle(org, ['organisation'], at) : null;
  }

  /**
   * A member's own maintainers (DESIGN §5 "own objects"; the rule is in membership.ts: never
   * one that also maintains what covers it or what others hold). Current data; kept until
   * the next import.
   */
  memberMaintainers(orgHandle: string): readonly string[] {
    this.syncWithStore();
    const org = orgHandle.toUpperCase();
    let found = this.maintainerCache.get(org);
    if (!found) {
      found = ownMaintainers(this, org);
      this.maintainerCache.set(org, found);
    }
    return found;
  }

  /** The members-CSV row naming this organisation handle or delegated account. */
  memberRecord(orgHandle: string, at: StoreAsOf): StoredObject | null {
    return this.membersAt(at).get(orgHandle.toUpperCase()) ?? null;
  }

  /**
   * The members list (a few hundred rows) by organisation handle and delegated account. It
   * changes only when the members list is imported, so the rows valid at any instant are those
   * of the last members snapshot at or before it: one read per snapshot, kept until the next
   * import. (Read per answer, a past-time lookup scanned every object: about 30 ms on 130k ranges.)
   */
  private membersAt(at: StoreAsOf): ReadonlyMap<string, StoredObject> {
    const key = at === null ? null : this.memberSnapshotAt(at);
    let byRef = this.memberCache.get(key);
    if (!byRef) {
      const found = new Map<string, StoredObject>();
      for (const member of this.objects.ofClass('member', at)) {
        for (const name of ['org', 'opaque-id']) {
          const ref = upper(firstValue(member, name));
          if (ref && !found.has(ref)) found.set(ref, member);
        }
      }
      byRef = found;
      if (this.memberCache.size < MEMBER_LISTS_KEPT) this.memberCache.set(key, byRef);
    }
    return byRef;
  }

  /** The instant of the last members-list snapshot at or before `at` (-Infinity: none yet). */
  private memberSnapshotAt(at: number): number {
    let found = -Infinity;
    for (const rows of this.snapshotsBySource().values()) {
      for (const r of rows) if (r.className === 'member' && r.at <= at && r.at > found) found = r.at;
    }
    return found;
  }

  private holderName(holder: StoredObject, organisation: StoredObject | null, at: StoreAsOf): HolderName | null {
    const orgName = organisation ? firstValue(organisation, 'org-name') : undefined;
    if (orgName) return { text: orgName.trim(), from: 'org-name' };
    const org = upper(firstValue(holder, 'org'));
    const record = org ? this.memberRecord(org, at) : null;
    const recordName = record ? firstValue(record, 'org-name') : undefined;
    if (recordName) return { text: recordName.trim(), from: 'member-record' };
    const descr = firstValue(holder, 'descr');
    return descr ? { text: descr.trim(), from: 'descr' } : null;
  }

  /** Nearest covering ALLOCATED PORTABLE network whose organisation is a member (DESIGN §2). */
  private responsibleMember(chain: readonly StoredObject[], at: StoreAsOf): ResponsibleMember | null {
    for (const network of chain) {
      if (upper(firstValue(network, 'status')) !== 'ALLOCATED PORTABLE') continue;
      const orgHandle = upper(firstValue(network, 'org'));
      if (!orgHandle) continue;
      const organisation = this.resolveHandle(orgHandle, ['organisation'], at);
      const record = this.memberRecord(orgHandle, at);
      const isLir = organisation !== null && upper(firstValue(organisation, 'org-type')) === 'LIR';
      if (!isLir && !record) continue;
      return {
        network,
        orgHandle,
        organisation,
        record,
        name: (organisation && firstValue(organisation, 'org-name')?.trim()) || (record && firstValue(record, 'org-name')?.trim()) || null,
        legalContact: record ? legalContactOf(record) : null,
      };
    }
    return null;
  }

  /** A nearer ALLOCATED NON-PORTABLE network between the holder and the member's allocation. */
  private subAllocation(chain: readonly StoredObject[], member: ResponsibleMember | null): StoredObject | null {
    for (const network of chain) {
      if (member && network.id === member.network.id) return null;
      if (upper(firstValue(network, 'status')) === 'ALLOCATED NON-PORTABLE') return network;
    }
    return null;
  }

  /**
   * The responsible member's own abuse contact: the network rule applied from its allocation
   * up (RDAP's sponsor entity carries it). Asked for apart, as only RDAP shows it.
   */
  memberAbuse(answer: IpAnswer): AbuseContact | null {
    const member = answer.member;
    if (!member) return null;
    const from = answer.chain.findIndex((o) => o.id === member.network.id);
    return from < 0 ? null : this.abuseContact(answer.chain.slice(from), answer.asOf.requested ? answer.asOf.instant : null);
  }

  /**
   * abuse-c, else mnt-irt, else the organisation's abuse-c; else the same one level up.
   * `chain` starts at the network asked about, then every less specific one.
   */
  abuseContact(chain: readonly StoredObject[], at: StoreAsOf): AbuseContact | null {
    for (const [i, network] of chain.entries()) {
      const found = this.abuseOf(network, at);
      if (found) return { ...found, network, inherited: i > 0 };
    }
    return null;
  }

  private abuseOf(network: StoredObject, at: StoreAsOf): Pick<AbuseContact, 'mailbox' | 'contact' | 'via'> | null {
    const fromRole = (handle: string | null) => {
      if (!handle) return null;
      const contact = this.resolveHandle(handle, CONTACT_CLASSES, at);
      const mailbox = contact ? firstValue(contact, 'abuse-mailbox') : undefined;
      return contact && mailbox ? { contact, mailbox: stripComment(mailbox) } : null;
    };
    const direct = fromRole(upper(firstValue(network, 'abuse-c')));
    if (direct) return { ...direct, via: 'abuse-c' };
    for (const [name, value] of network.attributes) {
      if (name !== 'mnt-irt') continue;
      const irt = this.resolveHandle(stripComment(value).toUpperCase(), ['irt'], at);
      const mailbox = irt ? firstValue(irt, 'abuse-mailbox') : undefined;
      if (irt && mailbox) return { contact: irt, mailbox: stripComment(mailbox), via: 'mnt-irt' };
    }
    const organisation = this.orgOf(network, at);
    const viaOrg = organisation ? fromRole(upper(firstValue(organisation, 'abuse-c'))) : null;
    return viaOrg ? { ...viaOrg, via: 'org-abuse-c' } : null;
  }

  /** An import run: when, what format, which files with their SHA-256 (provenance of an answer). */
  importRecord(id: number): ImportRecord | null {
    this.syncWithStore();
    this.importCache ??= new Map(this.objects.imports().map((i) => [i.id, i]));
    return this.importCache.get(id) ?? null;
  }

  // ---- history ----------------------------------------------------------------------------

  /**
   * Who held an address (or the whole of a range or prefix) over time: runs of the same
   * holder version merged into one record [from, until) between snapshot instants; each
   * record's holder carries its own `created:`/`last-modified:` dates. Instants at which some
   * source has no data yet are skipped (DESIGN §2 makes asking then an error).
   */
  addressHistory(text: string): Outcome<HolderHistory> {
    const question = parseQuestion(text);
    if (!question.ok) return question.error;
    const { range, port } = question;
    const records: HistoryRecord<IpAnswer>[] = [];
    // The holder can change only where a covering network's version began or ended; before
    // every source's first snapshot nothing is answered, so the first answerable instant is
    // asked too. (Asking at every snapshot cost a lookup per import: thousands over years.)
    const firsts = [...this.snapshotsBySource().values()].map((list) => list[0]!.at);
    const firstAnswerable = Math.max(...firsts);
    const versions = this.ranges.coveringVersions(range.family, range.start, range.end);
    const instants =
      firsts.length === 0
        ? []
        : [...new Set([firstAnswerable, ...versionBoundaries(versions)])]
            .filter((t) => t >= firstAnswerable && t <= this.now())
            .sort((a, b) => a - b);
    let asOf: AsOf | null = null;
    for (const instant of instants) {
      const resolved = this.resolveWhen<IpAnswer>({ at: formatInstant(instant) });
      if (!resolved.ok) continue;
      const outcome = this.answerAt(text.trim(), range, port, resolved.asOf, resolved.at, versions);
      if (outcome.kind === 'userError') continue;
      asOf = resolved.asOf;
      const last = records.at(-1);
      const holder = outcome.kind === 'ok' ? outcome.value : null;
      if (last && last.until === null) {
        if (holder && last.value.holder.id === holder.holder.id) continue;
        records[records.length - 1] = { ...last, until: instant };
      }
      if (holder) records.push({ from: instant, until: null, value: holder });
    }
    if (records.length === 0) {
      // Nobody ever held it: say why as a lookup now would (special-purpose, another registry's, ...).
      const now = this.answerRange(text, range, port, {});
      return now.kind === 'ok' ? { kind: 'notFound', notFound: { kind: 'no-object' }, asOf: now.value.asOf } : now;
    }
    return { kind: 'ok', value: { asOf: asOf!, records } };
  }

  /** Every stored version of an object (source, class, key), oldest first, as history records. */
  objectHistory(object: StoredObject): HistoryRecord<StoredObject>[] {
    return this.objects.versions(object.source, object.className, object.key).map((v) => ({ from: v.validFrom, until: v.validTo, value: v }));
  }

  // ---- objects --------------------------------------------------------------------------

  /** Objects by primary key or handle (case-insensitive), every source, in source order. */
  lookupKey(text: string, when: When = {}, className?: string): Outcome<ObjectAnswer> {
    const resolved = this.resolveWhen<ObjectAnswer>(when);
    if (!resolved.ok) return resolved.error;
    const key = normaliseKey(text, className);
    if (key === null) return userError({ code: 'bad-key', input: text.trim() });
    const objects = this.objects.byKey(key, resolved.at, className).sort((a, b) => this.rank(a.source) - this.rank(b.source));
    if (objects.length === 0) return { kind: 'notFound', notFound: { kind: 'no-object' }, asOf: resolved.asOf };
    return { kind: 'ok', value: { asOf: resolved.asOf, objects } };
  }

  /** An entity by handle: organisation, role, person, irt, mntner or member row. */
  lookupHandle(handle: string, when: When = {}): Outcome<ObjectAnswer> {
    const outcome = this.lookupKey(handle, when);
    if (outcome.kind !== 'ok') return outcome;
    const objects = outcome.value.objects.filter((o) => HANDLE_CLASSES.includes(o.className));
    if (objects.length === 0) return { kind: 'notFound', notFound: { kind: 'no-object' }, asOf: outcome.value.asOf };
    return { kind: 'ok', value: { ...outcome.value, objects } };
  }

  /** The aut-num, else the most specific as-block (or delegated range) containing the AS. */
  lookupAutnum(text: string, when: When = {}): Outcome<ObjectAnswer> {
    const asn = parseAsn(text);
    if (asn === null) return userError({ code: 'bad-asn', input: text.trim() });
    const resolved = this.resolveWhen<ObjectAnswer>(when);
    if (!resolved.ok) return resolved.error;
    const found = this.objects.autnums(asn, resolved.at).sort(
      (a, b) =>
        a.asns!.last - a.asns!.first - (b.asns!.last - b.asns!.first) || this.rank(a.source) - this.rank(b.source) || a.id - b.id,
    );
    if (found.length === 0) {
      // Nothing of any source covers it: special-purpose, else another registry's.
      const block = specialPurposeAsn(asn);
      if (block) return { kind: 'notFound', notFound: { kind: 'special', block }, asOf: resolved.asOf };
      const servers = registryForAsn(this.bootstrap, asn);
      const authority: Authority = servers ? { kind: 'other-registry', via: 'bootstrap', registry: servers, account: null } : { kind: 'unknown', why: { kind: 'no-bootstrap' } };
      return { kind: 'notFound', notFound: { kind: 'foreign', authority }, asOf: resolved.asOf };
    }
    return { kind: 'ok', value: { asOf: resolved.asOf, objects: found } };
  }

  /** Inverse lookup: objects whose `attribute` names `value` (`-i mnt-by MAINT-X`). */
  inverse(attribute: string, value: string, when: When = {}, limit = 1000): Outcome<ObjectAnswer> {
    const resolved = this.resolveWhen<ObjectAnswer>(when);
    if (!resolved.ok) return resolved.error;
    const target = attribute === 'origin' ? normaliseKey(value, 'aut-num') ?? value : stripComment(value);
    const objects = this.objects.inverse(attribute.toLowerCase(), target, resolved.at, limit);
    if (objects.length === 0) return { kind: 'notFound', notFound: { kind: 'no-object' }, asOf: resolved.asOf };
    return { kind: 'ok', value: { asOf: resolved.asOf, objects } };
  }

  // ---- searches (current data) ---------------------------------------------------------

  /**
   * RFC 9910 relations of a prefix or address: `up` the nearest network strictly holding
   * it, `down` the networks one level inside it, `top` the widest network holding it,
   * `bottom` the most specific network holding it. Placeholders never answer.
   */
  relatedNetworks(range: IpRange, relation: 'rdap-up' | 'rdap-down' | 'rdap-top' | 'rdap-bottom', limit: number): StoredObject[] {
    if (relation === 'rdap-down') return this.moreSpecifics(range, null, { oneLevel: true, limit }).filter((o) => !this.isPlaceholder(o));
    const chain = this.coveringNetworks(range, null).filter((o) => !this.isPlaceholder(o));
    if (relation === 'rdap-bottom') return chain.slice(0, 1);
    if (relation === 'rdap-top') return chain.slice(-1);
    const up = chain.find((o) => !(o.range!.start === range.start && o.range!.end === range.end));
    return up ? [up] : [];
  }

  /** RFC 9910 relations of an AS number or block, over aut-nums and as-blocks. */
  relatedAutnums(first: number, last: number, relation: 'rdap-up' | 'rdap-down' | 'rdap-top' | 'rdap-bottom', limit: number): StoredObject[] {
    const bySize = (a: StoredObject, b: StoredObject) =>
      a.asns!.last - a.asns!.first - (b.asns!.last - b.asns!.first) || this.rank(a.source) - this.rank(b.source) || a.id - b.id;
    if (relation === 'rdap-down') {
      const inside = this.objects.autnumsInside(first, last, null, limit + 1).filter((o) => !(o.asns!.first === first && o.asns!.last === last));
      inside.sort((a, b) => a.asns!.first - b.asns!.first || b.asns!.last - a.asns!.last);
      return outermost(inside.map((o) => ({ o, range: { family: 4 as const, start: BigInt(o.asns!.first), end: BigInt(o.asns!.last) } }))).map((x) => x.o);
    }
    const covering = this.objects.autnums(first, null).filter((o) => o.asns!.first <= first && o.asns!.last >= last).sort(bySize);
    if (relation === 'rdap-bottom') return covering.slice(0, 1);
    if (relation === 'rdap-top') return covering.slice(-1);
    const up = covering.find((o) => !(o.asns!.first === first && o.asns!.last === last));
    return up ? [up] : [];
  }

}

/**
 * Whether a current answer is the same for every address of its chain of networks, so that
 * it may be encoded once for the chain (issue 15): this registry's own network is in the
 * chain (else the placeholders at the very address decide the authority), nothing names the
 * address (another registry's `related` link or referral, a port note) and no change between
 * snapshots is told (that is for past instants).
 */
export function answerHoldsForChain(answer: IpAnswer, registry: string): boolean {
  return answer.query.port === null && answer.change === null && answer.authority.kind === 'this-registry' && answer.chain.some((o) => o.source === registry);
}

/** The chain of holder candidates covering a range, and the placeholders marking this registry's space there. */
interface Covering {
  readonly chain: StoredObject[];
  /** Null until asked for (markersOf), for a chain read from the index at `address`. */
  markers: StoredObject[] | null;
  readonly address: IpAddress | null;
}

/** What an investigator is told: the holder network, its organisation and name, the member. */
function answerIdentity(outcome: Outcome<IpAnswer>): string {
  if (outcome.kind !== 'ok') return outcome.kind === 'notFound' ? `none:${outcome.notFound.kind}` : 'error';
  const a = outcome.value;
  const h = a.holder;
  return [h.source, h.className, h.key, upper(firstValue(h, 'org')) ?? '', a.holderName?.text ?? '', a.member?.orgHandle ?? ''].join('\0');
}

function sameAnswer(a: Outcome<IpAnswer>, b: Outcome<IpAnswer>): boolean {
  return answerIdentity(a) === answerIdentity(b);
}

/**
 * DESIGN §2's verdict on a change between S and S′. When S′'s holder is a network version
 * new in S′, its own dates decide: `created:` if after S, else `last-modified:`; after the
 * instant → changed after it, else before. When S′'s holder is the version that was there
 * at S (a more specific network vanished; an organisation or the member changed), no date
 * says when, unless an object that changed was last modified after the instant.
 */
export function judgeChange(then: Outcome<IpAnswer>, next: Outcome<IpAnswer>, instant: number, snapshotAt: number, nextAt: number): SnapshotChange {
  const before = then.kind === 'ok' ? then.value : null;
  const after = next.kind === 'ok' ? next.value : null;
  const base = {
    snapshotAt,
    nextAt,
    next: after ? ({ kind: 'ok', answer: after } as const) : ({ kind: 'notFound', notFound: (next as { notFound: NotFound }).notFound } as const),
    nextCreated: after ? createdAt(after.holder) : null,
    nextLastModified: after ? lastModifiedAt(after.holder) : null,
    previousLastModified: before ? lastModifiedAt(before.holder) : null,
  };
  if (!after) return { ...base, verdict: 'unknown', decidedBy: null };
  const verdictOf = (date: number): ChangeVerdict => (date > instant ? 'changed-after' : 'changed-before');
  if (after.holder.validFrom > instant) {
    const created = base.nextCreated;
    const decidedBy =
      created !== null && created > snapshotAt
        ? { object: after.holder, field: 'created' as const, date: created }
        : base.nextLastModified !== null
          ? { object: after.holder, field: 'last-modified' as const, date: base.nextLastModified }
          : null;
    return { ...base, verdict: decidedBy ? verdictOf(decidedBy.date) : 'unknown', decidedBy };
  }
  const changed = [after.organisation, after.member?.network, after.member?.organisation, after.member?.record].filter(
    (o): o is StoredObject => o !== null && o !== undefined && o.validFrom > instant,
  );
  for (const object of changed) {
    const date = lastModifiedAt(object);
    if (date !== null && date > instant) return { ...base, verdict: 'changed-after', decidedBy: { object, field: 'last-modified', date } };
  }
  return { ...base, verdict: 'unknown', decidedBy: null };
}

function badAddress<T>(text: string): Outcome<T> {
  return userError({ code: 'bad-address', input: text.trim() });
}

/** An address (with or without a port), a range or a prefix. */
function parseQuestion(text: string): { ok: true; range: IpRange; port: number | null } | { ok: false; error: Outcome<never> } {
  const parsed = parseAddressWithPort(text);
  if (parsed) {
    const address = unmapIpv4(parsed.address);
    return { ok: true, range: { family: address.family, start: address.value, end: address.value }, port: parsed.port };
  }
  const range = parseRange(text);
  if (range.ok) return { ok: true, range: range.range, port: null };
  return { ok: false, error: badAddress(text) };
}

function upper(value: string | undefined): string | null {
  if (value === undefined) return null;
  const s = stripComment(value).toUpperCase();
  return s.length > 0 ? s : null;
}

/**
 * The networks not inside another of the list (one level more specific), given the list
 * sorted by start, widest first. A network lies inside an earlier one exactly when the
 * furthest-reaching earlier one ends at or after it; equal ranges of two sources both count.
 */
export function outermost<T extends { readonly range?: IpRange }>(sorted: readonly T[]): T[] {
  const out: T[] = [];
  let reach: IpRange | null = null;
  for (const o of sorted) {
    const r = o.range!;
    if (reach !== null && r.end <= reach.end && !(r.start === reach.start && r.end === reach.end)) continue;
    out.push(o);
    if (reach === null || r.end > reach.end) reach = r;
  }
  return out;
}

/** The nearest network holding all of `net`: not another source's record of the same range, nor a partial overlap. */
export function parentOf(net: StoredObject, chain: readonly StoredObject[]): StoredObject | null {
  const r = net.range!;
  return chain.find((o) => rangeContains(o.range!, r) && !(o.range!.start === r.start && o.range!.end === r.end)) ?? null;
}

export function cmpStart(a: { readonly range?: IpRange }, b: { readonly range?: IpRange }): number {
  const d = a.range!.start - b.range!.start;
  if (d !== 0n) return d < 0n ? -1 : 1;
  const e = b.range!.end - a.range!.end;
  return e === 0n ? 0 : e < 0n ? -1 : 1;
}

function legalContactOf(record: StoredObject): LegalContact | null {
  const name = firstValue(record, 'legal-contact');
  const email = firstValue(record, 'legal-email');
  const phone = firstValue(record, 'legal-phone');
  return name && email && phone ? { name: name.trim(), email: email.trim(), phone: phone.trim() } : null;
}

/**
 * The canonical stored key for a query string: ranges and prefixes as `a - b` / `prefix/len`,
 * AS numbers as `AS<n>`, reverse domains lower-case, handles upper-case.
 */
export function normaliseKey(text: string, className?: string): string | null {
  const t = text.trim();
  if (t.length === 0) return null;
  if (className === 'domain' || /\.(in-addr|ip6)\.arpa\.?$/i.test(t)) return t.toLowerCase().replace(/\.$/, '');
  if (className === undefined || className === 'inetnum' || className === 'inet6num') {
    if (/^[0-9a-f.:]+(\s*-\s*[0-9a-f.:]+|\/\d+)?$/i.test(t) && /[.:]/.test(t)) {
      const r = parseRange(t);
      if (r.ok) return formatRange(r.range);
      if (className) return null;
    }
  }
  if (className === 'aut-num' || /^AS\d+$/i.test(t)) {
    const asn = parseAsn(t);
    if (asn !== null) return `AS${asn}`;
    if (className) return null;
  }
  if (className === 'as-block' || /^AS\d+\s*-\s*AS\d+$/i.test(t)) {
    const m = /^AS(\d+)\s*-\s*AS(\d+)$/i.exec(t);
    if (m) return `AS${Number(m[1])} - AS${Number(m[2])}`;
  }
  return t.toUpperCase();
}
