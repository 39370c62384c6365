// Bulk input → one item per line, in bounded memory: a stream of bytes is split on LF
// with a cap on line length (a 2 GB "line" is cut off, not buffered), blank lines are
// skipped, and each line is read as `address[:port][,time]`.
import type { Readable } from 'node:stream';

export interface BulkLine {
  /** 1-based line number in the input. */
  readonly number: number;
  /** The line as sent (trimmed; cut at the length cap). */
  readonly text: string;
  readonly tooLong: boolean;
}

export interface BulkQuery {
  readonly address: string;
  /** The line's own time, if it gave one. */
  readonly time?: string;
}

const NEWLINE = 0x0a;

/** Lines of a byte stream; a line longer than `maxBytes` is reported once, cut, and skipped to its end. */
export async function* splitLines(input: Readable, maxBytes: number): AsyncGenerator<BulkLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let number = 0;
  const take = (): string => {
    const text = Buffer.concat(pending).toString('utf8');
    pending = [];
    pendingBytes = 0;
    return text.replace(/\r$/, '').trim();
  };
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (;;) {
      const at = buffer.indexOf(NEWLINE, start);
      const end = at < 0 ? buffer.length : at;
      if (!skipping) {
        const piece = buffer.subarray(start, end);
        if (pendingBytes + piece.length > maxBytes) {
          pending.push(piece.subarray(0, Math.max(0, maxBytes - pendingBytes)));
          number++;
          const text = take();
          yield { number, text: text.slice(0, 80), tooLong: true };
          skipping = true;
        } else if (piece.length > 0) {
          pending.push(Buffer.from(piece));
          pendingBytes += piece.length;
        }
      }
      if (at < 0) break;
      if (skipping) skipping = false;
      else {
        number++;
        const text = take();
        if (text !== '') yield { number, text, tooLong: false };
      }
      start = at + 1;
    }
  }
  if (!skipping && pendingBytes > 0) {
    number++;
    const text = take();
    if (text !== '') yield { number, text, tooLong: false };
  }
}

/** `203.0.113.7`, `203.0.113.7:51234,2017-04-29T20:14:00+07:00`, `[2001:db8::1]:443,2017-04-29 20:14:00`. */
export function parseBulkQuery(text: string): BulkQuery {
  const comma = text.indexOf(',');
  if (comma < 0) return { address: text.trim() };
  const time = text.slice(comma + 1).trim();
  return { address: text.slice(0, comma).trim(), ...(time ? { time } : {}) };
}
