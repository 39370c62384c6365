// RFC 9224 bootstrap: which registry's RDAP service is authoritative for space this registry
// does not manage, so that the RDAP server can answer 301 and the WHOIS server refer the
// client there, instead of a "not found" that reads as "unregistered". Only consulted after managed and special-purpose space (DESIGN §2): the
// IANA files list whole /8s and /12s, so documentation space such as 203.0.113.0/24 and
// 2001:db8::/32 sits inside APNIC's blocks here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LACAK_ERR, LacakError } from '../errors.js';
import { parseAsn } from '../net/asn.js';
import type { Family, IpAddress } from '../net/ip.js';
import { cidrToRange, formatCidr, parsePrefix } from '../net/prefix.js';

export interface Bootstrap {
  /** Base URLs of the service for the most specific covering entry, in file order; null when none covers. */
  serviceForAddress(address: IpAddress): string[] | null;
  serviceForAsn(asn: number): string[] | null;
  /** The newest `publication` of the three files: how current the redirects are. */
  readonly publication: string;
}

export interface IpBlock {
  readonly family: Family;
  readonly start: bigint;
  readonly end: bigint;
  readonly length: number;
}

export interface AsnBlock {
  readonly first: number;
  readonly last: number;
}

export interface BootstrapService<B> {
  readonly entries: readonly B[];
  readonly urls: readonly string[];
}

/** One validated bootstrap file, entries parsed, everything else as published. */
export interface BootstrapFile<B> {
  readonly version: string;
  readonly publication: string;
  readonly description: string | undefined;
  readonly services: readonly BootstrapService<B>[];
}

export const BOOTSTRAP_FILES = { ipv4: 'ipv4.json', ipv6: 'ipv6.json', asn: 'asn.json' } as const;

const FileSchema = z.object({
  // A different version would be a different format; guessing at it could redirect wrongly.
  version: z.literal('1.0'),
  publication: z.iso.datetime({ offset: true }),
  description: z.string().optional(),
  services: z.array(
    z.tuple([z.array(z.string().min(1)).min(1), z.array(z.url({ protocol: /^https?$/, error: 'not an http or https URL' })).min(1)]),
  ),
});

type RawFile = z.infer<typeof FileSchema>;

function configError(file: string, detail: string): LacakError {
  // Operators read this in a one-line startup failure: keep it on one line whatever zod says.
  return new LacakError(LACAK_ERR.CONFIG, `bad RDAP bootstrap file ${file}: ${detail.replace(/\s+/g, ' ')}`);
}

function readRaw(text: string, file: string): RawFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw configError(file, `not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = FileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') : '';
    throw configError(file, `${where.replace(/^\./, '') || 'top level'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function mapServices<B>(raw: RawFile, file: string, parseEntry: (entry: string) => B | string): BootstrapFile<B> {
  const services = raw.services.map(([entries, urls], i) => ({
    entries: entries.map((entry, j) => {
      const result = parseEntry(entry);
      if (typeof result === 'string') throw configError(file, `services[${i}][0][${j}]: ${result}`);
      return result;
    }),
    urls,
  }));
  return { version: raw.version, publication: raw.publication, description: raw.description, services };
}

/** Validates an ipv4.json or ipv6.json text; `file` only names it in errors. */
export function parseIpBootstrap(family: Family, text: string, file: string): BootstrapFile<IpBlock> {
  return readIpFile(family, text, file).parsed;
}

function readIpFile(family: Family, text: string, file: string): { parsed: BootstrapFile<IpBlock>; index: IpIndexEntry[] } {
  const parsed = mapServices(readRaw(text, file), file, (entry): IpBlock | string => {
    const prefix = parsePrefix(entry);
    if (!prefix.ok) return prefix.reason;
    if (prefix.cidr.family !== family) return `IPv${prefix.cidr.family} prefix "${entry}" in an IPv${family} file`;
    const range = cidrToRange(prefix.cidr);
    return { family, start: range.start, end: range.end, length: prefix.cidr.length };
  });
  return { parsed, index: buildIpIndex(parsed, file) };
}

const ASN_ENTRY = /^(\d{1,10})(?:-(\d{1,10}))?$/;

/** Validates an asn.json text; `file` only names it in errors. */
export function parseAsnBootstrap(text: string, file: string): BootstrapFile<AsnBlock> {
  return readAsnFile(text, file).parsed;
}

function readAsnFile(text: string, file: string): { parsed: BootstrapFile<AsnBlock>; index: AsnIndexEntry[] } {
  const parsed = mapServices(readRaw(text, file), file, (entry): AsnBlock | string => {
    const m = ASN_ENTRY.exec(entry);
    const first = m ? parseAsn(m[1]!) : null;
    const last = m ? (m[2] === undefined ? first : parseAsn(m[2])) : null;
    if (first === null || last === null) return `not an AS number or range: "${entry}"`;
    if (last < first) return `AS range ends before it starts: "${entry}"`;
    return { first, last };
  });
  return { parsed, index: buildAsnIndex(parsed, file) };
}

interface IpIndexEntry {
  readonly start: bigint;
  readonly end: bigint;
  /** Index of the nearest enclosing entry, -1 at top level: the way back out of a nested miss. */
  readonly parent: number;
  readonly urls: readonly string[];
}

/**
 * Entries sorted by start, shorter prefix first. The last entry starting at or before an
 * address is either the longest match or nested inside it (prefixes nest or are disjoint),
 * so a binary search plus a walk up the parents finds it without scanning.
 */
function buildIpIndex(file: BootstrapFile<IpBlock>, name: string): IpIndexEntry[] {
  const flat = file.services.flatMap((s) => s.entries.map((e) => ({ block: e, urls: s.urls })));
  flat.sort((a, b) => (a.block.start < b.block.start ? -1 : a.block.start > b.block.start ? 1 : a.block.length - b.block.length));
  const out: IpIndexEntry[] = [];
  const open: number[] = [];
  for (const { block, urls } of flat) {
    const prev = out[out.length - 1];
    if (prev && prev.start === block.start && prev.end === block.end) {
      // Two services for one block: either answer would be a guess.
      throw configError(name, `prefix listed twice: ${formatCidr(block)}`);
    }
    while (open.length > 0 && out[open[open.length - 1]!]!.end < block.start) open.pop();
    const parent = open.length > 0 ? open[open.length - 1]! : -1;
    out.push({ start: block.start, end: block.end, parent, urls });
    open.push(out.length - 1);
  }
  return out;
}

interface AsnIndexEntry {
  readonly first: number;
  readonly last: number;
  readonly urls: readonly string[];
}

function buildAsnIndex(file: BootstrapFile<AsnBlock>, name: string): AsnIndexEntry[] {
  const out = file.services
    .flatMap((s) => s.entries.map((e) => ({ first: e.first, last: e.last, urls: s.urls })))
    .sort((a, b) => a.first - b.first);
  for (let i = 1; i < out.length; i++) {
    const a = out[i - 1]!;
    const b = out[i]!;
    // AS ranges have no "more specific": an overlap is two registries claiming one number.
    if (b.first <= a.last) throw configError(name, `AS ranges overlap: ${a.first}-${a.last} and ${b.first}-${b.last}`);
  }
  return out;
}

function lookupIp(index: readonly IpIndexEntry[], value: bigint): readonly string[] | null {
  let lo = 0;
  let hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index[mid]!.start <= value) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; ) {
    const e = index[i]!;
    if (value <= e.end) return e.urls;
    i = e.parent;
  }
  return null;
}

