// Used and free space of a member's network (GET /me, issue 14): spaceOf over the spans of the
// networks inside it, as the store streams them (by start). IPv4 in addresses, on any range;
// IPv6 in /64s; overlaps and nesting counted once.
import { describe, expect, it } from 'vitest';
import { spaceOf } from '../../../src/query/member-report.js';
import { parseRange, type IpRange } from '../../../src/net/prefix.js';

const r = (text: string): IpRange => {
  const parsed = parseRange(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.range;
};
const spans = (...texts: string[]) => texts.map(r).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));

describe('spaceOf', () => {
  it('counts the addresses of an unaligned IPv4 range, nothing used', () => {
    expect(spaceOf(r('192.0.2.10 - 192.0.2.209'), [])).toEqual({ unit: 'address', total: 200n, used: 0n, free: 200n });
  });

  it('counts overlapping and nested customer networks once', () => {
    const used = spans('192.0.2.10 - 192.0.2.29', '192.0.2.12 - 192.0.2.15', '192.0.2.25 - 192.0.2.44', '192.0.2.200 - 192.0.2.209');
    expect(spaceOf(r('192.0.2.10 - 192.0.2.209'), used)).toEqual({ unit: 'address', total: 200n, used: 45n, free: 155n });
  });

  it('joins networks that touch without double counting the seam', () => {
    expect(spaceOf(r('192.0.2.0/24'), spans('192.0.2.0 - 192.0.2.9', '192.0.2.10 - 192.0.2.19')).used).toBe(20n);
  });

  it('counts only what lies inside the range', () => {
    expect(spaceOf(r('192.0.2.0/25'), spans('192.0.2.100 - 192.0.2.200')).used).toBe(28n);
  });

  it('counts IPv6 in /64s, a partly used /64 as used', () => {
    const used = spans('2001:db8:a00::/48', '2001:db8:a00:1::/64', '2001:db8:a01::/56', '2001:db8:a02:5::100/120', '2001:db8:a02:5::200/120');
    const total = 1n << 24n;
    expect(spaceOf(r('2001:db8:a00::/40'), used)).toEqual({ unit: '/64', total, used: 65_536n + 256n + 1n, free: total - 65_793n });
  });

  it('counts addresses in an IPv6 network smaller than a /64', () => {
    expect(spaceOf(r('2001:db8::/120'), spans('2001:db8::/126'))).toEqual({ unit: 'address', total: 256n, used: 4n, free: 252n });
  });
});
