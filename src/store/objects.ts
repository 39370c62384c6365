// Objects by primary key, by handle and by reference (inverse lookups), at a time.
import type { StoredObject } from '../model/types.js';
import { ipKey } from '../net/ip.js';
import type { Db } from './db.js';
import { rowToObject, type ObjectRow } from './rows.js';
import type { AsOf } from './ranges.js';

const VALID_AT = `((@at IS NULL AND o.valid_to IS NULL) OR (@at IS NOT NULL AND o.valid_from <= @at AND (o.valid_to IS NULL OR o.valid_to > @at)))`;
const COLUMNS = `o.id, o.source, o.class, o.key, o.valid_from, o.valid_to, o.import_id, o.attributes, o.netname, o.status, o.org, o.family, o.first, o.last, o.asn_first, o.asn_last, o.file, o.line`;

export interface SnapshotRow {
  readonly source: string;
  readonly className: string;
  readonly at: number;
  readonly importId: number;
}


export interface ImportRecord {
  readonly id: number;
  readonly snapshotAt: number;
  readonly finishedAt: number;
  readonly format: string;
  readonly files: readonly { readonly name: string; readonly sha256: string; readonly bytes: number }[];
  readonly lacakVersion: string;
}

/** An import's files as answers name them: without the server's directories (the SHA-256 is what identifies a file). */
export function importedFiles(record: ImportRecord): { name: string; sha256: string; bytes: number }[] {
  return record.files.map((f) => ({ name: f.name.split(/[\\/]/).pop()!, sha256: f.sha256, bytes: f.bytes }));
}

export class ObjectStore {
  private readonly byKeyStmt;
  private readonly byKeyClassStmt;
  private readonly inverseStmt;
  private readonly inverseClassStmt;
  private readonly autnumStmt;
  private readonly byIdStmt;
  private readonly autnumsInsideStmt;
  private readonly ofClassStmt;
  private readonly allAtStmt;
  private readonly snapshotsStmt;
  private readonly lastImportStmt;
  private readonly finishedAtStmt;
  private readonly versionsStmt;
  private readonly importsStmt;