function lookupAsn(index: readonly AsnIndexEntry[], asn: number): readonly string[] | null {
  let lo = 0;
  let hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index[mid]!.first <= asn) lo = mid + 1;
    else hi = mid;
  }
  const e = index[lo - 1];
  return e && asn <= e.last ? e.urls : null;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw configError(file, code === 'ENOENT' ? 'no such file' : `unreadable (${code ?? String(err)})`);
  }
}

/** Reads ipv4.json, ipv6.json and asn.json from `dir`; throws LacakError(CONFIG) naming the first bad file. */
export function loadBootstrap(dir: string): Bootstrap {
  const v4Path = join(dir, BOOTSTRAP_FILES.ipv4);
  const v6Path = join(dir, BOOTSTRAP_FILES.ipv6);
  const asnPath = join(dir, BOOTSTRAP_FILES.asn);
  const v4 = readIpFile(4, readText(v4Path), v4Path);
  const v6 = readIpFile(6, readText(v6Path), v6Path);
  const asns = readAsnFile(readText(asnPath), asnPath);
  const publication = [v4.parsed.publication, v6.parsed.publication, asns.parsed.publication].reduce((a, b) =>
    Date.parse(b) > Date.parse(a) ? b : a,
  );
  // Callers get copies: the index is shared by every request.
  const copy = (urls: readonly string[] | null): string[] | null => (urls ? [...urls] : null);
  return {
    publication,
    serviceForAddress: (address) => copy(lookupIp((address.family === 4 ? v4 : v6).index, address.value)),
    serviceForAsn: (asn) => copy(Number.isInteger(asn) ? lookupAsn(asns.index, asn) : null),
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * Scheme-blind: the same host and path over http and https is the same server, and
 * redirecting a client there would only bring it back.
 */
function sameService(a: string, b: string): boolean {
  try {
    const ua = new URL(withSlash(a));
    const ub = new URL(withSlash(b));
    return ua.host === ub.host && ua.pathname === ub.pathname;
  } catch {
    return withSlash(a).toLowerCase() === withSlash(b).toLowerCase();
  }
}

/**
 * The redirect target for an RDAP path (`ip/192.0.2.1`, `autnum/64496`; already
 * percent-encoded where needed) under one of `bases`: https preferred (RFC 9224 §3), else
 * the first. Null when there is no base or when any base is this server itself, which is
 * how a registry named in the bootstrap for its own space avoids redirecting to itself.
 */
export function redirectUrl(bases: readonly string[], path: string, ownBaseUrl?: string): string | null {
  const chosen = bases.find((b) => /^https:\/\//i.test(b)) ?? bases[0];
  if (chosen === undefined) return null;
  if (ownBaseUrl !== undefined && bases.some((b) => sameService(b, ownBaseUrl))) return null;
  // RFC 9224 §3 requires base URLs to end in "/", but IANA's files long listed ARIN's without it.
  return withSlash(chosen) + path.replace(/^\/+/, '');
}

/**
 * The WHOIS server of the registry behind an RDAP base URL: every RIR runs
 * `whois.<its domain>` (rdap.db.ripe.net → whois.ripe.net, rdap.apnic.net → whois.apnic.net).
 */
export function whoisHostOf(rdapBase: string): string | null {
  let host: string;
  try {
    host = new URL(rdapBase).hostname;
  } catch {
    return null;
  }
  const labels = host.split('.').filter((l) => l);
  return labels.length >= 2 ? `whois.${labels.slice(-2).join('.')}` : null;
}
