// The bound on unread output (issue 13, finding 2) on real loopback sockets whose clients do
// not read: room per connection, the stall timeout, and the total across connections.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OutputGuard } from '../../../src/net/output-guard.js';

/** More than the kernel's buffers on loopback take for a client that does not read. */
const BIG = Buffer.alloc(48 * 1024 * 1024, 0x61);

let server: Server | undefined;
let guard: OutputGuard | undefined;
const clients: Socket[] = [];

afterEach(async () => {
  guard?.close();
  for (const c of clients) c.destroy();
  clients.length = 0;
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

/** `n` connections whose clients never read; the server's side of each, in order, watched by `guard`. */
async function nonReadingPairs(n: number, g: OutputGuard): Promise<Socket[]> {
  const accepted: Socket[] = [];
  server = createServer((s) => {
    s.on('error', () => undefined);
    g.watch(s);
    accepted.push(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  for (let i = 0; i < n; i++) {
    const c = connect(port, '127.0.0.1');
    c.pause();
    c.on('error', () => undefined);
    clients.push(c);
    await once(c, 'connect');
    while (accepted.length <= i) await new Promise((resolve) => setImmediate(resolve));
  }
  return accepted;
}

async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return done();
}

describe('OutputGuard', () => {
  it('gives a connection room while its unsent output is within the bound, and again once the client has read it', async () => {
    guard = new OutputGuard({ connectionBytes: 65_536, totalBytes: 1024 * 1024 * 1024, stallMs: 60_000 });
    const [s] = await nonReadingPairs(1, guard);
    expect(guard.room(s!)).toBe(true);
    s!.write(BIG);
    guard.wrote(s!);
    const room = guard.room(s!);
    expect(room).toBeInstanceOf(Promise);
    expect(guard.unsent()).toBeGreaterThan(65_536);
    clients[0]!.resume();
    expect(await room).toBe(true);
    expect(guard.unsent()).toBe(0);
  });

  it('answers no room, ever, for a connection that closed while it waited', async () => {
    guard = new OutputGuard({ connectionBytes: 65_536, totalBytes: 1024 * 1024 * 1024, stallMs: 60_000 });
    const [s] = await nonReadingPairs(1, guard);
    s!.write(BIG);
    const room = guard.room(s!);
    s!.destroy();
    expect(await room).toBe(false);
    expect(guard.room(s!)).toBe(false);
  });

  it('closes a connection whose output has not drained for the stall timeout', async () => {
    guard = new OutputGuard({ connectionBytes: 65_536, totalBytes: 1024 * 1024 * 1024, stallMs: 200 });
    const [stuck, fine] = await nonReadingPairs(2, guard);
    stuck!.write(BIG);
    guard.wrote(stuck!);
    fine!.write('a short answer\n');
    guard.wrote(fine!);
    expect(await until(() => stuck!.destroyed, 5_000)).toBe(true);
    // Nothing waits on the other one: it stays.
    expect(fine!.destroyed).toBe(false);
  });

  it('counts what a connection holds besides its output (requests waiting their turn) in the total', async () => {
    guard = new OutputGuard({ connectionBytes: 65_536, totalBytes: 1024 * 1024, stallMs: 60_000 });
    const [modest, greedy] = await nonReadingPairs(2, guard);
    guard.hold(modest!, 100_000);
    guard.release(modest!, 100_000);
    guard.hold(modest!, 200_000);
    expect(guard.unsent()).toBe(200_000);
    // Over the total, and neither has output backed up: the one holding since longest goes first.
    guard.hold(greedy!, 900_000);
    expect(modest!.destroyed).toBe(true);
    expect(greedy!.destroyed).toBe(false);
    guard.hold(greedy!, 900_000);
    expect(greedy!.destroyed).toBe(true);
  });

  it('keeps the unsent output of all connections within the total, closing the ones stuck longest', async () => {
    const total = 8 * 1024 * 1024;
    guard = new OutputGuard({ connectionBytes: 65_536, totalBytes: total, stallMs: 60_000 });
    const sockets = await nonReadingPairs(5, guard);
    for (const s of sockets) {
      s.write(BIG);
      guard.wrote(s);
      // What stays unsent of one write is far more than the total.
      expect(s.writableLength).toBeGreaterThan(total);
    }
    // Each write closed the ones before it; the last stays.
    expect(sockets.map((s) => s.destroyed)).toEqual([true, true, true, true, false]);
    expect(guard.unsent()).toBeLessThanOrEqual(BIG.length);
  });
});
