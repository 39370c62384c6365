// Searches over current objects (RDAP RFC 9082 §3.2, RFC 9910, RFC 9536), ordered (RFC 8977
// §2.2) and paged by keyset: a page ends at an object, and the next page starts right after
// that object in the same order. The position is the object's id alone; its sort values are
// read again from that (immutable) version, so a cursor carries no registry data, stays valid
// however deep the client pages and whatever imports happen meanwhile, and costs the same at
// page 1,000 as at page 1.
import { LRUCache } from 'lru-cache';
import { createdAt, lastModifiedAt } from '../model/dates.js';
import { firstValue, stripComment, type StoredObject } from '../model/types.js';
import type { Db } from './db.js';
import { noteRowsRead, rowToObject, type ObjectRow } from './rows.js';

/** `exact` matches the whole value; `prefix` is what came before a trailing `*`. */
export type SearchPattern = { readonly kind: 'exact'; readonly value: string } | { readonly kind: 'prefix'; readonly value: string };

/** What a search finds among current objects of `classes`: by upper-cased name, by key, or by a reference to `target`. */
export type SearchMatch =
  | { readonly by: 'name' | 'key'; readonly classes: readonly string[]; readonly pattern: SearchPattern }
  | { readonly by: 'reference'; readonly classes: readonly string[]; readonly attributes: readonly string[]; readonly target: string };

/**
 * What results can be ordered by. Every key is text compared byte for byte (SQLite's BINARY
 * collation), a missing value is the empty string (first ascending, last descending):
 * `key` the primary key; `name` the upper-cased name (netname, as-name, org-name, role...),
 * else the key; `created`/`changed` the registration and last-change dates as DESIGN §2 reads
 * them (ISO 8601, UTC); `start` the first address (IPv4 before IPv6, then numerically);
 * `asn` the first AS number (numerically); `country` the first `country:` (never a person's:
 * RDAP shows no person's country).
 */
export type SortKeyName = 'key' | 'name' | 'created' | 'changed' | 'start' | 'asn' | 'country';

export interface SortKey {
  readonly key: SortKeyName;
  readonly descending: boolean;
}

export interface SearchPage {
  readonly objects: StoredObject[];
  /** Where the next page starts (the id of this page's last object), or null when this was the last page. */
  readonly next: number | null;
}

/** A position that is no object this search finds for this caller: a cursor of another search, or forged. */
export class SearchPositionError extends Error {}

const COLUMNS = `o.id, o.source, o.class, o.key, o.valid_from, o.valid_to, o.import_id, o.attributes, o.netname, o.status, o.org, o.family, o.first, o.last, o.asn_first, o.asn_last, o.file, o.line, o.name`;

// Above every character a registry writes in a key or name: the end of a prefix range.
const HIGH = '\u{10ffff}';

// Sort values read from the attributes, by a JavaScript function SQLite calls per row (the
// dates follow model/dates.ts, the one rule answers show them by).
const FUNCTION = 'lacak_sort_value';
const SORT_SQL: Readonly<Record<SortKeyName, string>> = {
  key: 'o.key',
  name: 'COALESCE(o.name, o.key)',
  created: `${FUNCTION}('created', o.id, o.class, o.attributes)`,
  changed: `${FUNCTION}('changed', o.id, o.class, o.attributes)`,
  country: `${FUNCTION}('country', o.id, o.class, o.attributes)`,
  // The family digit first: IPv4 sorts before IPv6 (RFC 8977 §2.2.1), then the 16-byte key.
  start: "CASE WHEN o.family IS NULL THEN '' ELSE o.family || hex(o.first) END",
  asn: "CASE WHEN o.asn_first IS NULL THEN '' ELSE printf('%010d', o.asn_first) END",
};

/** Sort values computed from attributes, by `key\0id`: versions never change, so entries never go stale. */
const CACHE_LIMIT = 200_000;

function attributeSortValue(which: string, className: string, attributes: string): string {
  const object = { attributes: JSON.parse(attributes) as [string, string][] };
  const iso = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? '' : new Date(ms).toISOString());
  switch (which) {
    case 'created':
      return iso(createdAt(object));
    case 'changed':
      return iso(lastModifiedAt(object));
    case 'country': {
      if (className === 'person') return '';
      const c = firstValue(object, 'country');
      return c ? stripComment(c).toUpperCase() : '';
    }
    default:
      return '';
  }
}

