// `lacak export --format delegated`: the delegated-statistics records valid at an instant,
// in the NRO delegated-extended format they were imported from.
import type { Writable } from 'node:stream';
import { delegatedAccount, firstValue, stripComment, type StoredObject } from '../model/types.js';
import { formatIp } from '../net/ip.js';
import { rangeToCidrs } from '../net/prefix.js';
import type { ObjectStore } from '../store/objects.js';
import type { AsOf } from '../store/ranges.js';
import { writeChunk } from './write.js';

interface DelegatedRow {
  readonly registry: string;
  readonly type: 'ipv4' | 'ipv6' | 'asn';
  readonly line: string;
}

const STATUS_BACK: Record<string, string> = {
  'ALLOCATED PORTABLE': 'allocated',
  'ASSIGNED PORTABLE': 'assigned',
  ALLOCATED: 'allocated',
  ASSIGNED: 'assigned',
};

function toRecord(o: StoredObject): DelegatedRow | null {
  const registry = o.source.replace(/^DELEGATED-/, '').toLowerCase();
  const cc = stripComment(firstValue(o, 'country') ?? '').toUpperCase();
  const created = firstValue(o, 'created') ?? '';
  const date = /^\d{4}-\d{2}-\d{2}/.test(created) ? created.slice(0, 10).replaceAll('-', '') : '';
  const status = STATUS_BACK[stripComment(firstValue(o, 'status') ?? '').toUpperCase()] ?? 'allocated';
  const opaque = delegatedAccount(o) ?? '';
  const tail = `${date}|${status}|${opaque}`;
  if (o.range) {
    if (o.range.family === 4) {
      return { registry, type: 'ipv4', line: `${registry}|${cc}|ipv4|${formatIp(4, o.range.start)}|${o.range.end - o.range.start + 1n}|${tail}` };
    }
    const cidr = rangeToCidrs(o.range)[0]!;
    return { registry, type: 'ipv6', line: `${registry}|${cc}|ipv6|${formatIp(6, cidr.start)}|${cidr.length}|${tail}` };
  }
  if (o.asns) return { registry, type: 'asn', line: `${registry}|${cc}|asn|${o.asns.first}|${o.asns.last - o.asns.first + 1}|${tail}` };
  return null;
}

export async function exportDelegated(objects: ObjectStore, at: AsOf, instant: number, out: Writable): Promise<number> {
  const rows: DelegatedRow[] = [];
  for (const o of objects.allAt(at)) {
    if (!o.source.startsWith('DELEGATED-')) continue;
    const row = toRecord(o);
    if (row) rows.push(row);
  }
  const order = { ipv4: 1, ipv6: 2, asn: 0 } as const;
  rows.sort((a, b) => order[a.type] - order[b.type]);
  const registry = rows[0]?.registry ?? 'lacak';
  const day = new Date(instant).toISOString().slice(0, 10).replaceAll('-', '');
  await writeChunk(out, `2|${registry}|${day}|${rows.length}||${day}|+0000\n`);
  for (const type of ['asn', 'ipv4', 'ipv6'] as const) {
    await writeChunk(out, `${registry}|*|${type}|*|${rows.filter((r) => r.type === type).length}|summary\n`);
  }
  for (const r of rows) await writeChunk(out, r.line + '\n');
  return rows.length;
}
