// HTTP/1.1 pipelining with a bound (issue 13, finding 2). Node's server parses every request
// a read brings in and emits each at once; it stops reading while a socket's writes wait,
// but the requests already parsed are answered anyway, and the answers of all but the first
// wait in memory until the socket is free. Five connections × 100 pipelined reverse searches,
// never read, took the server to 2,132 MB. Node's own settings do not bound this:
// `maxRequestsPerSocket` counts requests, not unsent bytes; `requestTimeout` and
// `headersTimeout` end once a request has arrived; `server.maxConnections` refuses new
// connections and frees nothing. So here a request reaches Fastify only once the answer
// before it on the same connection has left and the connection's unsent output is within
// bounds; the OutputGuard closes connections that stay stuck.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { asBytes, type OutputGuard } from '../net/output-guard.js';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

interface Line {
  /** Settles when the latest answer on the connection has left (or never will). */
  last: Promise<void>;
  /** Requests on the connection whose answers have not left yet. */
  busy: number;
  /** Settles when the connection closes: answers queued behind a dead one never finish. */
  readonly closed: Promise<void>;
}

/**
 * What one request waiting its turn holds, Node's request and response: 2.1 KB measured
 * (12,960 waiting on 20 connections: 26 MB of heap). One read brings in up to 64 KiB of
 * requests, some 650 of them, so they count in the total.
 */
const WAITING_REQUEST_BYTES = 2_200;

export function registerOutputBackpressure(app: FastifyInstance, guard: OutputGuard): void {
  app.server.on('connection', (socket: Socket) => guard.watch(socket));

  // Fastify answers through the one 'request' listener it gave its server. Called only when
  // the request's turn comes, it makes nothing (no request, reply or logger of its own, no
  // hook) for requests that wait, nor for those whose connection closes while they wait.
  const fastify = app.server.listeners('request') as RequestListener[];
  if (fastify.length !== 1) throw new Error(`expected Fastify's one request listener on its server, found ${fastify.length}`);
  const answer = fastify[0]!;
  app.server.removeListener('request', answer);

  const lines = new WeakMap<Socket, Line>();
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    let line = lines.get(socket);
    if (!line) {
      line = { last: Promise.resolve(), busy: 0, closed: new Promise<void>((resolve) => socket.once('close', () => resolve())) };
      lines.set(socket, line);
    }
    const before = line.last;
    const waits = line.busy > 0;
    const current = line;
    current.busy++;
    // 'finish' comes once the last byte is with the kernel, then 'close'; 'close' alone if
    // the answer never leaves. Counted once.
    line.last = new Promise<void>((resolve) => {
      let left = false;
      const done = () => {
        if (!left) current.busy--;
        left = true;
        resolve();
      };
      res.once('finish', done);
      res.once('close', done);
    });
    // 'prefinish': the whole answer has just been handed to the socket.
    res.once('prefinish', () => guard.wrote(socket));
    // Nobody would read the answer: nothing is worked out and nothing is sent.
    const go = (ok: boolean) => {
      if (ok) answer.call(app.server, req, res);
    };
    if (!waits) {
      const room = guard.room(socket);
      if (typeof room === 'boolean') go(room);
      else void room.then(go);
      return;
    }
    guard.hold(socket, WAITING_REQUEST_BYTES);
    void Promise.race([before, line.closed])
      .then(() => {
        guard.release(socket, WAITING_REQUEST_BYTES);
        return guard.room(socket);
      })
      .then(go);
  });

  // Before any other onSend hook (this one is registered first): none of them needs a string.
  app.addHook('onSend', async (_request, _reply, payload) => (typeof payload === 'string' ? asBytes(payload) : payload));
}
