// The WHOIS server (RFC 3912) on node:net. This file only frames bytes into lines and
// lines into answers: what an answer says is decided in handler.ts and cymru.ts.
import { createServer, type Server, type Socket } from 'node:net';
import type { WhoisLimits } from '../config.js';
import { clientKey } from '../net/ip.js';
import type { Logger } from '../logger.js';
import { ANONYMOUS } from '../policy/access.js';
import type { LookupService } from '../query/service.js';
import { bulkBanner, CymruSession, isBulkBegin, isBulkEnd } from './cymru.js';
import { errorLines, WHOIS_ERR, whoisError } from './errors.js';
import type { WhoisHandler } from './handler.js';

export interface WhoisServerDeps {
  readonly handler: WhoisHandler;
  readonly service: LookupService;
  readonly host: string;
  readonly limits: WhoisLimits;
  readonly log: Logger;
  /** Rate limit: null lets the query through, a number refuses it for that many seconds. */
  readonly admit: QueryAdmission;
  /** Bulk lines a session may send (DESIGN §5: anonymous 100). */
  readonly bulkLines: number;
  readonly now?: () => number;
}

/** Per client, per query: `null` when exempt (answered at once), else the limiter's verdict. */
export type QueryAdmission = (client: string) => Promise<number | null> | null;

/** Lines waiting while a rate-limit verdict is pending; beyond this the socket is paused. */
const QUEUE_HIGH_WATER = 256;
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
function endSocket(socket: Socket, text: string): void {
  if (socket.writableEnded) return;
  socket.end(text);
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

  constructor(
    private readonly socket: Socket,
    private readonly deps: WhoisServerDeps,
    private readonly client: string,
  ) {
    this.idle = setTimeout(() => this.finish(errorLines(whoisError(WHOIS_ERR.IDLE_TIMEOUT, `Closed after ${formatDuration(deps.limits.idleMs)} without a query.`))), deps.limits.idleMs);
    this.idle.unref();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // A client that half-closes after its query still gets the answer; one that sends
    // nothing usable gets nothing.
    socket.on('end', () => {
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
    });
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
        const item = this.queue.shift()!;
        if (item === END_OF_INPUT) {
          this.finish([]);
          break;
        }
        if (item.trim() !== '') {
          const verdict = this.deps.admit(this.client);
          const wait = verdict === null ? null : await verdict;
          if (wait !== null) {
            this.finish(errorLines(whoisError(WHOIS_ERR.ACCESS_DENIED, `Too many queries from ${this.client}; come back in ${wait} s. The limits are listed in "help".`)));
            break;
          }
        }
        this.handleLine(item);
        if (this.queue.length <= QUEUE_HIGH_WATER && this.socket.isPaused() && !this.socket.writableNeedDrain) this.socket.resume();
      }
    } finally {
      this.processing = false;
    }
  }

  private handleLine(line: string): void {
    if (this.closed || this.socket.writableEnded) return;
    this.lineNumber++;
    const started = performance.now();
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
      if (answer !== null) this.write([answer]);
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
    try {
      reply = this.deps.handler.answer(line, ANONYMOUS);
    } catch (err) {
      this.deps.log.error({ err, query: line.slice(0, 200) }, 'whois query failed');
      this.finish(errorLines(whoisError(WHOIS_ERR.INTERNAL, 'The server could not answer this query.')));
      return;
    }
    this.deps.log.info({ client: this.client, query: line.slice(0, 200), ms: Math.round(performance.now() - started) }, 'whois query');
    // A bare `-k` toggles: as the first line it opens a persistent
    // connection, as RIPE's does (`-k`, then queries, then `-k`); later it closes it.
    const persistent = this.mode === 'persistent' ? reply.keepAlive !== 'toggle' : reply.keepAlive !== 'unchanged';
    if (persistent) {
      this.mode = 'persistent';
      if (reply.lines.length > 0) this.write(reply.lines);
    } else {
      this.finish(reply.lines);
    }
  }

  private write(lines: readonly string[]): void {
    if (this.closed || this.socket.writableEnded) return;
    const ok = this.socket.write(textOf(lines));
    // A client that reads slower than it sends (bulk): stop reading until it catches up;
    // while it reads, it is not idle.
    if (!ok) {
      this.socket.pause();
      this.socket.once('drain', () => {
        this.idle.refresh();
        this.socket.resume();
      });
    }
  }

  private finishTooLong(): void {
    this.finish(errorLines(whoisError(WHOIS_ERR.LINE_TOO_LONG, `A query line may be at most ${this.deps.limits.maxLineBytes} bytes.`)));
  }

  private finish(lines: readonly string[]): void {
    if (this.closed || this.socket.writableEnded) return;
    clearTimeout(this.idle);
    this.pending = [];
    this.pendingBytes = 0;
    endSocket(this.socket, textOf(lines));
  }

  private destroy(): void {
    this.closed = true;
    clearTimeout(this.idle);
    this.socket.destroy();
  }
}

export interface RunningWhois {
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startWhoisServer(deps: WhoisServerDeps, host: string, port: number): Promise<RunningWhois> {
  const perClient = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    const client = clientKey(socket.remoteAddress ?? 'unknown');
    const open = (perClient.get(client) ?? 0) + 1;
    perClient.set(client, open);
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      const left = (perClient.get(client) ?? 1) - 1;
      if (left <= 0) perClient.delete(client);
      else perClient.set(client, left);
    });
    if (open > deps.limits.maxPerClient) {
      socket.on('error', () => socket.destroy());
      endSocket(socket, textOf(errorLines(whoisError(WHOIS_ERR.TOO_MANY_CONNECTIONS, `At most ${deps.limits.maxPerClient} connections per client address at a time.`))));
      return;
    }
    new Connection(socket, deps, client);
  });
  server.maxConnections = deps.limits.maxConnections;
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
