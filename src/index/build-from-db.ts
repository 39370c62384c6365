// Feeds the current networks of the registry database into a RangeIndex. Placeholders
// are left out here, so the index answers only with networks that may hold space.
import type { Family } from '../net/ip.js';
import type { Db } from '../store/db.js';
import type { PlaceholderRule } from '../query/placeholders.js';
import { RangeIndexBuilder, type RangeIndex } from './range-index.js';

interface IndexRow {
  id: number;
  family: number;
  first: Buffer;
  last: Buffer;
  source: string;
  netname: string | null;
  status: string | null;
  org: string | null;
}

export function buildIndexFromDb(db: Db, rule: PlaceholderRule, rank: (source: string) => number): RangeIndex {
  const builder = new RangeIndexBuilder();
  const rows = db.prepare<[], IndexRow>(
    `SELECT id, family, first, last, source, netname, status, org FROM objects
      WHERE valid_to IS NULL AND family IS NOT NULL AND class IN ('inetnum', 'inet6num')`,
  );
  for (const row of rows.iterate()) {
    if (rule.isPlaceholder(row.netname, row.status, row.source, row.org)) continue;
    builder.add(row.id, row.family as Family, row.first, row.last, rank(row.source));
  }
  return builder.build();
}
