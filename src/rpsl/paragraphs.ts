// RPSL text → paragraphs, one object each. Kept apart from attribute parsing so a
// dump streams with memory bounded by its largest object (RFC 2622 §2: objects are
// separated by blank lines), and that largest object by the import's limits.
import { hash } from 'node:crypto';

export interface RpslParagraph {
  /** The paragraph's lines, comment lines left out, a trailing `\r` removed. */
  readonly lines: readonly string[];
  /** 1-based line number of each entry of `lines` (not contiguous when comments were skipped). */
  readonly lineNumbers: readonly number[];
  /** Lines the reader cut at its line limit: their numbers and full lengths in bytes. */
  readonly cut?: readonly { readonly line: number; readonly bytes: number }[];
  /** Set when the paragraph went over the object limits: `lines` is then empty (they were dropped). */
  readonly oversize?: RpslOversize;
}

export interface RpslOversize {
  readonly firstLine: number;
  /** The paragraph's first line, to name the object. */
  readonly head: string;
  /** The whole paragraph's size, counted to its end. */
  readonly lines: number;
  readonly bytes: number;
  /** Lines in it that were also over the line limit. */
  readonly cutLines: number;
  readonly maxLines: number;
  readonly maxBytes: number;
}

export interface ParagraphLimits {
  readonly maxObjectLines: number;
  readonly maxObjectBytes: number;
}

const UNLIMITED: ParagraphLimits = { maxObjectLines: Infinity, maxObjectBytes: Infinity };

const BLANK = /^\s*$/;

function isCommentLine(line: string): boolean {
  const c = line.charCodeAt(0);
  return c === 0x25 /* % */ || c === 0x23 /* # */;
}

/**
 * Push-style splitter, so the async stream and the in-memory text share one
 * set of rules. Dumps put `%`/`#` headers between objects, and an update may carry
 * a comment line inside an object; neither starts nor ends a paragraph.
 */
export class RpslParagraphSplitter {
  private lines: string[] = [];
  private lineNumbers: number[] = [];
  private cut: { line: number; bytes: number }[] = [];
  private lineNumber = 0;
  private firstLine = 0;
  private head = '';
  private count = 0;
  /** UTF-16 units of the paragraph (newlines included): 1 to 3 bytes each. */
  private units = 0;
  /** Exact UTF-8 bytes, counted once `units` could mean more than the byte limit. */
  private bytes: number | null = null;
  private oversize = false;
  private cutWhileOversize = 0;

  constructor(private readonly limits: ParagraphLimits = UNLIMITED) {}

  /**
   * Feeds the next line; returns the paragraph this line closes, if any. `cutBytes`: the
   * reader cut this line at its limit, and this was its full length.
   */
  push(raw: string, cutBytes?: number): RpslParagraph | null {
    this.lineNumber++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (isCommentLine(line)) {
      if (cutBytes === undefined) return null;
      // Outside an object, an overlong comment is a defect of its own; inside one, of that object.
      if (this.count === 0) return { lines: [], lineNumbers: [], cut: [{ line: this.lineNumber, bytes: cutBytes }] };
      this.noteCut(cutBytes);
      return null;
    }
    // A line of only `+` or indented text is a continuation, never blank; `\s*` cannot match `+`.
    // Of a cut line only the start is known, so it is never taken for a blank one.
    if (cutBytes === undefined && BLANK.test(line)) return this.take();
    if (cutBytes !== undefined) this.noteCut(cutBytes);
    this.add(line);
    return null;
  }

  /** Ends the input: the last paragraph need not be followed by a blank line. */
  finish(): RpslParagraph | null {
    return this.take();
  }

  private noteCut(bytes: number): void {
    if (this.oversize) this.cutWhileOversize++;
    else this.cut.push({ line: this.lineNumber, bytes });
  }

  private add(line: string): void {
    if (this.count === 0) {
      this.firstLine = this.lineNumber;
      this.head = line.length > 80 ? line.slice(0, 80) : line;
    }
    this.count++;
    this.units += line.length + 1;
    if (this.bytes !== null) this.bytes += Buffer.byteLength(line, 'utf8') + 1;
    else if (this.units * 3 > this.limits.maxObjectBytes || this.count > this.limits.maxObjectLines) {
      // Rare (objects near a limit): count exactly from here on.
      this.bytes = Buffer.byteLength(line, 'utf8') + 1;
      for (const l of this.lines) this.bytes += Buffer.byteLength(l, 'utf8') + 1;
    }
    if (this.oversize) return;
    if (this.count > this.limits.maxObjectLines || (this.bytes ?? 0) > this.limits.maxObjectBytes) {
      // From here on lines are only counted: a 30-million-line object costs a counter, not its text.
      this.oversize = true;
      this.cutWhileOversize = this.cut.length;
      this.lines = [];
      this.lineNumbers = [];
      this.cut = [];
      return;
    }
    this.lines.push(line);
    this.lineNumbers.push(this.lineNumber);
  }

  private take(): RpslParagraph | null {
    if (this.count === 0) return null;
    let paragraph: RpslParagraph;
    if (this.oversize) {
      const oversize: RpslOversize = {
        firstLine: this.firstLine,
        head: this.head,
        lines: this.count,
        bytes: this.bytes ?? this.units,
        cutLines: this.cutWhileOversize,
        maxLines: this.limits.maxObjectLines,
        maxBytes: this.limits.maxObjectBytes,
      };
      paragraph = { lines: [], lineNumbers: [], oversize };
    } else {
      paragraph = { lines: this.lines, lineNumbers: this.lineNumbers, ...(this.cut.length > 0 ? { cut: this.cut } : {}) };
    }
    this.lines = [];
    this.lineNumbers = [];
    this.cut = [];
    this.count = 0;
    this.units = 0;
    this.bytes = null;
    this.oversize = false;
    this.cutWhileOversize = 0;
    return paragraph;
  }
}

export async function* splitRpslParagraphs(
  lines: AsyncIterable<string> | Iterable<string>,
  limits?: ParagraphLimits,
): AsyncGenerator<RpslParagraph> {
  const splitter = new RpslParagraphSplitter(limits);
  for await (const line of lines) {
    const paragraph = splitter.push(line);
    if (paragraph) yield paragraph;
  }
  const last = splitter.finish();
  if (last) yield last;
}

export function* splitRpslParagraphsSync(lines: Iterable<string>, limits?: ParagraphLimits): Generator<RpslParagraph> {
  const splitter = new RpslParagraphSplitter(limits);
  for (const line of lines) {
    const paragraph = splitter.push(line);
    if (paragraph) yield paragraph;
  }
  const last = splitter.finish();
  if (last) yield last;
}

/**
 * What one paragraph's text digests to: SHA-256 (132 bits of it, as base64) of its lines and of
 * the default source that applies to it. Stored with the object (objects.digest), it lets a
 * re-import know an object it already holds without parsing it again (issue 16). Null for a
 * paragraph the reader cut or dropped: such a paragraph is always parsed, and so reported.
 * The version tag changes whenever the same text would be stored differently.
 */
export function paragraphDigest(paragraph: RpslParagraph, defaultSource = ''): string | null {
  if (paragraph.oversize || paragraph.cut || paragraph.lines.length === 0) return null;
  return hash('sha256', `lacak-rpsl-1\n${defaultSource}\n${paragraph.lines.join('\n')}`, 'base64').slice(0, 22);
}
