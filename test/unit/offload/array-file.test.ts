// Index and packs reach the server through a file, also kept for its next start (issues 15,
// 16): every typed array comes back with its kind, length and bytes, the rest of the value as
// it was; a file cut short, changed, or stamped for something else is refused with a reason.
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArrayFileRefused, readArrayFile, writeArrayFile } from '../../../src/offload/array-file.js';
import { tempDir } from '../../helpers/registry.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function scratchFile(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return join(dir, 'arrays');
}

const anyMeta = () => null;

async function refusal(read: Promise<unknown>): Promise<string> {
  const err = await read.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArrayFileRefused);
  return (err as ArrayFileRefused).reason;
}

describe('typed arrays through a file', () => {
  it('gives back the value written, each array its own', async () => {
    const shared = new ArrayBuffer(64);
    const value = {
      importId: 7,
      name: 'pack',
      nothing: null,
      chunks: [new Uint8Array([1, 2, 3]), new Uint8Array(0)],
      // Two views of one buffer, one at an offset, as an index's arrays may be.
      starts: new Uint32Array(shared, 0, 4).fill(0xdeadbeef),
      keys: new Float64Array(shared, 32, 2).fill(Math.PI),
      nodes: Int32Array.from([-1, 0, 2 ** 31 - 1]),
      nested: { holes: Uint32Array.from([5, 16, 9]), list: [1, 'two', { three: Float64Array.from([3.5]) }] },
    };
    const path = scratchFile();
    writeArrayFile(path, { importId: 7 }, value);
    const back = (await readArrayFile(path, anyMeta)) as typeof value;
    expect(back).toEqual(value);
    expect(back.starts).toBeInstanceOf(Uint32Array);
    expect(back.keys).toBeInstanceOf(Float64Array);
    expect(back.starts.buffer).not.toBe(back.keys.buffer);
  });

  it('lets the reader refuse a file by what the writer stamped on it', async () => {
    const path = scratchFile();
    writeArrayFile(path, { importId: 7 }, { a: Uint8Array.from([1]) });
    const reason = await refusal(readArrayFile(path, (meta) => ((meta as { importId: number }).importId === 8 ? null : 'made for import 7, not 8')));
    expect(reason).toBe('made for import 7, not 8');
  });

  it('refuses a file cut short, wherever it was cut', async () => {
    const path = scratchFile();
    writeArrayFile(path, {}, { big: new Float64Array(1000).fill(1) });
    const whole = statSync(path).size;
    for (const size of [whole - 1, whole - 20, 8000, 100, 0]) {
      writeArrayFile(path, {}, { big: new Float64Array(1000).fill(1) });
      truncateSync(path, size);
      expect(await refusal(readArrayFile(path, anyMeta))).toMatch(/cut short|bytes where/);
    }
  });

  it('refuses a file with a changed byte, and reads it all the same when asked not to check', async () => {
    const path = scratchFile();
    writeArrayFile(path, {}, { big: new Float64Array(1000).fill(1) });
    const bytes = readFileSync(path);
    bytes[4000] ^= 0x40;
    writeFileSync(path, bytes);
    expect(await refusal(readArrayFile(path, anyMeta))).toMatch(/SHA-256/);
    expect(await readArrayFile(path, anyMeta, false)).toBeTruthy();
  });

  it('refuses a missing file and one that is not of this kind', async () => {
    const path = scratchFile();
    expect(await refusal(readArrayFile(path, anyMeta))).toBe('no such file');
    writeFileSync(path, 'SQLite format 3\0 and the rest of some other file');
    expect(await refusal(readArrayFile(path, anyMeta))).toMatch(/no trailer/);
  });
});
