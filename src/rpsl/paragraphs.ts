// RPSL text → paragraphs, one object each. Kept apart from attribute parsing so a
// dump streams with memory bounded by its largest object (RFC 2622 §2: objects are
// separated by blank lines).

export interface RpslParagraph {
  /** The paragraph's lines, comment lines left out, a trailing `\r` removed. */
  readonly lines: readonly string[];
  /** 1-based line number of each entry of `lines` (not contiguous when comments were skipped). */
  readonly lineNumbers: readonly number[];
}

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
  private lineNumber = 0;

  /** Feeds the next line; returns the paragraph this line closes, if any. */
  push(raw: string): RpslParagraph | null {
    this.lineNumber++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (isCommentLine(line)) return null;
    // A line of only `+` or indented text is a continuation, never blank; `\s*` cannot match `+`.
    if (BLANK.test(line)) return this.take();
    this.lines.push(line);
    this.lineNumbers.push(this.lineNumber);
    return null;
  }

  /** Ends the input: the last paragraph need not be followed by a blank line. */
  finish(): RpslParagraph | null {
    return this.take();
  }

  private take(): RpslParagraph | null {
    if (this.lines.length === 0) return null;
    const paragraph: RpslParagraph = { lines: this.lines, lineNumbers: this.lineNumbers };
    this.lines = [];
    this.lineNumbers = [];
    return paragraph;
  }
}

export async function* splitRpslParagraphs(
  lines: AsyncIterable<string> | Iterable<string>,
): AsyncGenerator<RpslParagraph> {
  const splitter = new RpslParagraphSplitter();
  for await (const line of lines) {
    const paragraph = splitter.push(line);
    if (paragraph) yield paragraph;
  }
  const last = splitter.finish();
  if (last) yield last;
}

export function* splitRpslParagraphsSync(lines: Iterable<string>): Generator<RpslParagraph> {
  const splitter = new RpslParagraphSplitter();
  for (const line of lines) {
    const paragraph = splitter.push(line);
    if (paragraph) yield paragraph;
  }
  const last = splitter.finish();
  if (last) yield last;
}
