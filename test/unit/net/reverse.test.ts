// Reverse zone names ↔ the space they serve (RFC 1035 §3.5, RFC 3596 §2.5, RFC 2317): what GET /me
// (issue 14) looks zones up by, and how it tells a member's own zone from one around its space.
import { describe, expect, it } from 'vitest';
import { reverseZoneName, reverseZoneSpace } from '../../../src/net/reverse.js';
import { formatRange, parsePrefix } from '../../../src/net/prefix.js';

const cidr = (text: string) => {
  const parsed = parsePrefix(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.cidr;
};
const space = (name: string) => {
  const range = reverseZoneSpace(name);
  return range ? formatRange(range) : null;
};

describe('reverseZoneName', () => {
  it('names octet-aligned IPv4 prefixes and nibble-aligned IPv6 ones', () => {
    expect(reverseZoneName(cidr('198.51.100.0/24'))).toBe('100.51.198.in-addr.arpa');
    expect(reverseZoneName(cidr('198.51.0.0/16'))).toBe('51.198.in-addr.arpa');
    expect(reverseZoneName(cidr('2001:db8:100::/40'))).toBe('1.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(reverseZoneName(cidr('2001:db8:a00::/44'))).toBe('0.a.0.8.b.d.0.1.0.0.2.ip6.arpa');
  });

  it('has no name for a prefix between boundaries', () => {
    expect(reverseZoneName(cidr('198.51.100.0/26'))).toBeNull();
    expect(reverseZoneName(cidr('2001:db8::/33'))).toBeNull();
  });
});

describe('reverseZoneSpace', () => {
  it('reads RFC 2317 labels as the space they delegate', () => {
    expect(space('0/26.100.51.198.in-addr.arpa')).toBe('198.51.100.0 - 198.51.100.63');
    expect(space('64-95.100.51.198.in-addr.arpa')).toBe('198.51.100.64 - 198.51.100.95');
  });

  it('is the zone itself for an ordinary name, and the /24 around a label it cannot read', () => {
    expect(space('100.51.198.in-addr.arpa')).toBe('198.51.100.0 - 198.51.100.255');
    expect(space('1.0.8.b.d.0.1.0.0.2.ip6.arpa')).toBe('2001:db8:100::/40');
    expect(space('3/26.100.51.198.in-addr.arpa')).toBe('198.51.100.0 - 198.51.100.255');
    expect(space('example.id')).toBeNull();
  });
});
