// The one rule for "which covering network answers" (DESIGN §2 Holder): the in-memory
// index and the SQL path both rank candidates with it, so the two can never disagree.
// Placeholders are filtered out before ranking; this rule only orders real networks.
import type { Family } from '../net/ip.js';

export interface RankedRange {
  readonly id: number;
  readonly family: Family;
  readonly start: bigint;
  readonly end: bigint;
  /** Position of the range's source in LACAK_SOURCES; lower wins. */
  readonly rank: number;
}

/**
 * The rule on its parts, for callers that keep ranges in typed arrays rather than as
 * objects. `size` is `end - start`: a number is exact for IPv4, IPv6 needs a bigint.
 */
export function compareSpecificityParts(
  sizeA: number | bigint,
  rankA: number,
  idA: number,
  sizeB: number | bigint,
  rankB: number,
  idB: number,
): number {
  // Only relational operators: they compare number and bigint by value, `===` would not.
  if (sizeA < sizeB) return -1;
  if (sizeA > sizeB) return 1;
  if (rankA !== rankB) return rankA - rankB;
  // Ties within one source (the same range twice) still need a fixed answer, or the
  // holder would depend on row order.
  return idA - idB;
}

/**
 * Smaller range first; equal size: lower rank (earlier source) first; then lower id.
 * Meaningful for ranges of one family that cover a common address: the holder of an
 * address is the first covering range in this order, also when ranges of different
 * sources overlap only partially.
 */
export function compareSpecificity(a: RankedRange, b: RankedRange): number {
  return compareSpecificityParts(a.end - a.start, a.rank, a.id, b.end - b.start, b.rank, b.id);
}
