import { describe, expect, it } from 'vitest';
import { parseRpsl, parseRpslText, type ParsedRpsl } from '../../../src/rpsl/parse.js';
import { RpslParagraphSplitter } from '../../../src/rpsl/paragraphs.js';

function pairs(parsed: ParsedRpsl): [string, string][] {
  return parsed.object!.attributes.map((a) => [a.name, a.value]);
}

function only(text: string): ParsedRpsl {
  const all = parseRpslText(text);
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe('parseRpslText: paragraphs', () => {
  it('separates objects by one or more blank lines, whitespace-only lines included', () => {
    const text = 'mntner: A\nsource: X\n\n\n \t \nmntner: B\nsource: X\n   \nmntner: C\nsource: X\n';
    const parsed = parseRpslText(text);
    expect(parsed.map((p) => p.object?.attributes[0]?.value)).toEqual(['A', 'B', 'C']);
    expect(parsed.map((p) => p.object?.line)).toEqual([1, 6, 9]);
    expect(parsed.every((p) => p.issues.length === 0)).toBe(true);
  });

  it('skips % and # comment lines between objects and inside an object without splitting it', () => {
    const text = [
      '% This is the RIPE Database query service.',
      '# header',
      '',
      '% Information related to X',
      'person: John',
      '% a server note inside the object',
      '# and another',
      'nic-hdl: JS1-TEST',
      'source: TEST',
      '',
      '%',
    ].join('\n');
    const p = only(text);
    expect(p.issues).toEqual([]);
    expect(p.object!.line).toBe(5);
    expect(p.object!.attributes.map((a) => [a.name, a.line])).toEqual([
      ['person', 5],
      ['nic-hdl', 8],
      ['source', 9],
    ]);
  });

  it('yields nothing for input that is only comments and blank lines', () => {
    expect(parseRpslText('%\n# x\n\n   \n')).toEqual([]);
    expect(parseRpslText('')).toEqual([]);
  });

  it('does not need a trailing newline after the last object', () => {
    const p = only('mntner: A\nsource: X');
    expect(pairs(p)).toEqual([
      ['mntner', 'A'],
      ['source', 'X'],
    ]);
  });

  it('tolerates CRLF line ends', () => {
    const parsed = parseRpslText('mntner: A\r\ndescr: one\r\n  two\r\n\r\nmntner: B\r\n');
    expect(parsed).toHaveLength(2);
    expect(pairs(parsed[0]!)).toEqual([
      ['mntner', 'A'],
      ['descr', 'one\ntwo'],
    ]);
    expect(pairs(parsed[1]!)).toEqual([['mntner', 'B']]);
  });

  it('the splitter keeps line numbers across skipped comment lines', () => {
    const splitter = new RpslParagraphSplitter();
    expect(splitter.push('a: 1')).toBeNull();
    expect(splitter.push('% note')).toBeNull();
    expect(splitter.push('b: 2')).toBeNull();
    expect(splitter.push('')).toEqual({ lines: ['a: 1', 'b: 2'], lineNumbers: [1, 3] });
    expect(splitter.finish()).toBeNull();
  });
});

describe('parseRpslText: attributes', () => {
  it('lower-cases names, trims values, keeps order and repeats', () => {
    const p = only('INETNUM:   192.0.2.0 - 192.0.2.255  \nDescr: one\ndescr:two\nMnt-By:  A\ndescr: three\n');
    expect(pairs(p)).toEqual([
      ['inetnum', '192.0.2.0 - 192.0.2.255'],
      ['descr', 'one'],
      ['descr', 'two'],
      ['mnt-by', 'A'],
      ['descr', 'three'],
    ]);
    expect(p.object!.className).toBe('inetnum');
  });

  it('joins continuation lines starting with space, tab or + with \\n', () => {
    const p = only(['address: Example LTD', '        High street 12', '\t\t  St. Mary Mead', '+ Essex, UK', '+', '+x', 'phone: +44 1'].join('\n'));
    expect(pairs(p)).toEqual([
      ['address', 'Example LTD\nHigh street 12\nSt. Mary Mead\nEssex, UK\n\nx'],
      ['phone', '+44 1'],
    ]);
    expect(p.object!.attributes.map((a) => a.line)).toEqual([1, 7]);
  });

  it('a lone + is an empty continuation, not a paragraph break', () => {
    const parsed = parseRpslText('remarks: a\n+\nremarks: b\n');
    expect(parsed).toHaveLength(1);
    expect(pairs(parsed[0]!)).toEqual([
      ['remarks', 'a\n'],
      ['remarks', 'b'],
    ]);
  });

  it('keeps end-of-line # comments and colons inside values', () => {
    const p = only('changed: test@foo.com 20040830  #13:24:40(UTC)\nremarks: see http://x:80/ # later\n');
    expect(pairs(p)).toEqual([
      ['changed', 'test@foo.com 20040830  #13:24:40(UTC)'],
      ['remarks', 'see http://x:80/ # later'],
    ]);
  });

  it('accepts an empty value', () => {
    expect(pairs(only('city:\nowner-c:    \n'))).toEqual([
      ['city', ''],
      ['owner-c', ''],
    ]);
  });
});

describe('parseRpslText: bad input', () => {
  it('reports a line without "name:" inside an object, and keeps the object', () => {
    const p = only('mntner: A\nthis is not an attribute\n   nor its continuation\nsource: X\n');
    expect(p.issues).toEqual([
      expect.objectContaining({ file: '<text>', line: 2, code: 'RPSL_BAD_LINE', severity: 'error' }),
    ]);
    // The bad line's own continuation goes with it, not onto `mntner`.
    expect(pairs(p)).toEqual([
      ['mntner', 'A'],
      ['source', 'X'],
    ]);
  });

  it('rejects attribute names outside [a-z0-9][a-z0-9_-]*', () => {
    for (const line of ['*xxte: 64.203.254.0/24', 'State/Prov: DC', '-bad: x', 'descr : x', ': x']) {
      const p = only(`mntner: A\n${line}\nsource: X\n`);
      expect(p.issues.map((i) => [i.code, i.line])).toEqual([['RPSL_BAD_LINE', 2]]);
    }
    expect(only('mntner: A\nmnt_by-2: x\n').issues).toEqual([]);
  });

  it('yields no object when the paragraph does not start with an attribute', () => {
    const p = only('*xxte:      64.203.254.0/24\ndescr:      Company\n            Address 1\norigin: AS1\n');
    expect(p.object).toBeNull();
    expect(p.issues.map((i) => [i.code, i.line])).toEqual([['RPSL_BAD_LINE', 1]]);
  });

  it('reports a continuation line before any attribute', () => {
    const p = only('% c\n  orphan\n+ more orphan\nmntner: A\n');
    expect(p.object).toBeNull();
    expect(p.issues.map((i) => [i.code, i.line, i.severity])).toEqual([['RPSL_ORPHAN_CONTINUATION', 2, 'error']]);
  });

  it('names the file in every issue', () => {
    const [p] = parseRpslText('mntner: A\nbad\n', 'dump.db');
    expect(p!.issues[0]!.file).toBe('dump.db');
    expect(p!.object!.file).toBe('dump.db');
  });
});

describe('parseRpsl (streaming)', () => {
  it('parses sync and async line sources the same way as the text variant', async () => {
    const text = '# h\n\nmntner: A\ndescr: x\n +y\n\nperson: P\nnic-hdl: P1\n';
    const lines = text.split('\n');
    async function* asyncLines(): AsyncGenerator<string> {
      for (const l of lines) yield l;
    }
    const fromSync: ParsedRpsl[] = [];
    for await (const p of parseRpsl(lines, '<text>')) fromSync.push(p);
    const fromAsync: ParsedRpsl[] = [];
    for await (const p of parseRpsl(asyncLines(), '<text>')) fromAsync.push(p);
    expect(fromSync).toEqual(parseRpslText(text));
    expect(fromAsync).toEqual(parseRpslText(text));
  });

  it('parses a 470 KB aut-num with ~10,000 import/export lines into one object', async () => {
    const lines = ['aut-num:        AS64496', 'as-name:        EXAMPLE-AS'];
    let n = 0;
    let size = 0;
    const add = (line: string): void => {
      lines.push(line);
      size += line.length + 1;
    };
    while (size < 470_000) {
      const peer = 64497 + (n % 15);
      add(n % 2 === 0 ? `import:         from AS${peer} accept AS${peer}` : `export:         to AS${peer} announce AS64496`);
      if (n % 10 === 0) add(`                # continuation ${n}`);
      n++;
    }
    lines.push('source:         TEST');
    expect(n).toBeGreaterThan(9_000);
    async function* stream(): AsyncGenerator<string> {
      yield* lines;
    }
    const out: ParsedRpsl[] = [];
    for await (const p of parseRpsl(stream(), 'big.db')) out.push(p);
    expect(out).toHaveLength(1);
    const obj = out[0]!.object!;
    expect(out[0]!.issues).toEqual([]);
    expect(obj.attributes).toHaveLength(n + 3);
    expect(obj.attributes.filter((a) => a.name === 'import' || a.name === 'export')).toHaveLength(n);
    expect(obj.attributes[2]!.value).toBe('from AS64497 accept AS64497\n# continuation 0');
    expect(obj.attributes.at(-1)).toEqual({ name: 'source', value: 'TEST', line: lines.length });
  });
});
