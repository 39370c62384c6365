import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rangeToCidrs, singlePrefix, parseRange, formatRange, type IpRange } from '../../../src/net/prefix.js';

const v6 = fc.tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 }), fc.boolean()).map(([a, len, aligned]): IpRange => {
  const size = 1n << BigInt(128 - len);
  const start = aligned ? (a / size) * size : a;
  const end = start + size - 1n > (1n << 128n) - 1n ? (1n << 128n) - 1n : start + size - 1n;
  return { family: 6, start, end };
});

const anyRange = (family: 4 | 6) => {
  const max = family === 4 ? 0xffff_ffffn : (1n << 128n) - 1n;
  return fc.tuple(fc.bigInt({ min: 0n, max }), fc.bigInt({ min: 0n, max })).map(([a, b]): IpRange => ({ family, start: a < b ? a : b, end: a < b ? b : a }));
};

describe('prefixes', () => {
  for (const family of [4, 6] as const) {
    it(`rangeToCidrs tiles any IPv${family} range with the fewest aligned prefixes`, () => {
      const bits = family === 4 ? 32 : 128;
      fc.assert(
        fc.property(anyRange(family), (range) => {
          let next = range.start;
          for (const c of rangeToCidrs(range)) {
            const size = 1n << BigInt(bits - c.length);
            expect(c.start).toBe(next);
            expect(c.start % size).toBe(0n);
            // Maximal: the prefix one bit shorter would be misaligned or reach past the end.
            if (c.length > 0) expect(c.start % (size * 2n) !== 0n || c.start + size * 2n - 1n > range.end).toBe(true);
            next = c.start + size;
          }
          expect(next - 1n).toBe(range.end);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('singlePrefix agrees with rangeToCidrs', () => {
    fc.assert(
      fc.property(v6, (range) => {
        const cidrs = rangeToCidrs(range);
        const single = singlePrefix(range);
        expect(single).toEqual(cidrs.length === 1 ? cidrs[0] : null);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps non-aligned IPv4 ranges as ranges and lists their CIDRs', () => {
    const r = parseRange('198.51.100.0 - 198.51.100.95');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(formatRange(r.range)).toBe('198.51.100.0 - 198.51.100.95');
    expect(rangeToCidrs(r.range).map((c) => `${c.length}`)).toEqual(['26', '27']);
    expect(parseRange('198.51.100.9 - 198.51.100.1')).toMatchObject({ ok: false });
    expect(parseRange('2001:db8::/32').ok && formatRange((parseRange('2001:db8::/32') as { range: IpRange }).range)).toBe('2001:db8::/32');
  });
});
