// The key of the audit chain (issue 13): a file outside both databases, so that whoever can
// write the state database still cannot recompute the chain after removing a row. A key
// that others may read proves nothing, so such a file is refused rather than used, as ssh
// refuses a private key with loose permissions.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { LACAK_ERR, LacakError } from '../errors.js';

/** HMAC-SHA256 wants a key as long as its output (RFC 2104 §3). */
export const AUDIT_KEY_BYTES = 32;

function refuse(message: string): LacakError {
  return new LacakError(LACAK_ERR.CONFIG, `${message} (LACAK_AUDIT_KEY)`);
}

/**
 * The key in `path`. With `create`, a missing file is made with 32 random bytes and mode
 * 0600 (what `lacak serve` does on first start); without it (the CLI's verify), a missing
 * key is an error: a new key would make every keyed row look forged.
 */
export function loadAuditKey(path: string, options: { readonly create: boolean }): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.create) return createKey(path);
    if (code === 'ENOENT') throw refuse(`audit key file ${path} does not exist: "lacak serve" creates it on first start`);
    if (code === 'EACCES') throw refuse(`cannot read audit key file ${path}: permission denied`);
    throw refuse(`cannot read audit key file ${path}: ${(err as Error).message}`);
  }
  try {
    // Checked on the open file, not the name: nothing can swap the file in between.
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw refuse(`audit key file ${path} is not a regular file`);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw refuse(`audit key file ${path} has mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}: others may read it; make it 0600 (chmod 600 ${path})`);
    }
    const key = readFileSync(fd);
    if (key.length < AUDIT_KEY_BYTES) throw refuse(`audit key file ${path} holds ${key.length} byte(s); it needs at least ${AUDIT_KEY_BYTES}`);
    return key;
  } catch (err) {
    if (err instanceof LacakError) throw err;
    throw refuse(`cannot read audit key file ${path}: ${(err as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

function createKey(path: string): Buffer {
  const key = randomBytes(AUDIT_KEY_BYTES);
  // Written whole under another name, then linked into place: link() fails if the name
  // exists, so two processes starting at once agree on one key, and neither ever reads a
  // half-written file.
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    // A leftover of a crashed start with the same pid, whose mode nothing vouches for.
    rmSync(temporary, { force: true });
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, key);
      // A key lost in a crash after rows were chained with it would leave them unverifiable.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(temporary, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadAuditKey(path, { create: false });
    throw refuse(`cannot create audit key file ${path}: ${(err as Error).message}`);
  } finally {
    rmSync(temporary, { force: true });
  }
  return key;
}
