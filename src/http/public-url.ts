// The base of every link in an RDAP answer. The Host header is the client's to choose, so it
// is never echoed as sent: `Host: evil.example` would point every link of the answer (and of
// any cache that keeps it) at evil.example. The operator names the public base
// (LACAK_BASE_URL) or the host names this server answers to (LACAK_HOSTS); any other Host
// gets the first of those names instead.
import { isIPv6 } from 'node:net';

/** What the rule needs of the configuration (`Config` has these fields). */
export interface PublicUrlSettings {
  readonly baseUrl: string | undefined;
  /** Host names as `name`, `name:port`, `[v6]` or `[v6]:port`. */
  readonly acceptedHosts: readonly string[];
  readonly httpPort: number;
}

/** How a request arrived: Fastify's `request.protocol` and `request.host` (X-Forwarded-* only from trusted proxies). */
export interface RequestOrigin {
  readonly protocol: string | undefined;
  readonly host: string | undefined;
}

export interface HostAndPort {
  /** Lower case; an IPv6 literal keeps its brackets, as in a URL. */
  readonly name: string;
  readonly port: number | undefined;
}

// RFC 3986 §3.2.2 host (a DNS name, an IPv4 literal, a bracketed IPv6 literal) and an optional
// port: nothing else may reach a link, not even a userinfo `@` or a path.
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_AND_PORT = new RegExp(`^(${LABEL}(?:\\.${LABEL})*|\\[[0-9a-f:.]+\\])(?::(\\d{1,5}))?$`, 'i');

/**
 * `rdap.example.id:8080` → {name, port}; a bare IPv6 address (a setting, not a Host header)
 * is taken as `[address]`; anything else is null. Names come out as a URL writes them, so
 * `127.1`, `LOCALHOST` and `[0::1]` compare equal to `127.0.0.1`, `localhost` and `[::1]`.
 */
export function parseHostAndPort(text: string): HostAndPort | null {
  // A zone (`fe80::1%eth0`) is no part of a URL, hence the character test before isIPv6.
  const bareIPv6 = /^[0-9a-f:.]+$/i.test(text) && isIPv6(text);
  const m = HOST_AND_PORT.exec(bareIPv6 ? `[${text}]` : text);
  if (!m) return null;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && port > 65535) return null;
  const name = urlHostName(m[1]!);
  return name === null ? null : { name, port };
}

/** The host as the URL parser writes it; null for what no URL may hold (`999.1.1.1`, a bad IPv6 literal). */
function urlHostName(host: string): string | null {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return null;
  }
}

/** A setting's host entry in the form stored and compared. */
export function formatHostAndPort({ name, port }: HostAndPort): string {
  return port === undefined ? name : `${name}:${port}`;
}

// The accepted names of each list, parsed once rather than on every answer.
const namesOfList = new WeakMap<readonly string[], ReadonlySet<string>>();

function acceptedNames(entries: readonly string[]): ReadonlySet<string> {
  let names = namesOfList.get(entries);
  if (!names) {
    names = new Set(entries.flatMap((entry) => parseHostAndPort(entry)?.name ?? []));
    namesOfList.set(entries, names);
  }
  return names;
}

/** `http://name:port/`, without the port when it is the scheme's own (as URL writes it). */
function originUrl(protocol: 'http' | 'https', name: string, port: number | undefined): string {
  return new URL(`${protocol}://${name}${port === undefined ? '' : `:${port}`}/`).href;
}

/** Where links go when the request's Host is not one of ours: the first accepted name on the HTTP port, else localhost. */
export function fallbackBaseUrl(settings: PublicUrlSettings): string {
  const first = settings.acceptedHosts.length > 0 ? parseHostAndPort(settings.acceptedHosts[0]!) : null;
  return first ? originUrl('http', first.name, first.port ?? settings.httpPort) : originUrl('http', 'localhost', settings.httpPort);
}

/**
 * The base URL (ending in `/`) for links in an answer to this request: LACAK_BASE_URL when set;
 * else the request's own scheme and Host when the Host's name (any port) is accepted; else the
 * fallback. Never a Host the operator did not name.
 */
export function publicBaseUrl(settings: PublicUrlSettings, origin: RequestOrigin): string {
  if (settings.baseUrl) return settings.baseUrl.endsWith('/') ? settings.baseUrl : `${settings.baseUrl}/`;
  const asked = parseHostAndPort(origin.host ?? '');
  const protocol = origin.protocol === 'http' || origin.protocol === 'https' ? origin.protocol : null;
  if (asked && protocol && acceptedNames(settings.acceptedHosts).has(asked.name)) {
    return originUrl(protocol, asked.name, asked.port);
  }
  return fallbackBaseUrl(settings);
}
