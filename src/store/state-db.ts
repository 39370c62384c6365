// The state database (LACAK_STATE_DB): keys, audit log, rate-limit state. Kept apart from
// the registry database so registry snapshots can be copied to replicas without secrets.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { LACAK_ERR, LacakError } from '../errors.js';
import type { Db } from './db.js';
import { applyMigrations, type Migration, type MigrationListener } from './migrations.js';

const STATE_MIGRATIONS: readonly Migration[] = [
  {
    summary: 'state schema: API keys and the audit log',
    sql: `
  CREATE TABLE keys (
    id          INTEGER PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('member', 'lea', 'admin')),
    label       TEXT NOT NULL,
    org         TEXT,
    token_hash  BLOB NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    revoked_at  INTEGER
  );
  CREATE TABLE audit (
    id             INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    key_id         INTEGER,
    role           TEXT,
    case_reference TEXT,
    client         TEXT,
    query          TEXT NOT NULL,
    disclosed      TEXT NOT NULL DEFAULT '[]',
    prev_hash      BLOB NOT NULL,
    hash           BLOB NOT NULL
  );
  `,
  },
  // Issue 13: rows are chained with HMAC-SHA256 under a key kept outside the database (chain
  // 1). Rows written before keep chain 0 and are verified with the old SHA-256 rule; the
  // first keyed row after them vouches for them (see access/audit.ts).
  {
    summary: 'audit rows record their chain: 0 for rows written before the chain was keyed, 1 for HMAC-SHA256 rows',
    sql: `
  ALTER TABLE audit ADD COLUMN chain INTEGER NOT NULL DEFAULT 0;
  `,
  },
  // Issue 17: a replica's rows name it (LACAK_REPLICA_NAME); rows without a name are the primary's
  // or from before, and their MAC is computed as it always was.
  {
    summary: 'audit rows name the replica that wrote them (null: not a replica)',
    sql: `
  ALTER TABLE audit ADD COLUMN node TEXT;
  `,
  },
];

/**
 * How long the server's connection waits for a write lock inside SQLite, which blocks the
 * event loop: a few ms, and longer waits are retried asynchronously (AuditLog.appendWithin).
 * The CLI keeps better-sqlite3's 5 s: it has no one else to serve.
 */
export const SERVER_BUSY_TIMEOUT_MS = 5;

export function openStateDb(path: string, options: { busyTimeoutMs?: number; onMigrate?: MigrationListener } = {}): Db {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    applyMigrations(db, STATE_MIGRATIONS, path, options.onMigrate);
    // After the migrations, which may wait for a CLI's write as long as they like.
    if (options.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    return db;
  } catch (err) {
    throw new LacakError(LACAK_ERR.DB_UNWRITABLE, `cannot open state database ${path}: ${(err as Error).message}`);
  }
}
