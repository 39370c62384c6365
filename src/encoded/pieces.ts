// Cuts a rendered answer into pieces for the pack (issue 15): the answer's own bytes, and the
// entities and notices it shares with other answers, each stored once. The cut is made while
// the answer is serialised (JSON.stringify with a replacer), so the pieces put back together
// are byte for byte what JSON.stringify gives for the whole answer.
import { randomBytes } from 'node:crypto';
import { PIECE_HOLE, type PackBuilder } from './packed.js';
import { cutHoles, escapeLiteral } from './template.js';

type Json = Record<string, unknown>;

/** Whether a member (`key` of `holder`, in the answer `root`) is a piece of its own, stored once for every answer that has it. */
export type SharedPieceRule = (holder: unknown, key: string, value: unknown, root: unknown) => boolean;

/** RDAP's: entities anywhere, the top-level notices and redactions. */
const rdapSharedPiece: SharedPieceRule = (holder, key, value, root) => {
  if (holder === root && (key === 'notices' || key === 'redacted')) return true;
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as Json).objectClassName === 'entity';
};

export class AnswerPacker {
  private readonly nonce = randomBytes(9).toString('hex');
  private readonly pieceMark: RegExp;
  private readonly pattern: RegExp;

  /** Pieces of the dictionary's words, by word. */
  private readonly words = new Map<string, number>();

  /**
   * `requestMarks[k]`: what stands for request hole k in rendered answers. `dictionary`:
   * text many answers repeat, stored once and pointed at (longest first). `isShared`: which
   * members are pieces of their own.
   */
  constructor(
    private readonly builder: PackBuilder,
    private readonly requestMarks: readonly string[],
    dictionary: readonly string[] = [],
    private readonly isShared: SharedPieceRule = rdapSharedPiece,
  ) {
    this.pieceMark = new RegExp(`^"lacak-piece-${this.nonce}-(\\d+)"$`);
    this.pattern = new RegExp([...requestMarks.map(escapeLiteral), `"lacak-piece-${this.nonce}-\\d+"`, ...dictionary.map(escapeLiteral)].join('|'), 'g');
    for (const word of dictionary) this.words.set(word, builder.piece(Buffer.from(word), []));
  }

  /** Packs `body` as the answer of chain node `node`. */
  answer(node: number, body: unknown): void {
    this.builder.answer(node, this.pack(body, false));
  }

  private pack(value: unknown, shared: boolean): number {
    const root = value;
    const packer = this;
    const text = JSON.stringify(value, function (this: unknown, key: string, member: unknown) {
      if (key === '' || !packer.isShared(this, key, member, root)) return member;
      return `lacak-piece-${packer.nonce}-${packer.pack(member, true)}`;
    });
    if (!shared) {
      const { bytes, holes } = this.cut(text);
      return this.builder.piece(bytes, holes);
    }
    return this.builder.sharedPiece(text, () => this.cut(text));
  }

  /** The text as bytes with the marks cut out, and where each hole goes. */
  private cut(text: string): { bytes: Buffer; holes: [number, number][] } {
    return cutHoles(text, this.pattern, (matched) => {
      const piece = this.pieceMark.exec(matched);
      if (piece) return PIECE_HOLE + Number(piece[1]);
      const word = this.words.get(matched);
      return word !== undefined ? PIECE_HOLE + word : this.requestMarks.indexOf(matched);
    });
  }
}
