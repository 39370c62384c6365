// The PROXY protocol's version 1 header (HAProxy's `send-proxy`) on the WHOIS port, from the
// load balancers named in LACAK_WHOIS_PROXY_FROM (issue 17): behind one, every connection comes
// from the balancer's address, and the per-client caps and rate limits would count everyone as
// one client. The header names the client; proxy-protocol-js parses it.
import type { Socket } from 'node:net';
import { V1ProxyProtocol } from 'proxy-protocol-js';

/** A v1 header is at most 107 bytes, CRLF included (the protocol's own bound). */
const MAX_V1_HEADER = 107;

export class ProxyHeaderError extends Error {}

/**
 * Reads the PROXY v1 header a connection from a load balancer starts with; what follows it is
 * put back on the socket for the connection to read as if the header had never been there.
 * `source`: the client's address (the balancer's own for `PROXY UNKNOWN`, its health checks).
 */
export function readProxyHeader(socket: Socket, timeoutMs: number): Promise<{ readonly source: string }> {
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0);
    const done = (err: Error | null, source?: string) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
      if (err) reject(err);
      else resolve({ source: source! });
    };
    const onEnd = () => done(new ProxyHeaderError('the connection ended before its PROXY header'));
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const end = seen.indexOf('\r\n');
      if (end < 0) {
        if (seen.length >= MAX_V1_HEADER) done(new ProxyHeaderError('no PROXY v1 header in the first 107 bytes'));
        return;
      }
      const header = seen.subarray(0, end + 2).toString('latin1');
      const rest = seen.subarray(end + 2);
      let source: string;
      try {
        if (header.startsWith('PROXY UNKNOWN')) source = socket.remoteAddress ?? 'unknown';
        else source = V1ProxyProtocol.parse(header).source.ipAddress;
      } catch (err) {
        done(new ProxyHeaderError(`not a PROXY v1 header: ${(err as Error).message}`));
        return;
      }
      done(null, source);
      // Put back once this reader is off the socket and it is paused: the connection reads it first.
      if (rest.length > 0) socket.unshift(rest);
    };
    const timer = setTimeout(() => done(new ProxyHeaderError(`no PROXY header within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', onData);
    socket.on('end', onEnd);
  });
}
