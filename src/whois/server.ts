// The WHOIS server (RFC 3912) on node:net. This file only frames bytes into lines and
// lines into answers: what an answer says is decided in handler.ts and cymru.ts.
import { createServer, type Server, type Socket } from 'node:net';
import type { WhoisLimits } from '../config.js';
import type { Logger } from '../logger.js';
import { asBytes, type OutputGuard } from '../net/output-guard.js';
import { ANONYMOUS } from '../policy/access.js';
import type { LookupService } from '../query/service.js';
import { bulkBanner, CymruSession, isBulkBegin, isBulkEnd } from './cymru.js';
import { errorLines, WHOIS_ERR, whoisError } from './errors.js';
import type { WhoisHandler } from './handler.js';
import { rowsReadSoFar } from '../store/rows.js';
import type { HeavyRunner } from '../offload/runner.js';
import { ConnectionSlots } from './slots.js';
import type { ParseResult } from './flags.js';
import { bulkLines, rateLimitRefusals, whoisConnections, whoisQueries } from '../metrics.js';
import type { SharedConnectionCount } from '../access/shared-counts.js';
import { rangeMatcher } from '../access/rate-limits.js';
import { readProxyHeader } from './proxy-header.js';

export interface WhoisServerDeps {
  readonly handler: WhoisHandler;
  readonly service: LookupService;
  readonly host: string;
  readonly limits: WhoisLimits;
  readonly log: Logger;
  /** Rate limit: null lets the query through, a number refuses it for that many seconds. */
  readonly admit: QueryAdmission;
  /** What an answered query cost beyond its first point (rows read, bytes returned). */
  readonly charge?: (client: string, work: { readonly rows: number; readonly bytes: number }) => void;
  /** Where queries of many objects are answered (a worker pool); absent: here. */
  readonly heavy?: HeavyRunner;
  /** Bulk lines a session may send (DESIGN §5: anonymous 100). */
  readonly bulkLines: number;
  /** Unsent output per connection and in all (issue 13): shared with the HTTP server. */
  readonly output: OutputGuard;
  /** LACAK_WHOIS_PROXY_FROM: load balancers whose connections start with a PROXY v1 header naming the client. */
  readonly proxiesFrom?: readonly string[];
  /** LACAK_REDIS_URL: the per-client connection cap counted with the other processes (issue 17). */
  readonly sharedConnections?: SharedConnectionCount | null;
  readonly now?: () => number;
}

/** Per client, per query: `null` when exempt (answered at once), else the limiter's verdict. */
export type QueryAdmission = (client: string) => Promise<number | null> | null;

/** Lines waiting while a rate-limit verdict is pending; beyond this the socket is paused. */
const QUEUE_HIGH_WATER = 256;
/** A queued line's memory besides its characters: the string's header and its slot in the queue. */
const QUEUED_LINE_OVERHEAD = 32;
const END_OF_INPUT = Symbol('end of input');

type Mode = 'first' | 'persistent' | 'bulk';

const NEWLINE = 0x0a;
const CR = 0x0d;
/** After the last answer: how long a client may take to read it and hang up. */
const CLOSE_GRACE_MS = 5_000;
/**
 * After the last answer: input beyond this is not a client waiting for its answer. Large
 * enough that a client still sending a 1 MB line reads its %ERROR:107 instead of a reset.
 */
const DISCARD_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Ends a connection with `text` and makes sure it goes away. Once the answer has left, the
 * client has the grace time to hang up; before that, one that stops reading is dropped after
 * as long without progress. Input is read and dropped meanwhile: a socket nobody reads never
 * sees the client's FIN (and never frees its slot), and closing with unread input resets the
 * connection under the answer. A client that keeps sending is cut off, not kept alive by it.
 */
function endSocket(socket: Socket, text: string | Buffer): void {
  if (socket.writableEnded) return;
  socket.end(Buffer.isBuffer(text) ? text : asBytes(text));
  const destroy = () => socket.destroy();
  socket.setTimeout(CLOSE_GRACE_MS, destroy);
  let afterFlush: NodeJS.Timeout | undefined;
  socket.once('finish', () => {
    afterFlush = setTimeout(destroy, CLOSE_GRACE_MS);
    afterFlush.unref();
  });
  socket.once('close', () => clearTimeout(afterFlush));
  let discarded = 0;
  socket.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT_BYTES) destroy();
  });
  socket.resume();
}

