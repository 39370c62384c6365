// Record batches between the parsing worker and the writer. Structured clone writes every
// property name of every object it copies; a batch goes as one flat array of values (and the
// address keys as one byte array) so that copying it costs about what its strings weigh.
import type { DataIssue } from '../model/types.js';
import type { ObjectRecord } from '../store/rows.js';
import type { RecordItem } from './read-file.js';

export interface WireBatch {
  /** The file every object of the batch came from (a batch never spans two files' objects). */
  readonly file: string;
  readonly values: unknown[];
  /** first and last address keys, 32 bytes per object with a range, in order. */
  readonly keys: Uint8Array;
}

const OBJECT = 0;
const ISSUE = 1;
const DATED = 2;
const DIGEST = 3;
const FILE = 4;
const UNCHANGED = 5;
const KEY_BYTES = 16;

export function encodeBatch(items: readonly RecordItem[]): WireBatch {
  const values: unknown[] = [];
  let file: string | null = null;
  let ranges = 0;
  for (const item of items) if (item.kind === 'object' && item.record.first) ranges++;
  const keys = new Uint8Array(ranges * 2 * KEY_BYTES);
  let at = 0;
  for (const item of items) {
    switch (item.kind) {
      case 'object': {
        const r = item.record;
        file ??= r.file;
        if (r.file !== file) throw new Error(`one batch holds objects of ${file} and ${r.file}`);
        if (r.first && r.last) {
          keys.set(r.first, at);
          keys.set(r.last, at + KEY_BYTES);
          at += 2 * KEY_BYTES;
        }
        values.push(OBJECT, r.source, r.className, r.key, r.attributes, r.netname, r.name, r.status, r.org, r.family, r.bucket, r.asn_first, r.asn_last,
          r.references, r.line, r.keyLine, r.first !== null, item.issues.length > 0 ? item.issues : null, r.digest);
        break;
      }
      case 'file':
        values.push(FILE, item.name);
        break;
      case 'unchanged':
        values.push(UNCHANGED, item.digest, item.line);
        break;
      case 'issue':
        values.push(ISSUE, item.issue, item.rejected ?? false);
        break;
      case 'dated':
        values.push(DATED, item.at);
        break;
      case 'digest':
        values.push(DIGEST, item.sha256, item.bytes);
        break;
    }
  }
  return { file: file ?? '', values, keys };
}

export function decodeBatch(batch: WireBatch): RecordItem[] {
  const { values, file } = batch;
  const keys = Buffer.from(batch.keys.buffer, batch.keys.byteOffset, batch.keys.byteLength);
  const items: RecordItem[] = [];
  let at = 0;
  let i = 0;
  while (i < values.length) {
    switch (values[i]) {
      case OBJECT: {
        const hasRange = values[i + 16] as boolean;
        const record: ObjectRecord = {
          source: values[i + 1] as string,
          className: values[i + 2] as string,
          key: values[i + 3] as string,
          attributes: values[i + 4] as string,
          netname: values[i + 5] as string | null,
          name: values[i + 6] as string | null,
          status: values[i + 7] as string | null,
          org: values[i + 8] as string | null,
          family: values[i + 9] as 4 | 6 | null,
          bucket: values[i + 10] as number | null,
          asn_first: values[i + 11] as number | null,
          asn_last: values[i + 12] as number | null,
          references: values[i + 13] as string[],
          line: values[i + 14] as number,
          keyLine: values[i + 15] as number,
          first: hasRange ? keys.subarray(at, at + KEY_BYTES) : null,
          last: hasRange ? keys.subarray(at + KEY_BYTES, at + 2 * KEY_BYTES) : null,
          file,
          digest: values[i + 18] as string | null,
        };
        if (hasRange) at += 2 * KEY_BYTES;
        items.push({ kind: 'object', record, issues: (values[i + 17] as DataIssue[] | null) ?? [] });
        i += 19;
        break;
      }
      case FILE:
        items.push({ kind: 'file', name: values[i + 1] as string });
        i += 2;
        break;
      case UNCHANGED:
        items.push({ kind: 'unchanged', digest: values[i + 1] as string, line: values[i + 2] as number });
        i += 3;
        break;
      case ISSUE:
        items.push({ kind: 'issue', issue: values[i + 1] as DataIssue, rejected: values[i + 2] as boolean });
        i += 3;
        break;
      case DATED:
        items.push({ kind: 'dated', at: values[i + 1] as number });
        i += 2;
        break;
      case DIGEST:
        items.push({ kind: 'digest', sha256: values[i + 1] as string, bytes: values[i + 2] as number });
        i += 3;
        break;
      default:
        throw new Error(`unknown record tag ${String(values[i])} in a batch`);
    }
  }
  return items;
}
