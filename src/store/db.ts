// Opening the registry database: WAL (readers never wait for an import), migrations.
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { LACAK_ERR, LacakError } from '../errors.js';
import { applyMigrations, REGISTRY_MIGRATIONS, type MigrationListener } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** Create the file (and its folder) if missing; else a missing file is an error. */
  readonly create?: boolean;
  readonly readonly?: boolean;
  /** Told of each migration applied on opening (the server logs them). */
  readonly onMigrate?: MigrationListener;
}

export function openRegistryDb(path: string, options: OpenOptions = {}): Db {
  const isMemory = path === ':memory:';
  if (!isMemory && !existsSync(path)) {
    if (!options.create) {
      throw new LacakError(LACAK_ERR.DB_MISSING, `registry database ${path} does not exist (create it with "lacak import")`);
    }
    try {
      mkdirSync(dirname(path), { recursive: true });
      accessSync(dirname(path), constants.W_OK);
    } catch {
      throw new LacakError(LACAK_ERR.DB_UNWRITABLE, `cannot create registry database in ${dirname(path)}: not writable`);
    }
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: !options.create && !isMemory });
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536');
    // Lookups read rows scattered over a national-size file: mapped pages cost a memory
    // read where each cache miss would otherwise be a read() call (measured 2-3× faster
    // per row on a 1.8 GB registry). SQLite caps the size at its compile-time maximum.
    if (!isMemory) db.pragma('mmap_size = 2147483648');
    if (!options.readonly) migrate(db, path, options.onMigrate);
  } catch (err) {
    if (err instanceof LacakError) throw err;
    const code = (err as { code?: string }).code ?? '';
    const kind = /READONLY|CANTOPEN|PERM|AUTH/.test(code) ? LACAK_ERR.DB_UNWRITABLE : LACAK_ERR.FILE;
    throw new LacakError(kind, `cannot open registry database ${path}: ${(err as Error).message}`);
  }
  return db;
}

function migrate(db: Db, path: string, onMigrate: MigrationListener | undefined): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > REGISTRY_MIGRATIONS.length) {
    throw new LacakError(LACAK_ERR.FILE, `registry database schema ${version} is newer than this lacak (${REGISTRY_MIGRATIONS.length})`);
  }
  applyMigrations(db, REGISTRY_MIGRATIONS, path, onMigrate);
}

/**
 * Turns the connection's memory map off until the returned function is called. Reading a
 * national registry through the map counts every page read as the process's own memory (an
 * import read all 800 MB of the bench registry: issue 16 holds imports within 1 GiB); SQLite's
 * own page cache is bounded (cache_size).
 */
export function withoutMemoryMap(db: Db): () => void {
  const before = db.pragma('mmap_size', { simple: true }) as number;
  db.pragma('mmap_size = 0');
  return () => {
    db.pragma(`mmap_size = ${before}`);
  };
}

/** Changes whenever another connection commits: how the server notices a finished import. */
export function dataVersion(db: Db): number {
  return db.pragma('data_version', { simple: true }) as number;
}
