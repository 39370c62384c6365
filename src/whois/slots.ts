// Who may hold a WHOIS connection, and who gives way (issue 13, finding 7). 4,020 idle
// connections, 20 from each of 201 loopback addresses, once filled every slot and locked
// everyone else out for the whole idle window. Now a client address and its network (IPv4
// /24, IPv6 /48) each have a cap, and at the total cap a new connection is not turned away:
// the connection that has been idle longest gives way to it.
import type { Socket } from 'node:net';
import { clientKey, networkKey } from '../net/ip.js';

export interface SlotLimits {
  readonly maxConnections: number;
  readonly maxPerClient: number;
  readonly maxPerNetwork: number;
}

/** Which cap a new connection is over, if any: its address (IPv6: /64) or its network. */
export type SlotRefusal = 'client' | 'network' | null;

export interface Admission {
  /** The client's key for per-client limits (an IPv4 address or an IPv6 /64). */
  readonly client: string;
  readonly refusal: SlotRefusal;
  /** Connections that gave way to this one, longest idle first; their slots are already free. */
  readonly evicted: readonly Socket[];
}

interface Slot {
  readonly client: string;
  readonly network: string;
  /** Counted against its client and network: until its answer is over, or it closes. */
  counted: boolean;
}

export class ConnectionSlots {
  /**
   * Open connections, longest idle first: a Map iterates in insertion order, and activity
   * moves a connection to the end (touch), so the first entry is always the one to go.
   */
  private readonly open = new Map<Socket, Slot>();
  private readonly perClient = new Map<string, number>();
  private readonly perNetwork = new Map<string, number>();

  constructor(private readonly limits: SlotLimits) {}

  get size(): number {
    return this.open.size;
  }

  /**
   * A slot for a new connection from `remote` (the socket's peer, or the client a load
   * balancer's PROXY header names). A refused connection keeps its slot until it closes, as
   * before: a client retrying in a loop stays refused while its refusals are still open.
   */
  take(socket: Socket, remote: string = socket.remoteAddress ?? 'unknown'): Admission {
    const evicted: Socket[] = [];
    while (this.open.size >= this.limits.maxConnections) {
      const oldest = this.open.keys().next().value!;
      this.release(oldest);
      evicted.push(oldest);
    }
    const slot = { client: clientKey(remote), network: networkKey(remote), counted: true };
    this.open.set(socket, slot);
    const client = increment(this.perClient, slot.client);
    const network = increment(this.perNetwork, slot.network);
    socket.once('close', () => this.release(socket));
    const refusal: SlotRefusal = client > this.limits.maxPerClient ? 'client' : network > this.limits.maxPerNetwork ? 'network' : null;
    return { client: slot.client, refusal, evicted };
  }

  /** The connection did something (a query line, reading its answer): it is the least idle now. */
  touch(socket: Socket): void {
    const slot = this.open.get(socket);
    if (!slot) return;
    this.open.delete(socket);
    this.open.set(socket, slot);
  }

  /**
   * The server has ended the connection after its answer: it no longer counts against its
   * client and network (issue 15). A client that reconnects as soon as it has read its
   * answer is often faster than the old socket's 'close' event, which used to be the first
   * moment the count went down: 0.5–1.6 % of such reconnections got %ERROR:306. The socket
   * keeps its place in the total until it closes (the grace time of endSocket bounds that).
   */
  answered(socket: Socket): void {
    const slot = this.open.get(socket);
    if (slot) this.uncount(slot);
  }

  /** Frees the connection's slot; a second call (its 'close' after it gave way) does nothing. */
  private release(socket: Socket): void {
    const slot = this.open.get(socket);
    if (!slot) return;
    this.open.delete(socket);
    this.uncount(slot);
  }

  private uncount(slot: Slot): void {
    if (!slot.counted) return;
    slot.counted = false;
    decrement(this.perClient, slot.client);
    decrement(this.perNetwork, slot.network);
  }
}

function increment(counts: Map<string, number>, key: string): number {
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  return n;
}

function decrement(counts: Map<string, number>, key: string): void {
  const n = (counts.get(key) ?? 1) - 1;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
}
