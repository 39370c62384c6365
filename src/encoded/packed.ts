// Pre-encoded answers packed into a few large buffers (issue 15): hundreds of thousands of
// answers as typed arrays rather than millions of small JS objects, cheap to hold, to hand
// from the packing process (read whole from a file) and to the garbage collector.
//
// An answer is a piece: bytes with holes. A hole is either one of the request's own parts
// (numbered from 0, below PIECE_HOLE) or another piece (PIECE_HOLE + its number): the
// organisations, contacts and notices that answer after answer share are stored once.
// Bytes are kept in chunks of at most CHUNK_BYTES, no piece across two, so that a pack of a
// gigabyte is never copied whole while it grows.

/** Hole codes from here on name a piece. */
export const PIECE_HOLE = 16;

const CHUNK_BITS = 26;
/** 64 MiB. */
const CHUNK_BYTES = 1 << CHUNK_BITS;

export interface PackedData {
  /** The pieces' bytes, in chunks; a piece's place is chunk × CHUNK_BYTES + offset in it. */
  readonly chunks: readonly Uint8Array[];
  /** Piece p is pieceLength[p] bytes from place pieceStart[p]. */
  readonly pieceStart: Uint32Array;
  readonly pieceLength: Uint32Array;
  /** Piece p's holes are holes[2 * holeStart[p], 2 * holeStart[p + 1]): pairs (offset in the piece, code). */
  readonly holeStart: Uint32Array;
  readonly holes: Uint32Array;
  /** The answer piece of each chain node of the index, or -1. */
  readonly nodePiece: Int32Array;
}

export class PackedAnswers {
  private scratch = Buffer.allocUnsafe(64 * 1024);
  /** The chunks as Buffers over the same memory: Buffer.copy takes ranges without making views. */
  private readonly chunkBuffers: readonly Buffer[];

  constructor(readonly data: PackedData) {
    this.chunkBuffers = data.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  }

  /** Bytes held, all arrays together. */
  get memoryBytes(): number {
    const d = this.data;
    let chunks = 0;
    for (const c of d.chunks) chunks += c.buffer.byteLength;
    return chunks + d.pieceStart.buffer.byteLength + d.pieceLength.buffer.byteLength + d.holeStart.buffer.byteLength + d.holes.buffer.byteLength + d.nodePiece.byteLength;
  }

  /** Answers packed (chain nodes with a piece). */
  get answers(): number {
    let n = 0;
    for (const p of this.data.nodePiece) if (p >= 0) n++;
    return n;
  }

  has(node: number): boolean {
    return node >= 0 && node < this.data.nodePiece.length && this.data.nodePiece[node]! >= 0;
  }

  /** The answer of chain node `node` with request hole k filled by `values[k]`, as its own buffer. */
  fill(node: number, values: readonly Buffer[]): Buffer {
    return this.fillPiece(this.data.nodePiece[node]!, values);
  }

  /** Piece `piece` with request hole k filled by `values[k]`, as its own buffer. */
  fillPiece(piece: number, values: readonly Buffer[]): Buffer {
    return Buffer.from(this.scratch.subarray(0, this.written(piece, values)));
  }

  /** The answer of chain node `node`, without holes of the request's own, as UTF-8 text. */
  text(node: number): string {
    return this.scratch.toString('utf8', 0, this.written(this.data.nodePiece[node]!, []));
  }

  /** Writes piece `piece` at the start of the scratch buffer, grown until it fits; its length. */
  private written(piece: number, values: readonly Buffer[]): number {
    for (;;) {
      const length = this.write(piece, values, 0);
      if (length >= 0) return length;
      this.scratch = Buffer.allocUnsafe(this.scratch.length * 2);
    }
  }

  /** Writes piece `piece` at `at` of the scratch buffer; the end, or -1 when it does not fit. */
  private write(piece: number, values: readonly Buffer[], at: number): number {
    const { pieceStart, pieceLength, holeStart, holes } = this.data;
    const out = this.scratch;
    const place = pieceStart[piece]!;
    const bytes = this.chunkBuffers[place >>> CHUNK_BITS]!;
    const base = place & (CHUNK_BYTES - 1);
    let from = base;
    for (let h = holeStart[piece]! * 2, end = holeStart[piece + 1]! * 2; h < end; h += 2) {
      const to = base + holes[h]!;
      if (at + (to - from) > out.length) return -1;
      at += bytes.copy(out, at, from, to);
      from = to;
      const code = holes[h + 1]!;
      if (code >= PIECE_HOLE) {
        at = this.write(code - PIECE_HOLE, values, at);
        if (at < 0) return -1;
      } else {
        const value = values[code]!;
        if (at + value.length > out.length) return -1;
        value.copy(out, at);
        at += value.length;
      }
    }
    const last = base + pieceLength[piece]!;
    if (at + (last - from) > out.length) return -1;
    return at + bytes.copy(out, at, from, last);
  }
}

