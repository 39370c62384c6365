// Reverse DNS zones ↔ address space: `100.51.198.in-addr.arpa` is 198.51.100.0/24, an ip6.arpa
// name of n nibbles a /4n (RFC 1035 §3.5, RFC 3596 §2.5). Classless delegations (RFC 2317,
// `0/25.2.0.192.in-addr.arpa`) name no prefix of their own: the octets around them do.
import { cidrToRange, type Cidr, type IpRange } from './prefix.js';

export function reverseZoneRange(name: string): IpRange | null {
  const labels = name.trim().toLowerCase().replace(/\.$/, '').split('.');
  const suffix = labels.slice(-2).join('.');
  if (suffix === 'in-addr.arpa') {
    const octets = labels.slice(0, -2).reverse();
    // An RFC 2317 label (`0/25`, `0-127`) sits below the octets it refines.
    while (octets.length > 0 && !/^\d{1,3}$/.test(octets[octets.length - 1]!)) octets.pop();
    if (octets.length === 0 || octets.length > 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255 || (o.length > 1 && o.startsWith('0')))) return null;
    let start = 0n;
    for (let i = 0; i < 4; i++) start = (start << 8n) | BigInt(octets[i] ?? 0);
    return cidrToRange({ family: 4, start, length: octets.length * 8 });
  }
  if (suffix === 'ip6.arpa') {
    const nibbles = labels.slice(0, -2).reverse();
    if (nibbles.length === 0 || nibbles.length > 32 || nibbles.some((n) => !/^[0-9a-f]$/.test(n))) return null;
    const start = BigInt(`0x${nibbles.join('').padEnd(32, '0')}`);
    return cidrToRange({ family: 6, start, length: nibbles.length * 4 });
  }
  return null;
}

/**
 * The zone name of a prefix on an octet (IPv4) or nibble (IPv6) boundary:
 * 198.51.100.0/24 → `100.51.198.in-addr.arpa`; null for any other length.
 */
export function reverseZoneName(cidr: Cidr): string | null {
  if (cidr.family === 4) {
    if (cidr.length % 8 !== 0 || cidr.length === 0) return null;
    const octets: number[] = [];
    for (let i = 0; i < cidr.length / 8; i++) octets.push(Number((cidr.start >> BigInt(24 - 8 * i)) & 255n));
    return `${octets.reverse().join('.')}.in-addr.arpa`;
  }
  if (cidr.length % 4 !== 0 || cidr.length === 0) return null;
  const nibbles = cidr.start.toString(16).padStart(32, '0').slice(0, cidr.length / 4);
  return `${[...nibbles].reverse().join('.')}.ip6.arpa`;
}

/**
 * The space a reverse zone really serves, RFC 2317 delegations included: `0/26.100.51.198.in-addr.arpa`
 * is 198.51.100.0/26 and `64-95.100.51.198.in-addr.arpa` 198.51.100.64 - 198.51.100.95, where
 * reverseZoneRange answers the /24 around them (the zone a lookup of an address falls in).
 * Other classless labels fall back to that /24.
 */
export function reverseZoneSpace(name: string): IpRange | null {
  const around = reverseZoneRange(name);
  if (!around || around.family !== 4) return around;
  const first = name.trim().toLowerCase().split('.')[0]!;
  const slash = /^(\d{1,3})\/(\d{1,2})$/.exec(first);
  const dash = /^(\d{1,3})-(\d{1,3})$/.exec(first);
  if (slash && around.end - around.start === 255n) {
    const start = Number(slash[1]);
    const length = Number(slash[2]);
    if (start > 255 || length < 24 || length > 32) return around;
    const range = cidrToRange({ family: 4, start: around.start + BigInt(start), length });
    return range.start === around.start + BigInt(start) ? range : around;
  }
  if (dash && around.end - around.start === 255n) {
    const [a, b] = [Number(dash[1]), Number(dash[2])];
    if (a > b || b > 255) return around;
    return { family: 4, start: around.start + BigInt(a), end: around.start + BigInt(b) };
  }
  return around;
}
