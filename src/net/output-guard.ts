// Unsent output, per connection and in all, for both front ends (issue 13, finding 2).
// A client that sends queries and never reads made the server hold every answer it asked
// for: 20 WHOIS `-k` connections took it from 660 MB to 1,412 MB, five pipelining HTTP
// connections to 2,132 MB. Whatever a connection has not yet handed to the kernel counts
// here: a connection is answered no further while more than `connectionBytes` of it wait,
// one whose output does not drain for `stallMs` is closed, and when all connections
// together hold more than `totalBytes`, the ones stuck longest are closed until they don't.
// Per-connection bounds alone would still let thousands of connections (the WHOIS cap is
// 4,000; HTTP has none) hold a megabyte or more each; the total is what keeps memory flat.
import type { Socket } from 'node:net';
import type { OutputLimits } from '../config.js';
import type { Logger } from '../logger.js';

/**
 * A long text as bytes before it is written. A string the socket cannot take at once is
 * copied into a buffer sized for its worst case (3 bytes a character in UTF-8), so an unread
 * 2 MB answer held 6 MB, and the unsent count (characters) said 2; bytes are held once and
 * counted as they are. Short texts go as they are: the socket takes them at once, or they are small.
 */
export function asBytes(text: string): string | Buffer {
  return text.length > 16_384 ? Buffer.from(text, 'utf8') : text;
}

export class OutputGuard {
  /** Every connection of the servers that use this guard. */
  private readonly sockets = new Set<Socket>();
  /**
   * Connections whose output waits on the client (a write returned false and 'drain' has
   * not come yet), with when that began. A Map iterates in insertion order, and an entry is
   * only ever added with the current time, so the first entries are the ones stuck longest.
   */
  private readonly congested = new Map<Socket, number>();
  /**
   * Memory a connection holds besides its unsent output, by estimate: requests read and
   * waiting their turn (HTTP pipelining, WHOIS `-k` lines). First holder first.
   */
  private readonly held = new Map<Socket, number>();
  private heldTotal = 0;
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly limits: OutputLimits,
    private readonly log?: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {
    // Often enough that a stall is noticed within a quarter of its timeout (at most a second late).
    this.sweep = setInterval(() => this.closeStalled(), Math.min(1000, Math.max(10, Math.floor(limits.stallMs / 4))));
    this.sweep.unref();
  }

  /** From now on `socket` counts: call once, when the connection is accepted. */
  watch(socket: Socket): void {
    this.sockets.add(socket);
    // 'drain' means everything written so far has been handed to the kernel.
    socket.on('drain', () => this.congested.delete(socket));
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.congested.delete(socket);
      this.unhold(socket);
    });
  }

  /** After a write to `socket`: note whether it backed up, and keep the total within bounds. */
  wrote(socket: Socket): void {
    this.note(socket);
    this.keepTotal(socket);
  }

  /**
   * `bytes` more held for `socket` until release(): counted in the total, so that a
   * connection stuck with many requests waiting behind an unread answer is among those
   * closed when the total is over its bound.
   */
  hold(socket: Socket, bytes: number): void {
    if (socket.destroyed) return;
    this.held.set(socket, (this.held.get(socket) ?? 0) + bytes);
    this.heldTotal += bytes;
    this.keepTotal(null);
  }

  release(socket: Socket, bytes: number): void {
    const had = this.held.get(socket);
    if (had === undefined) return;
    const left = had - bytes;
    this.heldTotal -= Math.min(had, bytes);
    if (left > 0) this.held.set(socket, left);
    else this.held.delete(socket);
  }

  /**
   * Whether `socket` may be given its next answer: `true` at once while its unsent output is
   * within the bound; otherwise a promise of `true` once it has drained, or `false` if the
   * connection closed first (no answer should then be worked out for it at all).
   */
  room(socket: Socket): boolean | Promise<boolean> {
    if (socket.destroyed) return false;
    if (socket.writableLength <= this.limits.connectionBytes) return true;
    this.note(socket);
    return new Promise<boolean>((resolve) => {
      const settle = (ok: boolean) => {
        socket.off('drain', drained);
        socket.off('close', closed);
        resolve(ok);
      };
      const drained = () => settle(!socket.destroyed);
      const closed = () => settle(false);
      socket.on('drain', drained);
      socket.on('close', closed);
    });
  }

  /** Bytes written to the guarded connections and not yet handed to the kernel, and bytes held for them. */
  unsent(): number {
    let total = 0;
    for (const socket of this.sockets) if (!socket.destroyed) total += socket.writableLength + (this.held.get(socket) ?? 0);
    return total;
  }

  close(): void {
    clearInterval(this.sweep);
  }

  private unhold(socket: Socket): void {
    this.heldTotal -= this.held.get(socket) ?? 0;
    this.held.delete(socket);
  }

  private note(socket: Socket): void {
    if (socket.writableNeedDrain && !socket.destroyed && !this.congested.has(socket)) this.congested.set(socket, this.now());
  }

  /**
   * Closes connections until the congested ones' output and everything held come to at most
   * `totalBytes`: first those stuck longest, then those holding requests they have not had
   * answered, longest first (a read brings in some 650 pipelined HTTP requests at once,
   * before any answer could back up). Connections that are not congested hold less than a socket's
   * high-water mark (16 KiB) of output each and are not stuck: they are not counted.
   * `keep` (the one just written to) is never the one closed.
   */
  private keepTotal(keep: Socket | null): void {
    let total = this.heldTotal;
    for (const socket of this.congested.keys()) if (!socket.destroyed) total += socket.writableLength;
    if (total <= this.limits.totalBytes) return;
    for (const candidates of [this.congested.keys(), this.held.keys()]) {
      for (const socket of candidates) {
        if (total <= this.limits.totalBytes) return;
        if (socket === keep || socket.destroyed) continue;
        total -= (this.congested.has(socket) ? socket.writableLength : 0) + (this.held.get(socket) ?? 0);
        this.drop(socket, 'unsent output over the total bound');
      }
    }
  }

  /** Closes connections whose output has not drained for `stallMs`. */
  private closeStalled(): void {
    // Streamed answers (bulk) back up inside a pipe, without passing through wrote().
    for (const socket of this.sockets) this.note(socket);
    const now = this.now();
    for (const [socket, since] of this.congested) {
      if (now - since < this.limits.stallMs) break;
      this.drop(socket, 'output not read');
    }
  }

  private drop(socket: Socket, reason: string): void {
    this.congested.delete(socket);
    this.unhold(socket);
    this.log?.info({ client: socket.remoteAddress, unsent: socket.writableLength, reason }, 'connection closed');
    socket.destroy();
  }
}
