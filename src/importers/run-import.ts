// `lacak import` and `lacak check`: files → parsers → (store writer) → one summary.
import { stat } from 'node:fs/promises';
import { LACAK_ERR, LacakError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DataIssue } from '../model/types.js';
import type { ObjectRecord } from '../store/rows.js';
import { ImportRun, type ImportedFile, type ImportSummary } from '../store/writer.js';
import { openRegistryDb, type Db } from '../store/db.js';
import { inputName, type InputLimits } from './input.js';
import type { ImportProgress } from './progress.js';
import { readRecordBatches, type ImportFormat } from './read-file.js';
import { readRecordBatchesInWorker } from './read-in-worker.js';

export type { ImportFormat } from './read-file.js';

/** References whose targets must exist (contacts, maintainers, organisations, IRTs). */
const CHECKED_REFERENCES = ['admin-c', 'tech-c', 'zone-c', 'abuse-c', 'org', 'sponsoring-org', 'mnt-by', 'mnt-lower', 'mnt-routes', 'mnt-domains', 'mnt-irt', 'mnt-ref'];

export interface ImportRequest {
  readonly files: readonly string[];
  readonly format: ImportFormat;
  /** Snapshot instant (epoch ms); default: the file's own date, else now. */
  readonly at?: number;
  readonly source?: string;
  readonly strict?: boolean;
  readonly dryRun?: boolean;
  readonly maxDeletePct?: number;
  readonly allowMassDelete?: boolean;
  /** Line and object size limits (`--max-line`, `--max-object`); default DEFAULT_INPUT_LIMITS. */
  readonly limits?: InputLimits;
  /** Called for every defect as it is found (the CLI prints `file:line: code message`). */
  readonly onIssue?: (issue: DataIssue) => void;
  readonly now?: () => number;
  /** Told of each file begun, each object read and the finishing phase (issue 16). */
  readonly progress?: ImportProgress;
  /**
   * Parse each file in a worker thread while this one writes (the CLI does; stdin is always read
   * here). Needs the built worker script, so tests that run the sources read in-thread.
   */
  readonly parseInWorker?: boolean;
}

export interface ImportReport extends ImportSummary {
  readonly files: readonly ImportedFile[];
  readonly errors: number;
  readonly warnings: number;
}

