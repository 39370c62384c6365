// Object limits in the RPSL splitter (issue #13, finding 8): an object over --max-object is
// counted to its end without keeping its lines and comes out as one OBJECT_TOO_LARGE defect
// at its first line; a line the reader cut costs the object it is in.
import { describe, expect, it } from 'vitest';
import { RpslParagraphSplitter, type RpslParagraph } from '../../../src/rpsl/paragraphs.js';
import { parseRpslParagraph } from '../../../src/rpsl/parse.js';

const LIMITS = { maxObjectLines: 20_000, maxObjectBytes: 2 * 1024 * 1024 };

function feed(splitter: RpslParagraphSplitter, lines: Iterable<string>): RpslParagraph[] {
  const out: RpslParagraph[] = [];
  for (const line of lines) {
    const p = splitter.push(line);
    if (p) out.push(p);
  }
  const last = splitter.finish();
  if (last) out.push(last);
  return out;
}

function* hugeObject(lines: number): Generator<string> {
  yield 'aut-num: AS64496';
  for (let i = 1; i < lines; i++) yield `remarks: line ${i}`;
}

describe('RPSL object limits', () => {
  it('rejects a 100,000-line object at its first line, keeping none of its lines, and reads the next one', () => {
    const splitter = new RpslParagraphSplitter(LIMITS);
    let held = 0;
    const paragraphs: RpslParagraph[] = [];
    const input = ['mntner: MAINT-A', '', ...hugeObject(100_000), '', 'mntner: MAINT-B'];
    for (const line of input) {
      const p = splitter.push(line);
      if (p) paragraphs.push(p);
      // What the splitter holds never grows past the limit (it would be 100,000 lines before).
      held = Math.max(held, (splitter as unknown as { lines: string[] }).lines.length);
    }
    paragraphs.push(splitter.finish()!);
    expect(held).toBeLessThanOrEqual(LIMITS.maxObjectLines);
    expect(paragraphs.map((p) => p.lines[0] ?? null)).toEqual(['mntner: MAINT-A', null, 'mntner: MAINT-B']);
    const parsed = parseRpslParagraph(paragraphs[1]!, 'huge.db');
    expect(parsed.object).toBeNull();
    expect(parsed.issues).toEqual([
      expect.objectContaining({ file: 'huge.db', line: 3, code: 'OBJECT_TOO_LARGE', severity: 'error', message: expect.stringMatching(/^"aut-num: AS64496": object of 100000 lines and \d+ bytes, over the limit of 20000 lines or 2097152 bytes/) }),
    ]);
  });

  it('counts bytes too, in UTF-8, and lets an object at the limits through', () => {
    const splitter = new RpslParagraphSplitter({ maxObjectLines: 3, maxObjectBytes: 1000 });
    const [over, at] = feed(splitter, ['descr: ' + 'é'.repeat(300), 'descr: ' + 'é'.repeat(300), '', 'mntner: A', 'descr: b', 'descr: c']);
    // 2 × (7 + 600 + 1) bytes of UTF-8, though only 2 × 308 characters.
    expect(over!.oversize).toMatchObject({ firstLine: 1, lines: 2, bytes: 1216 });
    expect(at).toEqual({ lines: ['mntner: A', 'descr: b', 'descr: c'], lineNumbers: [4, 5, 6] });
  });

  it('rejects the object holding a line the reader cut; an overlong comment between objects is a defect of its own', () => {
    const splitter = new RpslParagraphSplitter(LIMITS);
    const out: RpslParagraph[] = [];
    const push = (line: string, cut?: number) => {
      const p = splitter.push(line, cut);
      if (p) out.push(p);
    };
    push('% ' + 'c'.repeat(10), 5_000_000);
    push('mntner: MAINT-A');
    push('descr: ' + 'x'.repeat(10), 40_000_000);
    push('');
    push('mntner: MAINT-B');
    out.push(splitter.finish()!);
    const parsed = out.map((p) => parseRpslParagraph(p, 'cut.db', 64));
    expect(parsed.map((p) => [p.object?.className ?? null, p.issues.map((i) => `${i.line} ${i.code} ${i.message}`)])).toEqual([
      [null, ['1 LINE_TOO_LONG line of 5000000 bytes, over the limit of 64 (--max-line); skipped']],
      ['mntner', ['3 LINE_TOO_LONG line of 40000000 bytes, over the limit of 64 (--max-line); object rejected']],
      ['mntner', []],
    ]);
  });
});
