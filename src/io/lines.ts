// Bytes → lines within limits, for every reader of registry input (RPSL dumps, delegated
// statistics, the members CSV): linear in the input, memory bounded by one line.

/**
 * How much of an input one line and one object may take (issue #13, finding 8). Imports read
 * files they did not write: without bounds one 700 MB line (713 KB gzipped) or one
 * 30-million-line object holds the whole of it in memory. Over a limit is a defect like any
 * other, reported with file and line: the object goes, the rest still loads.
 */
export interface InputLimits {
  /** Bytes of one line, terminator excluded; a longer line is cut here and skipped to its end. */
  readonly maxLineBytes: number;
  /** Lines of one object (an RPSL paragraph, comment lines not counted). */
  readonly maxObjectLines: number;
  /** Bytes of one object (an RPSL paragraph, a members-CSV row). */
  readonly maxObjectBytes: number;
}

/**
 * RPSL values are short: the longest real lines are single-line `import:`/`members:` policy,
 * a few KiB at most; delegated and members-CSV lines are a few hundred bytes. 64 KiB is well
 * above all of them. Objects: the parser was written for 10,000-line aut-nums (rpsl/parse.ts);
 * twice that, and 2 MiB (about 100 bytes a line), still bounds what one object can hold while
 * it is parsed to a few times 2 MiB.
 */
export const DEFAULT_INPUT_LIMITS: InputLimits = Object.freeze({
  maxLineBytes: 64 * 1024,
  maxObjectLines: 20_000,
  maxObjectBytes: 2 * 1024 * 1024,
});

/** Issue codes shared by every reader. */
export const INPUT_ISSUE = {
  LINE_TOO_LONG: 'LINE_TOO_LONG',
  OBJECT_TOO_LARGE: 'OBJECT_TOO_LARGE',
} as const;

/** "line of 41943040 bytes, over the limit of 65536 (--max-line)"; the reader says what it cost. */
export function lineTooLongMessage(bytes: number, limit: number): string {
  return `line of ${bytes} bytes, over the limit of ${limit} (--max-line)`;
}

/** Lines read from one input in one go, numbered. */
export interface LineBatch {
  /** The lines without their terminators (LF or CRLF). */
  readonly lines: readonly string[];
  /** 1-based line number of `lines[0]`. */
  readonly firstLine: number;
  /** Lines that were over the limit, cut to it: index in `lines` → the line's full length in bytes. */
  readonly cut: ReadonlyMap<number, number> | null;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Bytes → lines in time linear in the input and memory bounded by the line limit. Each
 * chunk's complete lines are decoded at once; only the unfinished line at its end is kept,
 * as pieces, and at most `maxLineBytes` of it: the rest of an overlong line is counted and
 * dropped as it arrives. (Joining the unfinished line to every next chunk and splitting it
 * again made one 40 MB line take 216 s: each chunk re-read everything before it.)
 * A newline byte never occurs inside a UTF-8 sequence, so lines split on bytes decode alone.
 */
export class LineSplitter {
  private pieces: Buffer[] = [];
  /** Bytes of the unfinished line kept in `pieces` (at most maxLineBytes). */
  private kept = 0;
  /** Bytes of the unfinished line seen so far, kept or not. */
  private seen = 0;
  private open = false;
  /** The last byte of the unfinished line, kept or not: a CR there is half of a CRLF. */
  private lastByte = -1;
  private lineNumber = 0;
  private peak = 0;

  constructor(private readonly maxLineBytes: number = DEFAULT_INPUT_LIMITS.maxLineBytes) {}

  /** The most bytes ever held for one unfinished line: what the splitter's memory is bounded by. */
  get peakKeptBytes(): number {
    return this.peak;
  }

  push(chunk: Buffer): LineBatch | null {
    const firstLine = this.lineNumber + 1;
    let pos = 0;
    let head: { line: string; bytes: number } | null = null;
    if (this.open) {
      const nl = chunk.indexOf(LF);
      if (nl === -1) {
        this.keep(chunk, 0, chunk.length);
        return null;
      }
      this.keep(chunk, 0, nl);
      head = this.takeOpenLine();
      pos = nl + 1;
    }
    const lastNl = chunk.lastIndexOf(LF);
    const lines = lastNl >= pos ? chunk.toString('utf8', pos, lastNl).split('\n') : [];
    // In place: this loop runs for every line of a dump.
    let cut: Map<number, number> | null = null;
    const shift = head ? 1 : 0;
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!;
      if (line.charCodeAt(line.length - 1) === CR) lines[i] = line = line.slice(0, -1);
      if (line.length * 3 > this.maxLineBytes) {
        // n UTF-16 units are n to 3n bytes: only lines that may be over the limit are counted.
        const bytes = Buffer.byteLength(line, 'utf8');
        if (bytes > this.maxLineBytes) {
          lines[i] = Buffer.from(line, 'utf8').subarray(0, this.maxLineBytes).toString('utf8');
          (cut ??= new Map()).set(i + shift, bytes);
        }
      }
    }
    if (head) {
      lines.unshift(head.line);
      if (head.bytes > this.maxLineBytes) (cut ??= new Map()).set(0, head.bytes);
    }
    // What follows the last newline begins the next line.
    const rest = lastNl >= pos ? lastNl + 1 : pos;
    if (rest < chunk.length) this.keep(chunk, rest, chunk.length);
    this.lineNumber += lines.length;
    return lines.length > 0 ? { lines, firstLine, cut } : null;
  }

