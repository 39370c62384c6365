// `lacak import` and `lacak check`: files → parsers → (store writer) → one summary.
import { stat } from 'node:fs/promises';
import { LACAK_ERR, LacakError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DataIssue, RegistryObject } from '../model/types.js';
import { ImportRun, type ImportedFile, type ImportSummary } from '../store/writer.js';
import { openRegistryDb, type Db } from '../store/db.js';
import { DEFAULT_INPUT_LIMITS, FileDigest, INPUT_ISSUE, inputName, readLineBatches, type InputLimits } from './input.js';
import { parseRpslBatches } from '../rpsl/parse.js';
import { toRegistryObject } from '../rpsl/to-model.js';
import { delegatedSnapshotTime, readDelegatedObjects } from './delegated-stats.js';
import { readMembers } from '../members/parse.js';
import type { ImportProgress } from './progress.js';

/** References whose targets must exist (contacts, maintainers, organisations, IRTs). */
const CHECKED_REFERENCES = ['admin-c', 'tech-c', 'zone-c', 'abuse-c', 'org', 'sponsoring-org', 'mnt-by', 'mnt-lower', 'mnt-routes', 'mnt-domains', 'mnt-irt', 'mnt-ref'];

export type ImportFormat = 'rpsl' | 'delegated' | 'members-csv';

/** What one file yields, whatever its format. */
export type ImportItem =
  | { readonly kind: 'object'; readonly object: RegistryObject; readonly issues: readonly DataIssue[] }
  /** `rejected`: the defect cost an object that could not even be parsed (one over --max-object). */
  | { readonly kind: 'issue'; readonly issue: DataIssue; readonly rejected?: boolean }
  /** The file's own date (delegated header); only the first file's counts. */
  | { readonly kind: 'dated'; readonly at: number };

export interface ReadOptions {
  readonly format: ImportFormat;
  readonly defaultSource?: string;
  readonly digest?: FileDigest;
  /** Default: DEFAULT_INPUT_LIMITS. */
  readonly limits?: InputLimits;
}

/** Streams the objects of one input file, with its defects as values. */
export async function* readImportFile(path: string, options: ReadOptions): AsyncGenerator<ImportItem> {
  const file = inputName(path);
  const limits = options.limits ?? DEFAULT_INPUT_LIMITS;
  const input = { digest: options.digest, limits };
  switch (options.format) {
    case 'rpsl': {
      for await (const parsed of parseRpslBatches(readLineBatches(path, input), file, limits)) {
        const issues = [...parsed.issues];
        if (!parsed.object) {
          for (const issue of issues) yield { kind: 'issue', issue, rejected: issue.code === INPUT_ISSUE.OBJECT_TOO_LARGE };
          continue;
        }
        const converted = toRegistryObject(parsed.object, { defaultSource: options.defaultSource });
        issues.push(...converted.issues);
        if (converted.object) yield { kind: 'object', object: converted.object, issues };
        else for (const issue of issues) yield { kind: 'issue', issue };
      }
      return;
    }
    case 'delegated': {
      for await (const item of readDelegatedObjects(path, input)) {
        if (item.header) yield { kind: 'dated', at: delegatedSnapshotTime(item.header).getTime() };
        if (item.object) yield { kind: 'object', object: item.object, issues: [] };
        if (item.issue) yield { kind: 'issue', issue: item.issue };
      }
      return;
    }
    case 'members-csv': {
      for await (const item of readMembers(path, input)) {
        if (item.object) yield { kind: 'object', object: item.object, issues: [] };
        if (item.issue) yield { kind: 'issue', issue: item.issue };
      }
      return;
    }
  }
}

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
    for (const path of request.files) {
      const digest = new FileDigest();
      progress?.reading(inputName(path));
      for await (const item of readImportFile(path, { format: request.format, defaultSource: request.source, digest, limits: request.limits })) {
        if (item.kind === 'object') progress?.object();
        if (item.kind === 'dated') {
          if (!run) run = new ImportRun(db, runOptions(request, request.at ?? item.at));
          continue;
        }
        run ??= new ImportRun(db, runOptions(request, request.at ?? now()));
        if (item.kind === 'issue') {
          report(item.issue);
          if (item.rejected) run.reject();
          continue;
        }
        for (const issue of item.issues) report(issue);
        if (hasError(item.issues)) {
          run.reject();
          continue;
        }
        const object = request.source && request.format !== 'rpsl' ? { ...item.object, source: request.source } : item.object;
        const outcome = run.write(object);
        if (outcome === 'duplicate' || outcome === 'handle-taken') {
          run.reject();
          report({
            file: object.file,
            line: object.keyLine ?? object.line,
            code: outcome === 'duplicate' ? 'DUPLICATE_KEY' : 'NIC_HDL_TAKEN',
            message:
              outcome === 'duplicate'
                ? `${object.className} ${object.key} (${object.source}) appears more than once in this run; the first is kept`
                : `${object.className} ${object.key} (${object.source}): the handle is already used by a ${object.className === 'person' ? 'role' : 'person'} object`,
            severity: 'error',
          });
        }
      }
      files.push({ name: inputName(path), sha256: digest.hex(), bytes: digest.bytes });
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
