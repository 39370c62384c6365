// Ranges and CIDR prefixes. IPv4 registry ranges need not be CIDR-aligned
// (`192.0.2.0 - 192.0.2.191`), so a range is the general form and a prefix a special case.
import { FAMILY_BITS, FAMILY_MAX, formatIp, parseIp, type Family } from './ip.js';

export interface IpRange {
  readonly family: Family;
  readonly start: bigint;
  readonly end: bigint;
}

export interface Cidr {
  readonly family: Family;
  readonly start: bigint;
  readonly length: number;
}

export type RangeParse = { ok: true; range: IpRange } | { ok: false; reason: string };

/** `a.b.c.d - e.f.g.h`, `a.b.c.d` (a single address), or a CIDR prefix of either family. */
export function parseRange(text: string): RangeParse {
  const t = text.trim();
  const dash = t.indexOf('-');
  if (dash >= 0) {
    const first = parseIp(t.slice(0, dash));
    const last = parseIp(t.slice(dash + 1));
    if (!first || !last) return { ok: false, reason: `not an address range: "${t}"` };
    if (first.family !== last.family) return { ok: false, reason: `range mixes IPv4 and IPv6: "${t}"` };
    if (last.value < first.value) return { ok: false, reason: `range ends before it starts: "${t}"` };
    return { ok: true, range: { family: first.family, start: first.value, end: last.value } };
  }
  if (t.includes('/')) {
    const prefix = parsePrefix(t);
    if (!prefix.ok) return prefix;
    return { ok: true, range: cidrToRange(prefix.cidr) };
  }
  const single = parseIp(t);
  if (!single) return { ok: false, reason: `not an address or range: "${t}"` };
  return { ok: true, range: { family: single.family, start: single.value, end: single.value } };
}

export type PrefixParse = { ok: true; cidr: Cidr } | { ok: false; reason: string };

/** `192.0.2.0/24`, `2001:db8::/32`; host bits must be zero. */
export function parsePrefix(text: string): PrefixParse {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash < 0) return { ok: false, reason: `not a prefix: "${t}"` };
  const address = parseIp(t.slice(0, slash));
  const lengthText = t.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(lengthText)) return { ok: false, reason: `not a prefix: "${t}"` };
  const length = Number(lengthText);
  if (length > FAMILY_BITS[address.family]) return { ok: false, reason: `prefix length too long: "${t}"` };
  const cidr: Cidr = { family: address.family, start: address.value, length };
  if (cidrToRange(cidr).start !== address.value) return { ok: false, reason: `host bits set in prefix: "${t}"` };
  return { ok: true, cidr };
}

export function cidrToRange(cidr: Cidr): IpRange {
  const hostBits = BigInt(FAMILY_BITS[cidr.family] - cidr.length);
  const size = 1n << hostBits;
  const start = (cidr.start >> hostBits) << hostBits;
  return { family: cidr.family, start, end: start + size - 1n };
}

/** The fewest CIDR prefixes that exactly cover the range, in address order. */
export function rangeToCidrs(range: IpRange): Cidr[] {
  if (range.family === 4) return ipv4RangeToCidrs(range);
  const bits = FAMILY_BITS[range.family];
  const out: Cidr[] = [];
  let start = range.start;
  while (start <= range.end) {
    let hostBits = 0;
    while (
      hostBits < bits &&
      ((start >> BigInt(hostBits)) & 1n) === 0n &&
      start + (1n << BigInt(hostBits + 1)) - 1n <= range.end
    ) {
      hostBits++;
    }
    out.push({ family: range.family, start, length: bits - hostBits });
    const next = start + (1n << BigInt(hostBits));
    if (next > FAMILY_MAX[range.family]) break;
    start = next;
  }
  return out;
}

/** The same walk on plain numbers: exact below 2^53, and an answer renders one per request. */
function ipv4RangeToCidrs(range: IpRange): Cidr[] {
  const out: Cidr[] = [];
  const end = Number(range.end);
  let start = Number(range.start);
  while (start <= end) {
    let size = 1;
    while (size < 0x1_0000_0000 && start % (size * 2) === 0 && start + size * 2 - 1 <= end) size *= 2;
    out.push({ family: 4, start: BigInt(start), length: 32 - Math.log2(size) });
    start += size;
  }
  return out;
}

/** The range as one CIDR prefix, or null when it is not exactly one (cheaper than rangeToCidrs). */
export function singlePrefix(range: IpRange): Cidr | null {
  const size = range.end - range.start + 1n;
  if ((size & (size - 1n)) !== 0n || (range.start & (size - 1n)) !== 0n) return null;
  return { family: range.family, start: range.start, length: FAMILY_BITS[range.family] - (size.toString(2).length - 1) };
}

/** The range itself when it is one prefix, else its first prefix: how RDAP names a network's path. */
export function leadingPrefix(range: IpRange): Cidr {
  return singlePrefix(range) ?? rangeToCidrs(range)[0]!;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.family, cidr.start)}/${cidr.length}`;
}

/** RPSL primary key form: `a - b` for IPv4, `prefix/len` for IPv6 (falls back to a range if unaligned). */
export function formatRange(range: IpRange): string {
  if (range.family === 6) {
    const cidr = singlePrefix(range);
    if (cidr) return formatCidr(cidr);
  }
  return `${formatIp(range.family, range.start)} - ${formatIp(range.family, range.end)}`;
}

export function rangeContains(outer: IpRange, inner: IpRange): boolean {
  return outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end;
}
