// stripComment skips the whitespace folding when there is nothing to fold (issue 16: an import
// calls it a dozen times per object). It must still give what folding every value gives.
import { describe, expect, it } from 'vitest';
import { stripComment } from '../../../src/model/types.js';

/** The rule as first written: cut at `#`, fold every run of whitespace to one space, trim. */
function reference(value: string): string {
  const hash = value.indexOf('#');
  return (hash >= 0 ? value.slice(0, hash) : value).replace(/\s+/g, ' ').trim();
}

describe('stripComment', () => {
  it('equals folding every value, for values made of letters, spaces, tabs, newlines, NBSP and comments', () => {
    const pieces = ['a', 'B', '1', '-', ' ', '  ', '\t', '\n', '\u00a0', '\u2003', '#', 'x y', ' # note'];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let n = 0; n < 20_000; n++) {
      let value = '';
      const length = next() % 12;
      for (let i = 0; i < length; i++) value += pieces[next() % pieces.length];
      expect(stripComment(value), JSON.stringify(value)).toBe(reference(value));
    }
  });

  it('keeps single-spaced text as it is, and folds what needs it', () => {
    expect(stripComment('ASSIGNED PORTABLE')).toBe('ASSIGNED PORTABLE');
    expect(stripComment('  ASSIGNED\t\tPORTABLE  # since 2010')).toBe('ASSIGNED PORTABLE');
    expect(stripComment('PT\u00a0Contoh')).toBe('PT Contoh');
  });
});
