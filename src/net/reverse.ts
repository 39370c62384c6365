// Reverse DNS zones ↔ address space: `100.51.198.in-addr.arpa` is 198.51.100.0/24, an ip6.arpa
// name of n nibbles a /4n (RFC 1035 §3.5, RFC 3596 §2.5). Classless delegations (RFC 2317,
// `0/25.2.0.192.in-addr.arpa`) name no prefix of their own: the octets around them do.
import { cidrToRange, type IpRange } from './prefix.js';

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
