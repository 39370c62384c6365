// Feeds the current networks of the registry database into a RangeIndex. Placeholders
// are left out here, so the index answers only with networks that may hold space.
import { Worker } from 'node:worker_threads';
import type { Family } from '../net/ip.js';
import { openRegistryDb, type Db } from '../store/db.js';
import { placeholderRule, sourceRank, type IndexSettings } from '../query/placeholders.js';
import { RangeIndexBuilder, rangeIndexBuffers, rangeIndexFromData, type RangeIndex, type RangeIndexData } from './range-index.js';

/** id, family, first, last, source, netname, status, org: rows as arrays cost less to hand over. */
type IndexRow = [number, Family, Buffer, Buffer, string, string | null, string | null, string | null];

export interface BuiltIndex {
  readonly index: RangeIndex;
  /**
   * Placeholders that mark space this registry manages (its own top-level blocks, its
   * delegated account): an address no network holds is "not assigned" under one of
   * these, and someone else's space otherwise.
   */
  readonly managed: RangeIndex;
  /** Current route and route6 objects (issue 15): the WHOIS route view and the Cymru `AS` column without a range query. */
  readonly routes: RangeIndex;
  /** The newest finished import the index reflects. */
  readonly importId: number;
}

/** A built index as plain typed arrays, to hand across threads. */
export interface BuiltIndexData {
  readonly index: RangeIndexData;
  readonly managed: RangeIndexData;
  readonly routes: RangeIndexData;
  readonly importId: number;
}

export function builtIndexData(built: BuiltIndex): BuiltIndexData {
  return { index: built.index.toData(), managed: built.managed.toData(), routes: built.routes.toData(), importId: built.importId };
}

export function builtIndexFromData(data: BuiltIndexData): BuiltIndex {
  return { index: rangeIndexFromData(data.index), managed: rangeIndexFromData(data.managed), routes: rangeIndexFromData(data.routes), importId: data.importId };
}

/** The buffers of a built index, for a worker's transfer list. */
export function builtIndexBuffers(data: BuiltIndexData): ArrayBuffer[] {
  return [...rangeIndexBuffers(data.index), ...rangeIndexBuffers(data.managed), ...rangeIndexBuffers(data.routes)];
}

/** An index of nothing: for a service that answers only searches, and before any import. */
export function emptyBuiltIndex(): BuiltIndex {
  const empty = () => new RangeIndexBuilder().build();
  return { index: empty(), managed: empty(), routes: empty(), importId: 0 };
}

/** Builds the index inside one read transaction, so it and its import id agree. */
export function buildIndexFromDb(db: Db, settings: IndexSettings): BuiltIndex {
  const rule = placeholderRule(settings);
  const rank = sourceRank(settings.sources);
  const rows = db
    .prepare<[], IndexRow>(
      `SELECT id, family, first, last, source, netname, status, org FROM objects
        WHERE valid_to IS NULL AND family IS NOT NULL AND class IN ('inetnum', 'inet6num')`,
    )
    .raw(true);
  const routeRows = db
    .prepare<[], [number, Family, Buffer, Buffer, string]>(
      `SELECT id, family, first, last, source FROM objects
        WHERE valid_to IS NULL AND family IS NOT NULL AND class IN ('route', 'route6')`,
    )
    .raw(true);
  const lastImport = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM imports WHERE finished_at IS NOT NULL');
  return db.transaction(() => {
    const importId = lastImport.get()?.id ?? 0;
    const builder = new RangeIndexBuilder();
    const managed = new RangeIndexBuilder();
    for (const [id, family, first, last, source, netname, status, org] of rows.iterate() as IterableIterator<IndexRow>) {
      if (!rule.isPlaceholder(netname, status, source, org)) builder.add(id, family, first, last, rank(source));
      else if (rule.isManagedMarker(source, org)) managed.add(id, family, first, last, rank(source));
    }
    const routes = new RangeIndexBuilder();
    for (const [id, family, first, last, source] of routeRows.iterate() as IterableIterator<[number, Family, Buffer, Buffer, string]>) routes.add(id, family, first, last, rank(source));
    return { index: builder.build(), managed: managed.build(), routes: routes.build(), importId };
  })();
}

export type IndexBuilder = () => Promise<BuiltIndex>;

/** Rebuilds in the calling thread: for tests and tools, where blocking does not matter. */
export function inThreadIndexBuilder(db: Db, settings: IndexSettings): IndexBuilder {
  return async () => buildIndexFromDb(db, settings);
}

export interface IndexWorkerRequest {
  readonly dbPath: string;
  readonly settings: IndexSettings;
}

export interface IndexWorkerReply {
  readonly data?: BuiltIndexData;
  readonly error?: string;
}

/**
 * Rebuilds in a worker thread with its own read-only connection, so a server keeps
 * answering while a national-size index (seconds of work) is built; the typed arrays
 * come back transferred, not copied.
 */
export function workerIndexBuilder(dbPath: string, settings: IndexSettings): IndexBuilder {
  return () =>
    new Promise<BuiltIndex>((resolve, reject) => {
      const request: IndexWorkerRequest = { dbPath, settings };
      const worker = new Worker(new URL('./index-worker.js', import.meta.url), { workerData: request });
      worker.once('message', (reply: IndexWorkerReply) => {
        if (reply.data) resolve(builtIndexFromData(reply.data));
        else reject(new Error(reply.error ?? 'index worker sent no index'));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (code !== 0) reject(new Error(`index worker exited with ${code}`));
      });
    });
}

/** Opens the database read-only and builds: the worker's whole job. */
export function buildIndexFromPath(dbPath: string, settings: IndexSettings): BuiltIndex {
  const db = openRegistryDb(dbPath, { readonly: true });
  try {
    return buildIndexFromDb(db, settings);
  } finally {
    db.close();
  }
}