function hasError(issues: readonly DataIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

async function assertReadable(files: readonly string[]): Promise<void> {
  for (const f of files) {
    if (f === '-') continue;
    try {
      const s = await stat(f);
      if (!s.isFile()) throw new LacakError(LACAK_ERR.FILE, `${f} is not a file`);
    } catch (err) {
      if (err instanceof LacakError) throw err;
      throw new LacakError(LACAK_ERR.FILE, `cannot open ${f}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
}

/**
 * Imports files as one snapshot. On any fatal error (a bad file, a refused snapshot
 * order, a mass delete, --strict with defects) nothing is written.
 */
export async function importFiles(db: Db, request: ImportRequest, log: Logger): Promise<ImportReport> {
  if (request.files.length === 0) throw new LacakError(LACAK_ERR.BAD_ARGUMENT, 'no files to import');
  await assertReadable(request.files);
  const now = request.now ?? Date.now;
  let run: ImportRun | null = null;
  let errors = 0;
  let warnings = 0;
  const files: ImportedFile[] = [];
  const report = (issue: DataIssue) => {
    if (issue.severity === 'error') errors++;
    else warnings++;
    request.onIssue?.(issue);
    log.debug({ issue }, 'import issue');
  };
  const { progress } = request;
  try {
    // RPSL carries no date of its own: the run starts now, and what it already holds is read
    // inside its transaction. A dry run (and `check`) parses every object, to report every defect.
    let known: ReadonlySet<string> | undefined;
    if (request.format === 'rpsl') {
      run = new ImportRun(db, runOptions(request, request.at ?? now()));
      if (!request.dryRun) known = new Set(run.knownDigests());
    }
    const options = { format: request.format, source: request.source, limits: request.limits, known };
    const inWorker = request.parseInWorker === true && !request.files.includes('-');
    let file = '';
    for await (const items of inWorker ? readRecordBatchesInWorker(request.files, options) : readRecordBatches(request.files, options)) {
      for (const item of items) {
        switch (item.kind) {
          case 'file':
            file = item.name;
            progress?.reading(file);
            continue;
          case 'digest':
            files.push({ name: file, sha256: item.sha256, bytes: item.bytes });
            continue;
          case 'dated':
            run ??= new ImportRun(db, runOptions(request, request.at ?? item.at));
            continue;
        }
        run ??= new ImportRun(db, runOptions(request, request.at ?? now()));
        if (item.kind === 'issue') {
          report(item.issue);
          if (item.rejected) run.reject();
          continue;
        }
        progress?.object();
        if (item.kind === 'unchanged') {
          if (run.keep(item.digest) === 'duplicate') {
            run.reject();
            report(clashIssue({ ...run.knownKey(item.digest), file, keyLine: item.line }, 'duplicate'));
          }
          continue;
        }
        for (const issue of item.issues) report(issue);
        if (hasError(item.issues)) {
          run.reject();
          continue;
        }
        const outcome = run.write(item.record);
        if (outcome === 'duplicate' || outcome === 'handle-taken') {
          run.reject();
          report(clashIssue(item.record, outcome));
        }
      }
    }
    run ??= new ImportRun(db, runOptions(request, request.at ?? now()));
    if (!request.dryRun && run.counts.created + run.counts.changed + run.counts.unchanged === 0) {
      throw new LacakError(
        LACAK_ERR.NOTHING_IMPORTED,
        `nothing to import in ${request.files.map(inputName).join(', ')}: ${run.counts.rejected} object(s) rejected, none valid`,
      );
    }
    if (request.dryRun && request.format === 'rpsl') {
      for (const ref of run.unresolvedReferences(CHECKED_REFERENCES, 10_000)) {
        report({
          file: ref.file,
          line: ref.line,
          code: 'REF_UNRESOLVED',
          message: `${ref.className} ${ref.key}: ${ref.attribute} ${ref.target} refers to no object in the file or the registry`,
          severity: 'warning',
        });
      }
    }
    if (request.strict && errors > 0) {
      throw new LacakError(LACAK_ERR.STRICT, `--strict: ${errors} object error(s) found; nothing imported`);
    }
    progress?.finishing();
    const summary = run.finish(files);
    progress?.done();
    const result: ImportReport = { ...summary, files, errors, warnings };
    log.info(
      {
        importId: result.importId,
        at: new Date(result.at).toISOString(),
        files: files.map((f) => f.name),
        created: result.created,
        changed: result.changed,
        deleted: result.deleted,
        unchanged: result.unchanged,
        rejected: result.rejected,
        ms: result.durationMs,
        dryRun: result.dryRun,
      },
      'import',
    );
    return result;
  } catch (err) {
    progress?.done();
    run?.abort();
    throw err;
  }
}

/** A repeated key, or a person's handle a role already has (or the other way round). */
function clashIssue(record: Pick<ObjectRecord, 'source' | 'className' | 'key' | 'file' | 'keyLine'>, outcome: 'duplicate' | 'handle-taken'): DataIssue {
  const what = `${record.className} ${record.key} (${record.source})`;
  return {
    file: record.file,
    line: record.keyLine,
    code: outcome === 'duplicate' ? 'DUPLICATE_KEY' : 'NIC_HDL_TAKEN',
    message:
      outcome === 'duplicate'
        ? `${what} appears more than once in this run; the first is kept`
        : `${what}: the handle is already used by a ${record.className === 'person' ? 'role' : 'person'} object`,
    severity: 'error',
  };
}

function runOptions(request: ImportRequest, at: number) {
  return {
    at,
    format: request.format,
    dryRun: request.dryRun,
    maxDeletePct: request.maxDeletePct,
    allowMassDelete: request.allowMassDelete,
  };
}

/**
 * `lacak check`: the same parsing and validation as an import (duplicates and handle
 * clashes with the registry included), run as a dry run that is always rolled back.
 * Without a registry database the files are checked against an empty in-memory one.
 */
export async function checkFiles(
  db: Db | null,
  files: readonly string[],
  format: ImportFormat,
  onIssue: (issue: DataIssue) => void,
  log: Logger,
  source?: string,
  limits?: InputLimits,
): Promise<ImportReport> {
  const target = db ?? openRegistryDb(':memory:', { create: true });
  try {
    return await importFiles(target, { files, format, source, dryRun: true, allowMassDelete: true, onIssue, limits }, log);
  } finally {
    if (!db) target.close();
  }
}
