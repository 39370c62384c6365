// How a RegistryObject is laid out in the objects table, and back.
import { ipFromKey, ipKey, type Family } from '../net/ip.js';
import { firstValue, stripComment, type RegistryObject, type StoredObject } from '../model/types.js';

export interface ObjectRow {
  id: number;
  source: string;
  class: string;
  key: string;
  valid_from: number;
  valid_to: number | null;
  import_id: number;
  attributes: string;
  netname: string | null;
  status: string | null;
  org: string | null;
  family: number | null;
  first: Buffer | null;
  last: Buffer | null;
  asn_first: number | null;
  asn_last: number | null;
  file: string | null;
  line: number | null;
}

/** floor(log2(size)): a range in bucket b is shorter than 2^(b+1), which bounds where it can start. */
export function sizeBucket(first: bigint, last: bigint): number {
  return (last - first + 1n).toString(2).length - 1;
}

/** The attribute each class is searched by name with (RDAP `name=`/`fn=`, WHOIS names). */
export const NAME_ATTRIBUTE: Readonly<Record<string, string>> = {
  inetnum: 'netname',
  inet6num: 'netname',
  'aut-num': 'as-name',
  organisation: 'org-name',
  role: 'role',
  person: 'person',
  irt: 'irt',
  mntner: 'mntner',
  member: 'org-name',
};

/** The derived columns stored beside the attributes (for indexes and the in-memory index build). */
export function derivedColumns(object: RegistryObject) {
  const range = object.range;
  const nameAttribute = NAME_ATTRIBUTE[object.className];
  // One pass for the first value of each attribute a column is made of (five scans cost an
  // import as much as its JSON).
  let name: string | undefined;
  let netname: string | undefined;
  let status: string | undefined;
  let org: string | undefined;
  let opaqueId: string | undefined;
  for (const [attribute, value] of object.attributes) {
    if (attribute === nameAttribute) name ??= value;
    if (attribute === 'netname') netname ??= value;
    else if (attribute === 'status') status ??= value;
    else if (attribute === 'org') org ??= value;
    else if (attribute === 'opaque-id') opaqueId ??= value;
  }
  return {
    name: upperText(name),
    netname: upperText(netname),
    status: upperText(status),
    // Whom the space is registered to: the organisation, or a delegated record's account
    // (what the index needs to tell the registry's own account from others).
    org: upperText(org) ?? upperText(opaqueId),
    family: range ? range.family : null,
    first: range ? ipKey(range.start) : null,
    last: range ? ipKey(range.end) : null,
    bucket: range ? sizeBucket(range.start, range.end) : null,
    asn_first: object.asns ? object.asns.first : null,
    asn_last: object.asns ? object.asns.last : null,
  };
}

function upperText(value: string | undefined): string | null {
  if (value === undefined) return null;
  const s = stripComment(value).toUpperCase();
  return s.length > 0 ? s : null;
}

/**
 * An object as the writer stores it: its row of `objects` and its `refs`, made once per object
 * (in the thread that parsed it, when the import parses in a worker: importers/parse-worker.ts).
 * `attributes` is the stored JSON: equal text is an unchanged object.
 */
export interface ObjectRecord extends ReturnType<typeof derivedColumns> {
  readonly source: string;
  readonly className: string;
  readonly key: string;
  readonly attributes: string;
  /** Flat: attribute, target, attribute, target, ... */
  readonly references: readonly string[];
  readonly file: string;
  readonly line: number;
  /** The line of the attribute giving the key, for key-level issues (a repeated key). */
  readonly keyLine: number;
  /** The digest of the text it was read from (rpsl/paragraphs.ts paragraphDigest); null for other formats. */
  readonly digest: string | null;
}

export function objectRecord(object: RegistryObject, digest: string | null): ObjectRecord {
  const references: string[] = [];
  for (const r of object.references) references.push(r.attribute, r.target);
  return {
    source: object.source,
    className: object.className,
    key: object.key,
    attributes: JSON.stringify(object.attributes),
    ...derivedColumns(object),
    references,
    file: object.file,
    line: object.line,
    keyLine: object.keyLine ?? object.line,
    digest,
  };
}

/**
 * Rows turned into objects since the process (or worker) started: what a query read, for
 * charging it against its client's budget (DESIGN §5 rate limits count cost). Queries run
 * synchronously, so the difference across one is that query's alone.
 */
let rowsRead = 0;

export function rowsReadSoFar(): number {
  return rowsRead;
}

/** Rows read without being turned into objects (a stream of spans): counted all the same. */
export function noteRowsRead(count: number): void {
  rowsRead += count;
}

export function rowToObject(row: ObjectRow, references: StoredObject['references'] = []): StoredObject {
  rowsRead++;
  const family = row.family as Family | null;
  return {
    id: row.id,
    source: row.source,
    className: row.class,
    key: row.key,
    attributes: JSON.parse(row.attributes) as [string, string][],
    range: family && row.first && row.last ? { family, start: ipFromKey(row.first), end: ipFromKey(row.last) } : undefined,
    asns: row.asn_first !== null && row.asn_last !== null ? { first: row.asn_first, last: row.asn_last } : undefined,
    references,
    file: row.file ?? '',
    line: row.line ?? 0,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    importId: row.import_id,
  };
}
