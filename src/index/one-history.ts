// Which chains of networks have one history for all their addresses (issue 15, the page's
// holders over time packed per chain). A chain node stands for the networks covering its
// addresses now; the holders over time also depend on versions that have ended, and one of
// those may have covered only part of a node's addresses. Such a node's history is asked
// per address.
import type { Family } from '../net/ip.js';
import type { RangeIndex } from './range-index.js';

export interface EndedSpan {
  readonly family: Family;
  readonly start: bigint;
  readonly end: bigint;
}

const LAST: Record<Family, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

/** 1 for each chain node whose every address was covered by the same ended versions, else 0. */
export function nodesOfOneHistory(index: RangeIndex, ended: Iterable<EndedSpan>): Uint8Array {
  const segments: Record<Family, { starts: bigint[]; nodes: number[] }> = { 4: { starts: [], nodes: [] }, 6: { starts: [], nodes: [] } };
  const spanCount = new Uint32Array(index.chainNodes);
  for (const { family, start, node } of index.spans()) {
    segments[family].starts.push(start);
    segments[family].nodes.push(node);
    if (node >= 0) spanCount[node]!++;
  }
  const one = new Uint8Array(index.chainNodes).fill(1);
  for (const { family, start, end } of ended) {
    const { starts, nodes } = segments[family];
    // The last segment starting at or before `start` (0 when the version starts before them all).
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= start) low = mid;
      else high = mid - 1;
    }
    const covered = new Map<number, number>();
    for (let j = low; j < starts.length && starts[j]! <= end; j++) {
      const node = nodes[j]!;
      if (node < 0) continue;
      const segmentEnd = j + 1 < starts.length ? starts[j + 1]! - 1n : LAST[family];
      if (segmentEnd < start) continue;
      if (starts[j]! < start || segmentEnd > end) one[node] = 0;
      else covered.set(node, (covered.get(node) ?? 0) + 1);
    }
    for (const [node, count] of covered) if (count !== spanCount[node]) one[node] = 0;
  }
  return one;
}
