// A pre-encoded answer (issue 15): the bytes of an answer rendered once, with holes where
// each request's own parts go (its URL, the instant answered, the time served). Filling the
// holes is a copy into one buffer: no rendering, no JSON.stringify, no string joins.
import { randomBytes } from 'node:crypto';
import { formatInstant } from '../query/time.js';

export interface Template {
  /** The answer with the holes cut out, UTF-8. */
  readonly bytes: Buffer;
  /** Pairs (byte offset into `bytes`, hole number), in offset order. */
  readonly holes: Int32Array;
  /** Handles whose personal data the answer carries: told to the audit log on every use. */
  readonly disclosed: readonly string[];
}

/**
 * A mark that stands in for one of a request's own parts while an answer is rendered once.
 * Random per call, so registry data cannot contain one by accident or on purpose.
 */
export function newMark(): string {
  return `lacak-hole-${randomBytes(9).toString('hex')}`;
}

/** `text` as a regular expression matching it literally. */
export function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regular expression matching any of `texts` literally; the first listed wins at a place. */
export function literalPattern(texts: readonly string[]): RegExp {
  return new RegExp(texts.map(escapeLiteral).join('|'), 'g');
}

/**
 * `text` as UTF-8 bytes with every match of `pattern` cut out, and where each was: its byte
 * offset and the hole number `code` gives it (from the text matched).
 */
export function cutHoles(text: string, pattern: RegExp, code: (matched: string) => number): { bytes: Buffer; holes: [number, number][] } {
  const parts: string[] = [];
  const holes: [number, number][] = [];
  let offset = 0;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const part = text.slice(last, match.index);
    parts.push(part);
    offset += Buffer.byteLength(part);
    holes.push([offset, code(match[0])]);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return { bytes: Buffer.from(parts.join('')), holes };
}

/** Cuts every occurrence of `marks[k]` out of `text`, remembering where hole k goes. */
export function encodeTemplate(text: string, marks: readonly string[], disclosed: readonly string[] = []): Template {
  const { bytes, holes } = cutHoles(text, literalPattern(marks), (m) => marks.indexOf(m));
  return { bytes, holes: Int32Array.from(holes.flat()), disclosed: Object.freeze([...disclosed]) };
}

/** The answer with hole k filled by `values[k]`, in one buffer. */
export function fillTemplate(template: Template, values: readonly Buffer[]): Buffer {
  const { bytes, holes } = template;
  let size = bytes.length;
  for (let i = 1; i < holes.length; i += 2) size += values[holes[i]!]!.length;
  const out = Buffer.allocUnsafe(size);
  let from = 0;
  let to = 0;
  for (let i = 0; i < holes.length; i += 2) {
    const at = holes[i]!;
    to += bytes.copy(out, to, from, at);
    to += values[holes[i + 1]!]!.copy(out, to);
    from = at;
  }
  bytes.copy(out, to, from);
  return out;
}

/** Bytes a template keeps in memory, for the cache's budget (buffer, holes, bookkeeping). */
export function templateBytes(template: Template): number {
  return template.bytes.length + template.holes.byteLength + 64 * (1 + template.disclosed.length);
}

/**
 * An instant standing in for a request's own time while an answer is rendered once: random
 * per process, with milliseconds, so its text (formatInstant) is found nowhere else.
 */
export function instantMark(): { readonly ms: number; readonly text: string } {
  const ms = 1_000_000_000_000 + randomBytes(4).readUInt32BE(0) * 10 + 1;
  return { ms, text: formatInstant(ms) };
}
