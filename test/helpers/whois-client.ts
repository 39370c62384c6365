// Plain TCP clients of the WHOIS port for end-to-end tests, as RFC 3912 describes them: write
// the query, read until the server closes.
import { connect, type Socket } from 'node:net';

/** Writes `payload` (the query lines, with their line ends) and resolves with all the server said. */
export function whoisExchange(port: number, payload: string, localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.write(payload);
  });
}

/** A client that writes `payload` and then never reads (its socket paused). */
export function nonReader(port: number, payload: string): Socket {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.pause();
  socket.on('error', () => undefined);
  socket.write(payload);
  return socket;
}
