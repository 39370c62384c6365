// Opening an input file for any importer: a path or `-` (stdin), gzip detected by
// its magic bytes (not the name), read as UTF-8 lines with CRLF tolerated, within the
// limits on line and object size every reader applies.
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LACAK_ERR, LacakError } from '../errors.js';
import { DEFAULT_INPUT_LIMITS, LineSplitter, type InputLimits, type LineBatch } from '../io/lines.js';

export { DEFAULT_INPUT_LIMITS, INPUT_ISSUE, type InputLimits, type LineBatch } from '../io/lines.js';

/** The name issues and import records use for an input: the path as given, `<stdin>` for `-`. */
export function inputName(path: string): string {
  return path === '-' ? '<stdin>' : path;
}

async function isGzipFile(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new LacakError(LACAK_ERR.FILE, `cannot open ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** SHA-256 and size of the raw (still compressed) bytes of an input, for the import record. */
export class FileDigest {
  private readonly hash = createHash('sha256');
  bytes = 0;
  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }
  hex(): string {
    return this.hash.digest('hex');
  }
}

export interface InputOptions {
  readonly stdin?: Readable;
  readonly digest?: FileDigest;
  /** Default: DEFAULT_INPUT_LIMITS. */
  readonly limits?: InputLimits;
}

/**
 * A pipe cannot be peeked: its first chunk is read, then handed on ahead of the rest.
 * Null for an empty input.
 */
async function peekStream(stream: Readable): Promise<{ head: Buffer; stream: Readable } | null> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const toBuffer = (c: Buffer | string) => (typeof c === 'string' ? Buffer.from(c) : c);
  let first: IteratorResult<Buffer | string>;
  try {
    first = await chunks.next();
  } catch (err) {
    throw new LacakError(LACAK_ERR.FILE, `cannot read <stdin>: ${(err as Error).message}`);
  }
  if (first.done) return null;
  const head = toBuffer(first.value);
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield toBuffer(next.value);
  }
  return { head, stream: Readable.from(all(), { objectMode: false }) };
}

/** A byte stream of the (decompressed) input. Errors surface as LacakError while iterating. */
export async function openInput(path: string, options: InputOptions = {}): Promise<Readable> {
  let raw: Readable;
  let gz: boolean;
  if (path === '-') {
    const peeked = await peekStream(options.stdin ?? process.stdin);
    if (peeked === null) return Readable.from([]);
    raw = peeked.stream;
    gz = peeked.head.length >= 2 && peeked.head[0] === 0x1f && peeked.head[1] === 0x8b;
  } else {
    gz = await isGzipFile(path);
    raw = createReadStream(path);
  }
  if (options.digest) raw.on('data', (chunk: Buffer) => options.digest!.update(chunk));
  if (!gz) return raw;
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/**
 * Lines of an input without their terminators (LF or CRLF), in batches of one read
 * chunk each: a dump of twenty million lines would spend seconds on one promise per
 * line. A line over `limits.maxLineBytes` is cut to it and listed in the batch's `cut`;
 * what to do with it is the reader's call (each reports it once). A truncated or corrupt
 * gzip file ends the iteration with a LacakError naming it.
 */
export async function* readLineBatches(path: string, options: InputOptions = {}): AsyncGenerator<LineBatch> {
  const stream = await openInput(path, options);
  const splitter = new LineSplitter((options.limits ?? DEFAULT_INPUT_LIMITS).maxLineBytes);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const batch = splitter.push(chunk);
      if (batch) yield batch;
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = e.code === 'Z_BUF_ERROR' ? 'unexpected end of file (truncated gzip?)' : e.message;
    throw new LacakError(LACAK_ERR.FILE, `cannot read ${inputName(path)}: ${reason}`);
  }
  const last = splitter.end();
  if (last) yield last;
}

/** Lines of an input one by one (overlong ones cut), for readers whose work per line outweighs a promise. */
export async function* readLines(path: string, options: InputOptions = {}): AsyncGenerator<string> {
  for await (const batch of readLineBatches(path, options)) yield* batch.lines;
}
