// The index must give the answer of the plain definition of "holder": of all ranges
// covering the address, the first by compareSpecificity. A brute-force scan of that
// definition is the oracle for random range sets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangeIndexBuilder, type RangeIndex } from '../../../src/index/range-index.js';
import { compareSpecificity, type RankedRange } from '../../../src/index/specificity.js';
import { FAMILY_MAX, formatIp, ipKey, parseIp, type Family } from '../../../src/net/ip.js';

const V4_MAX = FAMILY_MAX[4];
const V6_MAX = FAMILY_MAX[6];
const DOC_V6 = 0x2001_0db8n << 96n;

/** Ids of every range covering the address, best first: the chain the index must give. */
function bruteForceChain(ranges: readonly RankedRange[], family: Family, address: bigint): number[] {
  const covering = ranges.filter((r) => r.family === family && r.start <= address && address <= r.end);
  covering.sort(compareSpecificity);
  return covering.map((r) => r.id);
}

function bruteForce(ranges: readonly RankedRange[], family: Family, address: bigint): number {
  return bruteForceChain(ranges, family, address)[0] ?? -1;
}

function buildIndex(ranges: readonly RankedRange[]): RangeIndex {
  const builder = new RangeIndexBuilder();
  for (const r of ranges) builder.add(r.id, r.family, ipKey(r.start), ipKey(r.end), r.rank);
  return builder.build();
}

function ip(text: string): bigint {
  const address = parseIp(text);
  if (address === null) throw new Error(`bad test address ${text}`);
  return address.value;
}

function range(id: number, family: Family, start: bigint | string, end: bigint | string, rank = 0): RankedRange {
  return {
    id,
    family,
    start: typeof start === 'string' ? ip(start) : start,
    end: typeof end === 'string' ? ip(end) : end,
    rank,
  };
}

/** Every way the index answers for one address must give the same holder, also the chain's first. */
function lookupAll(index: RangeIndex, family: Family, address: bigint): number {
  const answer = index.lookup({ family, value: address });
  expect(index.chain({ family, value: address })[0] ?? -1).toBe(answer);
  if (family === 4) expect(index.lookupIpv4(Number(address))).toBe(answer);
  expect(index.lookupText(formatIp(family, address))).toBe(answer);
  return answer;
}

// --- Random range sets ------------------------------------------------------------------
//
// Ranges lie on a grid of 64 steps of `unit` (plus a jitter of 0..3) inside a window, so
// that random ranges often nest, touch and overlap. Windows sit at the bottom of the
// address space, in the middle (192.0.2.0, 2001:db8::) and against the top, and units
// are chosen so that boundaries fall on and across the 32-, 48- and 64-bit lines the
// IPv6 keys are split on.

const GRID = 64;
const JITTER = 3;

interface Window {
  readonly family: Family;
  readonly base: bigint;
  readonly unit: bigint;
}

function windowArb(family: Family): fc.Arbitrary<Window> {
  const max = FAMILY_MAX[family];
  const units =
    family === 4
      ? [1n, 2n, 255n, 256n, 0x1_0001n, 1n << 24n]
      : [1n, 1n << 32n, (1n << 48n) - 1n, 1n << 48n, (1n << 64n) + 1n, 1n << 64n, 1n << 80n];
  return fc.constantFrom(...units).chain((unit) => {
    const span = BigInt(GRID) * unit + BigInt(JITTER);
    // 192.0.2.0 with the coarsest IPv4 unit would run past the top: move down then.
    const documentation = family === 4 ? ip('192.0.2.0') : DOC_V6;
    const middle = documentation + span <= max ? documentation : (max - span) / 2n;
    return fc.constantFrom(0n, middle, max - span).map((base) => ({ family, base, unit }));
  });
}

interface RawRange {
  readonly from: number;
  readonly to: number;
  readonly jitterFrom: number;
  readonly jitterTo: number;
  readonly rank: number;
  readonly duplicate: boolean;
}

const rawRangeArb: fc.Arbitrary<RawRange> = fc.record({
  from: fc.integer({ min: 0, max: GRID }),
  to: fc.oneof(fc.integer({ min: 0, max: GRID }), fc.constant(-1)),
  jitterFrom: fc.integer({ min: 0, max: JITTER }),
  jitterTo: fc.integer({ min: 0, max: JITTER }),
  rank: fc.integer({ min: 0, max: 2 }),
  duplicate: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
});

function laminarWith(candidate: RankedRange, accepted: readonly RankedRange[]): boolean {
  return accepted.every(
    (r) =>
      r.rank !== candidate.rank ||
      candidate.end < r.start ||
      r.end < candidate.start ||
      (r.start <= candidate.start && candidate.end <= r.end) ||
      (candidate.start <= r.start && r.end <= candidate.end),
  );
}

