// Issue 13, finding 2: clients that send queries and never read. The WHOIS server and the
// HTTP app run in this process over a registry whose answers are big (WHOIS about 2 MB, an RDAP
// page of 50 networks about 200 KB), so what the
// server holds for each connection can be read off its sockets: a connection is answered no
// further while more than LACAK_WRITE_BUFFER_BYTES of its output wait, and one that stays
// stuck for LACAK_WRITE_STALL_MS is closed.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/access/audit.js';
import { KeyStore } from '../../src/access/keys.js';
import type { Config } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { OutputGuard } from '../../src/net/output-guard.js';
import { LookupService } from '../../src/query/service.js';
import { openRegistryDb, type Db } from '../../src/store/db.js';
import { openStateDb } from '../../src/store/state-db.js';
import { whoisHandlerFor, type WhoisHandler } from '../../src/whois/handler.js';
import { startWhoisServer, type RunningWhois } from '../../src/whois/server.js';
import { BIG_MAINTAINER, BIG_ORGANISATION, bigMaintainerRegistry } from '../helpers/big-maintainer.js';
import { quietLog, testConfig } from '../helpers/registry.js';
import { nonReader, whoisExchange } from '../helpers/whois-client.js';

const STALL_MS = 1_500;
/** How long a test waits for the server to close its stuck connections before it gives up. */
const CLOSE_WAIT_MS = 15_000;

let registry: { path: string; cleanup: () => void };
let db: Db;
let state: Db;
let config: Config;
let output: OutputGuard;
let whois: RunningWhois;
let app: FastifyInstance;
/** Every WHOIS answer the handler worked out, with the most any server socket held unsent just before it. */
const whoisAnswers: { unsentBefore: number }[] = [];
/** Every HTTP answer, with its connection and what that connection held unsent just before it. */
const httpAnswers: { socket: Socket; unsentBefore: number }[] = [];
const whoisSockets: Socket[] = [];
const httpSockets: Socket[] = [];

const maxUnsent = (sockets: readonly Socket[]) => sockets.reduce((max, s) => Math.max(max, s.destroyed ? 0 : s.writableLength), 0);

beforeAll(async () => {
  registry = await bigMaintainerRegistry();
  db = openRegistryDb(registry.path);
  state = openStateDb(':memory:');
  config = testConfig(registry.path, { LACAK_WRITE_STALL_MS: String(STALL_MS), LACAK_RATE_EXEMPT: '127.0.0.0/8,::1' });
  const service = new LookupService(db, config, quietLog);
  output = new OutputGuard(config.output, quietLog);

  const handler = whoisHandlerFor(config, service);
  const observed = Object.create(handler) as WhoisHandler;
  observed.answer = (line, caller) => {
    whoisAnswers.push({ unsentBefore: maxUnsent(whoisSockets) });
    return handler.answer(line, caller);
  };
  whois = await startWhoisServer({ handler: observed, service, host: config.port43, limits: config.whois, log: quietLog, admit: () => null, bulkLines: 100, output }, '127.0.0.1', 0);
  whois.server.on('connection', (socket: Socket) => whoisSockets.push(socket));

  app = buildApp({ config, service, logger: quietLog, keys: new KeyStore(state), audit: new AuditLog(state, randomBytes(32)), output });
  app.addHook('onSend', async (request, _reply, payload) => {
    const socket = request.raw.socket;
    httpAnswers.push({ socket, unsentBefore: socket.writableLength });
    return payload;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  app.server.on('connection', (socket: Socket) => httpSockets.push(socket));
});

afterAll(async () => {
  await whois?.close();
  await app?.close();
  output?.close();
  db?.close();
  state?.close();
  registry?.cleanup();
});


/**
 * Waits until the server has accepted `expected` connections and closed them all, or `ms`
 * has passed; says how many are still open (0: the server closed them).
 */
async function openAfter(sockets: Socket[], expected: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  const open = () => (sockets.length < expected ? expected : sockets.filter((s) => !s.destroyed).length);
  while (open() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return open();
}

describe('clients that never read', () => {
  it('a WHOIS -k client that sends many big queries and reads nothing: answered no further past the bound, then closed', async () => {
    const answer = await whoisExchange(whois.port, `-i mnt-by ${BIG_MAINTAINER}\n`);
    const answerBytes = Buffer.byteLength(answer);
    // Each answer is big enough that a few fill the kernel's buffers and the rest would pile up.
    expect(answerBytes).toBeGreaterThan(1_500_000);
    whoisAnswers.length = 0;
    whoisSockets.length = 0;

    const CLIENTS = 8;
    const QUERIES = 20;
    const clients = Array.from({ length: CLIENTS }, () => nonReader(whois.port, `-k\n${`-i mnt-by ${BIG_MAINTAINER}\n`.repeat(QUERIES)}`));
    const stillOpen = await openAfter(whoisSockets, CLIENTS, CLOSE_WAIT_MS);
    for (const c of clients) c.destroy();
    // Of the queries (and the `-k` lines), only those whose answers fit the kernel's buffers
    // and the bound were worked out; today's server answered all 168.
    expect(whoisAnswers.length).toBeLessThan((CLIENTS * QUERIES) / 2);
    // No answer was worked out for a connection already holding more than the bound, so none
    // ever held more than the bound and one answer.
    const peak = Math.max(...whoisAnswers.map((a) => a.unsentBefore), maxUnsent(whoisSockets));
    expect(peak).toBeLessThanOrEqual(config.output.connectionBytes + answerBytes);
    // Stuck past LACAK_WRITE_STALL_MS, every one was closed, and what it held let go.
    expect(stillOpen).toBe(0);
    expect(output.unsent()).toBe(0);
    // Everyone else is still served.
    expect(Buffer.byteLength(await whoisExchange(whois.port, `-i mnt-by ${BIG_MAINTAINER}\n`))).toBe(answerBytes);
  });

  it('pipelined HTTP requests on connections that read nothing: the next answer waits until the one before has left, then the connection is closed', async () => {
    httpAnswers.length = 0;
    httpSockets.length = 0;
    const request = `GET /ips/reverse_search/entity?handle=${BIG_ORGANISATION} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    const port = (app.server.address() as { port: number }).port;

    const CLIENTS = 2;
    const REQUESTS = 60;
    const clients = Array.from({ length: CLIENTS }, () => nonReader(port, request.repeat(REQUESTS)));
    const stillOpen = await openAfter(httpSockets, CLIENTS, CLOSE_WAIT_MS);
    for (const c of clients) c.destroy();
    for (const socket of httpSockets) {
      const answers = httpAnswers.filter((a) => a.socket === socket);
      expect(answers.length).toBeGreaterThan(0);
      // Node would have worked out all 60 and kept all but the first in memory.
      expect(answers.length).toBeLessThan(REQUESTS / 2);
      // Each answer was made only once the one before had been handed to the kernel.
      for (const a of answers) expect(a.unsentBefore).toBeLessThanOrEqual(config.output.connectionBytes);
    }
    expect(stillOpen).toBe(0);
    expect(output.unsent()).toBe(0);
    // The server still answers a client that reads.
    const res = await fetch(`http://127.0.0.1:${port}/ips/reverse_search/entity?handle=${BIG_ORGANISATION}`);
    expect(res.status).toBe(200);
    expect((await res.json()) as { ipSearchResults: unknown[] }).toMatchObject({ ipSearchResults: expect.any(Array) });
  });
});
