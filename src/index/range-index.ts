// "Which network holds this address" for current data, answered from memory (STYLE §7,
// guideline 7): nested and overlapping ranges are flattened once, at build time, into
// sorted disjoint segments that each carry their answer (the chain of covering networks),
// so a lookup is one binary search whatever the nesting depth. SQL keeps history and
// searches.
import { parseIp, parseIpv4Fast, type Family, type IpAddress } from '../net/ip.js';
import { compareSpecificityParts } from './specificity.js';

export interface RangeIndex {
  /** Version id of the holder, or -1. */
  lookup(address: IpAddress): number;
  /** `value` is an unsigned 32-bit IPv4 address; version id of the holder, or -1. */
  lookupIpv4(value: number): number;
  /** Parses a string address: holder id, -1 if none, -2 if not an address. */
  lookupText(text: string): number;
  /** Version ids of every network covering the address, most specific (the holder) first. */
  chain(address: IpAddress): number[];
  /**
   * The chain node of a string address: equal nodes mean the same chain of covering
   * networks, so an answer made for one address serves every address of the node.
   * -1 if no network covers it, -2 if it is not an address.
   */
  chainNodeOfText(text: string): number;
  /** Chain nodes, both families. */
  readonly chainNodes: number;
  /** Each chain node once, with the first address of a segment it answers for. */
  nodeAddresses(): Generator<{ readonly node: number; readonly address: IpAddress }>;
  /** Every segment in address order, IPv4 then IPv6: where it starts and its chain node (-1: none). */
  spans(): Generator<{ readonly family: Family; readonly start: bigint; readonly node: number }>;
  /** Ranges added, both families. */
  readonly networks: number;
  /** Segments, both families, holes included. */
  readonly segments: number;
  /** Approximate bytes of typed arrays. */
  readonly memoryBytes: number;
  /** The typed arrays behind the index, to hand it across threads without copying. */
  toData(): RangeIndexData;
}

/** A built index as plain typed arrays: what a worker thread transfers back. */
export interface RangeIndexData {
  readonly v4Starts: Uint32Array;
  readonly v4Nodes: Int32Array;
  readonly v4Buckets: Uint32Array;
  readonly v6Keys: Float64Array;
  readonly v6Nodes: Int32Array;
  readonly nodeIds: Float64Array;
  readonly nodeParents: Int32Array;
  readonly networks: number;
}

export function rangeIndexFromData(data: RangeIndexData): RangeIndex {
  return new SegmentIndex(
    { starts: data.v4Starts, nodes: data.v4Nodes, buckets: data.v4Buckets },
    { keys: data.v6Keys, nodes: data.v6Nodes },
    { ids: data.nodeIds, parents: data.nodeParents },
    data.networks,
  );
}