/**
 * Within one source ranges nest or are disjoint (what a registry publishes); across
 * sources they may overlap partially. Duplicates, single addresses and, now and then,
 * the whole address space are included. Ids are unique but unrelated to insertion
 * order, so the id tie-break is exercised.
 */
function rangeSetArb(family: Family, firstId: number): fc.Arbitrary<RankedRange[]> {
  return fc
    .tuple(
      fc.array(fc.tuple(windowArb(family), fc.array(rawRangeArb, { maxLength: 12 })), { minLength: 1, maxLength: 3 }),
      fc.option(fc.integer({ min: 0, max: 2 }), { freq: 4 }),
      fc.integer({ min: 1, max: 10_000 }),
    )
    .map(([windows, wholeSpaceRank, scramble]) => {
      const ranges: RankedRange[] = [];
      let next = 0;
      const nextId = (): number => firstId + ((next++ * 7919 + scramble) % 10_007);
      if (wholeSpaceRank !== null) ranges.push(range(nextId(), family, 0n, FAMILY_MAX[family], wholeSpaceRank));
      for (const [window, raws] of windows) {
        for (const raw of raws) {
          const a = window.base + BigInt(raw.from) * window.unit + BigInt(raw.jitterFrom);
          // to = -1: a single address
          const b = raw.to < 0 ? a : window.base + BigInt(raw.to) * window.unit + BigInt(raw.jitterTo);
          const candidate = range(nextId(), family, a < b ? a : b, a < b ? b : a, raw.rank);
          if (!laminarWith(candidate, ranges)) continue;
          ranges.push(candidate);
          if (raw.duplicate) ranges.push({ ...candidate, id: nextId() });
        }
      }
      return ranges;
    });
}

/** The first and last address of every range, the addresses just outside, 0 and the maximum. */
function edgeProbes(ranges: readonly RankedRange[], family: Family): bigint[] {
  const max = FAMILY_MAX[family];
  const probes = [0n, max];
  for (const r of ranges) {
    if (r.family !== family) continue;
    probes.push(r.start, r.end);
    if (r.start > 0n) probes.push(r.start - 1n);
    if (r.end < max) probes.push(r.end + 1n);
  }
  return probes;
}

function randomProbesArb(family: Family): fc.Arbitrary<bigint[]> {
  const max = FAMILY_MAX[family];
  const near = windowArb(family).chain((w) =>
    fc.bigInt(0n, BigInt(GRID) * w.unit + BigInt(JITTER)).map((offset) => w.base + offset),
  );
  return fc.array(fc.oneof(near, fc.bigInt(0n, max)), { maxLength: 30 });
}

/**
 * Segments the index should have: the answer can only change at 0, at a start or just
 * after an end, and adjacent segments with the same answer are one.
 */
