// Size limits of `lacak import` and `lacak check` (issue #13, finding 8): a line or an object
// over the limit is a defect with file and line like any other (that object goes, the rest
// loads), in memory bounded whatever the input holds, and `--strict` still refuses the run.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, SAMPLE_DIR, tempDir } from '../helpers/registry.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/**
 * The bound on memory is enforced by V8 itself: the CLI runs with a 32 MB heap, which cannot
 * hold a 40 MB line as a string, so an importer that buffers the line dies with an
 * out-of-memory abort instead of answering (the importer before the fix did, in
 * String::SlowFlatten; with the fix the same import needs under 16 MB). No clock is read.
 */
const HEAP_MB = 32;

function lacak(args: string[], heapMb?: number) {
  const node = heapMb ? [`--max-old-space-size=${heapMb}`] : [];
  const r = spawnSync(process.execPath, [...node, CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

const net = (n: number, extra: string[] = []) =>
  [`inetnum: 192.0.2.${n} - 192.0.2.${n}`, `netname: NET-${n}`, 'country: ID', ...extra, 'admin-c: XX1-TEST', 'tech-c: XX1-TEST', 'status: ASSIGNED PORTABLE', 'mnt-by: MAINT-TEST', 'source: TEST', ''].join('\n') + '\n';

function currentNetnames(db: string): string[] {
  const d = new Database(db, { readonly: true });
  try {
    return d
      .prepare<[], { netname: string }>("SELECT netname FROM objects WHERE class = 'inetnum' AND valid_to IS NULL ORDER BY netname")
      .all()
      .map((r) => r.netname);
  } finally {
    d.close();
  }
}

async function gzip(path: string): Promise<string> {
  await pipeline(createReadStream(path), createGzip({ level: 1 }), createWriteStream(`${path}.gz`));
  return `${path}.gz`;
}

const LONG_LINE_BYTES = 40 * 1024 * 1024;
let longLine: string;
let longLineGz: string;

beforeAll(async () => {
  // NET-2's remarks line (line 12) is 40 MB; written in pieces so the test never holds it either.
  longLine = join(tmp.dir, 'long-line.db');
  const out = createWriteStream(longLine);
  out.write(net(1));
  out.write('inetnum: 192.0.2.2 - 192.0.2.2\nnetname: NET-2\nremarks: ');
  const piece = 'x'.repeat(1024 * 1024);
  for (let i = 0; i < LONG_LINE_BYTES / piece.length; i++) out.write(piece);
  out.write('\ncountry: ID\nadmin-c: XX1-TEST\ntech-c: XX1-TEST\nstatus: ASSIGNED PORTABLE\nmnt-by: MAINT-TEST\nsource: TEST\n\n');
  out.write(net(3));
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  longLineGz = await gzip(longLine);
});

describe('a 40 MB line', () => {
  for (const which of ['plain', 'gzip'] as const) {
    it(`(${which}) is one defect with file and line, the rest loads, and the import fits in a ${HEAP_MB} MB heap`, () => {
      const file = which === 'plain' ? longLine : longLineGz;
      const db = join(tmp.dir, `long-${which}.sqlite`);
      const r = lacak(['import', '--db', db, '--at', '2026-01-01T00:00:00Z', file], HEAP_MB);
      expect(r.signal, r.stderr.slice(0, 500)).toBeNull();
      expect(r.status, r.stderr.slice(0, 500)).toBe(0);
      const limit = 64 * 1024;
      expect(r.stderr.trim().split('\n')).toEqual([`${file}:12: error LINE_TOO_LONG: line of ${'remarks: '.length + LONG_LINE_BYTES} bytes, over the limit of ${limit} (--max-line); object rejected`]);
      expect(r.stdout).toMatch(/created 2, changed 0, deleted 0, unchanged 0, rejected 1; 1 error\(s\)/);
      expect(currentNetnames(db)).toEqual(['NET-1', 'NET-3']);
    });
  }
});

describe('a huge object', () => {
  it('of 100,000 lines, in a .gz, is rejected at its first line and the rest loads', async () => {
    const path = join(tmp.dir, 'huge-object.db');
    const remarks = Array.from({ length: 100_000 - 8 }, (_, i) => `remarks: line ${i}`);
    writeFileSync(path, net(1) + net(2, remarks) + net(3));
    const gz = await gzip(path);
    const db = join(tmp.dir, 'huge.sqlite');
    const r = lacak(['import', '--db', db, '--at', '2026-01-01T00:00:00Z', gz]);
    expect(r.status, r.stderr).toBe(0);
    const issues = r.stderr.trim().split('\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(new RegExp(`^${gz}:10: error OBJECT_TOO_LARGE: "inetnum: 192.0.2.2 - 192.0.2.2": object of 100000 lines and \\d+ bytes, over the limit of 20000 lines or 2097152 bytes \\(--max-object\\); object rejected$`));
    expect(r.stdout).toMatch(/created 2, changed 0, deleted 0, unchanged 0, rejected 1;/);
    expect(currentNetnames(db)).toEqual(['NET-1', 'NET-3']);
  });
});

describe('--max-line and --max-object', () => {
  let path: string;
  beforeAll(() => {
    // A 200-byte descr line in NET-2 (line 13); NET-3 (from line 20) has 40 lines in about 800 bytes.
    const lines = Array.from({ length: 32 }, (_, i) => `remarks: ${String(i).padStart(9, '0')}`);
    path = join(tmp.dir, 'thresholds.db');
    writeFileSync(path, net(1) + net(2, [`descr: ${'d'.repeat(193)}`]) + net(3, lines));
  });
  const check = (...flags: string[]) => {
    const r = lacak(['check', '--db', join(tmp.dir, 'none.sqlite'), ...flags, path]);
    // The file's contacts and maintainers exist nowhere: `check` warns about each, which is not what this is about.
    return { ...r, stderr: r.stderr.split('\n').filter((l) => l.includes(': error ')).map((l) => `${l}\n`).join('') };
  };

  it('--max-line lowers the line limit (the default takes every object)', () => {
    const byDefault = check();
    expect(byDefault.status, byDefault.stderr).toBe(0);
    expect(byDefault.stdout).toMatch(/3 valid object\(s\), 0 rejected; 0 error/);
    const r = check('--max-line', '128');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${path}:13: error LINE_TOO_LONG: line of 200 bytes, over the limit of 128 (--max-line); object rejected\n`);
  });

  it('--max-object lowers the line count, the size, or both', () => {
    expect(check('--max-object', '39').stderr).toMatch(new RegExp(`^${path}:20: error OBJECT_TOO_LARGE: "inetnum: 192.0.2.3 - 192.0.2.3": object of 40 lines`));
    expect(check('--max-object', '40').status).toBe(0);
    const bySize = check('--max-object', '512B');
    expect(bySize.status).toBe(1);
    expect(bySize.stderr).toMatch(/:20: error OBJECT_TOO_LARGE: .* over the limit of 20000 lines or 512 bytes/);
    expect(check('--max-object', '39,1MiB').status).toBe(1);
  });

  it('import takes them too, and refuses nonsense in one line', () => {
    const db = join(tmp.dir, 'thresholds.sqlite');
    const r = lacak(['import', '--db', db, '--at', '2026-01-01T00:00:00Z', '--max-line', '128', '--max-object', '39', path]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/created 1, .* rejected 2; 2 error/);
    expect(currentNetnames(db)).toEqual(['NET-1']);
    for (const [flag, value] of [['--max-line', '0'], ['--max-line', 'big'], ['--max-object', '1,2']]) {
      const bad = lacak(['import', '--db', db, flag!, value!, path]);
      expect(bad.status).not.toBe(0);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toContain(flag);
    }
  });
});

describe('--strict', () => {
  it('with a line over the limit changes nothing', () => {
    const db = join(tmp.dir, 'strict.sqlite');
    const first = join(tmp.dir, 'strict-1.db');
    writeFileSync(first, net(1) + net(2));
    expect(lacak(['import', '--db', db, '--at', '2026-01-01T00:00:00Z', first]).status).toBe(0);
    const snapshot = () => {
      const d = new Database(db, { readonly: true });
      try {
        return JSON.stringify([d.prepare('SELECT * FROM objects ORDER BY id').all(), d.prepare('SELECT id, finished_at FROM imports ORDER BY id').all()]);
      } finally {
        d.close();
      }
    };
    const before = snapshot();
    // NET-2 changed, NET-3 new, and NET-1's remarks line 100 KB long.
    const second = join(tmp.dir, 'strict-2.db');
    writeFileSync(second, net(1, [`remarks: ${'r'.repeat(100_000)}`]) + net(2, ['descr: changed']) + net(3));
    const r = lacak(['import', '--db', db, '--strict', '--at', '2026-02-01T00:00:00Z', second]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${second}:4: error LINE_TOO_LONG`);
    expect(r.stderr).toMatch(/lacak: --strict: 1 object error\(s\) found; nothing imported\n$/);
    expect(snapshot()).toBe(before);
  });
});

describe('delegated statistics and the members CSV', () => {
  it('a delegated record line over the limit is not loaded; the other records are', () => {
    const lines = readFileSync(join(SAMPLE_DIR, 'delegated-apnic-extended-20250601'), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('|192.0.2.128|'));
    lines[at] += 'X'.repeat(100_000);
    const path = join(tmp.dir, 'delegated-long');
    writeFileSync(path, lines.join('\n'));
    const r = lacak(['check', '--format', 'delegated', '--db', join(tmp.dir, 'none.sqlite'), path]);
    expect(r.stderr).toMatch(new RegExp(`^${path}:${at + 1}: error LINE_TOO_LONG: line of 100\\d{3} bytes, over the limit of 65536 \\(--max-line\\); record not loaded\\n$`));
    expect(r.stdout).toMatch(/: 8 valid object\(s\), 0 rejected; 1 error/);
  });

  it('a members CSV row over the limit is not loaded; the other rows are', () => {
    const rows = readFileSync(join(SAMPLE_DIR, 'members.csv'), 'utf8').trimEnd().split('\n');
    rows[2] = rows[2]!.replace('Tim Kepatuhan Regulasi', 'T'.repeat(100_000));
    const path = join(tmp.dir, 'members-long.csv');
    writeFileSync(path, rows.join('\r\n') + '\r\n');
    const r = lacak(['check', '--format', 'members-csv', '--db', join(tmp.dir, 'none.sqlite'), path]);
    expect(r.stderr).toMatch(new RegExp(`^${path}:3: error LINE_TOO_LONG: line of 100\\d{3} bytes, over the limit of 65536 \\(--max-line\\); row not loaded\\n$`));
    expect(r.stdout).toMatch(/: 3 valid object\(s\), 0 rejected; 1 error/);
  });
});
