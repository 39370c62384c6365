// Secrets kept in files outside both databases (the audit chain's key, the evidence signing
// keys). A secret that others may read proves nothing, so such a file is refused rather than
// used, as ssh refuses a private key with loose permissions; and a secret is written whole
// under another name before it takes its place, so nobody ever reads half of one.
import { closeSync, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Why a private file could not be read; `missing` lets callers create it or say how to. */
export class PrivateFileProblem extends Error {
  constructor(
    message: string,
    readonly missing: boolean,
  ) {
    super(message);
    this.name = 'PrivateFileProblem';
  }
}

/** The bytes of `path`, refused when it is not a regular file or others may read it. `what` names it in messages. */
export function readPrivateFile(path: string, what: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PrivateFileProblem(`${what} ${path} does not exist`, true);
    if (code === 'EACCES') throw new PrivateFileProblem(`cannot read ${what} ${path}: permission denied`, false);
    throw new PrivateFileProblem(`cannot read ${what} ${path}: ${(err as Error).message}`, false);
  }
  try {
    // Checked on the open file, not the name: nothing can swap the file in between.
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new PrivateFileProblem(`${what} ${path} is not a regular file`, false);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw new PrivateFileProblem(`${what} ${path} has mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}: others may read it; make it 0600 (chmod 600 ${path})`, false);
    }
    return readFileSync(fd);
  } catch (err) {
    if (err instanceof PrivateFileProblem) throw err;
    throw new PrivateFileProblem(`cannot read ${what} ${path}: ${(err as Error).message}`, false);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `bytes` to `path` with mode 0600: whole, synced, under another name, then put in
 * place. `replace: false` links it into place, which fails with EEXIST when the name exists
 * (two processes creating one secret at once agree on the first); `replace: true` renames
 * over the old file (a rotation: readers see the old file or the new one).
 */
export function writePrivateFile(path: string, bytes: Uint8Array, options: { readonly replace: boolean }): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    // A leftover of a crashed run with the same pid, whose mode nothing vouches for.
    rmSync(temporary, { force: true });
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, bytes);
      // A secret lost in a crash after it was used would leave what it vouched for unverifiable.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (options.replace) renameSync(temporary, path);
    else linkSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
}