  /** The last line, when the input does not end with a newline. */
  end(): LineBatch | null {
    if (!this.open) return null;
    const { line, bytes } = this.takeOpenLine();
    this.lineNumber++;
    return { lines: [line], firstLine: this.lineNumber, cut: bytes > this.maxLineBytes ? new Map([[0, bytes]]) : null };
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    this.open = true;
    if (end > start) this.lastByte = chunk[end - 1]!;
    this.seen += end - start;
    const room = this.maxLineBytes - this.kept;
    const take = Math.min(room, end - start);
    if (take > 0) {
      // A copy: a view would pin the whole chunk for a few bytes of it.
      this.pieces.push(Buffer.from(chunk.subarray(start, start + take)));
      this.kept += take;
      if (this.kept > this.peak) this.peak = this.kept;
    }
  }

  private takeOpenLine(): { line: string; bytes: number } {
    let text = Buffer.concat(this.pieces, this.kept).toString('utf8');
    // CRLF: the CR belongs to the terminator, whether or not it was kept.
    const bytes = this.lastByte === CR ? this.seen - 1 : this.seen;
    if (this.kept > bytes) text = text.slice(0, -1);
    this.pieces = [];
    this.kept = 0;
    this.seen = 0;
    this.lastByte = -1;
    this.open = false;
    return { line: text, bytes };
  }
}

/** A line is decoded into one string, and V8 strings stop at 2^29 - 24 characters: stay well below. */
const MAX_LINE_LIMIT = 256 * 1024 * 1024;
const MAX_OBJECT_BYTES_LIMIT = 1024 * 1024 * 1024;
const MAX_OBJECT_LINES_LIMIT = 100_000_000;

const SIZE = /^(\d+)\s*(b|k|kib|m|mib|g|gib)?$/i;
const UNIT: Readonly<Record<string, number>> = { b: 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3 };

/** `65536`, `64KiB`, `64k`, `2MiB`, `1G`: binary units, the number alone is bytes. */
export function parseByteSize(text: string): number | null {
  const m = SIZE.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]) * UNIT[(m[2] ?? 'b').toLowerCase()]!;
  return Number.isSafeInteger(n) ? n : null;
}

export type LimitParse<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** `--max-line SIZE`. */
export function parseMaxLine(text: string): LimitParse<number> {
  const n = parseByteSize(text);
  if (n === null || n < 1 || n > MAX_LINE_LIMIT) return { ok: false, message: 'a size in bytes from 1 to 256MiB, e.g. 65536 or 64KiB' };
  return { ok: true, value: n };
}

/**
 * `--max-object LINES`, `--max-object SIZE` or `--max-object LINES,SIZE`: a plain number is
 * lines, a number with a unit (`2MiB`, `512KiB`, `4096B`) is bytes; what is left out keeps
 * its default.
 */
export function parseMaxObject(text: string): LimitParse<Partial<Pick<InputLimits, 'maxObjectLines' | 'maxObjectBytes'>>> {
  const bad = { ok: false, message: 'lines, a size or both, e.g. 20000, 2MiB or 20000,2MiB' } as const;
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > 2 || parts.some((p) => p === '')) return bad;
  const value: { maxObjectLines?: number; maxObjectBytes?: number } = {};
  for (const part of parts) {
    if (/^\d+$/.test(part)) {
      const n = Number(part);
      if (value.maxObjectLines !== undefined || n < 1 || n > MAX_OBJECT_LINES_LIMIT) return bad;
      value.maxObjectLines = n;
    } else {
      const n = parseByteSize(part);
      if (n === null || value.maxObjectBytes !== undefined || n < 1 || n > MAX_OBJECT_BYTES_LIMIT) return bad;
      value.maxObjectBytes = n;
    }
  }
  return { ok: true, value };
}
