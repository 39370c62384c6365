// The PROXY v1 header on the WHOIS port (issue 17): the client it names is the one counted,
// and what follows it reaches the connection untouched.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readProxyHeader } from '../../../src/whois/proxy-header.js';

let server: Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

/** What the server side reads from a client that sends `bytes` (in the given pieces). */
async function exchange(pieces: readonly string[], timeoutMs = 1000): Promise<{ source?: string; error?: string; after: string }> {
  return new Promise((resolve) => {
    server = createServer((socket: Socket) => {
      readProxyHeader(socket, timeoutMs).then(
        ({ source }) => {
          let after = '';
          socket.on('data', (d: Buffer) => (after += d.toString('latin1')));
          socket.on('end', () => resolve({ source, after }));
          socket.resume();
        },
        (err: Error) => {
          socket.destroy();
          resolve({ error: err.message, after: '' });
        },
      );
    });
    server.listen(0, '127.0.0.1', async () => {
      const { port } = server!.address() as { port: number };
      const client = connect(port, '127.0.0.1');
      client.on('error', () => undefined);
      for (const piece of pieces) {
        client.write(piece);
        await new Promise((r) => setTimeout(r, 20));
      }
      client.end();
    });
  });
}

describe('PROXY v1 header', () => {
  it('names the client, and leaves the query after it to the connection', async () => {
    expect(await exchange(['PROXY TCP4 198.51.100.9 192.0.2.1 40000 43\r\n203.0.113.7\r\n'])).toEqual({ source: '198.51.100.9', after: '203.0.113.7\r\n' });
    expect(await exchange(['PROXY TCP6 2001:db8::9 2001:db8::1 40000 43\r\n', 'AS64500\n'])).toEqual({ source: '2001:db8::9', after: 'AS64500\n' });
  });

  it('takes a header that arrives in pieces', async () => {
    expect(await exchange(['PROXY TCP4 198.51', '.100.9 192.0.2.1 400', '00 43\r\n-k\n'])).toEqual({ source: '198.51.100.9', after: '-k\n' });
  });

  it('answers a balancer\'s own check (UNKNOWN) as from the balancer', async () => {
    expect((await exchange(['PROXY UNKNOWN\r\n'])).source).toBe('127.0.0.1');
  });

  it('refuses a connection without a header, with a header too long, or with none in time', async () => {
    expect((await exchange(['203.0.113.7\r\n'])).error).toMatch(/not a PROXY v1 header/);
    expect((await exchange(['PROXY TCP4 ' + '1'.repeat(120)])).error).toMatch(/no PROXY v1 header in the first 107 bytes/);
    expect((await exchange([], 100)).error).toMatch(/ended before|no PROXY header within/);
  });
});
