// Searches over current objects (RDAP RFC 9082 §3.2, RFC 9910, RFC 9536), paged by keyset:
// results come in index order and a page ends where the next one starts, so a cursor
// stays valid however deep the client pages.
import type { StoredObject } from '../model/types.js';
import type { Db } from './db.js';
import { rowToObject, type ObjectRow } from './rows.js';

/** `exact` matches the whole value; `prefix` is what came before a trailing `*`. */
export type SearchPattern = { readonly kind: 'exact'; readonly value: string } | { readonly kind: 'prefix'; readonly value: string };

/** Where the previous page ended: the sort value and id of its last object. */
export type SearchCursor = readonly [string, number];

export interface SearchPage {
  readonly objects: StoredObject[];
  /** The cursor of the next page, or null when this was the last. */
  readonly next: SearchCursor | null;
}

const COLUMNS = `o.id, o.source, o.class, o.key, o.valid_from, o.valid_to, o.import_id, o.attributes, o.netname, o.status, o.org, o.family, o.first, o.last, o.asn_first, o.asn_last, o.file, o.line, o.name`;

// Above every character a registry writes in a key or name: the end of a prefix range.
const HIGH = '\u{10ffff}';

export class SearchStore {
  constructor(private readonly db: Db) {}

  /**
   * Current objects of `classes` whose upper-cased name matches. `keep` drops objects the
   * caller may not find: they are skipped before paging, so no page and no cursor carries
   * anything of them.
   */
  byName(classes: readonly string[], pattern: SearchPattern, after: SearchCursor | null, limit: number, keep?: (o: StoredObject) => boolean): SearchPage {
    return this.run('name', classes, pattern, after, limit, keep);
  }

  /** Current objects of `classes` whose primary key matches (handles are upper-case). */
  byKey(classes: readonly string[], pattern: SearchPattern, after: SearchCursor | null, limit: number): SearchPage {
    return this.run('key', classes, pattern, after, limit);
  }

  /** Current objects of `classes` referring to `target` through one of `attributes`, by id. */
  byReference(classes: readonly string[], attributes: readonly string[], target: string, after: SearchCursor | null, limit: number): SearchPage {
    const rows = this.db
      .prepare<unknown[], ObjectRow>(
        `SELECT DISTINCT ${COLUMNS} FROM refs r JOIN objects o ON o.id = r.object_id
          WHERE r.target = ? AND r.attribute IN (${marks(attributes)}) AND o.class IN (${marks(classes)})
            AND o.valid_to IS NULL AND o.id > ? ORDER BY o.id LIMIT ?`,
      )
      .all(target.toUpperCase(), ...attributes, ...classes, after ? after[1] : 0, limit + 1);
    return page(rows, limit, (r) => ['', r.id]);
  }

  private run(
    column: 'name' | 'key',
    classes: readonly string[],
    pattern: SearchPattern,
    after: SearchCursor | null,
    limit: number,
    keep?: (o: StoredObject) => boolean,
  ): SearchPage {
    const [lo, hi] = pattern.kind === 'exact' ? [pattern.value, pattern.value] : [pattern.value, pattern.value + HIGH];
    const statement = this.db.prepare<unknown[], ObjectRow & { name: string | null }>(
      `SELECT ${COLUMNS} FROM objects o
        WHERE o.${column} >= ? AND o.${column} <= ? AND o.class IN (${marks(classes)}) AND o.valid_to IS NULL
          AND (o.${column} > ? OR (o.${column} = ? AND o.id > ?))
        ORDER BY o.${column}, o.id${keep ? '' : ' LIMIT ?'}`,
    );
    const params = [lo, hi, ...classes, after ? after[0] : '', after ? after[0] : '', after ? after[1] : 0];
    const cursorOf = (r: ObjectRow & { name: string | null }): SearchCursor => [column === 'name' ? (r.name ?? '') : r.key, r.id];
    if (!keep) return page(statement.all(...params, limit + 1), limit, cursorOf);
    // Rows are read until one more than a page is kept: the cursor is the last kept row's.
    const kept: { row: ObjectRow & { name: string | null }; object: StoredObject }[] = [];
    for (const row of statement.iterate(...params)) {
      const object = rowToObject(row);
      if (!keep(object)) continue;
      kept.push({ row, object });
      if (kept.length > limit) break;
    }
    const more = kept.length > limit;
    const shown = more ? kept.slice(0, limit) : kept;
    return { objects: shown.map((k) => k.object), next: more ? cursorOf(shown[shown.length - 1]!.row) : null };
  }
}

function marks(list: readonly unknown[]): string {
  return list.map(() => '?').join(', ');
}

function page<R extends ObjectRow>(rows: R[], limit: number, cursorOf: (row: R) => SearchCursor): SearchPage {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  return { objects: shown.map((r) => rowToObject(r)), next: more ? cursorOf(shown[shown.length - 1]!) : null };
}
