// The digest a re-import knows a stored object by (issue 16): the same text under the same
// default source gives the same digest wherever it stands in a dump; any other text, or the
// same text under another default source, gives another; a paragraph the reader cut has none.
import { describe, expect, it } from 'vitest';
import { paragraphDigest, RpslParagraphSplitter, splitRpslParagraphsSync, type RpslParagraph } from '../../../src/rpsl/paragraphs.js';

const OBJECT = ['inetnum:        192.0.2.0 - 192.0.2.255', 'netname:        EXAMPLE-NET', 'source:         IDNIC'];

function only(lines: string[]): RpslParagraph {
  const paragraphs = [...splitRpslParagraphsSync(lines)];
  expect(paragraphs).toHaveLength(1);
  return paragraphs[0]!;
}

describe('paragraph digests', () => {
  it('the same text gives the same digest, with comments, CRLF or other objects around it', () => {
    const alone = paragraphDigest(only(OBJECT));
    expect(alone).toMatch(/^[A-Za-z0-9+/]{22}$/);
    const elsewhere = [...splitRpslParagraphsSync(['% header', '', 'mntner: MAINT-X', 'source: IDNIC', '', ...OBJECT.map((l) => `${l}\r`), '# trailing'])];
    expect(paragraphDigest(elsewhere[1]!)).toBe(alone);
  });

  it('any change of text, and another default source, give another digest', () => {
    const base = paragraphDigest(only(OBJECT));
    expect(paragraphDigest(only([...OBJECT.slice(0, 2), 'remarks:        new', OBJECT[2]!]))).not.toBe(base);
    expect(paragraphDigest(only(OBJECT.map((l) => l.replace('EXAMPLE', 'EXAMPLF'))))).not.toBe(base);
    expect(paragraphDigest(only(OBJECT.map((l) => l.replace('        ', '  '))))).not.toBe(base);
    expect(paragraphDigest(only(OBJECT), 'APJII')).not.toBe(base);
    expect(paragraphDigest(only(OBJECT), 'APJII')).toBe(paragraphDigest(only(OBJECT), 'APJII'));
  });

  it('a paragraph cut by the reader or over the object limits has none (it is always parsed, so reported)', () => {
    const splitter = new RpslParagraphSplitter({ maxObjectLines: 2, maxObjectBytes: 1 << 20 });
    for (const line of OBJECT) expect(splitter.push(line)).toBeNull();
    const over = splitter.finish()!;
    expect(over.oversize).toBeDefined();
    expect(paragraphDigest(over)).toBeNull();
    const cutting = new RpslParagraphSplitter();
    cutting.push(OBJECT[0]!);
    cutting.push(OBJECT[1]!, 70_000);
    const cut = cutting.finish()!;
    expect(cut.cut).toHaveLength(1);
    expect(paragraphDigest(cut)).toBeNull();
  });
});
