// Host names as URLs and Host headers carry them (RFC 3986 §3.2.2): a DNS name, an IPv4
// literal or a bracketed IPv6 literal, and an optional port. Used to read LACAK_HOSTS and to
// check a request's Host before any link is built from it.
import { isIPv6 } from 'node:net';

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
