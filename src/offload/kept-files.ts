// The index and packs kept beside the database for its newest import (issue 16): what a
// file says of itself (the stamp), whether a file is the one to serve, and reading it. A
// server starts from the kept index in moments and reads the kept packs instead of packing
// again; any file that is not exactly theirs is refused with a reason, never served.
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { buildIndexFromDb, builtIndexData, builtIndexFromData, type BuiltIndex, type BuiltIndexData } from '../index/build-from-db.js';
import { PackedAnswers } from '../encoded/packed.js';
import { indexSettings } from '../query/placeholders.js';
import { withoutMemoryMap, type Db } from '../store/db.js';
import { ObjectStore } from '../store/objects.js';
import { ArrayFileRefused, readArrayFile, writeArrayFile } from './array-file.js';
import type { PreEncoded, PreEncodeReply } from './pack-answers.js';

/**
 * What a packs file says of itself, besides the import it was made for: files of another
 * build of lacak, other settings or other bootstrap files are not used (issue 16).
 */
export interface PackStamp {
  readonly format: typeof PACKS_FORMAT;
  /** A hash of lacak's own code, as it runs: the layout and the answers are its. */
  readonly code: string;
  /** A hash of the settings the answers were made with. */
  readonly settings: string;
  readonly bootstrap: string | null;
}

const PACKS_FORMAT = 'lacak-packs-1';

/** The files kept beside the database for its newest import: its index, and its packs. */
export function keptFilesOf(dbPath: string): { readonly index: string; readonly packs: string } {
  return { index: `${dbPath}.index`, packs: `${dbPath}.packs` };
}

let codeHash: string | undefined;

/** A hash of every module of lacak as it runs (src/ under tsx and vitest, dist/src/ once built). */
function codeIdentity(): string {
  if (codeHash) return codeHash;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(js|ts)$/.test(entry.name)) hash.update(path.slice(root.length)).update(readFileSync(path));
    }
  };
  walk(root);
  return (codeHash = hash.digest('hex'));
}

/**
 * The settings the index and answers are made from (not ports, limits or paths, which change
 * from start to start without changing an answer).
 */
function answerSettings(config: Config): unknown {
  const { registry, port43, baseUrl, sources, managedOpaqueIds, placeholderNetnames, placeholderStatuses, bootstrapDir, bootstrapMaxAgeMs, staleAfterMs, answerPackBytes } = config;
  return { registry, port43, baseUrl, sources, managedOpaqueIds, placeholderNetnames, placeholderStatuses, bootstrapDir, bootstrapMaxAgeMs, staleAfterMs, answerPackBytes };
}

/** The stamp packs made now, with `config`, would carry. */
export function packStamp(config: Config, bootstrap: string | null): PackStamp {
  return { format: PACKS_FORMAT, code: codeIdentity(), settings: createHash('sha256').update(JSON.stringify(answerSettings(config))).digest('hex'), bootstrap };
}

/** Which import a file was made for: its number and when it committed (numbers start again in a database made anew). */
export interface ImportMark {
  readonly importId: number;
  readonly finishedAt: number | null;
}

/** Why a file stamped `meta` is not for `stamp` and `made` (null: any import), or null. */
export function refusal(meta: unknown, stamp: PackStamp, made: ImportMark | null): string | null {
  const m = (meta ?? {}) as Partial<PackStamp & ImportMark>;
  if (m.format !== stamp.format) return `another format (${String(m.format)})`;
  if (m.code !== stamp.code) return 'written by another build of lacak';
  if (m.settings !== stamp.settings) return 'made with other settings';
  if (m.bootstrap !== stamp.bootstrap) return 'made with other bootstrap files';
  if (made !== null && m.importId !== made.importId) return `made for import ${String(m.importId)}, not ${made.importId}`;
  if (made !== null && m.finishedAt !== made.finishedAt) return `made for another database's import ${made.importId}`;
  return null;
}

export function preEncodedOf(built: BuiltIndex, reply: PreEncodeReply): PreEncoded {
  if (!reply.packed || !reply.report || !reply.whois || !reply.pages) throw new ArrayFileRefused('an incomplete pack');
  return { built, answers: new PackedAnswers(reply.packed), report: reply.report, whois: reply.whois, pages: reply.pages };
}

/**
 * The index kept beside the database, if it is that of `importId`, made by this build with
 * these settings and unchanged since (checked byte for byte); else ArrayFileRefused. A server
 * starts from it in moments rather than reading every network (issue 16).
 */
export async function readKeptIndex(dbPath: string, stamp: PackStamp, made: ImportMark): Promise<BuiltIndex> {
  const data = (await readArrayFile(keptFilesOf(dbPath).index, (meta) => refusal(meta, stamp, made))) as BuiltIndexData;
  if (data.importId !== made.importId) throw new ArrayFileRefused(`holds import ${data.importId}, not ${made.importId}`);
  return builtIndexFromData(data);
}

/**
 * The index and packs kept beside the database, checked as readKeptIndex checks the index;
 * `index`: the kept index the server already started from (not read twice).
 */
export async function readKeptPacks(dbPath: string, stamp: PackStamp, made: ImportMark, index?: BuiltIndex): Promise<PreEncoded> {
  const built = index ?? (await readKeptIndex(dbPath, stamp, made));
  return preEncodedOf(built, (await readArrayFile(keptFilesOf(dbPath).packs, (meta) => refusal(meta, stamp, made))) as PreEncodeReply);
}

/**
 * Builds the index of the database's newest import and keeps it beside the database, as
 * `lacak import` does once it has committed: the next server start then reads it in moments
 * instead of every network (issue 16). Written under a temporary name and renamed, so a
 * reader sees the old file or the new one, never half of one. Null when no server would read
 * it (packing switched off) or the folder is not writable.
 */
export function keepIndexOf(config: Config, db: Db, bootstrap: string | null): { readonly file: string; readonly importId: number; readonly ms: number } | null {
  const file = keptFilesOf(config.dbPath).index;
  if (config.answerPackBytes <= 0 || !canWriteBeside(file)) return null;
  const started = Date.now();
  const restoreMemoryMap = withoutMemoryMap(db);
  let built: BuiltIndex;
  try {
    built = buildIndexFromDb(db, indexSettings(config));
  } finally {
    restoreMemoryMap();
  }
  const stamp = { ...packStamp(config, bootstrap), importId: built.importId, finishedAt: new ObjectStore(db).importFinishedAt(built.importId) };
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeArrayFile(tmp, stamp, builtIndexData(built));
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { file, importId: built.importId, ms: Date.now() - started };
}

/** Whether the server may write its packs file beside the database. */
export function canWriteBeside(path: string): boolean {
  try {
    accessSync(dirname(path), constants.W_OK);
    return !existsSync(path) || (accessSync(path, constants.W_OK), true);
  } catch {
    return false;
  }
}