/** The buffers to list as transferables when posting RangeIndexData. */
export function rangeIndexBuffers(data: RangeIndexData): ArrayBuffer[] {
  // Two arrays may share one buffer; a buffer listed twice cannot be transferred.
  const arrays = [data.v4Starts, data.v4Nodes, data.v4Buckets, data.v6Keys, data.v6Nodes, data.nodeIds, data.nodeParents];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

const NO_HOLDER = -1;
const NOT_AN_ADDRESS = -2;
const IPV4_MAX = 0xffff_ffff;
const IPV6_MAX = (1n << 128n) - 1n;
const INITIAL_CAPACITY = 1024;
const IPV4_BUCKETS = 0x1_0000;

/**
 * Collects ranges (fed row by row from SQLite) and builds an immutable RangeIndex.
 * Rows are kept in growing typed arrays: about 20 bytes per IPv4 row and 44 per IPv6
 * row, where an object holding bigints would cost several times that at 1.3M rows.
 */
export class RangeIndexBuilder {
  private v4Count = 0;
  private v4Start = new Uint32Array(INITIAL_CAPACITY);
  private v4End = new Uint32Array(INITIAL_CAPACITY);
  private v4Id = new Float64Array(INITIAL_CAPACITY);
  private v4Rank = new Int32Array(INITIAL_CAPACITY);

  private v6Count = 0;
  /** Eight big-endian 32-bit words per row: start, then end. */
  private v6Words = new Uint32Array(INITIAL_CAPACITY * 8);
  private v6Id = new Float64Array(INITIAL_CAPACITY);
  private v6Rank = new Int32Array(INITIAL_CAPACITY);

  /**
   * `start` and `end` are inclusive 16-byte big-endian keys (ipKey); IPv4 sits in the
   * last four bytes. `rank` is the source's position in LACAK_SOURCES.
   */
  add(id: number, family: Family, start: Uint8Array, end: Uint8Array, rank: number): void {
    // -1 and -2 are the lookup's "no holder" and "not an address".
    if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`range id must be a non-negative integer, got ${id}`);
    if (!Number.isInteger(rank) || rank < -0x8000_0000 || rank > 0x7fff_ffff) {
      throw new RangeError(`range ${id}: rank must be a 32-bit integer, got ${rank}`);
    }
    if (start.length !== 16 || end.length !== 16) throw new RangeError(`range ${id}: keys must be 16 bytes`);
    if (family === 4) this.addIpv4(id, start, end, rank);
    else if (family === 6) this.addIpv6(id, start, end, rank);
    else throw new RangeError(`range ${id}: unknown family ${String(family)}`);
  }

  build(): RangeIndex {
    const chains = new ChainNodes();
    const v4 = this.buildIpv4(chains);
    const v6 = this.buildIpv6(chains);
    return new SegmentIndex(v4, v6, { ids: Float64Array.from(chains.ids), parents: Int32Array.from(chains.parents) }, this.v4Count + this.v6Count);
  }

  private addIpv4(id: number, start: Uint8Array, end: Uint8Array, rank: number): void {
    for (let i = 0; i < 12; i++) {
      if (start[i] !== 0 || end[i] !== 0) throw new RangeError(`range ${id}: IPv4 key beyond 32 bits`);
    }
    const s = readWord(start, 12);
    const e = readWord(end, 12);
    if (s > e) throw new RangeError(`range ${id}: start after end`);
    if (this.v4Count === this.v4Id.length) {
      const capacity = this.v4Count * 2;
      this.v4Start = grow(this.v4Start, capacity);
      this.v4End = grow(this.v4End, capacity);
      this.v4Id = grow(this.v4Id, capacity);
      this.v4Rank = grow(this.v4Rank, capacity);
    }
    const n = this.v4Count++;
    this.v4Start[n] = s;
    this.v4End[n] = e;
    this.v4Id[n] = id;
    this.v4Rank[n] = rank;
  }

  private addIpv6(id: number, start: Uint8Array, end: Uint8Array, rank: number): void {
    if (this.v6Count === this.v6Id.length) {
      const capacity = this.v6Count * 2;
      this.v6Words = grow(this.v6Words, capacity * 8);
      this.v6Id = grow(this.v6Id, capacity);
      this.v6Rank = grow(this.v6Rank, capacity);
    }
    const n = this.v6Count;
    const w = this.v6Words;
    let order = 0;
    for (let k = 0; k < 4; k++) {
      const s = readWord(start, k * 4);
      const e = readWord(end, k * 4);
      w[n * 8 + k] = s;
      w[n * 8 + 4 + k] = e;
      if (order === 0 && s !== e) order = s < e ? -1 : 1;
    }
    if (order > 0) throw new RangeError(`range ${id}: start after end`);
    this.v6Id[n] = id;
    this.v6Rank[n] = rank;
    this.v6Count++;
  }

  private buildIpv4(chains: ChainNodes): Ipv4Segments {
    const n = this.v4Count;
    const start = this.v4Start.subarray(0, n);
    const end = this.v4End;
    const id = this.v4Id;
    const rank = this.v4Rank;
    const best = indices(n).sort((a, b) =>
      compareSpecificityParts(end[a]! - start[a]!, rank[a]!, id[a]!, end[b]! - start[b]!, rank[b]!, id[b]!),
    );
    const byStart = radixSortIndices(start);
    const sortedStart = new Float64Array(n);
    for (let k = 0; k < n; k++) sortedStart[k] = start[byStart[k]!]!;
    const flat = sweep(sortedStart, byStart, end, IPV4_MAX, best, id, chains);

    const starts = Uint32Array.from(flat.starts.subarray(0, flat.count));
    // Where each /16 begins in `starts`: the search then runs over the few segments of
    // one /16 instead of the whole table, which saves the cache misses of its first
    // dozen probes.
    const buckets = new Uint32Array(IPV4_BUCKETS + 1);
    let s = 0;
    for (let b = 0; b < IPV4_BUCKETS; b++) {
      const at = b * 0x1_0000;
      while (s + 1 < flat.count && starts[s + 1]! <= at) s++;
      buckets[b] = s;
    }
    buckets[IPV4_BUCKETS] = flat.count - 1;
    return { starts, nodes: flat.nodes.slice(0, flat.count), buckets };
  }

  private buildIpv6(chains: ChainNodes): Ipv6Segments {
    const n = this.v6Count;
    const w = this.v6Words;
    const id = this.v6Id;
    const rank = this.v6Rank;
    const size: bigint[] = new Array<bigint>(n);
    // Point j < n is the start of range j, point n + j the address after range j's end.
    const pointValue: bigint[] = new Array<bigint>(2 * n);
    let points = 0;
    const pointIds = new Uint32Array(2 * n);
    const endsAtMax: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = wordsToBigint(w, i * 8);
      const e = wordsToBigint(w, i * 8 + 4);
      size[i] = e - s;
      pointValue[i] = s;
      pointIds[points++] = i;
      if (e === IPV6_MAX) endsAtMax.push(i);
      else {
        pointValue[n + i] = e + 1n;
        pointIds[points++] = n + i;
      }
    }
    const best = indices(n).sort((a, b) => compareSpecificityParts(size[a]!, rank[a]!, id[a]!, size[b]!, rank[b]!, id[b]!));

    // Coordinate compression: the answer can only change at a start or after an end, so
    // the sweep runs on the ranks of those points as plain numbers, sharing its code
    // with IPv4. (No Map keyed by bigint: V8 hashes a bigint by its low 64 bits only,
    // which are zero for every /64-aligned prefix.)
    const order = pointIds.subarray(0, points).sort((a, b) => {
      const va = pointValue[a]!;
      const vb = pointValue[b]!;
      return va < vb ? -1 : va > vb ? 1 : 0;
    });
    const coords: bigint[] = [0n];
    const sortedStart = new Float64Array(n);
    const byStart = new Uint32Array(n);
    const cEnd = new Float64Array(n);
    let started = 0;
    for (const j of order) {
      const v = pointValue[j]!;
      if (v !== coords[coords.length - 1]) coords.push(v);
      const c = coords.length - 1;
      if (j < n) {
        sortedStart[started] = c;
        byStart[started++] = j;
      } else {
        cEnd[j - n] = c - 1;
      }
    }
    const last = coords.length - 1;
    for (const i of endsAtMax) cEnd[i] = last;
    const flat = sweep(sortedStart, byStart, cEnd, last, best, id, chains);

    const keys = new Float64Array(flat.count * 3);
    for (let k = 0; k < flat.count; k++) {
      const v = coords[flat.starts[k]!]!;
      keys[k * 3] = Number(v >> 80n);
      keys[k * 3 + 1] = Number(BigInt.asUintN(48, v >> 32n));
      keys[k * 3 + 2] = Number(BigInt.asUintN(32, v));
    }
    return { keys, nodes: flat.nodes.slice(0, flat.count) };
  }
}