  constructor(readonly database: Db) {
    const db = database;
    this.byKeyStmt = db.prepare<Record<string, unknown>, ObjectRow>(`SELECT ${COLUMNS} FROM objects o WHERE o.key = @key AND ${VALID_AT}`);
    this.byKeyClassStmt = db.prepare<Record<string, unknown>, ObjectRow>(
      `SELECT ${COLUMNS} FROM objects o WHERE o.key = @key AND o.class = @class AND ${VALID_AT}`,
    );
    this.inverseStmt = db.prepare<Record<string, unknown>, ObjectRow>(
      `SELECT DISTINCT ${COLUMNS} FROM refs r JOIN objects o ON o.id = r.object_id
        WHERE r.target = @target AND r.attribute = @attribute AND ${VALID_AT} ORDER BY o.id LIMIT @limit`,
    );
    this.inverseClassStmt = db.prepare<Record<string, unknown>, ObjectRow>(
      `SELECT DISTINCT ${COLUMNS} FROM refs r JOIN objects o ON o.id = r.object_id
        WHERE r.target = @target AND r.attribute = @attribute AND o.class = @class AND ${VALID_AT} ORDER BY o.id LIMIT @limit`,
    );
    // aut-nums are exact keys; as-blocks are few (hundreds), so their own index is walked.
    this.autnumStmt = db.prepare<Record<string, unknown>, ObjectRow>(
      `SELECT ${COLUMNS} FROM objects o WHERE o.class = 'as-block' AND o.asn_first <= @asn AND o.asn_last >= @asn AND ${VALID_AT}
       UNION ALL
       SELECT ${COLUMNS} FROM objects o WHERE o.key = @key AND o.class = 'aut-num' AND ${VALID_AT}`,
    );
    this.ofClassStmt = db.prepare<Record<string, unknown>, ObjectRow>(`SELECT ${COLUMNS} FROM objects o WHERE o.class = @class AND ${VALID_AT}`);
    this.autnumsInsideStmt = db.prepare<Record<string, unknown>, ObjectRow>(
      `SELECT ${COLUMNS} FROM objects o WHERE o.asn_first >= @first AND o.asn_first <= @last AND o.asn_last <= @last
         AND o.class IN ('aut-num', 'as-block') AND ${VALID_AT} ORDER BY o.asn_first LIMIT @limit`,
    );
    this.byIdStmt = db.prepare<[number], ObjectRow>(`SELECT ${COLUMNS} FROM objects o WHERE o.id = ?`);
    this.allAtStmt = db.prepare<Record<string, unknown>, ObjectRow>(
      `SELECT ${COLUMNS} FROM objects o WHERE ${VALID_AT} ORDER BY o.source, o.class, o.family, o.first, o.key`,
    );
    this.snapshotsStmt = db.prepare<[], { source: string; class: string; at: number; import_id: number }>(
      'SELECT source, class, at, import_id FROM snapshots ORDER BY at',
    );
    this.versionsStmt = db.prepare<[string, string, string], ObjectRow>(
      `SELECT ${COLUMNS} FROM objects o WHERE o.key = ? AND o.class = ? AND o.source = ? ORDER BY o.valid_from`,
    );
    this.importsStmt = db.prepare<[], { id: number; snapshot_at: number; format: string; files: string; lacak_version: string; finished_at: number }>(
      'SELECT id, snapshot_at, format, files, lacak_version, finished_at FROM imports WHERE finished_at IS NOT NULL ORDER BY id',
    );
    this.lastImportStmt = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM imports WHERE finished_at IS NOT NULL');
    this.finishedAtStmt = db.prepare<[number], { finished_at: number | null }>('SELECT finished_at FROM imports WHERE id = ?');
  }

  byId(id: number): StoredObject | null {
    const row = this.byIdStmt.get(id);
    return row ? rowToObject(row) : null;
  }

  /** Every source's version of the key valid at `at` (keys are canonical: see normaliseKey). */
  byKey(key: string, at: AsOf, className?: string): StoredObject[] {
    const rows = className ? this.byKeyClassStmt.all({ key, class: className, at }) : this.byKeyStmt.all({ key, at });
    return rows.map((r) => rowToObject(r));
  }

  /** Objects whose `attribute` refers to `target` (upper-cased handle) at `at`. */
  inverse(attribute: string, target: string, at: AsOf, limit: number, className?: string): StoredObject[] {
    const params = { attribute, target: target.toUpperCase(), at, limit, class: className };
    const rows = className ? this.inverseClassStmt.all(params) : this.inverseStmt.all({ attribute, target: params.target, at, limit });
    return rows.map((r) => rowToObject(r));
  }

  /** aut-nums and as-blocks lying inside [first, last] (for one-level-down relations). */
  autnumsInside(first: number, last: number, at: AsOf, limit: number): StoredObject[] {
    return this.autnumsInsideStmt.all({ first, last, at, limit }).map((r) => rowToObject(r));
  }

  /** The aut-num itself and the as-blocks containing it. */
  autnums(asn: number, at: AsOf): StoredObject[] {
    return this.autnumStmt.all({ asn, key: `AS${asn}`, at }).map((r) => rowToObject(r));
  }

  /** Every object of a (small) class valid at `at`, such as the members list. */
  ofClass(className: string, at: AsOf): StoredObject[] {
    return this.ofClassStmt.all({ class: className, at }).map((r) => rowToObject(r));
  }

  /** Every object valid at `at`, streamed in a stable order (for export). */
  *allAt(at: AsOf): Generator<StoredObject> {
    for (const row of this.allAtStmt.iterate({ at })) yield rowToObject(row);
  }


