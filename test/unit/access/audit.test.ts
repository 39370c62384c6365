// The audit log's hash chain: any changed, deleted or inserted row is found, and named.
import { describe, expect, it } from 'vitest';
import { AuditLog, type AuditEntry } from '../../../src/access/audit.js';
import { openStateDb } from '../../../src/store/state-db.js';
import type { Db } from '../../../src/store/db.js';

const entry = (i: number, disclosed: string[] = []): AuditEntry => ({
  at: Date.parse('2026-06-01T00:00:00Z') + i * 1000,
  keyId: 1 + (i % 2),
  role: i % 2 ? 'lea' : 'member',
  caseReference: i % 2 ? 'LP/123/XI/2026' : null,
  client: '198.51.100.7',
  query: `GET /ip/198.51.100.${i}`,
  disclosed,
});

function logWith(rows: number): { db: Db; log: AuditLog } {
  const db = openStateDb(':memory:');
  const log = new AuditLog(db);
  for (let i = 1; i <= rows; i++) log.append(entry(i, i === 3 ? ['AWP1-IDNIC'] : []));
  return { db, log };
}

describe('audit log', () => {
  it('appends, lists by time and key, and verifies an untouched chain', () => {
    const { log } = logWith(5);
    expect(log.list().map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(log.list({ keyId: 2 }).map((r) => r.id)).toEqual([1, 3, 5]);
    expect(log.list({ since: entry(4).at }).map((r) => r.id)).toEqual([4, 5]);
    expect(log.list()[2]).toMatchObject({ disclosed: ['AWP1-IDNIC'], caseReference: 'LP/123/XI/2026', role: 'lea' });
    const verdict = log.verify();
    expect(verdict).toMatchObject({ ok: true, rows: 5 });
    expect(verdict.ok && verdict.head).toBe(log.list()[4]!.hash);
  });

  it('names a changed row', () => {
    const { db, log } = logWith(5);
    db.prepare("UPDATE audit SET disclosed = '[]' WHERE id = 3").run();
    expect(log.verify()).toMatchObject({ ok: false, brokenId: 3 });
  });

  it('names the row after a changed row whose hash was recomputed', () => {
    const { db, log } = logWith(5);
    // Someone rewrote row 3 and its hash, without knowing what row 4 links to.
    db.prepare("UPDATE audit SET query = 'GET /help', hash = randomblob(32) WHERE id = 3").run();
    expect(log.verify()).toMatchObject({ ok: false, brokenId: 3 });
    const row3 = log.list()[2]!;
    expect(row3.query).toBe('GET /help');
  });

  it('names where a row was deleted', () => {
    const { db, log } = logWith(5);
    db.prepare('DELETE FROM audit WHERE id = 2').run();
    expect(log.verify()).toMatchObject({ ok: false, brokenId: 3 });
    const first = logWith(3);
    first.db.prepare('DELETE FROM audit WHERE id = 1').run();
    expect(first.log.verify()).toMatchObject({ ok: false, brokenId: 2 });
  });

  it('names an inserted row, even one given the next free id', () => {
    const { db, log } = logWith(3);
    const last = db.prepare<[], { hash: Buffer }>('SELECT hash FROM audit WHERE id = 3').get()!;
    db.prepare("INSERT INTO audit (id, at, key_id, role, query, disclosed, prev_hash, hash) VALUES (4, 0, 9, 'admin', 'GET /forged', '[]', ?, randomblob(32))").run(last.hash);
    expect(log.verify()).toMatchObject({ ok: false, brokenId: 4 });
    const renumbered = logWith(3);
    // Make room for row 2 by moving rows 2.. up by one (in two steps: ids are unique).
    renumbered.db.prepare('UPDATE audit SET id = id + 100 WHERE id >= 2').run();
    renumbered.db.prepare('UPDATE audit SET id = id - 99 WHERE id >= 100').run();
    renumbered.db.prepare("INSERT INTO audit (id, at, query, disclosed, prev_hash, hash) VALUES (2, 0, 'GET /x', '[]', randomblob(32), randomblob(32))").run();
    expect(renumbered.log.verify()).toMatchObject({ ok: false, brokenId: 2 });
  });

  it('keeps appending a whole chain after a verify', () => {
    const { log } = logWith(2);
    log.append(entry(3));
    expect(log.verify()).toMatchObject({ ok: true, rows: 3 });
  });
});