function expectedSegments(ranges: readonly RankedRange[], family: Family): number {
  const points = new Set<bigint>([0n]);
  for (const r of ranges) {
    if (r.family !== family) continue;
    points.add(r.start);
    if (r.end < FAMILY_MAX[family]) points.add(r.end + 1n);
  }
  // A segment ends where the chain of covering ranges changes, not only its holder.
  let segments = 0;
  let previous: string | undefined;
  for (const point of [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const answer = bruteForceChain(ranges, family, point).join(',');
    if (answer !== previous) segments++;
    previous = answer;
  }
  return segments;
}

function checkAgainstBruteForce(ranges: readonly RankedRange[], probes: Record<Family, readonly bigint[]>): void {
  const index = buildIndex(ranges);
  expect(index.networks).toBe(ranges.length);
  expect(index.segments).toBe(expectedSegments(ranges, 4) + expectedSegments(ranges, 6));
  for (const family of [4, 6] as const) {
    const count = ranges.filter((r) => r.family === family).length;
    for (const address of [...edgeProbes(ranges, family), ...probes[family]]) {
      const expected = bruteForce(ranges, family, address);
      const actual = lookupAll(index, family, address);
      if (actual !== expected) {
        throw new Error(`${formatIp(family, address)}: index says ${actual}, brute force ${expected} (${count} ranges)`);
      }
      const chain = index.chain({ family, value: address }).join(',');
      const expectedChain = bruteForceChain(ranges, family, address).join(',');
      if (chain !== expectedChain) {
        throw new Error(`${formatIp(family, address)}: index chain ${chain}, brute force ${expectedChain} (${count} ranges)`);
      }
    }
  }
}

describe('RangeIndex agrees with a brute-force scan', () => {
  it('on random IPv4 range sets', () => {
    fc.assert(
      fc.property(rangeSetArb(4, 1), randomProbesArb(4), (ranges, probes) => {
        checkAgainstBruteForce(ranges, { 4: probes, 6: [] });
      }),
      { numRuns: 300 },
    );
  });

  it('on random IPv6 range sets', () => {
    fc.assert(
      fc.property(rangeSetArb(6, 1), randomProbesArb(6), (ranges, probes) => {
        checkAgainstBruteForce(ranges, { 4: [], 6: probes });
      }),
      { numRuns: 300 },
    );
  });

  it('with both families in one index', () => {
    fc.assert(
      fc.property(
        rangeSetArb(4, 1),
        rangeSetArb(6, 20_000),
        randomProbesArb(4),
        randomProbesArb(6),
        (v4, v6, probes4, probes6) => {
          checkAgainstBruteForce([...v4, ...v6], { 4: probes4, 6: probes6 });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('whatever order the ranges arrive in', () => {
    fc.assert(
      fc.property(
        rangeSetArb(4, 1).chain((ranges) => fc.tuple(fc.constant(ranges), fc.shuffledSubarray(ranges, { minLength: ranges.length }))),
        ([ranges, shuffled]) => {
          const a = buildIndex(ranges);
          const b = buildIndex(shuffled);
          expect(b.segments).toBe(a.segments);
          for (const address of edgeProbes(ranges, 4)) {
            expect(b.lookupIpv4(Number(address))).toBe(a.lookupIpv4(Number(address)));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('compareSpecificity', () => {
  const at = (id: number, size: bigint, rank: number): RankedRange => range(id, 6, DOC_V6, DOC_V6 + size, rank);

  it('puts the smaller range first, whatever its source', () => {
    expect(compareSpecificity(at(1, 255n, 2), at(2, 256n, 0))).toBeLessThan(0);
    expect(compareSpecificity(at(2, 256n, 0), at(1, 255n, 2))).toBeGreaterThan(0);
  });

  it('breaks equal sizes by source order, then by id', () => {
    expect(compareSpecificity(at(9, 255n, 0), at(1, 255n, 1))).toBeLessThan(0);
    expect(compareSpecificity(at(3, 255n, 1), at(5, 255n, 1))).toBeLessThan(0);
    expect(compareSpecificity(at(5, 255n, 1), at(3, 255n, 1))).toBeGreaterThan(0);
    expect(compareSpecificity(at(3, 255n, 1), at(3, 255n, 1))).toBe(0);
  });

  it('compares sizes beyond 2^53 exactly', () => {
    const big = 1n << 100n;
    expect(compareSpecificity(at(2, big, 0), at(1, big + 1n, 0))).toBeLessThan(0);
  });
});

// --- Edge cases ---------------------------------------------------------------------------

function expectHolders(index: RangeIndex, family: Family, cases: readonly (readonly [string | bigint, number])[]): void {
  for (const [address, holder] of cases) {
    const value = typeof address === 'string' ? ip(address) : address;
    expect(lookupAll(index, family, value), formatIp(family, value)).toBe(holder);
  }
}

describe('RangeIndex edge cases', () => {
  it('answers -1 everywhere when empty', () => {
    const index = new RangeIndexBuilder().build();
    expect(index.networks).toBe(0);
    // One hole per family
    expect(index.segments).toBe(2);
    expectHolders(index, 4, [
      [0n, -1],
      ['192.0.2.1', -1],
      [V4_MAX, -1],
    ]);
    expectHolders(index, 6, [
      [0n, -1],
      ['2001:db8::1', -1],
      [V6_MAX, -1],
    ]);
  });

  it('handles a range over the whole address space, whose end + 1 overflows', () => {
    const index = buildIndex([range(7, 4, 0n, V4_MAX), range(8, 6, 0n, V6_MAX)]);
    expect(index.segments).toBe(2);
    expectHolders(index, 4, [
      [0n, 7],
      ['192.0.2.1', 7],
      [V4_MAX, 7],
    ]);
    expectHolders(index, 6, [
      [0n, 8],
      [V6_MAX, 8],
    ]);
  });

  it('handles ranges touching the bottom and the top of the space', () => {
    const index = buildIndex([
      range(1, 4, '0.0.0.0', '0.0.0.255'),
      range(2, 4, '255.255.255.0', '255.255.255.255'),
      range(3, 6, '::', '::ffff'),
      range(4, 6, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'),
    ]);
    expectHolders(index, 4, [
      ['0.0.0.0', 1],
      ['0.0.0.255', 1],
      ['0.0.1.0', -1],
      ['255.255.254.255', -1],
      ['255.255.255.0', 2],
      ['255.255.255.255', 2],
    ]);
    expectHolders(index, 6, [
      ['::', 3],
      ['::ffff', 3],
      ['::1:0', -1],
      ['ffff:ffff:ffff:ffff:ffff:ffff:fffe:ffff', -1],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:0', 4],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 4],
    ]);
  });

  it('handles single-address ranges, inside a network and at both ends of the space', () => {
    const index = buildIndex([
      range(1, 4, '192.0.2.0', '192.0.2.255'),
      range(2, 4, '192.0.2.1', '192.0.2.1'),
      range(3, 4, '0.0.0.0', '0.0.0.0'),
      range(4, 4, '255.255.255.255', '255.255.255.255'),
      range(5, 6, '2001:db8::', '2001:db8::ffff'),
      range(6, 6, '2001:db8::1', '2001:db8::1'),
      range(7, 6, '::', '::'),
      range(8, 6, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'),
    ]);
    expectHolders(index, 4, [
      ['192.0.2.0', 1],
      ['192.0.2.1', 2],
      ['192.0.2.2', 1],
      ['0.0.0.0', 3],
      ['0.0.0.1', -1],
      ['255.255.255.254', -1],
      ['255.255.255.255', 4],
    ]);
    expectHolders(index, 6, [
      ['2001:db8::', 5],
      ['2001:db8::1', 6],
      ['2001:db8::2', 5],
      ['::', 7],
      ['::1', -1],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe', -1],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 8],
    ]);
  });

  it('breaks ties between identical ranges by source order, then by id, not by arrival', () => {
    const sameSource = [range(5, 4, '192.0.2.0', '192.0.2.255', 1), range(3, 4, '192.0.2.0', '192.0.2.255', 1)];
    expect(buildIndex(sameSource).lookupText('192.0.2.7')).toBe(3);
    expect(buildIndex([...sameSource].reverse()).lookupText('192.0.2.7')).toBe(3);

    const twoSources = [range(1, 6, '2001:db8::', '2001:db8::ff', 1), range(9, 6, '2001:db8::', '2001:db8::ff', 0)];
    expect(buildIndex(twoSources).lookupText('2001:db8::7')).toBe(9);
    expect(buildIndex([...twoSources].reverse()).lookupText('2001:db8::7')).toBe(9);
  });

  it('lets the smaller range answer where sources overlap partially, whatever their order', () => {
    const index = buildIndex([
      // An earlier source's block and a later source's record that straddles its end
      range(1, 4, '192.0.2.0', '192.0.2.99', 0),
      range(2, 4, '192.0.2.50', '192.0.2.199', 2),
      range(3, 4, '192.0.2.60', '192.0.2.69', 2),
    ]);
    expectHolders(index, 4, [
      ['192.0.2.49', 1],
      ['192.0.2.50', 1],
      ['192.0.2.60', 3],
      ['192.0.2.70', 1],
      ['192.0.2.99', 1],
      ['192.0.2.100', 2],
      ['192.0.2.199', 2],
      ['192.0.2.200', -1],
    ]);
  });

  it('starts a segment where the chain changes, also where the holder stays the same', () => {
    // At 192.0.2.50 the larger range starts: the holder is still 1, but now under 2.
    const index = buildIndex([range(1, 4, '192.0.2.0', '192.0.2.99'), range(2, 4, '192.0.2.50', '192.0.2.199')]);
    // hole, 1, 1+2, 2, hole; plus the IPv6 hole
    expect(index.segments).toBe(6);
    const chain = (text: string) => index.chain(parseIp(text)!);
    expect(chain('192.0.2.49')).toEqual([1]);
    expect(chain('192.0.2.50')).toEqual([1, 2]);
    expect(chain('192.0.2.100')).toEqual([2]);
    expect(chain('192.0.2.200')).toEqual([]);
  });

  it('parses text: IPv4 fast path, IPv6, surrounding whitespace, and non-addresses', () => {
    const index = buildIndex([range(1, 4, '192.0.2.0', '192.0.2.255'), range(2, 6, '2001:db8::', '2001:db8::ffff')]);
    expect(index.lookupText('192.0.2.1')).toBe(1);
    expect(index.lookupText('198.51.100.1')).toBe(-1);
    expect(index.lookupText('2001:db8::1')).toBe(2);
    expect(index.lookupText('2001:DB8:0:0:0:0:0:1')).toBe(2);
    expect(index.lookupText('2001:db9::1')).toBe(-1);
    // parseIpv4Fast does not trim; the parseIp fallback does
    expect(index.lookupText(' 192.0.2.1\t')).toBe(1);
    for (const text of ['', ' ', 'nonsense', '192.0.2.01', '192.0.2.256', '192.0.2', '192.0.2.1/24', '192.0.2.1:80', '2001:db8::1/64', '2001:db8::1%eth0', 'gggg::1']) {
      expect(index.lookupText(text), text).toBe(-2);
    }
  });

  it('refuses lookups outside the family range rather than answering for a wrong address', () => {
    const index = buildIndex([range(1, 4, 0n, V4_MAX)]);
    for (const value of [-1, 2 ** 32, 1.5, Number.NaN]) expect(() => index.lookupIpv4(value)).toThrow(RangeError);
    expect(() => index.lookup({ family: 4, value: 1n << 32n })).toThrow(RangeError);
    expect(() => index.lookup({ family: 6, value: 1n << 128n })).toThrow(RangeError);
    expect(() => index.lookup({ family: 6, value: -1n })).toThrow(RangeError);
  });

  it('rejects rows it cannot index', () => {
    const builder = new RangeIndexBuilder();
    const key = (text: string): Uint8Array => ipKey(ip(text));
    expect(() => builder.add(1, 4, key('192.0.2.9'), key('192.0.2.1'), 0)).toThrow(/start after end/);
    expect(() => builder.add(1, 6, key('2001:db8::9'), key('2001:db8::1'), 0)).toThrow(/start after end/);
    expect(() => builder.add(1, 4, key('::1:0:0'), key('::1:0:1'), 0)).toThrow(/beyond 32 bits/);
    expect(() => builder.add(-1, 4, key('192.0.2.0'), key('192.0.2.1'), 0)).toThrow(RangeError);
    expect(() => builder.add(1.5, 4, key('192.0.2.0'), key('192.0.2.1'), 0)).toThrow(RangeError);
    expect(() => builder.add(1, 4, new Uint8Array(4), key('192.0.2.1'), 0)).toThrow(/16 bytes/);
    expect(() => builder.add(1, 4, key('192.0.2.0'), key('192.0.2.1'), 0.5)).toThrow(/rank/);
    expect(builder.build().networks).toBe(0);
  });

  it('accepts keys that are views into a larger buffer, as SQLite row blobs may be', () => {
    const buffer = new Uint8Array(40);
    buffer.set(ipKey(ip('2001:db8::')), 3);
    buffer.set(ipKey(ip('2001:db8::ff')), 21);
    const builder = new RangeIndexBuilder();
    builder.add(1, 6, buffer.subarray(3, 19), buffer.subarray(21, 37), 0);
    expect(builder.build().lookupText('2001:db8::80')).toBe(1);
  });

  it('is immutable: rows added after build() do not change the built index', () => {
    const builder = new RangeIndexBuilder();
    builder.add(1, 4, ipKey(ip('192.0.2.0')), ipKey(ip('192.0.2.255')), 0);
    const first = builder.build();
    builder.add(2, 4, ipKey(ip('192.0.2.0')), ipKey(ip('192.0.2.15')), 0);
    const second = builder.build();
    expect(first.lookupText('192.0.2.1')).toBe(1);
    expect(first.networks).toBe(1);
    expect(second.lookupText('192.0.2.1')).toBe(2);
    expect(second.networks).toBe(2);
  });

  it('grows past its initial capacity and reports its size', () => {
    const builder = new RangeIndexBuilder();
    const count = 5000;
    // Disjoint /30s in 10.0.0.0/8 and /126s in 2001:db8::/32
    for (let i = 0; i < count; i++) {
      const v4 = ip('10.0.0.0') + BigInt(i * 8);
      builder.add(i, 4, ipKey(v4), ipKey(v4 + 3n), 0);
      const v6 = DOC_V6 + BigInt(i * 8);
      builder.add(count + i, 6, ipKey(v6), ipKey(v6 + 3n), 0);
    }
    const index = builder.build();
    expect(index.networks).toBe(2 * count);
    // Per family: a hole before, each range and the hole after it
    expect(index.segments).toBe(2 * (1 + 2 * count));
    expect(index.memoryBytes).toBeGreaterThan(0);
    expect(index.lookupText('10.0.0.0')).toBe(0);
    expect(index.lookupText('10.0.0.4')).toBe(-1);
    expect(index.lookupText(formatIp(4, ip('10.0.0.0') + BigInt((count - 1) * 8 + 3)))).toBe(count - 1);
    expect(index.lookupText('2001:db8::8')).toBe(count + 1);
    expect(index.lookupText('2001:db8::c')).toBe(-1);
  });
});
