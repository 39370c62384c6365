// Opening an input file for any importer: a path or `-` (stdin), gzip detected by
// its magic bytes (not the name), read as UTF-8 lines with CRLF tolerated.
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LACAK_ERR, LacakError } from '../errors.js';

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
}

function firstChunk(stream: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const onReadable = () => {
      cleanup();
      resolve((stream.read() as Buffer | null) ?? null);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new LacakError(LACAK_ERR.FILE, `cannot read <stdin>: ${err.message}`));
    };
    const cleanup = () => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    stream.once('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

/** A byte stream of the (decompressed) input. Errors surface as LacakError while iterating. */
export async function openInput(path: string, options: InputOptions = {}): Promise<Readable> {
  let raw: Readable;
  let gz: boolean;
  if (path === '-') {
    // A pipe cannot be peeked, so its first bytes are read and pushed back.
    raw = options.stdin ?? process.stdin;
    const head = await firstChunk(raw);
    // An ended stream never ends again for a new reader: hand over an empty one.
    if (head === null) return Readable.from([]);
    gz = head !== null && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    raw.unshift(head);
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
 * Lines of an input without their terminators (LF or CRLF). A truncated or corrupt
 * gzip file ends the iteration with a LacakError naming the file.
 */
export async function* readLines(path: string, options: InputOptions = {}): AsyncGenerator<string> {
  const stream = await openInput(path, options);
  stream.setEncoding('utf8');
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  // readline does not forward stream errors to the iterator on every Node version.
  let failure: Error | null = null;
  stream.on('error', (err) => {
    failure = err;
    lines.close();
  });
  try {
    for await (const line of lines) {
      if (failure) break;
      yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
  } catch (err) {
    failure = err as Error;
  }
  if (failure) {
    const reason = (failure as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' ? 'unexpected end of file (truncated gzip?)' : (failure as Error).message;
    throw new LacakError(LACAK_ERR.FILE, `cannot read ${inputName(path)}: ${reason}`);
  }
}
