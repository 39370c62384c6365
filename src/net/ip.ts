// Address arithmetic shared by parsers, the store and the query service.
// Addresses are unsigned integers (bigint) tagged with their family; in SQLite
// they are 16-byte big-endian keys so that BLOB comparison orders them.
import { Address4, Address6 } from 'ip-address';

export type Family = 4 | 6;

export interface IpAddress {
  readonly family: Family;
  readonly value: bigint;
}

export const FAMILY_BITS: Record<Family, number> = { 4: 32, 6: 128 };
export const FAMILY_MAX: Record<Family, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Parses a bare IPv4 or IPv6 address (no prefix length, no port, no zone). */
export function parseIp(text: string): IpAddress | null {
  const t = text.trim();
  if (t.length === 0 || t.length > 45) return null;
  if (t.includes(':')) {
    if (t.includes('%') || t.includes('/')) return null;
    if (!Address6.isValid(t)) return null;
    return { family: 6, value: new Address6(t).bigInt() };
  }
  const v4 = parseIpv4Fast(t);
  return v4 < 0 ? null : { family: 4, value: BigInt(v4) };
}

/**
 * The reference IPv4 parse, by the `ip-address` library: the property tests hold
 * parseIpv4Fast equal to it. ip-address accepts some forms (leading zeros) that
 * registries never publish, so the strict dotted quad is checked first.
 */
export function parseIpv4Reference(text: string): number {
  if (!DOTTED_QUAD.test(text) || !Address4.isValid(text)) return -1;
  return Number(new Address4(text).bigInt());
}

/**
 * Hand-rolled IPv4 parser for the lookup hot path: returns the address as an
 * unsigned 32-bit number, or -1. Accepts exactly what parseIpv4Reference accepts (a
 * property test holds the two equal); padded text gets -1: parseIp trims first, and the
 * hot path gets trimmed text rather than pay for a trim on every lookup.
 */
export function parseIpv4Fast(text: string): number {
  const n = text.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let leadingZero = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 0) leadingZero = c === 48;
      else if (leadingZero) return -1;
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

export function formatIp(family: Family, value: bigint): string {
  if (family === 4) {
    const v = Number(value);
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  return Address6.fromBigInt(value).correctForm();
}

/** 16-byte big-endian key; IPv4 occupies the last four bytes (the family is stored beside it). */
export function ipKey(value: bigint): Buffer {
  const key = Buffer.alloc(16);
  key.writeBigUInt64BE(value >> 64n, 0);
  key.writeBigUInt64BE(value & 0xffff_ffff_ffff_ffffn, 8);
  return key;
}

export function ipFromKey(key: Uint8Array): bigint {
  const b = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  return (b.readBigUInt64BE(0) << 64n) | b.readBigUInt64BE(8);
}

const MAPPED_IPV4 = 0xffffn << 32n;

/** `::ffff:a.b.c.d` is an IPv4 address in IPv6 clothing (RFC 4291 §2.5.5.2): answer it as IPv4. */
export function unmapIpv4(address: IpAddress): IpAddress {
  if (address.family === 6 && address.value >> 32n === 0xffffn) return { family: 4, value: address.value - MAPPED_IPV4 };
  return address;
}

/**
 * Who a client is, for per-client limits: an IPv4 address, or an IPv6 /64 (one home or
 * phone gets a whole /64, so per-address limits would not hold anyone back).
 */
export function clientKey(remote: string): string {
  const address = parseIp(remote);
  if (!address) return remote;
  const unmapped = unmapIpv4(address);
  if (unmapped.family === 4) return formatIp(4, unmapped.value);
  return `${formatIp(6, (unmapped.value >> 64n) << 64n)}/64`;
}

/**
 * The network a client is in, for per-network limits: an IPv4 /24 or an IPv6 /48, the
 * smallest blocks commonly routed, so one holder's many addresses count together (issue 13:
 * 201 loopback addresses × 20 connections filled every slot).
 */
export function networkKey(remote: string): string {
  const address = parseIp(remote);
  if (!address) return remote;
  const unmapped = unmapIpv4(address);
  if (unmapped.family === 4) return `${formatIp(4, (unmapped.value >> 8n) << 8n)}/24`;
  return `${formatIp(6, (unmapped.value >> 80n) << 80n)}/48`;
}

export interface AddressWithPort {
  readonly address: IpAddress;
  readonly port: number | null;
}

const PORT = /^\d{1,5}$/;

/**
 * An address as investigators paste it from logs: `203.0.113.7`, `203.0.113.7:51234`,
 * `2001:db8::1`, `[2001:db8::1]:443` or `[2001:db8::1]`.
 */
export function parseAddressWithPort(text: string): AddressWithPort | null {
  const t = text.trim();
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) return null;
    const address = parseIp(t.slice(1, close));
    if (!address || address.family !== 6) return null;
    const rest = t.slice(close + 1);
    if (rest === '') return { address, port: null };
    if (!rest.startsWith(':')) return null;
    const port = parsePort(rest.slice(1));
    return port === null ? null : { address, port };
  }
  const colons = t.split(':').length - 1;
  if (colons === 1) {
    const [host, portText] = t.split(':') as [string, string];
    const address = parseIp(host);
    if (!address || address.family !== 4) return null;
    const port = parsePort(portText);
    return port === null ? null : { address, port };
  }
  const address = parseIp(t);
  return address ? { address, port: null } : null;
}

function parsePort(text: string): number | null {
  if (!PORT.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

/**
 * Text shaped like an address that does not parse as one: dotted numbers (`1.2.3.4.5`,
 * `999.1.1.1`), hex groups with colons, or an address and a port written with a space
 * (`198.51.100.41 51234`). A query like that is a mistyped address, not a name to search.
 */
export function looksLikeAddress(text: string): boolean {
  const t = text.trim();
  if (parseAddressWithPort(t)) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}\s+\d{1,5}$/.test(t)) return true;
  if (/^\d+(\.\d+){2,}(:\d*)?$/.test(t)) return true;
  return /^\[?[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,}(\.\d+)*\]?(:\d+)?$/i.test(t);
}
