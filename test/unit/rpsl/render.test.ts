import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRpslText } from '../../../src/rpsl/parse.js';
import { renderRpsl } from '../../../src/rpsl/render.js';

type Pairs = (readonly [string, string])[];

function roundTrip(attributes: Pairs): [string, string][] {
  const parsed = parseRpslText(renderRpsl(attributes));
  expect(parsed).toHaveLength(1);
  expect(parsed[0]!.issues).toEqual([]);
  return parsed[0]!.object!.attributes.map((a) => [a.name, a.value]);
}

describe('renderRpsl', () => {
  it('pads names to 16 columns, one line per attribute, no trailing blank line', () => {
    expect(
      renderRpsl([
        ['inetnum', '192.0.2.0 - 192.0.2.255'],
        ['netname', 'EXAMPLE-NET'],
        ['abuse-mailbox', 'abuse@example.net'],
      ]),
    ).toBe(
      'inetnum:        192.0.2.0 - 192.0.2.255\n' +
        'netname:        EXAMPLE-NET\n' +
        'abuse-mailbox:  abuse@example.net\n',
    );
  });

  it('leaves one space after names of 15 or more characters', () => {
    expect(renderRpsl([['fifteen-chars-x', 'v']])).toBe('fifteen-chars-x: v\n');
    expect(renderRpsl([['fourteen-chars', 'v']])).toBe('fourteen-chars: v\n');
    expect(renderRpsl([['a-very-long-attribute', 'v']])).toBe('a-very-long-attribute: v\n');
  });

  it('indents continuation lines to the value column and writes an empty one as +', () => {
    expect(renderRpsl([['address', 'Example LTD\nHigh street 12\n\nEssex, UK']])).toBe(
      'address:        Example LTD\n' + '                High street 12\n' + '+\n' + '                Essex, UK\n',
    );
  });

  it('writes an empty value without trailing spaces', () => {
    expect(renderRpsl([['city', ''], ['descr', '\nsecond']])).toBe('city:\ndescr:\n                second\n');
  });

  it('renders nothing for no attributes', () => {
    expect(renderRpsl([])).toBe('');
  });

  it('round-trips through the parser, including + lines and # comments', () => {
    const attributes: Pairs = [
      ['aut-num', 'AS64496'],
      ['import', 'from AS64497 accept ANY # transit\nfrom AS64498 accept AS64498'],
      ['remarks', 'a\n\nb'],
      ['phone', '+62 21 1234'],
      ['city', ''],
      ['descr', '\n+plus sign kept'],
      ['source', 'TEST'],
    ];
    expect(roundTrip(attributes)).toEqual(attributes);
  });

  it('property: random attribute lists survive render → parse unchanged', () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,24}$/);
    // Values as the parser produces them: each line trimmed, no line breaks inside a line.
    const valueLine = fc
      .string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\t', '#', ':', '+', '%', '-', '.', 'é', '/'), maxLength: 20 })
      .map((s) => s.trim());
    const value = fc.array(valueLine, { minLength: 1, maxLength: 4 }).map((lines) => lines.join('\n'));
    const attributes = fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(attributes, (attrs) => {
        expect(roundTrip(attrs)).toEqual(attrs);
      }),
      { numRuns: 500 },
    );
  });
});