/** Lines as sent: each ended by LF, as RIPE's server does; no lines, no bytes. */
function textOf(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/**
 * One connection: bytes → lines (CRLF or LF, trailing blanks trimmed), each line handed
 * on in order. One query per connection unless `-k`; `begin` as the first line switches
 * to Team Cymru bulk mode until `end`.
 */
class Connection {
  private mode: Mode = 'first';
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lineNumber = 0;
  private bulk: CymruSession | null = null;
  private closed = false;
  private readonly queue: (string | typeof END_OF_INPUT)[] = [];
  private processing = false;
  /** Idle means no query line: bytes that never make a line do not keep a connection open. */
  private readonly idle: NodeJS.Timeout;
  /**
   * Until the first complete line: a connection that says nothing holds a slot only this
   * long, not the whole idle window (issue 13: idle connections locked everyone out).
   */
  private firstLine: NodeJS.Timeout | undefined;
  private awaitingDrain = false;
  /** The server is stopping (SIGTERM): a persistent connection ends after its current answer. */
  private stopping = false;

  constructor(
    private readonly socket: Socket,
    private readonly deps: WhoisServerDeps,
    private readonly client: string,
    /** Tells the slot table the connection is active (a line, or reading its answer). */
    private readonly touch: () => void,
    /** Tells the slot table the server has ended the connection: its client may open another. */
    private readonly answered: () => void,
  ) {
    this.idle = setTimeout(() => this.finish(errorLines(whoisError(WHOIS_ERR.IDLE_TIMEOUT, `Closed after ${formatDuration(deps.limits.idleMs)} without a query.`))), deps.limits.idleMs);
    this.idle.unref();
    this.firstLine = setTimeout(() => this.finish(errorLines(whoisError(WHOIS_ERR.IDLE_TIMEOUT, `Closed after ${formatDuration(deps.limits.firstLineMs)} without a complete query line.`))), deps.limits.firstLineMs);
    this.firstLine.unref();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // A client that half-closes after its query still gets the answer; one that sends
    // nothing usable gets nothing.
    socket.on('end', () => {
      // The client has said all it will: what it sent is the query, however long it took.
      clearTimeout(this.firstLine);
      if (this.pendingBytes > 0) {
        if (this.pendingBytes - (this.endsWithCr(Buffer.alloc(0)) ? 1 : 0) > deps.limits.maxLineBytes) {
          this.finishTooLong();
          return;
        }
        this.enqueue(this.takePending());
      }
      this.enqueue(END_OF_INPUT);
    });
    socket.on('error', () => this.destroy());
    socket.on('close', () => {
      this.closed = true;
      clearTimeout(this.idle);
      clearTimeout(this.firstLine);
    });
  }

  /**
   * The server is stopping: a persistent connection ends once its current answer is out (now,
   * when it waits for a query). One-query connections and bulk sessions are answered to their
   * end, as answers in flight are.
   */
  stopWhenIdle(): void {
    this.stopping = true;
    if (this.mode === 'persistent' && !this.processing && this.queue.length === 0) this.finish([]);
  }

  private receive(chunk: Buffer): void {
    const max = this.deps.limits.maxLineBytes;
    let start = 0;
    for (;;) {
      if (this.closed || this.socket.writableEnded) return;
      const at = chunk.indexOf(NEWLINE, start);
      const end = at < 0 ? chunk.length : at;
      const piece = chunk.subarray(start, end);
      const bytes = this.pendingBytes + piece.length;
      // The limit is on the query, not its terminator: a CRLF line may be as long as an LF
      // one, so before the LF arrives one more byte (a possible CR) is let in.
      const lineBytes = at < 0 ? bytes - 1 : bytes - (this.endsWithCr(piece) ? 1 : 0);
      if (lineBytes > max) {
        this.finishTooLong();
        return;
      }
      if (at < 0) {
        if (piece.length > 0) {
          this.pending.push(Buffer.from(piece));
          this.pendingBytes += piece.length;
        }
        return;
      }
      this.pending.push(piece);
      this.pendingBytes += piece.length;
      this.idle.refresh();
      clearTimeout(this.firstLine);
      this.touch();
      this.enqueue(this.takePending());
      start = at + 1;
    }
  }

  /** Whether the line so far (pending bytes, then `piece`) ends in a CR. */
  private endsWithCr(piece: Buffer): boolean {
    if (piece.length > 0) return piece[piece.length - 1] === CR;
    const last = this.pending[this.pending.length - 1];
    return last !== undefined && last[last.length - 1] === CR;
  }

  private takePending(): string {
    const line = Buffer.concat(this.pending).toString('utf8').replace(/[\r\s]+$/, '');
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }

  private enqueue(item: string | typeof END_OF_INPUT): void {
    this.queue.push(item);
    if (this.queue.length > QUEUE_HIGH_WATER) this.socket.pause();
    if (!this.processing) void this.process();
  }

  /**
   * Lines are answered strictly in order. A client the rate limit does not cover is answered
   * at once; for others each query line waits for the limiter's verdict.
   */
  private async process(): Promise<void> {
    this.processing = true;
    try {
      while (this.queue.length > 0 && !this.closed && !this.socket.writableEnded) {
        // A client that sends queries and does not read its answers gets no more of them
        // until it has read (issue 13): stop reading, and let the lines already read wait.
        const room = this.deps.output.room(this.socket);
        if (room !== true) {
          this.socket.pause();
          // The lines read and waiting count in the total, as a pipelined HTTP request does.
          const waiting = this.queue.reduce<number>((n, line) => n + (line === END_OF_INPUT ? 0 : line.length) + QUEUED_LINE_OVERHEAD, 0);
          this.deps.output.hold(this.socket, waiting);
          const ok = await room;
          this.deps.output.release(this.socket, waiting);
          if (!ok || this.closed || this.socket.writableEnded) break;
        }
        const item = this.queue.shift()!;
        if (item === END_OF_INPUT) {
          this.finish([]);
          break;
        }
        if (item.trim() !== '') {
          const verdict = this.deps.admit(this.client);
          const wait = verdict === null ? null : await verdict;
          if (wait !== null) {
            rateLimitRefusals.inc({ front: 'whois', limit: 'queries' });
            this.finish(errorLines(whoisError(WHOIS_ERR.ACCESS_DENIED, `Too many queries from ${this.client}; come back in ${wait} s. The limits are listed in "help".`)));
            break;
          }
        }
        await this.handleLine(item);
        if (this.stopping && this.mode === 'persistent') {
          this.finish([]);
          break;
        }
        if (this.queue.length <= QUEUE_HIGH_WATER && this.socket.isPaused() && !this.socket.writableNeedDrain) this.socket.resume();
      }
    } finally {
      this.processing = false;
    }
  }

  private async handleLine(line: string): Promise<void> {
    if (this.closed || this.socket.writableEnded) return;
    this.lineNumber++;
    const started = performance.now();
    const rowsBefore = rowsReadSoFar();
    if (this.mode === 'bulk') {
      if (isBulkEnd(line)) {
        this.finish([]);
        return;
      }
      let answer;
      try {
        answer = this.bulk!.line(line, this.lineNumber);
      } catch (err) {
        // Bulk clients read one line per address: the session ends rather than answer out of step.
        this.deps.log.error({ err, query: line.slice(0, 200) }, 'whois bulk line failed');
        this.finish([]);
        return;
      }
      if (answer !== null) {
        bulkLines.inc({ front: 'whois' });
        this.write([answer]);
        this.charge(rowsReadSoFar() - rowsBefore, [answer]);
      }
      return;
    }
    if (this.mode === 'first' && isBulkBegin(line)) {
      this.mode = 'bulk';
      this.bulk = new CymruSession(this.deps.service, this.deps.bulkLines);
      this.write([bulkBanner(this.deps.host, (this.deps.now ?? Date.now)())]);
      return;
    }
    // RFC 3912 clients send one line; a persistent (-k) client may send blank lines between queries.
    if (line.trim() === '' && this.mode === 'persistent') return;
    let reply;
    let rows: number;
    let read: ParseResult | undefined;
    try {
      // Many objects at once are answered in a worker (issue 13): no one query holds the thread
      // that answers everyone; the rest here, where a lookup takes a fraction of a millisecond.
      read = this.deps.handler.read(line);
      if (this.deps.heavy && this.deps.handler.isHeavy(read)) {
        const result = await this.deps.heavy.run({ kind: 'whois', line, caller: ANONYMOUS });
        if (result.kind !== 'whois') throw new Error('a WHOIS query answered as something else');
        reply = result.reply;
        rows = result.rows;
      } else {
        reply = this.deps.handler.answerRead(read, ANONYMOUS);
        rows = rowsReadSoFar() - rowsBefore;
      }
    } catch (err) {
      whoisQueries.inc({ kind: read ? queryKind(read) : 'malformed', error: String(WHOIS_ERR.INTERNAL) });
      this.deps.log.error({ err, query: line.slice(0, 200) }, 'whois query failed');
      this.finish(errorLines(whoisError(WHOIS_ERR.INTERNAL, 'The server could not answer this query.')));
      return;
    }
    if (this.closed || this.socket.writableEnded) return;
    this.charge(rows, reply.lines, reply.encoded);
    whoisQueries.inc({ kind: queryKind(read), error: errorNumberOf(reply.lines) });
    this.deps.log.info({ client: this.client, query: line.slice(0, 200), ms: Math.round(performance.now() - started) }, 'whois query');
    // A bare `-k` toggles: as the first line it opens a persistent connection and is answered
    // with the banner, as RIPE's does (`-k`, then queries, then `-k`); later it closes the
    // connection without a word, as RIPE's closes its channel.
    if (this.mode === 'persistent' && reply.keepAlive === 'toggle') {
      this.finish([]);
      return;
    }
    const answer = reply.encoded ?? reply.lines;
    if (this.mode === 'persistent' || reply.keepAlive !== 'unchanged') {
      this.mode = 'persistent';
      if (answer.length > 0) this.write(answer);
    } else {
      this.finish(answer);
    }
  }

  /** What the query cost beyond its first point, against the client's budget (access/cost.ts). */
  private charge(rows: number, lines: readonly string[], encoded?: Buffer): void {
    if (!this.deps.charge) return;
    let bytes = encoded?.length ?? 0;
    for (const l of lines) bytes += l.length + 1;
    this.deps.charge(this.client, { rows, bytes });
  }

  /** Writes an answer (its lines, or its bytes already encoded) in one write. */
  private write(answer: readonly string[] | Buffer): void {
    if (this.closed || this.socket.writableEnded) return;
    const ok = this.socket.write(Buffer.isBuffer(answer) ? answer : asBytes(textOf(answer)));
    this.deps.output.wrote(this.socket);
    // A client that reads slower than it sends (bulk): stop reading until it catches up;
    // while it reads, it is not idle. One listener however many writes wait.
    if (!ok && !this.awaitingDrain) {
      this.awaitingDrain = true;
      this.socket.pause();
      this.socket.once('drain', () => {
        this.awaitingDrain = false;
        this.idle.refresh();
        this.touch();
        this.socket.resume();
      });
    }
  }

  private finishTooLong(): void {
    this.finish(errorLines(whoisError(WHOIS_ERR.LINE_TOO_LONG, `A query line may be at most ${this.deps.limits.maxLineBytes} bytes.`)));
  }

  private finish(answer: readonly string[] | Buffer): void {
    if (this.closed || this.socket.writableEnded) return;
    clearTimeout(this.idle);
    clearTimeout(this.firstLine);
    this.pending = [];
    this.pendingBytes = 0;
    this.answered();
    endSocket(this.socket, Buffer.isBuffer(answer) ? answer : textOf(answer));
    this.deps.output.wrote(this.socket);
  }

  private destroy(): void {
    this.closed = true;
    clearTimeout(this.idle);
    clearTimeout(this.firstLine);
    this.socket.destroy();
  }
}

/** The kind of a query line, as lacak_whois_queries_total counts it. */
export function queryKind(read: ParseResult): string {
  if (!read.ok) return 'malformed';
  const { flags, key } = read.query;
  if (flags.has('i')) return 'inverse';
  if (flags.has('m') || flags.has('M')) return 'more-specific';
  return key === '' ? 'meta' : 'lookup';
}

const ERROR_LINE = /^%ERROR:(\d+)/;

/** The %ERROR number an answer carries, or "none" (a packed answer is never an error). */
export function errorNumberOf(lines: readonly string[]): string {
  for (const line of lines) {
    const m = ERROR_LINE.exec(line);
    if (m) return m[1]!;
  }
  return 'none';
}

export interface RunningWhois {
  readonly port: number;
  readonly server: Server;
  /** Stops taking connections and lets those open finish their answers; resolves when all are gone. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Closes a connection that gives way to a new one at the total cap. Its slot is free at
 * once, so the socket goes now rather than after endSocket's grace time; the line is
 * already with the kernel by then unless the client stopped reading, and then nobody reads it.
 */
function evict(socket: Socket): void {
  socket.on('error', () => undefined);
  socket.end(textOf(errorLines(whoisError(WHOIS_ERR.IDLE_TIMEOUT, 'Closed to make room for another client: this connection was the longest idle.'))));
  socket.destroy();
}

export async function startWhoisServer(deps: WhoisServerDeps, host: string, port: number): Promise<RunningWhois> {
  const slots = new ConnectionSlots(deps.limits);
  const sockets = new Set<Socket>();
  const connections = new Map<Socket, Connection>();
  let gone: (() => void) | null = null;
  // No server.maxConnections: at the cap Node drops new connections unanswered, which let
  // idle ones lock everyone out (issue 13); the slot table makes the longest idle give way.
  const fromProxy = rangeMatcher(deps.proxiesFrom ?? []);
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    if (!fromProxy(socket.remoteAddress ?? '')) return accept(socket, socket.remoteAddress ?? 'unknown');
    // A load balancer's connection: the client it stands for is in the header it starts with.
    socket.on('error', () => socket.destroy());
    readProxyHeader(socket, deps.limits.firstLineMs).then(
      ({ source }) => {
        if (!socket.destroyed) accept(socket, source);
      },
      (err: Error) => {
        deps.log.warn({ proxy: socket.remoteAddress, detail: err.message }, 'whois connection from a load balancer without a PROXY header: closed');
        socket.destroy();
      },
    );
  });
  function accept(socket: Socket, remote: string): void {
    const { client, refusal, evicted } = slots.take(socket, remote);
    for (const old of evicted) evict(old);
    sockets.add(socket);
    whoisConnections.inc();
    socket.once('close', () => {
      sockets.delete(socket);
      connections.delete(socket);
      whoisConnections.dec();
      if (sockets.size === 0) gone?.();
    });
    deps.output.watch(socket);
    const refuse = (over: 'client' | 'network') => {
      rateLimitRefusals.inc({ front: 'whois', limit: `connections-per-${over}` });
      socket.on('error', () => socket.destroy());
      const why = over === 'client' ? `At most ${deps.limits.maxPerClient} connections per client address at a time.` : `At most ${deps.limits.maxPerNetwork} connections per network (IPv4 /24, IPv6 /48) at a time.`;
      endSocket(socket, textOf(errorLines(whoisError(WHOIS_ERR.TOO_MANY_CONNECTIONS, why))));
    };
    if (refusal !== null) return refuse(refusal);
    const serveConnection = () => {
      const connection = new Connection(
        socket,
        deps,
        client,
        () => slots.touch(socket),
        () => slots.answered(socket),
      );
      connections.set(socket, connection);
      // Paused while a load balancer's PROXY header was read (and while the fleet's count was asked).
      socket.resume();
    };
    const shared = deps.sharedConnections;
    if (!shared) return serveConnection();
    // Within this process's cap: now the fleet's (what the client sends meanwhile waits in the socket).
    void shared.open(client, deps.limits.maxPerClient).then((counted) => {
      if (counted === 'over') return refuse('client');
      if (counted === 'counted') socket.once('close', () => shared.release(client));
      if (socket.destroyed) return;
      serveConnection();
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => deps.log.error({ err }, 'whois server error'));
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    port: bound,
    server,
    drain: () =>
      new Promise<void>((resolve) => {
        server.close();
        gone = resolve;
        for (const connection of connections.values()) connection.stopWhenIdle();
        if (sockets.size === 0) resolve();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
