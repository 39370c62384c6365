// Shared test scaffolding: temporary registries, quiet loggers, paths to test data.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { importFiles, type ImportReport, type ImportRequest } from '../../src/importers/run-import.js';
import type { Logger } from '../../src/logger.js';
import { openRegistryDb, type Db } from '../../src/store/db.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Third-party data the repository may not carry: undefined unless LACAK_TEST_SHARED_DATA names it.
export { SHARED_DATA, sharedDataPath, withoutSharedData } from './shared-data.js';
/** What the tests need and the repository carries (test/fixtures/README.md). */
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const SAMPLE_DIR = join(ROOT, 'data', 'sample');
export const CLI = join(ROOT, 'dist', 'src', 'cli.js');

export const quietLog: Logger = pino({ level: 'silent' });

export function tempDir(prefix = 'lacak-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A config for tests: defaults, a given database path, nothing read from the environment. */
export function testConfig(dbPath: string, env: Record<string, string> = {}): Config {
  return loadConfig({ LACAK_DB: dbPath, ...env });
}

export function tempRegistry(): { db: Db; path: string; dir: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'registry.sqlite');
  const db = openRegistryDb(path, { create: true });
  return {
    db,
    path,
    dir,
    cleanup: () => {
      if (db.open) db.close();
      cleanup();
    },
  };
}

let counter = 0;

/** Writes RPSL text to a file in `dir` and imports it as one snapshot. */
export async function importText(
  db: Db,
  dir: string,
  text: string,
  at: string,
  extra: Partial<ImportRequest> = {},
): Promise<ImportReport> {
  const file = join(dir, `input-${++counter}.db`);
  writeFileSync(file, text);
  return importFiles(db, { files: [file], format: 'rpsl', at: Date.parse(at), ...extra }, quietLog);
}