export class SearchStore {
  private readonly cache = new LRUCache<string, string>({ max: CACHE_LIMIT });

  constructor(private readonly db: Db) {
    db.function(FUNCTION, { deterministic: true }, (which: unknown, id: unknown, className: unknown, attributes: unknown) => {
      const key = `${String(which)}\0${String(id)}`;
      let value = this.cache.get(key);
      if (value === undefined) {
        value = attributeSortValue(String(which), String(className), String(attributes));
        this.cache.set(key, value);
      }
      return value;
    });
  }

  /**
   * Current objects of `classes` whose upper-cased name matches, in name order. `keep` drops
   * objects the caller may not find: they are skipped before paging, so no page and no
   * cursor carries anything of them.
   */
  byName(classes: readonly string[], pattern: SearchPattern, after: number | null, limit: number, keep?: (o: StoredObject) => boolean): SearchPage {
    return this.page({ by: 'name', classes, pattern }, [{ key: 'name', descending: false }], after, limit, keep);
  }

  /** Current objects of `classes` whose primary key matches (handles are upper-case), in key order. */
  byKey(classes: readonly string[], pattern: SearchPattern, after: number | null, limit: number): SearchPage {
    return this.page({ by: 'key', classes, pattern }, [{ key: 'key', descending: false }], after, limit);
  }

  /** Current objects of `classes` referring to `target` through one of `attributes`, in registry (id) order. */
  byReference(classes: readonly string[], attributes: readonly string[], target: string, after: number | null, limit: number): SearchPage {
    return this.page({ by: 'reference', classes, attributes, target }, [], after, limit);
  }

  /**
   * One page of what `match` finds, in `order` (ties, and an empty order, by id), starting
   * after the object `after`; `after` must be an object the same search finds for the same
   * caller (current then or since closed), else SearchPositionError.
   */
  page(match: SearchMatch, order: readonly SortKey[], after: number | null, limit: number, keep?: (o: StoredObject) => boolean): SearchPage {
    // Ordered by the column the search matches on: the index gives that order, and a page
    // seeks straight to where the previous one ended. Any other order reads every match and
    // keeps the best `limit + 1` (SQLite's sorter under LIMIT), the same cost on every page.
    const indexOrder = match.by !== 'reference' && order.length === 1 && order[0]!.key === match.by;
    const expressions = order.map((k) => (indexOrder ? `o.${match.by}` : SORT_SQL[k.key]));
    const idDescending = order.at(-1)?.descending ?? false;
    let bounds: { lo?: string; hi?: string } = {};
    let keyset = '';
    const keysetParams: unknown[] = [];
    if (after !== null) {
      const values = this.positionOf(match, expressions, after, keep);
      // (k1, ..., kn, id) after (v1, ..., vn, id0), each in its own direction.
      const terms: string[] = [];
      const all = [...expressions.map((e, i) => ({ e, v: values[i], desc: order[i]!.descending })), { e: 'o.id', v: after as unknown, desc: idDescending }];
      for (let i = 0; i < all.length; i++) {
        const equal = all.slice(0, i).map((t) => `${t.e} = ?`);
        terms.push(`(${[...equal, `${all[i]!.e} ${all[i]!.desc ? '<' : '>'} ?`].join(' AND ')})`);
        keysetParams.push(...all.slice(0, i).map((t) => t.v), all[i]!.v);
      }
      keyset = ` AND (${terms.join(' OR ')})`;
      if (indexOrder) bounds = order[0]!.descending ? { hi: values[0] as string } : { lo: values[0] as string };
    }
    const { where, params } = matchSql(match, bounds);
    const orderBy = [...expressions.map((e, i) => `${e}${order[i]!.descending ? ' DESC' : ''}`), `o.id${idDescending ? ' DESC' : ''}`].join(', ');
    const ids = this.db.prepare<unknown[], { id: number }>(`SELECT o.id FROM objects o WHERE ${where} AND o.valid_to IS NULL${keyset} ORDER BY ${orderBy}${keep ? '' : ' LIMIT ?'}`);
    // A sort over every match is charged for every match it read (DESIGN §5: limits count cost).
    if (!indexOrder && order.length > 0) noteRowsRead(this.countRows(match));
    if (!keep) {
      const found = ids.all(...params, ...keysetParams, limit + 1).map((r) => r.id);
      const more = found.length > limit;
      const shown = this.objectsById(more ? found.slice(0, limit) : found);
      return { objects: shown, next: more ? shown[shown.length - 1]!.id : null };
    }
    // Ids are read in order until one more than a page is kept: the cursor is the last kept object.
    const byId = this.db.prepare<[number], ObjectRow>(`SELECT ${COLUMNS} FROM objects o WHERE o.id = ?`);
    const kept: StoredObject[] = [];
    for (const { id } of ids.iterate(...params, ...keysetParams)) {
      const object = rowToObject(byId.get(id)!);
      if (!keep(object)) continue;
      kept.push(object);
      if (kept.length > limit) break;
    }
    const more = kept.length > limit;
    const shown = more ? kept.slice(0, limit) : kept;
    return { objects: shown, next: more ? shown[shown.length - 1]!.id : null };
  }