/** A Uint32Array that grows as it is appended to (by half again: a large one is not doubled while it grows). */
class GrowingWords {
  private words = new Uint32Array(1 << 16);
  length = 0;

  push(value: number): void {
    if (this.length === this.words.length) {
      const bigger = new Uint32Array(Math.ceil(this.words.length * 1.5));
      bigger.set(this.words);
      this.words = bigger;
    }
    this.words[this.length++] = value;
  }

  /** The words pushed, in an array of their own size (the slack is not kept for as long as the pack is served). */
  finish(): Uint32Array {
    return this.words.slice(0, this.length);
  }
}

/** Collects pieces into chunks; shared pieces are stored once, by their text. */
export class PackBuilder {
  private readonly chunks: Uint8Array[] = [new Uint8Array(1 << 20)];
  /** Bytes used in the last chunk. */
  private used = 0;
  private total = 0;
  private readonly pieceStart = new GrowingWords();
  private readonly pieceLength = new GrowingWords();
  private readonly holeStart = new GrowingWords();
  private readonly holes = new GrowingWords();
  private readonly shared = new Map<string, number>();
  private readonly nodePiece: Int32Array;

  constructor(nodes: number) {
    this.nodePiece = new Int32Array(nodes).fill(-1);
    this.holeStart.push(0);
  }

  /** Memory the pack will hold so far: the pieces' bytes, and 8 bytes per hole and per piece. */
  get size(): number {
    return this.total + 4 * (this.holes.length + 2 * this.pieceLength.length) + 4 * this.nodePiece.length;
  }

  /** A piece shared between answers: the one already stored with this text, or a new one of `encode(text)`. */
  sharedPiece(text: string, encode: () => { readonly bytes: Uint8Array; readonly holes: readonly (readonly [number, number])[] }): number {
    const known = this.shared.get(text);
    if (known !== undefined) return known;
    const { bytes, holes } = encode();
    const piece = this.piece(bytes, holes);
    this.shared.set(text, piece);
    return piece;
  }

  /** A new piece: `encoded` bytes with `holes` (byte offsets into it, codes). */
  piece(encoded: Uint8Array, holes: readonly (readonly [offset: number, code: number])[]): number {
    if (encoded.length > CHUNK_BYTES) throw new RangeError(`a piece of ${encoded.length} bytes does not fit a chunk`);
    let chunk = this.chunks[this.chunks.length - 1]!;
    if (this.used + encoded.length > chunk.length) {
      if (chunk.length < CHUNK_BYTES && this.used + encoded.length <= CHUNK_BYTES) {
        // The first chunk grows up to a full one; small packs stay small.
        const bigger = new Uint8Array(Math.min(CHUNK_BYTES, Math.max(chunk.length * 2, this.used + encoded.length)));
        bigger.set(chunk.subarray(0, this.used));
        this.chunks[this.chunks.length - 1] = chunk = bigger;
      } else {
        this.chunks[this.chunks.length - 1] = chunk.slice(0, this.used);
        this.chunks.push((chunk = new Uint8Array(CHUNK_BYTES)));
        this.used = 0;
      }
    }
    chunk.set(encoded, this.used);
    this.pieceStart.push((this.chunks.length - 1) * CHUNK_BYTES + this.used);
    this.pieceLength.push(encoded.length);
    this.used += encoded.length;
    this.total += encoded.length;
    for (const [offset, code] of holes) {
      this.holes.push(offset);
      this.holes.push(code);
    }
    this.holeStart.push(this.holes.length / 2);
    return this.pieceLength.length - 1;
  }

  answer(node: number, piece: number): void {
    this.nodePiece[node] = piece;
  }

  finish(): PackedData {
    const last = this.chunks.length - 1;
    const chunks = [...this.chunks.slice(0, last), this.chunks[last]!.slice(0, this.used)];
    return {
      chunks,
      pieceStart: this.pieceStart.finish(),
      pieceLength: this.pieceLength.finish(),
      holeStart: this.holeStart.finish(),
      holes: this.holes.finish(),
      nodePiece: this.nodePiece,
    };
  }
}
