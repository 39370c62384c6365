// Issue 13, finding 7: WHOIS connection slots. 4,020 idle connections, 20 from each of 201
// loopback addresses, once locked everyone else out for the whole idle window. Linux routes
// all of 127.0.0.0/8 to the loopback interface, so each client here binds its own 127.x.y.z
// address and the server sees many clients and networks.
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const MAX_CONNECTIONS = 40;
const MAX_PER_CLIENT = 4;
const MAX_PER_NETWORK = 10;
const FIRST_LINE_MS = 1_000;
/** Long, so that only the first-line timeout or giving way can close a connection here. */
const IDLE_MS = 120_000;
const HOLDER = /^inetnum:\s+198\.51\.100\.40 - 198\.51\.100\.43$/m;

const tmp = tempDir();
let server: ServerProcess;
const opened: Client[] = [];

beforeAll(async () => {
  const db = join(tmp.dir, 'registry.sqlite');
  await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
  server = await startServer(CLI, {
    LACAK_DB: db,
    LACAK_WHOIS_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
    LACAK_WHOIS_MAX_PER_CLIENT: String(MAX_PER_CLIENT),
    LACAK_WHOIS_MAX_PER_NETWORK: String(MAX_PER_NETWORK),
    LACAK_WHOIS_FIRST_LINE_MS: String(FIRST_LINE_MS),
    LACAK_WHOIS_IDLE_MS: String(IDLE_MS),
    LACAK_RATE_EXEMPT: '127.0.0.0/8,::1',
  });
});
afterAll(async () => {
  for (const c of opened) c.socket.destroy();
  await server?.stop();
  tmp.cleanup();
});

interface Client {
  readonly socket: Socket;
  text(): string;
  isClosed(): boolean;
}

/** Polls `done` until it holds or `ms` has passed; says whether it held. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** A connection from `localAddress`, reading everything the server sends. */
function open(localAddress: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port: server.whoisPort, host: '127.0.0.1', localAddress });
    let text = '';
    let closed = false;
    socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => (closed = true));
    const client = { socket, text: () => text, isClosed: () => closed };
    opened.push(client);
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}

/** A `-k` connection that has had one answer and now sits idle; or whatever the server said instead. */
async function persistent(localAddress: string): Promise<Client> {
  const client = await open(localAddress);
  client.socket.write('-k\n-r 198.51.100.41\n');
  await until(() => HOLDER.test(client.text()) || client.isClosed() || client.text().includes('%ERROR:'), 5_000);
  return client;
}

const errorCodes = (text: string) => [...text.matchAll(/^%ERROR:(\d+):/gm)].map((m) => Number(m[1]));

async function closeAll(clients: readonly Client[]): Promise<void> {
  for (const c of clients) c.socket.destroy();
  await until(() => clients.every((c) => c.isClosed()), 5_000);
  // The server's side of each closes a moment later; its counts follow its 'close' events.
  await new Promise((resolve) => setTimeout(resolve, 200));
}

describe('WHOIS connection slots', () => {
  it('caps connections per IPv4 /24: the one beyond it is refused with %ERROR:306, another /24 is not', async () => {
    const held = [
      ...(await Promise.all(Array.from({ length: MAX_PER_CLIENT }, () => persistent('127.20.0.1')))),
      ...(await Promise.all(Array.from({ length: MAX_PER_CLIENT }, () => persistent('127.20.0.2')))),
      ...(await Promise.all(Array.from({ length: MAX_PER_NETWORK - 2 * MAX_PER_CLIENT }, () => persistent('127.20.0.3')))),
    ];
    expect(held).toHaveLength(MAX_PER_NETWORK);
    for (const c of held) expect(c.text()).toMatch(HOLDER);
    // A fourth address in the same /24, with no connection of its own yet.
    const refused = await persistent('127.20.0.4');
    await until(() => refused.isClosed(), 5_000);
    expect(errorCodes(refused.text())).toEqual([306]);
    expect(refused.text()).toContain(`% At most ${MAX_PER_NETWORK} connections per network (IPv4 /24, IPv6 /48) at a time.`);
    expect(refused.text()).not.toMatch(HOLDER);
    const elsewhere = await persistent('127.21.0.1');
    expect(elsewhere.text()).toMatch(HOLDER);
    await closeAll([...held, refused, elsewhere]);
  });

  it('closes a connection that sends no complete query line within LACAK_WHOIS_FIRST_LINE_MS with %ERROR:305', async () => {
    const silent = await open('127.30.0.1');
    const partial = await open('127.30.0.2');
    partial.socket.write('-r 198.51');
    const keeping = await persistent('127.30.0.3');
    expect(keeping.text()).toMatch(HOLDER);
    // Bounded by the idle timeout's tenth, not by how fast: the idle timeout would close them only after IDLE_MS.
    expect(await until(() => silent.isClosed() && partial.isClosed(), IDLE_MS / 10)).toBe(true);
    for (const c of [silent, partial]) {
      expect(errorCodes(c.text())).toEqual([305]);
      expect(c.text()).toContain('without a complete query line');
    }
    // A connection that sent its line in time is idle, not silent: still open, still answering.
    expect(keeping.isClosed()).toBe(false);
    const before = keeping.text().length;
    keeping.socket.write('-r 198.51.100.41\n');
    await until(() => HOLDER.test(keeping.text().slice(before)), 5_000);
    expect(keeping.text().slice(before)).toMatch(HOLDER);
    await closeAll([silent, partial, keeping]);
  });

  it('does not let idle connections from many addresses lock out a new client: the longest idle gives way', async () => {
    // 7 networks × 3 addresses × 3 connections = 63, each within its caps, far over the total.
    const order: Client[] = [];
    for (let network = 1; network <= 7; network++) {
      for (let host = 1; host <= 3; host++) {
        for (let i = 0; i < 3; i++) order.push(await persistent(`127.40.${network}.${host}`));
      }
    }
    // A new client: answered, not turned away.
    const newcomer = await open('127.0.0.1');
    newcomer.socket.write('-r 198.51.100.41\n');
    expect(await until(() => newcomer.isClosed(), 5_000)).toBe(true);
    expect(newcomer.text()).toMatch(HOLDER);

    // The oldest gave way, in the order they fell idle, each told why; the newest are all open.
    const gaveWay = order.length + 1 - MAX_CONNECTIONS;
    await until(() => order.filter((c) => c.isClosed()).length >= gaveWay, 5_000);
    const closed = order.map((c) => c.isClosed());
    const firstOpen = closed.indexOf(false);
    expect(firstOpen).toBeGreaterThanOrEqual(gaveWay);
    expect(closed.slice(firstOpen).every((c) => !c)).toBe(true);
    for (const c of order.slice(0, firstOpen)) {
      expect(c.text()).toMatch(HOLDER);
      expect(errorCodes(c.text())).toEqual([305]);
      expect(c.text()).toContain('Closed to make room for another client');
    }
    // Every connection got its answer before the total was reached: none was refused outright.
    for (const c of order) expect(c.text()).toMatch(HOLDER);
    // And the newest still answers.
    const last = order[order.length - 1]!;
    const before = last.text().length;
    last.socket.write('-r 198.51.100.41\n');
    await until(() => HOLDER.test(last.text().slice(before)), 5_000);
    expect(last.text().slice(before)).toMatch(HOLDER);
    await closeAll(order);
  });
});
