// Issue 16: `lacak import` says how far it has got. Off a terminal (a service, a pipe): an
// `import progress` log line per file begun, every LACAK_IMPORT_PROGRESS_MS while reading, and
// when it finishes. On a terminal: one line redrawn in place and cleared before the summary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, SAMPLE_DIR, tempDir } from '../helpers/registry.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const IDNIC = join(SAMPLE_DIR, '2026-01-01', 'idnic.db');
const APNIC = join(SAMPLE_DIR, 'delegated-apnic-extended-20250601');

describe('import progress', () => {
  it('off a terminal, logs the phase, the file, the objects read and their rate', () => {
    const db = join(tmp.dir, 'off.sqlite');
    const r = spawnSync(process.execPath, [CLI, 'import', '--db', db, '--at', '2026-01-01T00:00:00Z', IDNIC], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', LACAK_IMPORT_PROGRESS_MS: '100' },
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; phase?: string; file?: string | null; objects?: number; perSecond?: number });
    const progress = lines.filter((l) => l.msg === 'import progress');
    expect(progress[0]).toMatchObject({ phase: 'reading', file: IDNIC, objects: 0 });
    const finishing = progress.at(-1)!;
    expect(finishing).toMatchObject({ phase: 'finishing', file: null });
    // Every object of the file was read: the summary's created ones and any rejected.
    const summary = lines.find((l) => l.msg === 'import') as unknown as { created: number; rejected: number };
    expect(finishing.objects).toBe(summary.created + summary.rejected);
    expect(finishing.perSecond).toBeGreaterThan(0);
    // No terminal control characters where no terminal is.
    expect(r.stderr).not.toContain('\x1b[K');
  });

  it.skipIf(!existsSync('/usr/bin/script'))('on a terminal, redraws one line and clears it before the summary', () => {
    const db = join(tmp.dir, 'on.sqlite');
    // script(1) gives the import a terminal; its output is what the terminal showed.
    const command = [process.execPath, CLI, 'import', '--db', db, '--format', 'delegated', APNIC].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' } });
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toContain(`\r\x1b[Kreading ${APNIC}: 0 objects`);
    expect(r.stdout).toMatch(/\r\x1b\[Kfinishing \(closing what vanished, committing\): [\d,]+ objects, [\d,]+\/s\r\x1b\[K/);
    expect(r.stdout).toMatch(/\r\x1b\[Kimport \d+: snapshot /);
    expect(r.stdout).not.toContain('import progress');
  });
});
