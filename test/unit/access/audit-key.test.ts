// The audit chain's key file (issue 13): made once with 32 random bytes and mode 0600, read
// back as it is, and refused in one line when others may read it or it cannot be a key.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AUDIT_KEY_BYTES, loadAuditKey } from '../../../src/access/audit-key.js';
import { LacakError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/registry.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function refusal(path: string, create = true): string {
  try {
    loadAuditKey(path, { create });
  } catch (err) {
    expect(err).toBeInstanceOf(LacakError);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error(`${path} was accepted`);
}

describe.skipIf(process.platform === 'win32')('audit key file', () => {
  it('is created on first use with 32 random bytes, mode 0600, in a folder made for it', () => {
    const path = join(tmp.dir, 'new', 'state.audit-key');
    const key = loadAuditKey(path, { create: true });
    expect(key).toHaveLength(AUDIT_KEY_BYTES);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path).equals(key)).toBe(true);
    // Read back, never replaced.
    expect(loadAuditKey(path, { create: true }).equals(key)).toBe(true);
    expect(loadAuditKey(path, { create: false }).equals(key)).toBe(true);
  });

  it('is refused when others may read it', () => {
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      const path = join(tmp.dir, `loose-${mode.toString(8)}.audit-key`);
      writeFileSync(path, Buffer.alloc(32, 7));
      chmodSync(path, mode);
      expect(refusal(path)).toMatch(new RegExp(`has mode 0${mode.toString(8)}: others may read it; make it 0600 .*LACAK_AUDIT_KEY`));
    }
    const strict = join(tmp.dir, 'strict.audit-key');
    writeFileSync(strict, Buffer.alloc(40, 7), { mode: 0o400 });
    expect(loadAuditKey(strict, { create: false })).toHaveLength(40);
  });

  it('is refused when it cannot be a key, and never made where a key must already be', () => {
    const short = join(tmp.dir, 'short.audit-key');
    writeFileSync(short, 'secret', { mode: 0o600 });
    expect(refusal(short)).toMatch(/holds 6 byte\(s\); it needs at least 32/);
    const folder = join(tmp.dir, 'folder.audit-key');
    mkdirSync(folder, { mode: 0o700 });
    expect(refusal(folder)).toMatch(/not a regular file/);
    const missing = join(tmp.dir, 'missing.audit-key');
    expect(refusal(missing, false)).toMatch(/does not exist: "lacak serve" creates it/);
    expect(() => statSync(missing)).toThrow();
  });
});