interface Ipv4Segments {
  readonly starts: Uint32Array;
  readonly nodes: Int32Array;
  /** buckets[b]: the segment holding address b << 16; buckets[65536]: the last segment. */
  readonly buckets: Uint32Array;
}

interface Ipv6Segments {
  /**
   * Segment starts as three exact doubles each (bits 127-80, 79-32, 31-0), interleaved
   * so that a probe of the binary search reads adjacent memory and creates no bigint
   * (measured a little faster than bigint halves in a BigUint64Array).
   */
  readonly keys: Float64Array;
  readonly nodes: Int32Array;
}

interface ChainTable {
  /** Network version id of each chain node. */
  readonly ids: Float64Array;
  /** The node of the next less specific network, or -1. */
  readonly parents: Int32Array;
}

interface Flattened {
  readonly starts: Float64Array;
  /** Chain node of each segment (see ChainNodes), -1 for a hole. */
  readonly nodes: Int32Array;
  readonly count: number;
}

/**
 * The chains of covering networks, shared as a tree: node k stands for network
 * `ids[k]` followed by the chain of node `parents[k]` (-1: nothing less specific). Each
 * segment points at the node of its most specific network, so a segment's whole chain is
 * a walk up the parents, and nested ranges share every node above their own.
 */
class ChainNodes {
  ids: number[] = [];
  parents: number[] = [];

