// Bench child: one `importFiles` run in a process of its own, so the peak RSS it reports
// is the import's alone and not the bench's (which holds a million ranges for baselines).
//
//   node dist/scripts/bench-import.js --db FILE --at TIME [--into] files...   → one JSON line on stdout
//
// Without --into the database is made anew (a first load); with it, the files are imported
// into the registry already there (the daily re-import).
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { importFiles } from '../src/importers/run-import.js';
import { keepIndexOf } from '../src/offload/kept-files.js';
import { loadBootstrap } from '../src/referral/bootstrap.js';
import { openRegistryDb } from '../src/store/db.js';

export interface ImportChildResult {
  readonly ms: number;
  /** Writing the index file after the import, as `lacak import` does (issue 16). */
  readonly indexFileMs: number;
  readonly closeMs: number;
  readonly created: number;
  readonly changed: number;
  readonly deleted: number;
  readonly unchanged: number;
  readonly rejected: number;
  readonly errors: number;
  readonly warnings: number;
  readonly maxRssBytes: number;
  readonly userMs: number;
  readonly systemMs: number;
}

const { values, positionals } = parseArgs({
  options: { db: { type: 'string' }, at: { type: 'string' }, into: { type: 'boolean' } },
  allowPositionals: true,
});
if (!values.db || !values.at || positionals.length === 0) throw new Error('usage: bench-import --db FILE --at TIME files...');

// A first load starts from no file at all: an import into existing data compares instead of inserting.
if (!values.into) for (const suffix of ['', '-wal', '-shm']) rmSync(values.db + suffix, { force: true });
const db = openRegistryDb(values.db, { create: true });
const started = performance.now();
const report = await importFiles(db, { files: positionals, format: 'rpsl', at: Date.parse(values.at), parseInWorker: true }, pino({ level: 'silent' }));
const ms = performance.now() - started;
const config = loadConfig({ LACAK_DB: values.db }, { db: values.db });
const kept = keepIndexOf(config, db, loadBootstrap(config.bootstrapDir).publication);
if (!kept) throw new Error(`no index file written beside ${values.db}`);
const closing = performance.now();
db.close();
const closeMs = performance.now() - closing;
const usage = process.resourceUsage();
const result: ImportChildResult = {
  ms,
  indexFileMs: kept.ms,
  closeMs,
  created: report.created,
  changed: report.changed,
  deleted: report.deleted,
  unchanged: report.unchanged,
  rejected: report.rejected,
  errors: report.errors,
  warnings: report.warnings,
  // resourceUsage reports kilobytes.
  maxRssBytes: usage.maxRSS * 1024,
  userMs: usage.userCPUTime / 1000,
  systemMs: usage.systemCPUTime / 1000,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
