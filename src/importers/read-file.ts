// A run's input files, of any format → the writer's records (store/rows.ts) and the defects
// found, as values, in batches: read here, or in a worker thread (read-in-worker.ts).
import type { DataIssue, RegistryObject } from '../model/types.js';
import { objectRecord, type ObjectRecord } from '../store/rows.js';
import { DEFAULT_INPUT_LIMITS, FileDigest, INPUT_ISSUE, inputName, readLineBatches, type InputLimits, type InputOptions } from './input.js';
import { parseRpslParagraph } from '../rpsl/parse.js';
import { paragraphDigest, RpslParagraphSplitter, type RpslParagraph } from '../rpsl/paragraphs.js';
import { toRegistryObject } from '../rpsl/to-model.js';
import { delegatedSnapshotTime, readDelegatedObjects } from './delegated-stats.js';
import { readMembers } from '../members/parse.js';

export type ImportFormat = 'rpsl' | 'delegated' | 'members-csv';

/** What one file yields, whatever its format. */
type ImportItem =
  | { readonly kind: 'object'; readonly object: RegistryObject; readonly issues: readonly DataIssue[] }
  /** `rejected`: the defect cost an object that could not even be parsed (one over --max-object). */
  | { readonly kind: 'issue'; readonly issue: DataIssue; readonly rejected?: boolean }
  /** The file's own date (delegated header); only the first file's counts. */
  | { readonly kind: 'dated'; readonly at: number };

/** The objects of a delegated-statistics file or a members CSV, with their defects as values. */
async function* readTabularFile(path: string, format: 'delegated' | 'members-csv', input: InputOptions): AsyncGenerator<ImportItem> {
  if (format === 'delegated') {
    for await (const item of readDelegatedObjects(path, input)) {
      if (item.header) yield { kind: 'dated', at: delegatedSnapshotTime(item.header).getTime() };
      if (item.object) yield { kind: 'object', object: item.object, issues: [] };
      if (item.issue) yield { kind: 'issue', issue: item.issue };
    }
    return;
  }
  for await (const item of readMembers(path, input)) {
    if (item.object) yield { kind: 'object', object: item.object, issues: [] };
    if (item.issue) yield { kind: 'issue', issue: item.issue };
  }
}

/** The paragraphs of an RPSL file, one batch per read of it (a promise per object costs more than the object). */
async function* rpslParagraphBatches(path: string, input: InputOptions & { readonly limits: InputLimits }): AsyncGenerator<RpslParagraph[]> {
  const splitter = new RpslParagraphSplitter(input.limits);
  for await (const { lines, cut } of readLineBatches(path, input)) {
    const paragraphs: RpslParagraph[] = [];
    for (let i = 0; i < lines.length; i++) {
      const paragraph = splitter.push(lines[i]!, cut?.get(i));
      if (paragraph) paragraphs.push(paragraph);
    }
    yield paragraphs;
  }
  const last = splitter.finish();
  if (last) yield [last];
}

/** One paragraph: its object with the defects found in it, or the defects alone when nothing can be kept. */
function rpslItemsOf(paragraph: RpslParagraph, file: string, defaultSource: string | undefined, limits: InputLimits): ImportItem[] {
  const parsed = parseRpslParagraph(paragraph, file, limits.maxLineBytes);
  const issues = [...parsed.issues];
  if (!parsed.object) return issues.map((issue) => ({ kind: 'issue', issue, rejected: issue.code === INPUT_ISSUE.OBJECT_TOO_LARGE }));
  const converted = toRegistryObject(parsed.object, { defaultSource });
  issues.push(...converted.issues);
  if (converted.object) return [{ kind: 'object', object: converted.object, issues }];
  return issues.map((issue) => ({ kind: 'issue', issue }));
}

/** What the writer takes from the files of a run, in order: records (store/rows.ts), defects, dates and digests. */
export type RecordItem =
  /** Opens each file's items. */
  | { readonly kind: 'file'; readonly name: string }
  | { readonly kind: 'object'; readonly record: ObjectRecord; readonly issues: readonly DataIssue[] }
  /** A paragraph whose digest the registry already holds for a current object: not parsed again. */
  | { readonly kind: 'unchanged'; readonly digest: string; readonly line: number }
  | { readonly kind: 'issue'; readonly issue: DataIssue; readonly rejected?: boolean }
  | { readonly kind: 'dated'; readonly at: number }
  /** Closes each file's items: what was read, for the import record. */
  | { readonly kind: 'digest'; readonly sha256: string; readonly bytes: number };

export interface RecordOptions {
  readonly format: ImportFormat;
  readonly limits?: InputLimits;
  /**
   * `--source`: the default source of RPSL objects without one; the source of every object of
   * the other formats, whose own is made up by the reader.
   */
  readonly source?: string;
  /** Digests of the registry's current objects (RPSL): paragraphs with one of them are not parsed. */
  readonly known?: ReadonlySet<string>;
}

/** Objects per batch: few enough to bound what waits between threads, many enough that a batch costs little. */
export const RECORD_BATCH = 512;

/**
 * The items of a run's files in turn, in batches, read in the calling thread (or in a parse
 * worker: read-in-worker.ts). Each file's items open with `file` and close with `digest`; a
 * batch never holds two files' objects.
 */
export async function* readRecordBatches(paths: readonly string[], options: RecordOptions): AsyncGenerator<RecordItem[]> {
  const limits = options.limits ?? DEFAULT_INPUT_LIMITS;
  for (const path of paths) {
    const digest = new FileDigest();
    let batch: RecordItem[] = [{ kind: 'file', name: inputName(path) }];
    if (options.format === 'rpsl') {
      const file = inputName(path);
      for await (const paragraphs of rpslParagraphBatches(path, { digest, limits })) {
        for (const paragraph of paragraphs) rpslRecordItems(paragraph, file, options, limits, batch);
        if (batch.length < RECORD_BATCH) continue;
        yield batch;
        batch = [];
      }
    } else {
      for await (const item of readTabularFile(path, options.format, { limits, digest })) {
        if (item.kind !== 'object') batch.push(item);
        // The other formats' readers make up a source of their own; --source replaces it.
        else batch.push({ kind: 'object', record: objectRecord(options.source ? { ...item.object, source: options.source } : item.object, null), issues: item.issues });
        if (batch.length < RECORD_BATCH) continue;
        yield batch;
        batch = [];
      }
    }
    batch.push({ kind: 'digest', sha256: digest.hex(), bytes: digest.bytes });
    yield batch;
  }
}

/** One paragraph's items: `unchanged` when the registry holds its digest, else what parsing it gives. */
function rpslRecordItems(paragraph: RpslParagraph, file: string, options: RecordOptions, limits: InputLimits, out: RecordItem[]): void {
  const text = paragraphDigest(paragraph, options.source);
  if (text !== null && options.known?.has(text)) {
    out.push({ kind: 'unchanged', digest: text, line: paragraph.lineNumbers[0]! });
    return;
  }
  for (const item of rpslItemsOf(paragraph, file, options.source, limits)) {
    out.push(item.kind === 'object' ? { kind: 'object', record: objectRecord(item.object, text), issues: item.issues } : item);
  }
}