  add(id: number, parent: number): number {
    this.ids.push(id);
    this.parents.push(parent);
    return this.ids.length - 1;
  }
}

/**
 * Flattens ranges into segments covering [0, max], each pointing at the chain of the
 * ranges covering it, most specific first (-1 for a hole); adjacent segments with the
 * same chain are merged. `sortedStart` and `byStart` list the ranges by start; `best`
 * lists them in specificity order, and a range's position in `best` is its priority.
 *
 * The ranges covering the current point are kept in priority order with, beside each,
 * the chain node of it and everything after it. Registry ranges nest, so a new range
 * usually goes in first and only its own node is new: the sweep is O(n · depth). Every
 * step changes the set of covering ranges, so a new segment always has a new chain.
 */
function sweep(
  sortedStart: Float64Array,
  byStart: Uint32Array,
  end: ArrayLike<number>,
  max: number,
  best: Uint32Array,
  id: Float64Array,
  chains: ChainNodes,
): Flattened {
  const n = byStart.length;
  const endByPriority = new Float64Array(n);
  const idByPriority = new Float64Array(n);
  const priority = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const range = best[k]!;
    endByPriority[k] = end[range]!;
    idByPriority[k] = id[range]!;
    priority[range] = k;
  }
  const priorityAtStart = new Uint32Array(n);
  for (let k = 0; k < n; k++) priorityAtStart[k] = priority[byStart[k]!]!;

  const active: number[] = [];
  const suffix: number[] = [];
  // Each step adds at most one segment and there are at most 2n steps, plus the first hole.
  const starts = new Float64Array(2 * n + 1);
  const nodes = new Int32Array(2 * n + 1);
  let count = 0;
  let answer = -2;
  let next = 0;
  let point = 0;
  for (;;) {
    // Positions up to `dirty` have a changed suffix and need a new node; those after it
    // keep theirs, which is how chains share nodes.
    let dirty = -1;
    for (let k = active.length - 1; k >= 0; k--) {
      if (endByPriority[active[k]!]! < point) {
        active.splice(k, 1);
        suffix.splice(k, 1);
        // Positions after k moved down by one.
        if (dirty >= k) dirty--;
        dirty = Math.max(dirty, k - 1);
      }
    }
    while (next < n && sortedStart[next]! <= point) {
      const p = priorityAtStart[next++]!;
      let at = 0;
      while (at < active.length && active[at]! < p) at++;
      active.splice(at, 0, p);
      suffix.splice(at, 0, -1);
      if (dirty >= at) dirty++;
      dirty = Math.max(dirty, at);
    }
    for (let k = dirty; k >= 0; k--) {
      suffix[k] = chains.add(idByPriority[active[k]!]!, k + 1 < active.length ? suffix[k + 1]! : -1);
    }

    const node = active.length > 0 ? suffix[0]! : -1;
    if (node !== answer) {
      starts[count] = point;
      nodes[count++] = node;
      answer = node;
    }

    let following = next < n ? sortedStart[next]! : Infinity;
    for (const p of active) {
      // At the top of the address space there is no end + 1 to stop at.
      const e = endByPriority[p]!;
      if (e < max && e + 1 < following) following = e + 1;
    }
    if (following === Infinity) break;
    point = following;
  }
  return { starts, nodes, count };
}

