// One-level-more-specific selection (`-m`, rdap-down) against a brute-force definition.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cmpStart, outermost } from '../../../src/query/service.js';
import type { IpRange } from '../../../src/net/prefix.js';

const range = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 64 })).map(([start, len]): IpRange => ({
  family: 4,
  start: BigInt(start),
  end: BigInt(Math.min(255, start + len)),
}));

const contains = (a: IpRange, b: IpRange) => a.start <= b.start && b.end <= a.end;
const same = (a: IpRange, b: IpRange) => a.start === b.start && a.end === b.end;

describe('outermost', () => {
  it('keeps exactly the networks that no other, different network contains', () => {
    fc.assert(
      fc.property(fc.array(range.map((r) => ({ range: r })), { maxLength: 40 }), (items) => {
        const sorted = [...items].sort(cmpStart);
        const expected = sorted.filter((o) => !sorted.some((p) => p !== o && !same(p.range, o.range) && contains(p.range, o.range)));
        expect(outermost(sorted)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
