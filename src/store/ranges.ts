// Range queries for history, chains and more-specifics. Never `first <= x AND last >= x`
// over the whole table (SQLite can use only one range bound of an index): every
// seek is confined to one size bucket, where a covering range must start within
// 2^(bucket+1) addresses below the query, so each seek reads a handful of rows.
import { FAMILY_BITS, ipFromKey, ipKey, type Family } from '../net/ip.js';
import type { StoredObject } from '../model/types.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { noteRowsRead, rowToObject, type ObjectRow } from './rows.js';

export const NETWORK_CLASSES = ['inetnum', 'inet6num'] as const;

/** `at` null means current data; else the versions valid at that instant (epoch ms). */
export type AsOf = number | null;

const VALID_AT = `((@at IS NULL AND valid_to IS NULL) OR (@at IS NOT NULL AND valid_from <= @at AND (valid_to IS NULL OR valid_to > @at)))`;
const COLUMNS = `id, source, class, key, valid_from, valid_to, import_id, attributes, netname, status, org, family, first, last, asn_first, asn_last, file, line`;

/** inetnum/inet6num, or route/route6 (both carry an address range). */
export type CoveringKind = 'networks' | 'routes';

/** A network's address span and what tells a placeholder (the derived columns), without its attributes. */
export interface NetworkSpan {
  readonly source: string;
  readonly netname: string | null;
  readonly status: string | null;
  /** The `org` column: organisation handle, or a delegated record's account. */
  readonly owner: string | null;
  readonly start: bigint;
  readonly end: bigint;
}

interface SpanRow {
  source: string;
  netname: string | null;
  status: string | null;
  org: string | null;
  first: Buffer;
  last: Buffer;
}

export class RangeStore {
  private readonly insideStmts: Record<CoveringKind, Statement<Record<string, unknown>, ObjectRow>>;
  private readonly bucketProbe;
  private buckets: Map<Family, number[]> | null = null;
  private readonly coveringCache = new Map<string, { stmt: Statement<unknown[], ObjectRow>; buckets: number[] }>();

  constructor(private readonly db: Db) {
    const insideOf = (classes: string) =>
      db.prepare<Record<string, unknown>, ObjectRow>(
        `SELECT ${COLUMNS} FROM objects
          WHERE family = @family AND bucket = @bucket AND first >= @first AND first <= @last AND last <= @last
            AND class IN (${classes}) AND ${VALID_AT}`,
      );
    this.insideStmts = { networks: insideOf("'inetnum', 'inet6num'"), routes: insideOf("'route', 'route6'") };
    this.bucketProbe = db.prepare<[number, number], { one: number }>(
      'SELECT 1 AS one FROM objects WHERE family = ? AND bucket = ? LIMIT 1',
    );
  }

  /** Forget cached bucket occupancy (after an import). */
  invalidate(): void {
    this.buckets = null;
    this.coveringCache.clear();
  }

  private occupiedBuckets(family: Family): number[] {
    if (!this.buckets) {
      this.buckets = new Map();
      for (const f of [4, 6] as const) {
        const used: number[] = [];
        for (let b = 0; b <= FAMILY_BITS[f]; b++) if (this.bucketProbe.get(f, b)) used.push(b);
        this.buckets.set(f, used);
      }
    }
    return this.buckets.get(family)!;
  }

  /**
   * One statement per family and kind of instant: a UNION ALL of one bounded seek per
   * occupied bucket. Preparing it once and binding by position matters on the lookup
   * path: one statement per bucket cost more than the rows it read.
   */
  private coveringStatement(family: Family, when: 'current' | 'at' | 'ever', kind: CoveringKind): { stmt: Statement<unknown[], ObjectRow>; buckets: number[] } {
    const id = `${family}:${when}:${kind}`;
    let cached = this.coveringCache.get(id);
    if (!cached) {
      const buckets = this.occupiedBuckets(family);
      const validity = { current: 'valid_to IS NULL', at: 'valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)', ever: '1' }[when];
      const seek = `SELECT ${COLUMNS} FROM objects WHERE family = ${family} AND bucket = ? AND first >= ? AND first <= ? AND last >= ?
          AND class IN (${kind === 'networks' ? "'inetnum', 'inet6num'" : "'route', 'route6'"}) AND ${validity}`;
      const sql = buckets.length > 0 ? buckets.map(() => seek).join(' UNION ALL ') : `SELECT ${COLUMNS} FROM objects WHERE 0`;
      cached = { stmt: this.db.prepare<unknown[], ObjectRow>(sql), buckets };
      this.coveringCache.set(id, cached);
    }
    return cached;
  }

  /**
   * Every network (any source, placeholders included) that covers [first, last] at `at`;
   * with `routes`, the route objects covering it instead.
   */
  covering(family: Family, first: bigint, last: bigint, at: AsOf, kind: CoveringKind = 'networks'): StoredObject[] {
    return this.coveringRows(family, first, last, at === null ? 'current' : at, kind).map((row) => rowToObject(row));
  }

