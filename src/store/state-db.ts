// The state database (LACAK_STATE_DB): keys, audit log, rate-limit state. Kept apart from
// the registry database so registry snapshots can be copied to replicas without secrets.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { LACAK_ERR, LacakError } from '../errors.js';
import type { Db } from './db.js';

const STATE_MIGRATIONS: readonly string[] = [
  `
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
];

export function openStateDb(path: string): Db {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < STATE_MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(STATE_MIGRATIONS[v]!);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
    return db;
  } catch (err) {
    throw new LacakError(LACAK_ERR.DB_UNWRITABLE, `cannot open state database ${path}: ${(err as Error).message}`);
  }
}
