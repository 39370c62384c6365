// IANA special-purpose address registries (IPv4 and IPv6), plus multicast: space no
// registry assigns, explained to the user instead of a bare "not found".
import { cidrToRange, parsePrefix, type IpRange } from './prefix.js';
import type { IpAddress } from './ip.js';

export interface SpecialPurposeBlock {
  readonly prefix: string;
  readonly name: string;
  readonly rfc: string;
}

const BLOCKS: readonly SpecialPurposeBlock[] = [
  { prefix: '0.0.0.0/8', name: '"This network"', rfc: 'RFC 791' },
  { prefix: '10.0.0.0/8', name: 'Private-use networks', rfc: 'RFC 1918' },
  { prefix: '100.64.0.0/10', name: 'Shared address space (carrier-grade NAT)', rfc: 'RFC 6598' },
  { prefix: '127.0.0.0/8', name: 'Loopback', rfc: 'RFC 1122' },
  { prefix: '169.254.0.0/16', name: 'Link-local', rfc: 'RFC 3927' },
  { prefix: '172.16.0.0/12', name: 'Private-use networks', rfc: 'RFC 1918' },
  { prefix: '192.0.0.0/24', name: 'IETF protocol assignments', rfc: 'RFC 6890' },
  { prefix: '192.0.2.0/24', name: 'Documentation (TEST-NET-1)', rfc: 'RFC 5737' },
  { prefix: '192.31.196.0/24', name: 'AS112-v4', rfc: 'RFC 7535' },
  { prefix: '192.52.193.0/24', name: 'AMT', rfc: 'RFC 7450' },
  { prefix: '192.88.99.0/24', name: 'Deprecated 6to4 relay anycast', rfc: 'RFC 7526' },
  { prefix: '192.168.0.0/16', name: 'Private-use networks', rfc: 'RFC 1918' },
  { prefix: '192.175.48.0/24', name: 'Direct delegation AS112 service', rfc: 'RFC 7534' },
  { prefix: '198.18.0.0/15', name: 'Benchmarking', rfc: 'RFC 2544' },
  { prefix: '198.51.100.0/24', name: 'Documentation (TEST-NET-2)', rfc: 'RFC 5737' },
  { prefix: '203.0.113.0/24', name: 'Documentation (TEST-NET-3)', rfc: 'RFC 5737' },
  { prefix: '224.0.0.0/4', name: 'Multicast', rfc: 'RFC 5771' },
  { prefix: '240.0.0.0/4', name: 'Reserved', rfc: 'RFC 1112' },
  { prefix: '255.255.255.255/32', name: 'Limited broadcast', rfc: 'RFC 919' },
  { prefix: '::/128', name: 'Unspecified address', rfc: 'RFC 4291' },
  { prefix: '::1/128', name: 'Loopback address', rfc: 'RFC 4291' },
  { prefix: '::ffff:0:0/96', name: 'IPv4-mapped addresses', rfc: 'RFC 4291' },
  { prefix: '64:ff9b::/96', name: 'IPv4-IPv6 translation', rfc: 'RFC 6052' },
  { prefix: '64:ff9b:1::/48', name: 'IPv4-IPv6 translation (local use)', rfc: 'RFC 8215' },
  { prefix: '100::/64', name: 'Discard-only address block', rfc: 'RFC 6666' },
  { prefix: '2001::/32', name: 'TEREDO', rfc: 'RFC 4380' },
  { prefix: '2001:2::/48', name: 'Benchmarking', rfc: 'RFC 5180' },
  { prefix: '2001:db8::/32', name: 'Documentation', rfc: 'RFC 3849' },
  { prefix: '2001::/23', name: 'IETF protocol assignments', rfc: 'RFC 2928' },
  { prefix: '2002::/16', name: '6to4', rfc: 'RFC 3056' },
  { prefix: '3fff::/20', name: 'Documentation', rfc: 'RFC 9637' },
  { prefix: '5f00::/16', name: 'Segment routing (SRv6) SIDs', rfc: 'RFC 9602' },
  { prefix: 'fc00::/7', name: 'Unique local addresses', rfc: 'RFC 4193' },
  { prefix: 'fe80::/10', name: 'Link-local unicast', rfc: 'RFC 4291' },
  { prefix: 'ff00::/8', name: 'Multicast', rfc: 'RFC 4291' },
];

const RANGES: readonly (SpecialPurposeBlock & { range: IpRange })[] = BLOCKS.map((b) => {
  const parsed = parsePrefix(b.prefix);
  if (!parsed.ok) throw new Error(`bad special-purpose prefix ${b.prefix}`);
  return { ...b, range: cidrToRange(parsed.cidr) };
}).sort((a, b) => Number(a.range.end - a.range.start - (b.range.end - b.range.start)));

/** The most specific special-purpose block holding the address, if any. */
export function specialPurpose(address: IpAddress): SpecialPurposeBlock | null {
  for (const b of RANGES) {
    if (b.range.family === address.family && b.range.start <= address.value && address.value <= b.range.end) {
      return { prefix: b.prefix, name: b.name, rfc: b.rfc };
    }
  }
  return null;
}

const SPECIAL_ASNS: readonly (SpecialPurposeBlock & { first: number; last: number })[] = [
  { prefix: 'AS0', first: 0, last: 0, name: 'Reserved (AS 0)', rfc: 'RFC 7607' },
  { prefix: 'AS23456', first: 23456, last: 23456, name: 'AS_TRANS', rfc: 'RFC 6793' },
  { prefix: 'AS64496 - AS64511', first: 64496, last: 64511, name: 'Documentation', rfc: 'RFC 5398' },
  { prefix: 'AS64512 - AS65534', first: 64512, last: 65534, name: 'Private use', rfc: 'RFC 6996' },
  { prefix: 'AS65535', first: 65535, last: 65535, name: 'Reserved', rfc: 'RFC 7300' },
  { prefix: 'AS65536 - AS65551', first: 65536, last: 65551, name: 'Documentation', rfc: 'RFC 5398' },
  { prefix: 'AS4200000000 - AS4294967294', first: 4200000000, last: 4294967294, name: 'Private use', rfc: 'RFC 6996' },
  { prefix: 'AS4294967295', first: 4294967295, last: 4294967295, name: 'Reserved', rfc: 'RFC 7300' },
];

/** The special-purpose AS number block holding `asn`, if any (IANA special-purpose AS registry). */
export function specialPurposeAsn(asn: number): SpecialPurposeBlock | null {
  const b = SPECIAL_ASNS.find((x) => x.first <= asn && asn <= x.last);
  return b ? { prefix: b.prefix, name: b.name, rfc: b.rfc } : null;
}