class SegmentIndex implements RangeIndex {
  readonly networks: number;
  readonly segments: number;
  readonly memoryBytes: number;
  private readonly v4Starts: Uint32Array;
  private readonly v4Nodes: Int32Array;
  private readonly v4Buckets: Uint32Array;
  private readonly v6Keys: Float64Array;
  private readonly v6Nodes: Int32Array;
  private readonly v6Last: number;
  private readonly nodeIds: Float64Array;
  private readonly nodeParents: Int32Array;

  constructor(v4: Ipv4Segments, v6: Ipv6Segments, chains: ChainTable, networks: number) {
    this.v4Starts = v4.starts;
    this.v4Nodes = v4.nodes;
    this.v4Buckets = v4.buckets;
    this.v6Keys = v6.keys;
    this.v6Nodes = v6.nodes;
    this.v6Last = v6.nodes.length - 1;
    this.nodeIds = chains.ids;
    this.nodeParents = chains.parents;
    this.networks = networks;
    this.segments = v4.nodes.length + v6.nodes.length;
    this.memoryBytes = [v4.starts, v4.nodes, v4.buckets, v6.keys, v6.nodes, chains.ids, chains.parents].reduce((sum, a) => sum + a.byteLength, 0);
  }

  toData(): RangeIndexData {
    return {
      v4Starts: this.v4Starts,
      v4Nodes: this.v4Nodes,
      v4Buckets: this.v4Buckets,
      v6Keys: this.v6Keys,
      v6Nodes: this.v6Nodes,
      nodeIds: this.nodeIds,
      nodeParents: this.nodeParents,
      networks: this.networks,
    };
  }

  lookup(address: IpAddress): number {
    const node = this.nodeOf(address);
    return node < 0 ? NO_HOLDER : this.nodeIds[node]!;
  }

  lookupIpv4(value: number): number {
    const node = this.ipv4Node(value);
    return node < 0 ? NO_HOLDER : this.nodeIds[node]!;
  }

  lookupText(text: string): number {
    const v4 = parseIpv4Fast(text);
    if (v4 >= 0) return this.lookupIpv4(v4);
    const address = parseIp(text);
    return address === null ? NOT_AN_ADDRESS : this.lookup(address);
  }

  chainNodeOfText(text: string): number {
    const v4 = parseIpv4Fast(text);
    if (v4 >= 0) return this.ipv4Node(v4);
    const address = parseIp(text);
    return address === null ? NOT_AN_ADDRESS : this.nodeOf(address);
  }

  get chainNodes(): number {
    return this.nodeIds.length;
  }

  *nodeAddresses(): Generator<{ readonly node: number; readonly address: IpAddress }> {
    const seen = new Uint8Array(this.nodeIds.length);
    for (let i = 0; i < this.v4Nodes.length; i++) {
      const node = this.v4Nodes[i]!;
      if (node < 0 || seen[node]) continue;
      seen[node] = 1;
      yield { node, address: { family: 4, value: BigInt(this.v4Starts[i]!) } };
    }
    for (let i = 0; i < this.v6Nodes.length; i++) {
      const node = this.v6Nodes[i]!;
      if (node < 0 || seen[node]) continue;
      seen[node] = 1;
      const k = i * 3;
      const value = (BigInt(this.v6Keys[k]!) << 80n) | (BigInt(this.v6Keys[k + 1]!) << 32n) | BigInt(this.v6Keys[k + 2]!);
      yield { node, address: { family: 6, value } };
    }
  }

