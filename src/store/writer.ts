// One import run = one snapshot, inside one SQLite transaction: it commits whole or
// not at all (a kill -9 leaves uncommitted WAL frames that SQLite discards on open).
import { LACAK_ERR, LacakError } from '../errors.js';
import { lacakVersion } from '../version.js';
import { withoutMemoryMap, type Db } from './db.js';
import type { ObjectRecord } from './rows.js';

export interface ImportRunOptions {
  /** Snapshot instant, epoch ms. */
  readonly at: number;
  readonly format: string;
  readonly dryRun?: boolean;
  /** Largest share (percent) of a (source, class) pair one run may close. */
  readonly maxDeletePct?: number;
  readonly allowMassDelete?: boolean;
}

export interface ImportedFile {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface ImportCounts {
  created: number;
  changed: number;
  deleted: number;
  unchanged: number;
  rejected: number;
}

export interface ImportSummary extends ImportCounts {
  readonly importId: number;
  readonly at: number;
  readonly pairs: readonly (readonly [string, string])[];
  readonly durationMs: number;
  readonly dryRun: boolean;
}

export interface UnresolvedReference {
  readonly file: string;
  readonly line: number;
  readonly className: string;
  readonly key: string;
  readonly attribute: string;
  readonly target: string;
}

export type WriteOutcome = 'created' | 'changed' | 'unchanged' | 'duplicate' | 'handle-taken';

/** A (source, class) pair, made once and shared by every known object of it. */
interface PairName {
  readonly source: string;
  readonly className: string;
}

/** A current object known by the digest of its text: what an unchanged paragraph stands for. */
interface KnownObject {
  readonly id: number;
  readonly pair: PairName;
}

/** References written per statement: one call per row cost as much as the row (~4 per object). */
const REFS_PER_INSERT = 64;

/** person and role share one namespace of NIC handles within a source (RFC 2622 nic-hdl). */
const NIC_HANDLE_PEER: Readonly<Record<string, string>> = { person: 'role', role: 'person' };

interface PairState {
  readonly source: string;
  readonly className: string;
  /** Current objects before this run: none means nothing to compare or close. */
  readonly currentBefore: number;
}

export class ImportRun {
  readonly importId: number;
  readonly counts: ImportCounts = { created: 0, changed: 0, deleted: 0, unchanged: 0, rejected: 0 };
  private readonly pairs = new Map<string, PairState>();
  private readonly seen = new Set<number>();
  /**
   * Loading into an empty store: the index of references, dropped inside this run's
   * transaction and made again from the rows before it commits. One sort of the ~4 references
   * an object has costs far less than as many random B-tree inserts (the objects' own indexes
   * stay: kept up as rows come, they cost less than made again at the end). Null otherwise.
   */
  private deferredIndexes: { readonly name: string; readonly sql: string }[] | null = null;
  /** Current objects by digest (knownDigests): empty until asked for. */
  private readonly known = new Map<string, KnownObject>();
  /** Gives the connection its memory map back once the run is over. */
  private readonly restoreMemoryMap: () => void;
  /** References waiting for a full statement: object id, attribute, target, ... */
  private readonly pendingRefs: (number | bigint | string)[] = [];
  private readonly started = Date.now();
  private open = true;
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly options: ImportRunOptions,
  ) {
    if (!Number.isFinite(options.at)) throw new LacakError(LACAK_ERR.BAD_ARGUMENT, 'snapshot time is not a valid instant');
    this.stmts = {
      latestOfSource: db.prepare<[string], { at: number | null }>('SELECT max(at) AS at FROM snapshots WHERE source = ?'),
      pairAt: db.prepare<[string, string, number], { n: number }>('SELECT count(*) AS n FROM snapshots WHERE source = ? AND class = ? AND at = ?'),
      countCurrent: db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM objects WHERE source = ? AND class = ? AND valid_to IS NULL'),
      current: db.prepare<[string, string, string], { id: number; attributes: string; import_id: number; digest: string | null }>(
        'SELECT id, attributes, import_id, digest FROM objects WHERE source = ? AND class = ? AND key = ? AND valid_to IS NULL',
      ),
      setDigest: db.prepare<[string, number]>('UPDATE objects SET digest = ? WHERE id = ?'),
      storedKey: db.prepare<[number], { source: string; className: string; key: string }>('SELECT source, class AS className, key FROM objects WHERE id = ?'),
      close: db.prepare<[number, number, number]>('UPDATE objects SET valid_to = ?, closed_by = ? WHERE id = ?'),
      insert: db.prepare(
        // Positional parameters: binding by name costs about as much as the row itself.
        `INSERT INTO objects (source, class, key, valid_from, import_id, attributes, netname, name, status, org,
           family, first, last, bucket, asn_first, asn_last, file, line, digest)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertRef: db.prepare<[number | bigint, string, string]>('INSERT INTO refs (object_id, attribute, target) VALUES (?, ?, ?)'),
      insertRefs: db.prepare(`INSERT INTO refs (object_id, attribute, target) VALUES ${Array.from({ length: REFS_PER_INSERT }, () => '(?, ?, ?)').join(', ')}`),
      pairCurrentIds: db.prepare<[string, string, number], { id: number }>(
        'SELECT id FROM objects WHERE source = ? AND class = ? AND valid_to IS NULL AND import_id != ?',
      ),
      snapshot: db.prepare<[string, string, number, number]>('INSERT INTO snapshots (source, class, at, import_id) VALUES (?, ?, ?, ?)'),
      finishImport: db.prepare(
        `UPDATE imports SET finished_at = @finished_at, files = @files, pairs = @pairs, created = @created, changed = @changed,
           deleted = @deleted, unchanged = @unchanged, rejected = @rejected, duration_ms = @duration_ms WHERE id = @id`,
      ),
    };
    db.exec('BEGIN IMMEDIATE');
    this.restoreMemoryMap = withoutMemoryMap(db);
    try {
      const info = db
        .prepare(`INSERT INTO imports (snapshot_at, started_at, format, files, pairs, lacak_version) VALUES (?, ?, ?, '[]', '[]', ?)`)
        .run(options.at, this.started, options.format, lacakVersion());
      this.importId = Number(info.lastInsertRowid);
      if (db.prepare('SELECT 1 FROM objects LIMIT 1').get() === undefined) this.deferIndexes();
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  private deferIndexes(): void {
    const indexes = this.db
      .prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'refs' AND sql IS NOT NULL ORDER BY name")
      .all();
    for (const { name } of indexes) this.db.exec(`DROP INDEX "${name}"`);
    this.deferredIndexes = indexes;
  }

  /** Makes the deferred indexes again (before anything reads through them). */
  private restoreIndexes(): void {
    if (!this.deferredIndexes) return;
    for (const { sql } of this.deferredIndexes) this.db.exec(sql);
    this.deferredIndexes = null;
  }

  /** Writes one object; the first object of a (source, class) pair checks the snapshot order. */
  write(object: ObjectRecord): WriteOutcome {
    const pair = this.enterPair(object.source, object.className);
    const peer = NIC_HANDLE_PEER[object.className];
    if (peer && this.stmts.current.get(object.source, peer, object.key)) return 'handle-taken';
    // The attributes as stored are the object's content: equal text means unchanged.
    const { attributes } = object;
    if (pair.currentBefore > 0) {
      const current = this.stmts.current.get(object.source, object.className, object.key);
      if (current) {
        if (current.import_id === this.importId || this.seen.has(current.id)) return 'duplicate';
        if (current.attributes === attributes) {
          this.seen.add(current.id);
          // Stored before digests were, or read from differently spaced text: known by this one from now on.
          if (object.digest !== null && current.digest !== object.digest) this.stmts.setDigest.run(object.digest, current.id);
          this.counts.unchanged++;
          return 'unchanged';
        }
        // Seen: the same text later in this run is a repeat, not the object as it stood.
        this.seen.add(current.id);
        this.stmts.close.run(this.options.at, this.importId, current.id);
        this.insert(object);
        this.counts.changed++;
        return 'changed';
      }
    }
    // A pair with no current objects needs no lookup: the unique index on current
    // keys catches a key repeated within this run.
    try {
      this.insert(object);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return 'duplicate';
      throw err;
    }
    this.counts.created++;
    return 'created';
  }

  /**
   * The digests of the current objects (RPSL ones read since digests are stored), for the
   * reader to pass their paragraphs on unparsed. Read inside this run's transaction, so no
   * other import can change what they stand for.
   */
  knownDigests(): string[] {
    this.assertOpen();
    const pairs = new Map<string, PairName>();
    const rows = this.db.prepare<[], { id: number; source: string; class: string; digest: string }>(
      'SELECT id, source, class, digest FROM objects WHERE valid_to IS NULL AND digest IS NOT NULL',
    );
    for (const row of rows.iterate()) {
      const name = `${row.source}\0${row.class}`;
      let pair = pairs.get(name);
      if (!pair) pairs.set(name, (pair = { source: row.source, className: row.class }));
      this.known.set(row.digest, { id: row.id, pair });
    }
    return [...this.known.keys()];
  }

  /** A paragraph the reader knew by its digest: the current object it stands for is still there, unchanged. */
  keep(digest: string): 'unchanged' | 'duplicate' {
    const known = this.known.get(digest);
    if (!known) throw new Error(`no current object has the digest ${digest}`);
    this.enterPair(known.pair.source, known.pair.className);
    if (this.seen.has(known.id)) return 'duplicate';
    this.seen.add(known.id);
    this.counts.unchanged++;
    return 'unchanged';
  }

  /** The key of the object a digest stands for (to name a repeated one). */
  knownKey(digest: string): { readonly source: string; readonly className: string; readonly key: string } {
    return this.stmts.storedKey.get(this.known.get(digest)!.id)!;
  }

  /**
   * References from this run's objects to handles that no current object has (any source:
   * references resolve across sources). Checked on dry runs, where nothing else waits.
   */
  unresolvedReferences(attributes: readonly string[], limit: number): UnresolvedReference[] {
    this.flushRefs();
    this.restoreIndexes();
    const marks = attributes.map(() => '?').join(', ');
    return this.db
      .prepare<unknown[], UnresolvedReference>(
        `SELECT o.file AS file, o.line AS line, o.class AS className, o.key AS key, r.attribute AS attribute, r.target AS target
           FROM refs r JOIN objects o ON o.id = r.object_id
          WHERE o.import_id = ? AND r.attribute IN (${marks})
            AND NOT EXISTS (SELECT 1 FROM objects t WHERE t.key = r.target AND t.valid_to IS NULL)
          ORDER BY o.id LIMIT ?`,
      )
      .all(this.importId, ...attributes, limit);
  }

  reject(): void {
    this.counts.rejected++;
  }

  /** Closes what vanished, records the snapshot and commits (or rolls back a dry run). */
  finish(files: readonly ImportedFile[]): ImportSummary {
    this.assertOpen();
    try {
      this.flushRefs();
      this.restoreIndexes();
      for (const pair of this.pairs.values()) this.closeVanished(pair);
      const pairs = [...this.pairs.values()].map((p) => [p.source, p.className] as const);
      for (const [source, className] of pairs) this.stmts.snapshot.run(source, className, this.options.at, this.importId);
      const durationMs = Date.now() - this.started;
      this.stmts.finishImport.run({
        id: this.importId,
        finished_at: Date.now(),
        files: JSON.stringify(files),
        pairs: JSON.stringify(pairs),
        ...this.counts,
        duration_ms: durationMs,
      });
      const dryRun = this.options.dryRun ?? false;
      this.db.exec(dryRun ? 'ROLLBACK' : 'COMMIT');
      this.open = false;
      this.restoreMemoryMap();
      return { importId: this.importId, at: this.options.at, pairs, durationMs, dryRun, ...this.counts };
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  /** Leaves the database exactly as it was before the run. */
  abort(): void {
    if (!this.open) return;
    this.open = false;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.restoreMemoryMap();
  }

  private enterPair(source: string, className: string): PairState {
    const id = `${source}\0${className}`;
    let pair = this.pairs.get(id);
    if (pair) return pair;
    this.assertOpen();
    const latest = this.stmts.latestOfSource.get(source)?.at ?? null;
    if (latest !== null && this.options.at < latest) {
      throw new LacakError(
        LACAK_ERR.SNAPSHOT_ORDER,
        `${source} already has a snapshot at ${new Date(latest).toISOString()}; history is built oldest first, so ${new Date(this.options.at).toISOString()} is refused`,
      );
    }
    if (this.stmts.pairAt.get(source, className, this.options.at)!.n > 0) {
      throw new LacakError(
        LACAK_ERR.SNAPSHOT_ORDER,
        `${source} ${className} was already imported at ${new Date(this.options.at).toISOString()}`,
      );
    }
    pair = { source, className, currentBefore: this.stmts.countCurrent.get(source, className)!.n };
    this.pairs.set(id, pair);
    return pair;
  }

  private closeVanished(pair: PairState): void {
    if (pair.currentBefore === 0) return;
    const vanished: number[] = [];
    for (const { id } of this.stmts.pairCurrentIds.iterate(pair.source, pair.className, this.importId)) {
      if (!this.seen.has(id)) vanished.push(id);
    }
    // Changed objects were closed already; what is left unseen vanished from the dump.
    // Only vanished objects count against --max-delete: a truncated dump deletes, it does not change.
    const limit = this.options.maxDeletePct ?? 20;
    const pct = (vanished.length / pair.currentBefore) * 100;
    if (pct > limit && !this.options.allowMassDelete) {
      throw new LacakError(
        LACAK_ERR.MASS_DELETE,
        `this run would delete ${vanished.length} of ${pair.currentBefore} ${pair.source} ${pair.className} objects (${pct.toFixed(1)}% > --max-delete ${limit}%); refused (use --allow-mass-delete if that is intended)`,
      );
    }
    for (const id of vanished) this.stmts.close.run(this.options.at, this.importId, id);
    this.counts.deleted += vanished.length;
  }

  private insert(o: ObjectRecord): void {
    const info = this.stmts.insert.run(
      o.source,
      o.className,
      o.key,
      this.options.at,
      this.importId,
      o.attributes,
      o.netname,
      o.name,
      o.status,
      o.org,
      o.family,
      o.first,
      o.last,
      o.bucket,
      o.asn_first,
      o.asn_last,
      o.file,
      o.line,
      o.digest,
    );
    const refs = o.references;
    const pending = this.pendingRefs;
    for (let i = 0; i < refs.length; i += 2) {
      pending.push(info.lastInsertRowid, refs[i]!, refs[i + 1]!);
      if (pending.length === 3 * REFS_PER_INSERT) {
        this.stmts.insertRefs.run(...pending);
        pending.length = 0;
      }
    }
  }

  /** Writes the references still waiting: before anything reads them. */
  private flushRefs(): void {
    const pending = this.pendingRefs;
    for (let i = 0; i < pending.length; i += 3) this.stmts.insertRef.run(pending[i] as number, pending[i + 1] as string, pending[i + 2] as string);
    pending.length = 0;
  }

  private assertOpen(): void {
    if (!this.open) throw new Error('import run already finished');
  }
}
