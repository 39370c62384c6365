// Current WHOIS answers to a plain address, packed ahead of time (issue 15). A WHOIS answer
// holds the network and its routing view, so it is the same for every address with the same
// chain of networks and the same covering routes: one answer per such pair, rendered by the
// handler itself (the same code as any query) and encoded with one hole, the instant, which
// both "stands at" and "Served at" lines give. Blocks that answers share (organisations,
// contacts, routes, the banner and trailer) are stored once.
import { formatIp } from '../net/ip.js';
import type { RangeIndex } from '../index/range-index.js';
import { PIECE_HOLE, PackBuilder, PackedAnswers, type PackedData } from '../encoded/packed.js';
import { cutHoles, literalPattern } from '../encoded/template.js';
import { answerHoldsForChain, type LookupService } from '../query/service.js';
import { formatInstant } from '../query/time.js';
import type { EncodedWhoisAnswers, WhoisHandler } from './handler.js';

/** The one request hole of a WHOIS answer. */
const INSTANT_HOLE = 0;

/** A pack and the pairs (chain node, route node) it answers, sorted, for a binary search. */
export interface WhoisPackData {
  readonly packed: PackedData;
  /** pairKey(chain node, route node), ascending. */
  readonly pairKeys: Float64Array;
  /** The answer piece of each pair. */
  readonly pairPieces: Int32Array;
  /** Route chain nodes of the index the pack was made for (pairKey's radix). */
  readonly routeNodes: number;
}

function pairKey(node: number, routeNode: number, routeNodes: number): number {
  return node * (routeNodes + 1) + (routeNode + 1);
}

/**
 * Each pair (network chain node, route chain node) that some stretch of addresses has, with
 * the first address of the first such stretch: the two indexes' segments merged.
 */
function* chainPairs(networks: RangeIndex, routes: RangeIndex): Generator<{ readonly text: string; readonly node: number; readonly routeNode: number }> {
  const a = networks.spans();
  const b = routes.spans();
  let x = a.next();
  let y = b.next();
  let node = -1;
  let routeNode = -1;
  const before = (p: { family: number; start: bigint }, q: { family: number; start: bigint }) => p.family < q.family || (p.family === q.family && p.start <= q.start);
  while (!x.done || !y.done) {
    const at = x.done ? y.value! : y.done ? x.value : before(x.value, y.value) ? x.value : y.value;
    const { family, start } = at;
    if (!x.done && x.value.family === family && x.value.start === start) {
      node = x.value.node;
      x = a.next();
    }
    if (!y.done && y.value.family === family && y.value.start === start) {
      routeNode = y.value.node;
      y = b.next();
    }
    if (node >= 0) yield { text: formatIp(family as 4 | 6, start), node, routeNode };
  }
}

/** Whether a block of an answer recurs in others (kept once) or is this answer's own. */
function sharedBlock(firstLine: string): boolean {
  if (/^(inetnum|inet6num):/.test(firstLine)) return false;
  // "% Information related to ..." and the holder's own `%` lines name this network.
  return !firstLine.startsWith('%') || firstLine.startsWith('% Answer as the registry');
}

/**
 * Packs the WHOIS answer of every pair, until the pack holds `maxBytes`. `handler` and
 * `service` must tell time by `instant` (its text is what the hole is cut at).
 */
export function packWhoisAnswers(service: LookupService, handler: WhoisHandler, registry: string, instant: number, maxBytes: number): { readonly data: WhoisPackData; readonly answers: number } {
  const index = service.builtIndex;
  const builder = new PackBuilder(0);
  const mark = literalPattern([formatInstant(instant)]);
  const cut = (text: string) => cutHoles(text, mark, () => INSTANT_HOLE);
  const pairs = new Map<number, number>();
  const routeNodes = index.routes.chainNodes;
  for (const { text, node, routeNode } of chainPairs(index.index, index.routes)) {
    if (builder.size >= maxBytes) break;
    const key = pairKey(node, routeNode, routeNodes);
    if (pairs.has(key)) continue;
    const outcome = service.lookupAddress(text, {});
    if (outcome.kind !== 'ok' || !answerHoldsForChain(outcome.value, registry)) continue;
    const reply = handler.answer(text);
    if (!reply.blocks) continue;
    // The answer cut into stretches of lines: the blocks, and what lies between them.
    const stretches: [number, number][] = [];
    let line = 0;
    for (const [first, end] of reply.blocks) {
      if (first > line) stretches.push([line, first]);
      stretches.push([first, end]);
      line = end;
    }
    if (reply.lines.length > line) stretches.push([line, reply.lines.length]);
    const blockStarts = new Set(reply.blocks.map(([first]) => first));
    const holes: [number, number][] = [];
    const ownParts: Buffer[] = [];
    let offset = 0;
    for (const [first, end] of stretches) {
      const stretch = reply.lines.slice(first, end).map((l) => `${l}\n`).join('');
      // A blank line between blocks costs less kept than pointed at (a hole is 8 bytes).
      const isBlock = blockStarts.has(first);
      if ((isBlock && sharedBlock(reply.lines[first]!)) || (!isBlock && stretch.length >= 32)) {
        holes.push([offset, PIECE_HOLE + builder.sharedPiece(stretch, () => cut(stretch))]);
        continue;
      }
      const part = cut(stretch);
      for (const [at, code] of part.holes) holes.push([offset + at, code]);
      ownParts.push(part.bytes);
      offset += part.bytes.length;
    }
    pairs.set(key, builder.piece(Buffer.concat(ownParts), holes));
  }
  const keys = Float64Array.from(pairs.keys()).sort();
  const pieces = Int32Array.from(keys, (k) => pairs.get(k)!);
  return { data: { packed: builder.finish(), pairKeys: keys, pairPieces: pieces, routeNodes }, answers: pairs.size };
}

/** The pack of the packing process's index: served only while that index is. */
export interface WhoisPack {
  readonly index: RangeIndex;
  readonly data: WhoisPackData;
}

export class CurrentWhoisAnswers implements EncodedWhoisAnswers {
  private pack: { readonly index: RangeIndex; readonly data: WhoisPackData; readonly answers: PackedAnswers } | null = null;
  private hits = 0;

  constructor(private readonly service: LookupService) {}

  usePack(pack: WhoisPack): void {
    this.pack = { ...pack, answers: new PackedAnswers(pack.data.packed) };
  }

  get stats() {
    const pack = this.pack && this.pack.index === this.service.rangeIndex ? this.pack : null;
    return { packed: pack ? { answers: pack.data.pairKeys.length, bytes: pack.answers.memoryBytes + pack.data.pairKeys.byteLength + pack.data.pairPieces.byteLength, hits: this.hits } : null };
  }

  answer(key: string): Buffer | null {
    const pack = this.pack;
    if (!pack || pack.index !== this.service.rangeIndex) return null;
    const node = this.service.currentNode(key);
    if (node === null || node < 0) return null;
    const routeNode = this.service.currentRouteNode(key);
    if (routeNode === null) return null;
    const piece = findPiece(pack.data, pairKey(node, routeNode, pack.data.routeNodes));
    if (piece < 0) return null;
    this.hits++;
    return pack.answers.fillPiece(piece, [Buffer.from(formatInstant(Date.now()))]);
  }
}

function findPiece(data: WhoisPackData, key: number): number {
  const keys = data.pairKeys;
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid]!;
    if (k === key) return data.pairPieces[mid]!;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
