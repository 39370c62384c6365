// What `lacak serve` tells an operator as it starts (issue 14): each migration it applied and
// what it does, and a warning for data that has gone stale or bootstrap files older than
// LACAK_BOOTSTRAP_MAX_AGE; refreshed bootstrap files kept outside the checkout
// (LACAK_BOOTSTRAP_DIR, written by scripts/make-bootstrap.ts) silence that warning.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, ROOT, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer } from '../helpers/server.js';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const WARN = 40;

/** Starts the server, runs `whileUp` against it, stops it, and returns what it logged up to then. */
async function startLog(env: Record<string, string>, whileUp?: (baseUrl: string) => Promise<void>): Promise<LogLine[]> {
  const server = await startServer(CLI, env);
  try {
    await whileUp?.(server.baseUrl);
  } finally {
    expect(await server.stop()).toBe(0);
  }
  return server.logs.flatMap((l) => {
    try {
      return [JSON.parse(l) as LogLine];
    } catch {
      return [];
    }
  });
}

describe('the start-up log', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'registry.sqlite');
  const state = join(tmp.dir, 'registry.state.sqlite');

  beforeAll(async () => {
    await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
  });
  afterAll(() => tmp.cleanup());

  it('names each migration applied and what it does; nothing on a start with none to apply', async () => {
    // A registry database at schema 1, as lacak left it before the opaque-id migration.
    const old = new Database(db);
    old.pragma('user_version = 1');
    old.close();
    const first = await startLog({ LACAK_DB: db, LACAK_STALE_AFTER: '36500d', LACAK_BOOTSTRAP_MAX_AGE: '36500d' });
    const migrated = first.filter((l) => l.msg === 'database migrated');
    expect(migrated).toEqual([
      expect.objectContaining({ component: 'store', db, version: 2, migration: "delegated records' account ids move from org: to opaque-id:, in objects and their references" }),
      expect.objectContaining({ component: 'store', db, version: 3, migration: 'references: the unused index by object id is dropped' }),
      expect.objectContaining({ component: 'store', db, version: 4, migration: expect.stringMatching(/^objects: the digest of the text/) }),
      // The state database is new: its schema is made step by step, and said so.
      expect.objectContaining({ component: 'store', db: state, version: 1, migration: 'state schema: API keys and the audit log' }),
      expect.objectContaining({ component: 'store', db: state, version: 2, migration: expect.stringMatching(/^audit rows record their chain/) }),
      expect.objectContaining({ component: 'store', db: state, version: 3, migration: expect.stringMatching(/^audit rows name the replica/) }),
    ]);
    for (const l of migrated) expect(l.ms).toEqual(expect.any(Number));
    const check = new Database(db, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(4);
    check.close();

    const second = await startLog({ LACAK_DB: db, LACAK_STALE_AFTER: '36500d', LACAK_BOOTSTRAP_MAX_AGE: '36500d' });
    expect(second.filter((l) => l.msg === 'database migrated')).toEqual([]);
  });

  it('warns about each stale source and about bootstrap files older than LACAK_BOOTSTRAP_MAX_AGE', async () => {
    // The sample's snapshots are from 2025-06-01 and 2026-01-01, the shipped bootstrap files from 2016.
    const lines = await startLog({ LACAK_DB: db, LACAK_STALE_AFTER: '8d' });
    const stale = lines.filter((l) => l.msg === 'registry data stale');
    expect(stale.map((l) => [l.level, l.source, l.snapshotAt, l.staleAfter])).toEqual([
      [WARN, 'IDNIC', '2026-01-01T00:00:00Z', '8d'],
      [WARN, 'APNIC', '2025-06-01T00:00:00Z', '8d'],
      [WARN, 'DELEGATED-APNIC', '2025-06-01T00:00:00Z', '8d'],
      [WARN, 'MEMBERS', '2025-06-01T00:00:00Z', '8d'],
    ]);
    expect(stale[0]!.detail).toMatch(/^source IDNIC: its newest snapshot \(2026-01-01T00:00:00Z, import 4\) is \d+ days old, older than LACAK_STALE_AFTER \(8d\)/);
    const old = lines.filter((l) => l.msg === 'RDAP bootstrap files old');
    expect(old).toHaveLength(1);
    expect(old[0]).toMatchObject({ level: WARN, publication: '2016-09-08T18:00:00Z', maxAge: '90d', bootstrapDir: join(ROOT, 'data', 'bootstrap') });
    expect(old[0]!.detail).toMatch(/refresh them from IANA with scripts\/make-bootstrap\.ts$/);
  });

  it('reads refreshed bootstrap files kept in LACAK_BOOTSTRAP_DIR: /healthz shows their date, and no warning', async () => {
    // IANA's files as a refresh would fetch them: the shipped services, published now.
    const fetched = join(tmp.dir, 'fetched');
    const refreshed = join(tmp.dir, 'bootstrap-outside');
    mkdirSync(fetched);
    const published = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    for (const name of ['ipv4.json', 'ipv6.json', 'asn.json']) {
      const file = JSON.parse(readFileSync(join(ROOT, 'data', 'bootstrap', name), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(fetched, name), JSON.stringify({ ...file, publication: published }));
    }
    const made = execFileSync(process.execPath, [join(ROOT, 'dist', 'scripts', 'make-bootstrap.js'), '--out', refreshed, ...['ipv4.json', 'ipv6.json', 'asn.json'].map((n) => join(fetched, n))], { encoding: 'utf8' });
    expect(made).toContain(`published ${published}`);
    // Everything in order includes an evidence signing key (without one, start-up warns: issue 18).
    execFileSync(process.execPath, [join(ROOT, 'dist', 'src', 'cli.js'), 'evidence', 'keygen'], { env: { PATH: process.env.PATH ?? '', LACAK_DB: db }, encoding: 'utf8' });
    const lines = await startLog({ LACAK_DB: db, LACAK_STALE_AFTER: '36500d', LACAK_BOOTSTRAP_DIR: refreshed }, async (baseUrl) => {
      const health = (await (await fetch(`${baseUrl}/healthz`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'ok', bootstrap: { publication: published, old: false }, warnings: [] });
    });
    expect(lines.filter((l) => l.level >= WARN)).toEqual([]);
  });

  it('refuses a bad age setting in one line', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, [CLI, 'serve'], { env: { PATH: process.env.PATH ?? '', LACAK_DB: db, LACAK_STALE_AFTER: 'a week' }, encoding: 'utf8', stdio: 'pipe', timeout: 20_000 });
    } catch (err) {
      stderr = String((err as { stderr?: string }).stderr);
    }
    expect(stderr.trim()).toBe('lacak: bad setting LACAK_STALE_AFTER: must be a duration such as 8d, 36h, 90m or a number of milliseconds, more than 0');
  });
});
