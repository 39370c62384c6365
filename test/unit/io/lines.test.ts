// The importers' line splitter (issue #13, finding 8): the same lines as a plain split of the
// whole text, however the bytes arrive, in time linear in the input and with no more than
// the line limit held for any line, however long.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, parseByteSize, parseMaxLine, parseMaxObject, type LineBatch } from '../../../src/io/lines.js';

interface Line {
  readonly text: string;
  readonly number: number;
  /** Full length in bytes, when the line was cut. */
  readonly cutBytes?: number;
}

function collect(batches: readonly (LineBatch | null)[]): Line[] {
  const out: Line[] = [];
  for (const b of batches) {
    if (!b) continue;
    b.lines.forEach((text, i) => out.push({ text, number: b.firstLine + i, ...(b.cut?.has(i) ? { cutBytes: b.cut.get(i)! } : {}) }));
  }
  return out;
}

function splitChunks(bytes: Buffer, cuts: readonly number[], max: number): { lines: Line[]; splitter: LineSplitter } {
  const splitter = new LineSplitter(max);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const batches: (LineBatch | null)[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) batches.push(splitter.push(bytes.subarray(from, p)));
    from = Math.max(from, p);
  }
  batches.push(splitter.end());
  return { lines: collect(batches), splitter };
}

/** What the lines must be: the whole text split on LF, one CR before it dropped, overlong lines cut to `max` bytes. */
function reference(text: string, max: number): Line[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (text.endsWith('\n')) parts.pop();
  return parts.map((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const bytes = Buffer.byteLength(line, 'utf8');
    if (bytes <= max) return { text: line, number: i + 1 };
    return { text: Buffer.from(line, 'utf8').subarray(0, max).toString('utf8'), number: i + 1, cutBytes: bytes };
  });
}

describe('LineSplitter', () => {
  it('gives the lines of a plain split, wherever the chunks break (LF, CRLF, multi-byte characters, overlong lines)', () => {
    const piece = fc.constantFrom('a', 'bc', '\n', '\r\n', '\r', 'é', '€', '𝄞', ' ', 'x'.repeat(20), '');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 1, max: 24 }), (pieces, cuts, max) => {
        const text = pieces.join('');
        const { lines, splitter } = splitChunks(Buffer.from(text, 'utf8'), cuts, max);
        expect(lines).toEqual(reference(text, max));
        expect(splitter.peakKeptBytes).toBeLessThanOrEqual(max);
      }),
      { numRuns: 500 },
    );
  });

  it('holds no more than the limit of a 40 MB line, reports its full length once, and reads on after it', () => {
    const max = 64 * 1024;
    const splitter = new LineSplitter(max);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const batches: (LineBatch | null)[] = [splitter.push(Buffer.from('first\nremarks: '))];
    const total = 40 * 1024 * 1024;
    for (let sent = 0; sent < total; sent += chunk.length) batches.push(splitter.push(chunk));
    batches.push(splitter.push(Buffer.from('\r\nlast line\n')));
    batches.push(splitter.end());
    const lines = collect(batches);
    expect(lines.map((l) => [l.number, l.text.length, l.cutBytes])).toEqual([
      [1, 5, undefined],
      [2, max, 'remarks: '.length + total],
      [3, 'last line'.length, undefined],
    ]);
    expect(lines[1]!.text.startsWith('remarks: xxx')).toBe(true);
    expect(splitter.peakKeptBytes).toBe(max);
  });

  it('numbers lines across batches and keeps a last line with no newline', () => {
    const splitter = new LineSplitter(100);
    const lines = collect([splitter.push(Buffer.from('a\nb')), splitter.push(Buffer.from('c\n\nd')), splitter.end()]);
    expect(lines).toEqual([
      { text: 'a', number: 1 },
      { text: 'bc', number: 2 },
      { text: '', number: 3 },
      { text: 'd', number: 4 },
    ]);
  });
});

describe('limit flags', () => {
  it('reads sizes in bytes with binary units', () => {
    expect(parseByteSize('65536')).toBe(65536);
    expect(parseByteSize('64KiB')).toBe(65536);
    expect(parseByteSize('64k')).toBe(65536);
    expect(parseByteSize('2MiB')).toBe(2 * 1024 * 1024);
    expect(parseByteSize('1.5MiB')).toBeNull();
    expect(parseByteSize('-1')).toBeNull();
  });

  it('--max-line takes a size within bounds', () => {
    expect(parseMaxLine('1MiB')).toEqual({ ok: true, value: 1024 * 1024 });
    for (const bad of ['0', '1GiB', 'lots', '']) expect(parseMaxLine(bad).ok).toBe(false);
  });

  it('--max-object takes lines, a size or both', () => {
    expect(parseMaxObject('500')).toEqual({ ok: true, value: { maxObjectLines: 500 } });
    expect(parseMaxObject('512KiB')).toEqual({ ok: true, value: { maxObjectBytes: 512 * 1024 } });
    expect(parseMaxObject('500, 512KiB')).toEqual({ ok: true, value: { maxObjectLines: 500, maxObjectBytes: 512 * 1024 } });
    expect(parseMaxObject('4096B')).toEqual({ ok: true, value: { maxObjectBytes: 4096 } });
    for (const bad of ['', '1,2', '1MiB,2MiB', '0', '1,2,3', 'x']) expect(parseMaxObject(bad).ok, bad).toBe(false);
  });
});
