// Paragraph → RpslObject. Never throws: every defect becomes a DataIssue, and the
// importer decides what to keep (STYLE §6 Errors 1, like irrd's RPSLParserMessages).
import type { DataIssue, RpslAttribute, RpslObject } from '../model/types.js';
import { DEFAULT_INPUT_LIMITS, INPUT_ISSUE, lineTooLongMessage, type LineBatch } from '../io/lines.js';
import { RpslParagraphSplitter, splitRpslParagraphs, splitRpslParagraphsSync, type ParagraphLimits, type RpslParagraph } from './paragraphs.js';

/** One paragraph's outcome. `object` is null when the paragraph has no class to give it. */
export interface ParsedRpsl {
  readonly object: RpslObject | null;
  readonly issues: DataIssue[];
}

export const RPSL_PARSE_ISSUE = {
  BAD_LINE: 'RPSL_BAD_LINE',
  ORPHAN_CONTINUATION: 'RPSL_ORPHAN_CONTINUATION',
} as const;

const ATTRIBUTE_NAME = /^[a-z0-9][a-z0-9_-]*$/i;
const SPACE = 0x20;
const TAB = 0x09;
const PLUS = 0x2b;

function excerpt(line: string): string {
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

export function parseRpslParagraph(paragraph: RpslParagraph, file: string, maxLineBytes = DEFAULT_INPUT_LIMITS.maxLineBytes): ParsedRpsl {
  const { lines, lineNumbers } = paragraph;
  const attributes: RpslAttribute[] = [];
  const issues: DataIssue[] = [];
  const issue = (line: number, code: string, message: string): void => {
    issues.push({ file, line, code, message, severity: 'error' });
  };
  const over = paragraph.oversize;
  if (over) {
    const cut = over.cutLines > 0 ? `, ${over.cutLines} of its lines also over --max-line` : '';
    issue(
      over.firstLine,
      INPUT_ISSUE.OBJECT_TOO_LARGE,
      `"${excerpt(over.head)}": object of ${over.lines} lines and ${over.bytes} bytes${cut}, over the limit of ` +
        `${over.maxLines} lines or ${over.maxBytes} bytes (--max-object); object rejected`,
    );
    return { object: null, issues };
  }
  // A line cut short is an error of the object it is in (the object is rejected); a paragraph
  // without lines is an overlong comment line between objects.
  const consequence = lines.length > 0 ? 'object rejected' : 'skipped';
  for (const c of paragraph.cut ?? []) issue(c.line, INPUT_ISSUE.LINE_TOO_LONG, `${lineTooLongMessage(c.bytes, maxLineBytes)}; ${consequence}`);

  // Value pieces are collected and joined once: a 10,000-line aut-num would be
  // quadratic with `+=` on an ever longer string.
  let name: string | null = null;
  let parts: string[] = [];
  let startLine = 0;
  // The continuation lines of a rejected line belong to it, so they are dropped
  // with it instead of being glued onto the attribute before it.
  let swallowing = false;
  let startsWithAttribute = true;

  const flush = (): void => {
    if (name !== null) attributes.push({ name, value: parts.length === 1 ? parts[0]! : parts.join('\n'), line: startLine });
    name = null;
    parts = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNumber = lineNumbers[i]!;
    const first = line.charCodeAt(0);
    if (first === SPACE || first === TAB || first === PLUS) {
      if (name !== null) {
        parts.push((first === PLUS ? line.slice(1) : line).trim());
      } else if (!swallowing) {
        if (i === 0) startsWithAttribute = false;
        issue(lineNumber, RPSL_PARSE_ISSUE.ORPHAN_CONTINUATION, `continuation line before any attribute: "${excerpt(line)}"`);
        swallowing = true;
      }
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    const candidate = colon > 0 ? line.slice(0, colon) : '';
    if (!ATTRIBUTE_NAME.test(candidate)) {
      if (i === 0) startsWithAttribute = false;
      issue(lineNumber, RPSL_PARSE_ISSUE.BAD_LINE, `not an "attribute: value" line: "${excerpt(line)}"`);
      swallowing = true;
      continue;
    }
    swallowing = false;
    name = candidate.toLowerCase();
    parts.push(line.slice(colon + 1).trim());
    startLine = lineNumber;
  }
  flush();

  // The first attribute names the class; a paragraph that does not open with one
  // (RIPE's GRS dumps carry mangled `*xxte:` objects) cannot be classed, so it is
  // reported and yields no object.
  if (!startsWithAttribute || attributes.length === 0) return { object: null, issues };
  const head = attributes[0]!;
  return { object: { className: head.name, attributes, file, line: head.line }, issues };
}

/** Streams objects from lines (e.g. `readLines(path)`); memory is bounded by one object. */
export async function* parseRpsl(
  lines: AsyncIterable<string> | Iterable<string>,
  file: string,
  limits?: ParagraphLimits,
): AsyncGenerator<ParsedRpsl> {
  for await (const paragraph of splitRpslParagraphs(lines, limits)) yield parseRpslParagraph(paragraph, file);
}

/**
 * Streams objects from batches of lines (`readLineBatches(path)`), one promise per object;
 * objects over the limits come out as OBJECT_TOO_LARGE defects, without their text.
 */
export async function* parseRpslBatches(
  batches: AsyncIterable<LineBatch>,
  file: string,
  limits?: ParagraphLimits & { readonly maxLineBytes?: number },
): AsyncGenerator<ParsedRpsl> {
  const splitter = new RpslParagraphSplitter(limits);
  const maxLine = limits?.maxLineBytes;
  for await (const batch of batches) {
    const { lines, cut } = batch;
    for (let i = 0; i < lines.length; i++) {
      const paragraph = splitter.push(lines[i]!, cut?.get(i));
      if (paragraph) yield parseRpslParagraph(paragraph, file, maxLine);
    }
  }
  const last = splitter.finish();
  if (last) yield parseRpslParagraph(last, file, maxLine);
}

/** Whole-text variant for tests and small inputs; LF or CRLF. */
export function parseRpslText(text: string, file = '<text>'): ParsedRpsl[] {
  const out: ParsedRpsl[] = [];
  for (const paragraph of splitRpslParagraphsSync(text.split('\n'))) out.push(parseRpslParagraph(paragraph, file));
  return out;
}
