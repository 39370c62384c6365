// The packs and index reach the server through a file (issue 15): every typed array comes back
// with its kind, length and bytes, whatever its buffer; the rest of the value as it was; a
// file cut short is an error, not an array of zeros.
import { statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readArrays, writeArrays } from '../../../src/offload/array-file.js';
import { tempDir } from '../../helpers/registry.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function scratchFile(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return join(dir, 'arrays');
}

describe('typed arrays through a file', () => {
  it('gives back the value written, each array its own', () => {
    const shared = new ArrayBuffer(64);
    const value = {
      importId: 7,
      name: 'pack',
      nothing: null,
      chunks: [new Uint8Array([1, 2, 3]), new Uint8Array(0)],
      // Two views of one buffer, one at an odd offset, as an index's arrays may be.
      starts: new Uint32Array(shared, 0, 4).fill(0xdeadbeef),
      keys: new Float64Array(shared, 32, 2).fill(Math.PI),
      nodes: Int32Array.from([-1, 0, 2 ** 31 - 1]),
      nested: { holes: Uint32Array.from([5, 16, 9]), list: [1, 'two', { three: Float64Array.from([3.5]) }] },
    };
    const path = scratchFile();
    const back = readArrays(path, JSON.parse(JSON.stringify(writeArrays(path, value)))) as typeof value;
    expect(back).toEqual(value);
    expect(back.starts).toBeInstanceOf(Uint32Array);
    expect(back.keys).toBeInstanceOf(Float64Array);
    expect(back.starts.buffer).not.toBe(back.keys.buffer);
    expect(back.nested.list[2]).toEqual({ three: Float64Array.from([3.5]) });
  });

  it('refuses a file cut short', () => {
    const path = scratchFile();
    const skeleton = writeArrays(path, { big: new Float64Array(1000).fill(1) });
    truncateSync(path, statSync(path).size - 8);
    expect(() => readArrays(path, skeleton)).toThrow(/ends before/);
  });
});
