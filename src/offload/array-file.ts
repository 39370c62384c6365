// Typed arrays through a file: a value whose large parts are typed arrays (an index, a pack)
// written by one process and read whole by another, with no copy of the whole in either's
// memory on the way (a pipe would hold it twice). The rest of the value travels as a small
// skeleton, in which each array is replaced by where its bytes are in the file.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

const ARRAYS = { Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array } as const;
type ArrayKind = keyof typeof ARRAYS;
type AnyArray = InstanceType<(typeof ARRAYS)[ArrayKind]>;

/** Where an array's bytes are in the file (its place in the skeleton). */
interface ArrayPlace {
  readonly 'lacak-array': ArrayKind;
  readonly offset: number;
  readonly length: number;
}

/** At most this many bytes in one read or write call (the platforms' limit is near 2 GiB). */
const MAX_IO = 1 << 30;

function kindOf(value: unknown): ArrayKind | null {
  if (!ArrayBuffer.isView(value)) return null;
  const name = value.constructor.name;
  if (!(name in ARRAYS)) throw new TypeError(`array-file: ${name} is not one of the typed arrays it writes`);
  return name as ArrayKind;
}

function isPlace(value: unknown): value is ArrayPlace {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['lacak-array'] === 'string';
}

/** Writes the typed arrays of `value` to `path` (created or emptied); the skeleton to read them back with. */
export function writeArrays(path: string, value: unknown): unknown {
  const fd = openSync(path, 'w', 0o600);
  let offset = 0;
  const walk = (v: unknown): unknown => {
    const kind = kindOf(v);
    if (kind !== null) {
      const array = v as AnyArray;
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, Math.min(MAX_IO, bytes.length - done), offset + done);
      const place: ArrayPlace = { 'lacak-array': kind, offset, length: array.length };
      // Each array starts 8-aligned, as a Float64Array over a shared buffer would need.
      offset += Math.ceil(bytes.length / 8) * 8;
      return place;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  try {
    return walk(value);
  } finally {
    closeSync(fd);
  }
}

/** The value writeArrays wrote to `path`, each array its own, read whole. */
export function readArrays(path: string, skeleton: unknown): unknown {
  const fd = openSync(path, 'r');
  const walk = (v: unknown): unknown => {
    if (isPlace(v)) {
      const array = new ARRAYS[v['lacak-array']](v.length);
      const bytes = new Uint8Array(array.buffer);
      for (let done = 0; done < bytes.length; ) {
        const read = readSync(fd, bytes, done, Math.min(MAX_IO, bytes.length - done), v.offset + done);
        if (read === 0) throw new Error(`array-file: ${path} ends before the array at ${v.offset}`);
        done += read;
      }
      return array;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  try {
    return walk(skeleton);
  } finally {
    closeSync(fd);
  }
}
