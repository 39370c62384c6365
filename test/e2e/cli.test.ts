// The `lacak` command as an operator runs it: one-line errors, exit codes, no stack traces,
// and an import killed mid-way (kill -9) that leaves the registry exactly as it was.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { CLI, FIXTURES, SAMPLE_DIR, tempDir } from '../helpers/registry.js';

// Real files the repository carries (test/fixtures/README.md): RIPE's whois test dumps and APNIC's
// 2013 delegated statistics.
const RIPE_TEST = join(FIXTURES, 'rpsl', 'ripe-test');
const APNIC_2013 = join(FIXTURES, 'delegated-stats', 'apnic-2013', 'delegated-apnic-extended-latest.gz');

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function lacak(args: string[], env: Record<string, string> = {}, input?: Buffer) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    input,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^lacak: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('lacak CLI', () => {
  const db = join(tmp.dir, 'cli.sqlite');

  it('imports a dump and prints one summary line', () => {
    const r = lacak(['import', '--db', db, '--at', '2026-01-01T00:00:00Z', join(RIPE_TEST, 'TEST.db')]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^import 1: snapshot 2026-01-01T00:00:00.000Z; created \d+, changed 0, deleted 0, unchanged 0, rejected 0/);
  });

  it('dates a delegated file by its header when --at is absent', () => {
    const r = lacak(['import', '--db', db, '--format', 'delegated', APNIC_2013]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('snapshot 2013-04-16T00:00:00.000Z; created 29630');
  });

  it('reads stdin, plain or gzip-compressed, and refuses an empty one', () => {
    const stdinDb = join(tmp.dir, 'stdin.sqlite');
    const apnic = readFileSync(join(SAMPLE_DIR, '2025-06-01', 'apnic.db'));
    const gz = lacak(['import', '--db', stdinDb, '--at', '2025-06-01T00:00:00Z', '-'], {}, gzipSync(apnic));
    expect(gz.stdout).toMatch(/created 19,/);
    const plain = lacak(['import', '--db', stdinDb, '--at', '2025-06-02T00:00:00Z', '-'], {}, apnic);
    expect(plain.stdout).toMatch(/created 0, changed 0, deleted 0, unchanged 19/);
    const empty = lacak(['import', '--db', stdinDb, '-'], {}, Buffer.alloc(0));
    expect(empty.status).toBe(1);
    expectOneLineError(empty.stderr, /nothing to import in <stdin>/);
  });

  it('check reports every defect with file:line and writes nothing', () => {
    const before = statSync(db).mtimeMs;
    const file = join(RIPE_TEST, 'TEST_ADDITIONAL_LOAD_DUMP_WITH_ERROR.db');
    const r = lacak(['check', '--db', db, file]);
    // The person (line 11) claims AA2-TEST on its nic-hdl line, a handle TEST.db's role already has.
    expect(r.stderr).toContain(`${file}:17: error NIC_HDL_TAKEN`);
    expect(r.stdout).toMatch(/2 valid object\(s\), 1 rejected; 1 error/);
    expect(r.status).toBe(1);
    expect(statSync(db).mtimeMs).toBe(before);
    // Against an empty registry the same file's dangling references show instead.
    const alone = lacak(['check', '--db', join(tmp.dir, 'none.sqlite'), file]);
    expect(alone.stderr).toContain(`${file}:21: warning REF_UNRESOLVED: role NR1-TEST: mnt-by TEST-ROOT-MNT`);
    expect(alone.status).toBe(0);
    expect(existsSync(join(tmp.dir, 'none.sqlite'))).toBe(false);
  });

  it('answers bad input with one line and a non-zero status', () => {
    expectOneLineError(lacak(['import', '--db', db, join(tmp.dir, 'missing.db')]).stderr, /cannot open .*missing\.db: ENOENT/);
    expectOneLineError(lacak(['import', '--db', db, '--at', '2026-13-01T00:00:00Z', 'x']).stderr, /not a valid time/);
    expectOneLineError(lacak(['import', '--db', db, '--at', '2026-01-01T00:00:00', 'x']).stderr, /has no zone/);
    const older = lacak(['import', '--db', db, '--at', '2025-01-01T00:00:00Z', join(RIPE_TEST, 'TEST.db')]);
    expect(older.status).not.toBe(0);
    expectOneLineError(older.stderr, /already has a snapshot at 2026-01-01/);

    const garbage = join(tmp.dir, 'garbage.db');
    writeFileSync(garbage, 'this is not rpsl\nat all\n');
    const g = lacak(['import', '--db', db, garbage]);
    expect(g.status).not.toBe(0);
    expect(g.stderr).toMatch(/garbage\.db:1: error/);
    expect(g.stderr.trim().split('\n').at(-1)).toMatch(/^lacak: nothing to import/);

    const notDelegated = lacak(['import', '--db', db, '--format', 'delegated', garbage]);
    expect(notDelegated.status).not.toBe(0);
    expectOneLineError(notDelegated.stderr, /garbage\.db/);
  });

  it('refuses to write into an unwritable place without a stack trace', () => {
    const locked = join(tmp.dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const r = lacak(['import', '--db', join(locked, 'sub', 'x.sqlite'), join(RIPE_TEST, 'TEST.db')]);
    chmodSync(locked, 0o700);
    // root may write anywhere; then the import simply succeeds.
    if (r.status !== 0) expectOneLineError(r.stderr, /cannot (create|open) registry database/);
  });

  it('serve refuses to start when LACAK_DB names a missing file', () => {
    const r = lacak(['serve'], { LACAK_DB: join(tmp.dir, 'nope.sqlite'), HTTP_PORT: '0' });
    expect(r.status).not.toBe(0);
    expectOneLineError(r.stderr, /registry database .*nope\.sqlite does not exist/);
    expect(existsSync(join(tmp.dir, 'nope.sqlite'))).toBe(false);
  });

  it('an import killed with SIGKILL mid-way leaves the data exactly as it was', async () => {
    const killDb = join(tmp.dir, 'kill.sqlite');
    expect(lacak(['import', '--db', killDb, '--at', '2026-01-01T00:00:00Z', join(RIPE_TEST, 'TEST.db')]).status).toBe(0);
    const state = () => {
      const d = new Database(killDb, { readonly: true });
      try {
        return JSON.stringify([
          d.prepare('SELECT id, key, valid_from, valid_to FROM objects ORDER BY id').all(),
          d.prepare('SELECT id FROM imports').all(),
          d.pragma('integrity_check', { simple: true }),
        ]);
      } finally {
        d.close();
      }
    };
    const before = state();
    const big = join(tmp.dir, 'big.db');
    const objects: string[] = [];
    for (let i = 0; i < 120_000; i++) {
      const a = 10 + (i >> 16);
      objects.push(`inetnum:        ${a}.${(i >> 8) & 255}.${i & 255}.0 - ${a}.${(i >> 8) & 255}.${i & 255}.255\nnetname:        NET-${i}\ncountry:        ID\nadmin-c:        AA1-TEST\ntech-c:         AA1-TEST\nstatus:         ASSIGNED PORTABLE\nmnt-by:         TEST-ROOT-MNT\nsource:         TEST\n`);
    }
    writeFileSync(big, objects.join('\n'));
    const child = spawn(process.execPath, [CLI, 'import', '--db', killDb, '--at', '2026-02-01T00:00:00Z', big], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill once the import is visibly writing (its WAL grows), long before it can finish.
    const wal = `${killDb}-wal`;
    const started = Date.now();
    while (Date.now() - started < 60_000) {
      if (existsSync(wal) && statSync(wal).size > 4 * 1024 * 1024) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await exited;
    expect(state()).toBe(before);
  }, 120_000);
});