  snapshots(): SnapshotRow[] {
    return this.snapshotsStmt.all().map((r) => ({ source: r.source, className: r.class, at: r.at, importId: r.import_id }));
  }


  /** Every stored version of one object (one source, class and key), oldest first. */
  versions(source: string, className: string, key: string): StoredObject[] {
    return this.versionsStmt.all(key, className, source).map((r) => rowToObject(r));
  }

  /** Every finished import: what was read, when, and the SHA-256 of each file (provenance). */
  imports(): ImportRecord[] {
    return this.importsStmt.all().map((r) => ({
      id: r.id,
      snapshotAt: r.snapshot_at,
      finishedAt: r.finished_at,
      format: r.format,
      files: (JSON.parse(r.files) as { name: string; sha256: string; bytes: number }[]).map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes })),
      lacakVersion: r.lacak_version,
    }));
  }

  /**
   * When import `id` committed (null: none such): with its id, what tells one database's import
   * from another's that happens to have the same number (a database made again from scratch).
   */
  importFinishedAt(id: number): number | null {
    return this.finishedAtStmt.get(id)?.finished_at ?? null;
  }

  /** The newest finished import: changes exactly when an import commits. */
  lastImportId(): number {
    return this.lastImportStmt.get()?.id ?? 0;
  }

  /**
   * Networks `maintainer` maintains (`mnt-by`) at `at` that lie outside every one of `ranges`,
   * at most `limit`, by id. The store drops the networks inside: a member's maintainer keeps tens
   * of thousands of customer assignments, and GET /me looks for the few stray ones among them.
   */
  networksMaintainedOutside(maintainer: string, ranges: readonly { readonly family: number; readonly start: bigint; readonly end: bigint }[], at: AsOf, limit: number): StoredObject[] {
    const inside = ranges.map(() => '(o.family = ? AND o.first >= ? AND o.last <= ?)').join(' OR ');
    const sql = `SELECT DISTINCT ${COLUMNS} FROM refs r JOIN objects o ON o.id = r.object_id
        WHERE r.target = @target AND r.attribute = 'mnt-by' AND o.class IN ('inetnum', 'inet6num')
          AND ${VALID_AT}${inside ? ` AND NOT (${inside})` : ''} ORDER BY o.id LIMIT @limit`;
    const params: unknown[] = [];
    for (const r of ranges) params.push(r.family, ipKey(r.start), ipKey(r.end));
    return this.database
      .prepare<unknown[], ObjectRow>(sql)
      .all({ target: maintainer.toUpperCase(), at, limit }, ...params)
      .map((r) => rowToObject(r));
  }

  /**
   * Does `maintainer` maintain (`mnt-by` or `mnt-lower`) a current network that names an
   * organisation other than `org` and lies outside every one of `ranges`? One query that
   * stops at the first such network: a member's maintainer can maintain tens of thousands
   * of customer networks, and turning each into an object first took ten times as long.
   */
  maintainsNetworkOutside(maintainer: string, org: string, ranges: readonly { readonly family: number; readonly start: bigint; readonly end: bigint }[]): boolean {
    const inside = ranges.map(() => '(o.family = ? AND o.first >= ? AND o.last <= ?)').join(' OR ');
    const sql = `SELECT 1 FROM refs r JOIN objects o ON o.id = r.object_id
        WHERE r.target = ? AND r.attribute IN ('mnt-by', 'mnt-lower') AND o.class IN ('inetnum', 'inet6num')
          AND o.valid_to IS NULL AND o.org IS NOT NULL AND o.org != ?${inside ? ` AND NOT (${inside})` : ''} LIMIT 1`;
    const params: unknown[] = [maintainer.toUpperCase(), org.toUpperCase()];
    for (const r of ranges) params.push(r.family, ipKey(r.start), ipKey(r.end));
    return this.database.prepare(sql).get(...params) !== undefined;
  }
}
