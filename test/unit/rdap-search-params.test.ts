// The syntax of RFC 8977 `count` and `sort`, RFC 8982 `fieldSet`, and the cursor's encoding.
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, parseCount, parseFieldSet, parseSort, searchBinding, SearchParamError } from '../../src/rdap/search-params.js';

const problem = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (err instanceof SearchParamError) return [err.parameter, err.problem.kind];
    throw err;
  }
  return null;
};

describe('search parameters', () => {
  it('count is the ABNF boolean of RFC 8977 §2.1, in any case', () => {
    expect(['true', 'yes', '1', 'TRUE', 'Yes'].map(parseCount)).toEqual([true, true, true, true, true]);
    expect([undefined, 'false', 'no', '0', 'NO'].map(parseCount)).toEqual([false, false, false, false, false]);
    for (const v of ['maybe', '', '2', '50', 'true ', 'y']) expect(problem(() => parseCount(v)), v).toEqual(['count', 'count']);
  });

  it('sort items are property[:a|:d], several by precedence (RFC 8977 §2.2)', () => {
    expect(parseSort('handle')).toEqual([{ property: 'handle', descending: false }]);
    expect(parseSort('registrationDate:d,fn:a,country:D')).toEqual([
      { property: 'registrationDate', descending: true },
      { property: 'fn', descending: false },
      { property: 'country', descending: true },
    ]);
    for (const v of ['', 'handle:x', 'handle:', ':d', '1handle', 'handle,', 'a b', 'handle:ad']) expect(problem(() => parseSort(v)), v).toEqual(['sort', 'sortSyntax']);
    expect(problem(() => parseSort('fn,fn:d'))).toEqual(['sort', 'sortRepeated']);
  });

  it('fieldSet is id, brief or full, full by default (RFC 8982 §4, §5)', () => {
    expect([undefined, 'id', 'brief', 'full'].map(parseFieldSet)).toEqual(['full', 'id', 'brief', 'full']);
    for (const v of ['', 'nope', 'ID', 'Full']) expect(problem(() => parseFieldSet(v)), v).toEqual(['fieldSet', 'fieldSet']);
  });

  it('a cursor decodes only for the search it was made for, unaltered', () => {
    const mine = searchBinding(['ips', 'name', { kind: 'prefix', value: 'X' }, [['name', false]]]);
    const other = searchBinding(['ips', 'name', { kind: 'prefix', value: 'X' }, [['name', true]]]);
    expect(mine).not.toBe(other);
    const cursor = encodeCursor(mine, { id: 4711, page: 3 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, mine)).toEqual({ id: 4711, page: 3 });
    expect(problem(() => decodeCursor(cursor, other))).toEqual(['cursor', 'cursor']);
    const [binding, , , check] = Buffer.from(cursor, 'base64url').toString('latin1').split('.');
    for (const forged of [`${binding}.4712.3.${check}`, `${binding}.4711.4.${check}`, `${binding}.4711.1.${check}`, `${binding}.0.3.${check}`, `${binding}.4711.3`]) {
      expect(problem(() => decodeCursor(Buffer.from(forged).toString('base64url'), mine)), forged).toEqual(['cursor', 'cursor']);
    }
    for (const junk of ['', 'garbage', 'x'.repeat(200), 'a+b/c=', '....']) expect(problem(() => decodeCursor(junk, mine)), junk).toEqual(['cursor', 'cursor']);
  });
});