  /** How many current objects `match` finds that `keep` keeps: RFC 8977 §2.1 `totalCount`. */
  count(match: SearchMatch, keep?: (o: StoredObject) => boolean): number {
    if (!keep) return this.countRows(match);
    const { where, params } = matchSql(match, {});
    let n = 0;
    for (const row of this.db.prepare<unknown[], ObjectRow>(`SELECT ${COLUMNS} FROM objects o WHERE ${where} AND o.valid_to IS NULL`).iterate(...params)) {
      if (keep(rowToObject(row))) n++;
    }
    return n;
  }

  /** Whether some current object `match` finds passes `test` (read until the first that does). */
  some(match: SearchMatch, test: (o: StoredObject) => boolean): boolean {
    const { where, params } = matchSql(match, {});
    for (const row of this.db.prepare<unknown[], ObjectRow>(`SELECT ${COLUMNS} FROM objects o WHERE ${where} AND o.valid_to IS NULL`).iterate(...params)) {
      if (test(rowToObject(row))) return true;
    }
    return false;
  }

  private countRows(match: SearchMatch): number {
    const { where, params } = matchSql(match, {});
    return this.db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM objects o WHERE ${where} AND o.valid_to IS NULL`).get(...params)!.n;
  }

  /** The sort values of the object `id`, if the search finds it for this caller. */
  private positionOf(match: SearchMatch, expressions: readonly string[], id: number, keep?: (o: StoredObject) => boolean): unknown[] {
    const { where, params } = matchSql(match, {});
    const select = expressions.map((e, i) => `, ${e} AS k${i}`).join('');
    const row = this.db.prepare<unknown[], ObjectRow & Record<string, unknown>>(`SELECT ${COLUMNS}${select} FROM objects o WHERE o.id = ? AND ${where}`).get(id, ...params);
    if (!row || (keep && !keep(rowToObject(row)))) throw new SearchPositionError(`object ${id} is not a result of this search`);
    return expressions.map((_, i) => row[`k${i}`]);
  }

  private objectsById(ids: readonly number[]): StoredObject[] {
    if (ids.length === 0) return [];
    const rows = this.db.prepare<unknown[], ObjectRow>(`SELECT ${COLUMNS} FROM objects o WHERE o.id IN (${marks(ids)})`).all(...ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => rowToObject(byId.get(id)!));
  }
}

/** The WHERE clause of a match (without the current-version condition); `bounds` narrows a name or key range to where a page starts. */
function matchSql(match: SearchMatch, bounds: { lo?: string; hi?: string }): { where: string; params: unknown[] } {
  if (match.by === 'reference') {
    return {
      where: `o.class IN (${marks(match.classes)}) AND o.id IN (SELECT r.object_id FROM refs r WHERE r.target = ? AND r.attribute IN (${marks(match.attributes)}))`,
      params: [...match.classes, match.target.toUpperCase(), ...match.attributes],
    };
  }
  const p = match.pattern;
  const [lo, hi] = p.kind === 'exact' ? [p.value, p.value] : [p.value, p.value + HIGH];
  // max() and min() compare as the index does (BINARY), and stay constants the index can seek by.
  const column = `o.${match.by}`;
  return {
    where: `${column} >= ${bounds.lo === undefined ? '?' : 'max(?, ?)'} AND ${column} <= ${bounds.hi === undefined ? '?' : 'min(?, ?)'} AND o.class IN (${marks(match.classes)})`,
    params: [lo, ...(bounds.lo === undefined ? [] : [bounds.lo]), hi, ...(bounds.hi === undefined ? [] : [bounds.hi]), ...match.classes],
  };
}

function marks(list: readonly unknown[]): string {
  return list.map(() => '?').join(', ');
}
