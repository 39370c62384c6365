// The key of the audit chain (issue 13): a file outside both databases, so that whoever can
// write the state database still cannot recompute the chain after removing a row. A key
// that others may read proves nothing, so such a file is refused (io/private-file.ts).
import { randomBytes } from 'node:crypto';
import { LACAK_ERR, LacakError } from '../errors.js';
import { PrivateFileProblem, readPrivateFile, writePrivateFile } from '../io/private-file.js';

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
  let key: Buffer;
  try {
    key = readPrivateFile(path, 'audit key file');
  } catch (err) {
    if (!(err instanceof PrivateFileProblem)) throw err;
    if (err.missing && options.create) return createKey(path);
    throw refuse(err.missing ? `${err.message}: "lacak serve" creates it on first start` : err.message);
  }
  if (key.length < AUDIT_KEY_BYTES) throw refuse(`audit key file ${path} holds ${key.length} byte(s); it needs at least ${AUDIT_KEY_BYTES}`);
  return key;
}

function createKey(path: string): Buffer {
  const key = randomBytes(AUDIT_KEY_BYTES);
  try {
    // Linked into place: two processes starting at once agree on one key.
    writePrivateFile(path, key, { replace: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadAuditKey(path, { create: false });
    throw refuse(`cannot create audit key file ${path}: ${(err as Error).message}`);
  }
  return key;
}