  /** Every network version that has ended (any source, placeholders included): its span. */
  *endedNetworks(): Generator<{ readonly family: Family; readonly start: bigint; readonly end: bigint }> {
    const stmt = this.db.prepare<[], { family: Family; first: Buffer; last: Buffer }>(
      "SELECT family, first, last FROM objects WHERE class IN ('inetnum', 'inet6num') AND valid_to IS NOT NULL",
    );
    for (const row of stmt.iterate()) yield { family: row.family, start: ipFromKey(row.first), end: ipFromKey(row.last) };
  }

  /** Every version, of any time, of the networks covering [first, last] (placeholders included). */
  coveringVersions(family: Family, first: bigint, last: bigint): StoredObject[] {
    return this.coveringRows(family, first, last, 'ever', 'networks').map((row) => rowToObject(row));
  }

  private coveringRows(family: Family, first: bigint, last: bigint, when: 'current' | 'ever' | number, kind: CoveringKind): ObjectRow[] {
    const { stmt, buckets } = this.coveringStatement(family, typeof when === 'number' ? 'at' : when, kind);
    const span = last - first + 1n;
    const firstKey = ipKey(first);
    const lastKey = ipKey(last);
    const params: unknown[] = [];
    for (const bucket of buckets) {
      // A range of this bucket is shorter than 2^(bucket+1), so it starts within that reach
      // of the query's end; a bucket too short to cover the query gets an empty seek (-1).
      const reach = (1n << BigInt(bucket + 1)) - 1n;
      const low = last > reach ? last - reach : 0n;
      params.push(reach < span ? -1 : bucket, ipKey(low), firstKey, lastKey);
      if (typeof when === 'number') params.push(when, when);
    }
    return stmt.all(...params);
  }

  /**
   * Networks lying inside [first, last] (the range itself included), at most `limit` of those
   * `keep` keeps; with `routes`, the route objects inside it instead. Read narrowest first
   * unless `widestFirst`: a list cut at `limit` then keeps the networks nearest the range and
   * drops the most specific ones, so what is kept still nests under its parents (GET /me,
   * issue 14).
   */
  inside(
    family: Family,
    first: bigint,
    last: bigint,
    at: AsOf,
    limit: number,
    options: { kind?: CoveringKind; widestFirst?: boolean; keep?: (o: StoredObject) => boolean } = {},
  ): StoredObject[] {
    const out: StoredObject[] = [];
    const span = last - first + 1n;
    const stmt = this.insideStmts[options.kind ?? 'networks'];
    const buckets = this.occupiedBuckets(family).filter((bucket) => 1n << BigInt(bucket) <= span);
    if (options.widestFirst) buckets.reverse();
    for (const bucket of buckets) {
      for (const row of stmt.iterate({ family, bucket, first: ipKey(first), last: ipKey(last), at })) {
        const o = rowToObject(row);
        // `keep` filters before the limit counts, so `limit` means that many kept.
        if (options.keep && !options.keep(o)) continue;
        out.push(o);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /**
   * The spans of the networks inside [first, last] (the range itself included) at `at`, by
   * start and widest first, streamed from the derived columns without reading attributes:
   * the used space of a member with a hundred thousand customer networks is summed in one
   * pass, in constant memory. Each seek stays in one size bucket, as everywhere here.
   */
  *insideSpans(family: Family, first: bigint, last: bigint, at: AsOf): Generator<NetworkSpan> {
    const span = last - first + 1n;
    const buckets = this.occupiedBuckets(family).filter((bucket) => 1n << BigInt(bucket) <= span);
    if (buckets.length === 0) return;
    // The bucket numbers are this store's own integers, written into the SQL as such.
    const stmt = this.db.prepare<Record<string, unknown>, SpanRow>(
      `SELECT source, netname, status, org, first, last FROM objects
        WHERE family = @family AND bucket IN (${buckets.join(', ')}) AND first >= @first AND first <= @last AND last <= @last
          AND class IN ('inetnum', 'inet6num') AND ${VALID_AT}
        ORDER BY first, last DESC`,
    );
    let read = 0;
    try {
      for (const row of stmt.iterate({ family, first: ipKey(first), last: ipKey(last), at })) {
        read++;
        yield { source: row.source, netname: row.netname, status: row.status, owner: row.org, start: ipFromKey(row.first), end: ipFromKey(row.last) };
      }
    } finally {
      // Charged like any other row read (DESIGN §5: rate limits count cost).
      noteRowsRead(read);
    }
  }
}

/** The instants at which versions began or ended, ascending: where a covering set can change. */
export function versionBoundaries(versions: readonly Pick<StoredObject, 'validFrom' | 'validTo'>[]): number[] {
  const instants = new Set<number>();
  for (const v of versions) {
    instants.add(v.validFrom);
    if (v.validTo !== null) instants.add(v.validTo);
  }
  return [...instants].sort((a, b) => a - b);
}
