// Who answers for space this registry does not manage (DESIGN §2): the five RIRs by the names
// their data goes by (an RPSL `source:`, a delegated file's `registry` field), and the servers
// the RFC 9224 bootstrap files name. A name lacak does not know is "authority unknown", never a
// guess and never this registry.
import type { IpAddress } from '../net/ip.js';
import type { Bootstrap } from './bootstrap.js';
import { whoisHostOf } from './bootstrap.js';

/** A registry and where its servers answer. */
export interface RegistryServers {
  /** As people write it: `APNIC`, `RIPE NCC`. */
  readonly name: string;
  /** RDAP base URL, ending in `/`. */
  readonly rdap: string;
  /** WHOIS server (port 43). */
  readonly whois: string;
}

/** Published service URLs of the RIRs (IANA's bootstrap files list the same RDAP bases). */
const RIRS: readonly (RegistryServers & { readonly aliases: readonly string[] })[] = [
  { name: 'APNIC', aliases: ['APNIC'], rdap: 'https://rdap.apnic.net/', whois: 'whois.apnic.net' },
  { name: 'ARIN', aliases: ['ARIN'], rdap: 'https://rdap.arin.net/registry/', whois: 'whois.arin.net' },
  { name: 'RIPE NCC', aliases: ['RIPE', 'RIPENCC', 'RIPE-NCC', 'RIPE NCC'], rdap: 'https://rdap.db.ripe.net/', whois: 'whois.ripe.net' },
  { name: 'LACNIC', aliases: ['LACNIC'], rdap: 'https://rdap.lacnic.net/rdap/', whois: 'whois.lacnic.net' },
  { name: 'AFRINIC', aliases: ['AFRINIC'], rdap: 'https://rdap.afrinic.net/rdap/', whois: 'whois.afrinic.net' },
];

const BY_ALIAS = new Map(RIRS.flatMap((r) => r.aliases.map((a) => [a, r] as const)));

/**
 * The registry a source or delegated `registry` field names (`APNIC`, `apnic`, `ripencc`,
 * `RIPE-NONAUTH`'s `RIPE`), or null when lacak does not know it.
 */
export function registryNamed(name: string): RegistryServers | null {
  const upper = name.trim().toUpperCase();
  const found = BY_ALIAS.get(upper) ?? BY_ALIAS.get(upper.replace(/-NONAUTH$/, ''));
  return found ? { name: found.name, rdap: found.rdap, whois: found.whois } : null;
}

function host(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * The registry serving an address that nothing lacak holds covers, from the bootstrap files:
 * named by the RIR table when its RDAP host is an RIR's, else by its host.
 */
export function registryForAddress(bootstrap: Bootstrap | undefined, address: IpAddress): RegistryServers | null {
  return registryOfBases(bootstrap?.serviceForAddress(address) ?? null);
}

export function registryForAsn(bootstrap: Bootstrap | undefined, asn: number): RegistryServers | null {
  return registryOfBases(bootstrap?.serviceForAsn(asn) ?? null);
}

function registryOfBases(bases: readonly string[] | null): RegistryServers | null {
  if (!bases || bases.length === 0) return null;
  const chosen = bases.find((b) => /^https:\/\//i.test(b)) ?? bases[0]!;
  const hosts = new Set(bases.map(host).filter((h): h is string => h !== null));
  const known = RIRS.find((r) => hosts.has(host(r.rdap)!));
  if (known) return { name: known.name, rdap: known.rdap, whois: known.whois };
  const rdap = chosen.endsWith('/') ? chosen : `${chosen}/`;
  const whois = whoisHostOf(rdap);
  const name = host(rdap);
  return name && whois ? { name, rdap, whois } : null;
}
