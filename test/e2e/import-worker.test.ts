// `lacak import` parses in a worker thread while it writes (issue 16). What it stores must be
// what the same import read in one thread stores; a failure in the worker must fail the run
// and change nothing; and a first load killed mid-way (its index of references dropped for
// the load) must leave the store exactly as it was.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/importers/run-import.js';
import { readSampleManifest } from '../../src/sample.js';
import { openRegistryDb } from '../../src/store/db.js';
import { CLI, quietLog, SAMPLE_DIR, tempDir } from '../helpers/registry.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function lacak(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Everything an answer or a provenance record is made of. */
function stored(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return JSON.stringify([
      db.prepare('SELECT id, source, class, key, valid_from, valid_to, import_id, closed_by, attributes, netname, name, status, org, family, first, last, bucket, asn_first, asn_last, line, digest FROM objects ORDER BY id').all(),
      db.prepare('SELECT object_id, attribute, target FROM refs ORDER BY 1, 2, 3').all(),
      db.prepare('SELECT id, snapshot_at, format, pairs, created, changed, deleted, unchanged, rejected FROM imports ORDER BY id').all(),
      db.prepare('SELECT * FROM snapshots ORDER BY 1, 2, 3').all(),
      // The digests of the files read, without the paths they were given by.
      db.prepare('SELECT files FROM imports ORDER BY id').all().map((r) => (JSON.parse((r as { files: string }).files) as { sha256: string; bytes: number }[]).map((f) => [f.sha256, f.bytes])),
    ]);
  } finally {
    db.close();
  }
}

describe('lacak import with its parse worker', () => {
  it('stores what the same imports read in one thread store, run after run', async () => {
    const byCli = join(tmp.dir, 'cli.sqlite');
    const inThread = join(tmp.dir, 'thread.sqlite');
    const db = openRegistryDb(inThread, { create: true });
    try {
      for (const step of readSampleManifest(SAMPLE_DIR).imports) {
        const files = step.files.map((f) => join(SAMPLE_DIR, f));
        const r = lacak(['import', '--db', byCli, '--format', step.format, '--at', step.at, ...files]);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        await importFiles(db, { files, format: step.format, at: Date.parse(step.at) }, quietLog);
      }
    } finally {
      db.close();
    }
    // The second IDNIC snapshot found most objects by their digests, unparsed.
    const unchanged = new Database(byCli, { readonly: true }).prepare('SELECT unchanged FROM imports ORDER BY id DESC LIMIT 1').get() as { unchanged: number };
    expect(unchanged.unchanged).toBeGreaterThan(50);
    expect(stored(byCli).replaceAll(byCli, '')).toBe(stored(inThread).replaceAll(inThread, ''));
  });

  it('a file the worker cannot read to its end fails the run with one line and changes nothing', () => {
    const path = join(tmp.dir, 'cut.sqlite');
    const first = join(SAMPLE_DIR, '2025-06-01', 'idnic.db');
    expect(lacak(['import', '--db', path, '--at', '2025-06-01T00:00:00Z', first]).status).toBe(0);
    const before = stored(path);
    const gz = gzipSync(readFileSync(join(SAMPLE_DIR, '2026-01-01', 'idnic.db')));
    const cut = join(tmp.dir, 'cut.db.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.7)));
    const r = lacak(['import', '--db', path, '--at', '2026-01-01T00:00:00Z', cut]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^lacak: cannot read .*cut\.db\.gz: unexpected end of file/)]);
    expect(stored(path)).toBe(before);
  });

  it('a first load killed with SIGKILL mid-way leaves the empty store, every index in place', async () => {
    const path = join(tmp.dir, 'first.sqlite');
    openRegistryDb(path, { create: true }).close();
    const schema = () => {
      const d = new Database(path, { readonly: true });
      try {
        return JSON.stringify([
          d.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all(),
          d.prepare('SELECT (SELECT count(*) FROM objects) + (SELECT count(*) FROM refs) + (SELECT count(*) FROM imports) AS n').get(),
          d.pragma('integrity_check', { simple: true }),
        ]);
      } finally {
        d.close();
      }
    };
    const before = schema();
    expect(before).toContain('refs_target');
    const big = join(tmp.dir, 'big.db');
    const objects: string[] = [];
    // Big enough that SQLite's cache spills long before the end (a load this size takes seconds).
    for (let i = 0; i < 300_000; i++) {
      const a = 10 + (i >> 16);
      objects.push(
        `inetnum:        ${a}.${(i >> 8) & 255}.${i & 255}.0 - ${a}.${(i >> 8) & 255}.${i & 255}.255\nnetname:        NET-${i}\ncountry:        ID\n` +
          'admin-c:        AA1-TEST\ntech-c:         AA1-TEST\nstatus:         ASSIGNED PORTABLE\nmnt-by:         TEST-ROOT-MNT\nsource:         TEST\n',
      );
    }
    writeFileSync(big, objects.join('\n'));
    const child = spawn(process.execPath, [CLI, 'import', '--db', path, '--at', '2026-02-01T00:00:00Z', big], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Killed once it is visibly writing (its WAL grows), long before it can finish.
    const wal = `${path}-wal`;
    const started = Date.now();
    while (Date.now() - started < 60_000) {
      if (existsSync(wal) && statSync(wal).size > 4 * 1024 * 1024) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await exited;
    expect(schema()).toBe(before);
  }, 120_000);
});