  *spans(): Generator<{ readonly family: Family; readonly start: bigint; readonly node: number }> {
    for (let i = 0; i < this.v4Nodes.length; i++) yield { family: 4, start: BigInt(this.v4Starts[i]!), node: this.v4Nodes[i]! };
    for (let i = 0; i < this.v6Nodes.length; i++) {
      const k = i * 3;
      yield { family: 6, start: (BigInt(this.v6Keys[k]!) << 80n) | (BigInt(this.v6Keys[k + 1]!) << 32n) | BigInt(this.v6Keys[k + 2]!), node: this.v6Nodes[i]! };
    }
  }

  chain(address: IpAddress): number[] {
    const out: number[] = [];
    for (let node = this.nodeOf(address); node >= 0; node = this.nodeParents[node]!) out.push(this.nodeIds[node]!);
    return out;
  }

  private nodeOf(address: IpAddress): number {
    if (address.family === 4) {
      const v = address.value;
      if (v < 0n || v > 0xffff_ffffn) throw new RangeError('IPv4 address out of range');
      return this.ipv4Node(Number(v));
    }
    return this.ipv6Node(address.value);
  }

  private ipv4Node(value: number): number {
    if (value >>> 0 !== value) throw new RangeError(`not an unsigned 32-bit address: ${value}`);
    const starts = this.v4Starts;
    // Segments cover the whole space from 0, so the last one starting at or before the
    // address always exists: holes are segments too and cost the same search as hits.
    const bucket = value >>> 16;
    let lo = this.v4Buckets[bucket]!;
    let hi = this.v4Buckets[bucket + 1]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= value) lo = mid;
      else hi = mid - 1;
    }
    return this.v4Nodes[lo]!;
  }

  private ipv6Node(value: bigint): number {
    if (value < 0n || value > IPV6_MAX) throw new RangeError('IPv6 address out of range');
    const a = Number(value >> 80n);
    const b = Number(BigInt.asUintN(48, value >> 32n));
    const c = Number(BigInt.asUintN(32, value));
    const keys = this.v6Keys;
    let lo = 0;
    let hi = this.v6Last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const k = mid * 3;
      const ka = keys[k]!;
      if (ka < a || (ka === a && (keys[k + 1]! < b || (keys[k + 1] === b && keys[k + 2]! <= c)))) lo = mid;
      else hi = mid - 1;
    }
    return this.v6Nodes[lo]!;
  }
}

function readWord(key: Uint8Array, offset: number): number {
  return ((key[offset]! << 24) | (key[offset + 1]! << 16) | (key[offset + 2]! << 8) | key[offset + 3]!) >>> 0;
}

function wordsToBigint(words: Uint32Array, offset: number): bigint {
  const hi = (BigInt(words[offset]!) << 32n) | BigInt(words[offset + 1]!);
  const lo = (BigInt(words[offset + 2]!) << 32n) | BigInt(words[offset + 3]!);
  return (hi << 64n) | lo;
}

/** Indices of `keys` in ascending key order: two 16-bit counting passes, O(n). */
function radixSortIndices(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let from: Uint32Array = indices(n);
  let to: Uint32Array = new Uint32Array(n);
  const offsets = new Uint32Array(0x1_0000 + 1);
  for (const shift of [0, 16]) {
    offsets.fill(0);
    for (let i = 0; i < n; i++) offsets[((keys[i]! >>> shift) & 0xffff) + 1]!++;
    for (let d = 1; d <= 0x1_0000; d++) offsets[d]! += offsets[d - 1]!;
    for (let i = 0; i < n; i++) {
      const k = from[i]!;
      to[offsets[(keys[k]! >>> shift) & 0xffff]!++] = k;
    }
    [from, to] = [to, from];
  }
  return from;
}

function indices(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function grow<T extends Uint32Array | Int32Array | Float64Array>(array: T, capacity: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(capacity);
  bigger.set(array);
  return bigger;
}
