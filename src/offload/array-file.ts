// Typed arrays through a file: a value whose large parts are typed arrays (an index, a pack)
// written by one process and read whole by another, or by the next start of the server
// (issue 16), with no copy of the whole in either's memory on the way. The rest of the value
// travels as a small skeleton in which each array is replaced by where its bytes are.
//
// Layout: the arrays, each 8-aligned, from offset 0; then a JSON trailer (the writer's meta,
// the skeleton, the arrays' length and SHA-256); then the trailer's length (u32, little
// endian) and MAGIC. A file cut short has no trailer at its end; a changed byte fails the hash.
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

const ARRAYS = { Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array } as const;
type ArrayKind = keyof typeof ARRAYS;
type AnyArray = InstanceType<(typeof ARRAYS)[ArrayKind]>;

const MAGIC = Buffer.from('LACAKARR');
const END = 4 + MAGIC.length;

/** Where an array's bytes are in the file (its place in the skeleton). */
interface ArrayPlace {
  readonly 'lacak-array': ArrayKind;
  readonly offset: number;
  readonly length: number;
}

interface Trailer {
  readonly meta: unknown;
  readonly skeleton: unknown;
  readonly bytes: number;
  readonly sha256: string;
}

/** A file that is not one to serve: `reason` says why, in words for a log line. */
export class ArrayFileRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** At most this many bytes in one read or write call (the platforms' limit is near 2 GiB). */
const MAX_IO = 1 << 30;
const PAD = Buffer.alloc(8);

function kindOf(value: unknown): ArrayKind | null {
  if (!ArrayBuffer.isView(value)) return null;
  const name = value.constructor.name;
  if (!(name in ARRAYS)) throw new TypeError(`array-file: ${name} is not one of the typed arrays it writes`);
  return name as ArrayKind;
}

function isPlace(value: unknown): value is ArrayPlace {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['lacak-array'] === 'string';
}

function mapValue(value: unknown, leaf: (v: unknown) => unknown | undefined): unknown {
  const done = leaf(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) return value.map((v) => mapValue(v, leaf));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapValue(v, leaf)]));
  return value;
}

/** Writes `value` to `path` (created or emptied), its typed arrays as bytes, with `meta` for the reader to judge it by. */
export function writeArrayFile(path: string, meta: unknown, value: unknown): void {
  const fd = openSync(path, 'w', 0o600);
  const hash = createHash('sha256');
  let offset = 0;
  const write = (bytes: Uint8Array) => {
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, Math.min(MAX_IO, bytes.length - done), offset + done);
    hash.update(bytes);
    offset += bytes.length;
  };
  try {
    const skeleton = mapValue(value, (v) => {
      const kind = kindOf(v);
      if (kind === null) return undefined;
      const array = v as AnyArray;
      const place: ArrayPlace = { 'lacak-array': kind, offset, length: array.length };
      write(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      // Each array starts 8-aligned, as a Float64Array needs.
      write(PAD.subarray(0, (8 - (offset % 8)) % 8));
      return place;
    });
    const trailer: Trailer = { meta, skeleton, bytes: offset, sha256: hash.digest('hex') };
    const text = Buffer.from(JSON.stringify(trailer));
    const end = Buffer.alloc(END);
    end.writeUInt32LE(text.length, 0);
    MAGIC.copy(end, 4);
    writeSync(fd, Buffer.concat([text, end]), 0, text.length + END, offset);
  } finally {
    closeSync(fd);
  }
}

/**
 * The value in the file at `path`, each array its own, read whole. `accept` judges the
 * writer's meta (a reason to refuse, or null); the arrays are checked against their SHA-256
 * unless `verify` is false (a file this process just had written). Throws ArrayFileRefused
 * for a file that is missing, cut short, changed or refused.
 */
export async function readArrayFile(path: string, accept: (meta: unknown) => string | null, verify = true): Promise<unknown> {
  const file = await open(path, 'r').catch(() => null);
  if (!file) throw new ArrayFileRefused('no such file');
  try {
    const size = (await file.stat()).size;
    const end = Buffer.alloc(END);
    if (size < END || (await file.read(end, 0, END, size - END)).bytesRead !== END || !end.subarray(4).equals(MAGIC)) throw new ArrayFileRefused('cut short or not such a file (no trailer)');
    const length = end.readUInt32LE(0);
    if (length > size - END) throw new ArrayFileRefused('cut short (trailer longer than the file)');
    const text = Buffer.alloc(length);
    await file.read(text, 0, length, size - END - length);
    let trailer: Trailer;
    try {
      trailer = JSON.parse(text.toString('utf8')) as Trailer;
    } catch {
      throw new ArrayFileRefused('trailer unreadable');
    }
    if (trailer.bytes !== size - END - length) throw new ArrayFileRefused(`${size} bytes where ${trailer.bytes + length + END} were written`);
    const refused = accept(trailer.meta);
    if (refused !== null) throw new ArrayFileRefused(refused);
    const hash = verify ? createHash('sha256') : null;
    let hashed = 0;
    const places: { place: ArrayPlace; array: AnyArray }[] = [];
    const value = mapValue(trailer.skeleton, (v) => {
      if (!isPlace(v)) return undefined;
      if (!(v['lacak-array'] in ARRAYS)) throw new ArrayFileRefused(`unknown array kind ${String(v['lacak-array'])}`);
      const array = new ARRAYS[v['lacak-array']](v.length);
      places.push({ place: v, array });
      return array;
    });
    // In file order, so that the hash sees the bytes as they were written (padding included).
    places.sort((a, b) => a.place.offset - b.place.offset);
    for (const { place, array } of places) {
      const bytes = new Uint8Array(array.buffer);
      if (place.offset < hashed || place.offset + bytes.length > trailer.bytes) throw new ArrayFileRefused('arrays overlap or lie beyond the data');
      if (hash && place.offset > hashed) {
        const gap = Buffer.alloc(place.offset - hashed);
        await file.read(gap, 0, gap.length, hashed);
        hash.update(gap);
      }
      for (let done = 0; done < bytes.length; ) {
        const { bytesRead } = await file.read(bytes, done, Math.min(MAX_IO, bytes.length - done), place.offset + done);
        if (bytesRead === 0) throw new ArrayFileRefused('cut short');
        done += bytesRead;
      }
      hash?.update(bytes);
      hashed = place.offset + bytes.length;
    }
    if (hash) {
      if (trailer.bytes > hashed) {
        const tail = Buffer.alloc(trailer.bytes - hashed);
        await file.read(tail, 0, tail.length, hashed);
        hash.update(tail);
      }
      if (hash.digest('hex') !== trailer.sha256) throw new ArrayFileRefused('changed since it was written (SHA-256 differs)');
    }
    return value;
  } finally {
    await file.close();
  }
}
