// The base of every link in an RDAP answer. The Host header is the client's to choose, so it
// is never echoed as sent: `Host: evil.example` would point every link of the answer (and of
// any cache that keeps it) at evil.example. The operator names the public base
// (LACAK_BASE_URL) or the host names this server answers to (LACAK_HOSTS); any other Host
// gets the first of those names instead.
import { parseHostAndPort } from '../net/host.js';

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
