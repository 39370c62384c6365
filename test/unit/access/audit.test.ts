// The audit log's keyed chain: any changed, deleted or inserted row is found, and named;
// so is a chain recomputed without the key, and (against a saved head) a log cut short.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AuditLog, AuditUnavailable, formatAuditHead, parseAuditHead, type AuditEntry } from '../../../src/access/audit.js';
import { openStateDb, SERVER_BUSY_TIMEOUT_MS } from '../../../src/store/state-db.js';
import type { Db } from '../../../src/store/db.js';
import { tempDir } from '../../helpers/registry.js';

const KEY = randomBytes(32);
const tmp = tempDir();
afterAll(() => tmp.cleanup());

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
  const log = new AuditLog(db, KEY);
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
    expect(verdict.ok && verdict.head).toEqual({ id: 5, mac: log.list()[4]!.hash });
    expect(verdict).toMatchObject({ unkeyed: 0 });
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

interface RawRow {
  id: number;
  at: number;
  key_id: number | null;
  role: string | null;
  case_reference: string | null;
  client: string | null;
  query: string;
  disclosed: string;
}

/** The rule of the unkeyed chain (before issue 13): anyone who can read this file can apply it. */
function unkeyedHash(prev: Buffer, r: RawRow): Buffer {
  const fields = JSON.stringify([r.id, r.at, r.key_id, r.role, r.case_reference, r.client, r.query, JSON.parse(r.disclosed)]);
  return createHash('sha256').update(prev).update(fields, 'utf8').digest();
}

/** What someone who can write the state database, but has no key, does after removing a row. */
function recomputeWithoutKey(db: Db, options: { markUnkeyed: boolean }): void {
  let prev = Buffer.alloc(32);
  const update = db.prepare(`UPDATE audit SET prev_hash = ?, hash = ?${options.markUnkeyed ? ', chain = 0' : ''} WHERE id = ?`);
  for (const r of db.prepare<[], RawRow>('SELECT * FROM audit ORDER BY id').all()) {
    const hash = unkeyedHash(prev, r);
    update.run(prev, hash, r.id);
    prev = hash;
  }
}

function deleteAndRenumber(db: Db, id: number): void {
  db.prepare('DELETE FROM audit WHERE id = ?').run(id);
  // In two steps: ids are unique at every row of an UPDATE.
  db.prepare('UPDATE audit SET id = id + 1000000 WHERE id > ?').run(id);
  db.prepare('UPDATE audit SET id = id - 1000001 WHERE id > 1000000').run();
}

describe('audit log: a keyed chain (issue 13)', () => {
  it('fails a chain recomputed without the key after a disclosure row was deleted', () => {
    for (const markUnkeyed of [false, true]) {
      const { db, log } = logWith(6);
      deleteAndRenumber(db, 3);
      recomputeWithoutKey(db, { markUnkeyed });
      expect(log.list().map((r) => r.disclosed)).not.toContainEqual(['AWP1-IDNIC']);
      // Recomputed as keyed rows, the MACs are wrong; marked as rows from before the key, no
      // keyed row vouches for them.
      expect(log.verify(), `marked unkeyed: ${markUnkeyed}`).toMatchObject({ ok: false });
    }
  });

  it('fails rows recomputed without the key from any row on, even marked as from before the key', () => {
    const { db, log } = logWith(6);
    db.prepare('DELETE FROM audit WHERE id = 5').run();
    db.prepare('UPDATE audit SET id = 5 WHERE id = 6').run();
    // Rows 1-3 left as they were; 4 and 5 rewritten by the old rule and marked unkeyed.
    let prev = db.prepare<[], { hash: Buffer }>('SELECT hash FROM audit WHERE id = 3').get()!.hash;
    for (const r of db.prepare<[], RawRow>('SELECT * FROM audit WHERE id > 3 ORDER BY id').all()) {
      const hash = unkeyedHash(prev, r);
      db.prepare('UPDATE audit SET prev_hash = ?, hash = ?, chain = 0 WHERE id = ?').run(prev, hash, r.id);
      prev = hash;
    }
    expect(log.verify()).toMatchObject({ ok: false, brokenId: 4, reason: expect.stringContaining('follows keyed rows') });
  });

  it('catches the newest rows removed, against a head saved before', () => {
    const { db, log } = logWith(8);
    const saved = log.head()!;
    expect(saved).toEqual({ id: 8, mac: log.list()[7]!.hash });
    expect(log.verify({ head: saved })).toMatchObject({ ok: true, rows: 8 });
    db.prepare('DELETE FROM audit WHERE id > 5').run();
    // What is left still chains: only the saved head tells.
    expect(log.verify()).toMatchObject({ ok: true, rows: 5 });
    expect(log.verify({ head: saved })).toMatchObject({ ok: false, brokenId: 8, reason: expect.stringContaining('missing') });
    // A head from before the cut is still fine; a head whose MAC differs is not.
    expect(log.verify({ head: { id: 5, mac: log.list()[4]!.hash } })).toMatchObject({ ok: true });
    expect(log.verify({ head: { id: 5, mac: log.list()[3]!.hash } })).toMatchObject({ ok: false, brokenId: 5 });
  });

  it('fails under another key', () => {
    const { db } = logWith(3);
    expect(new AuditLog(db, randomBytes(32)).verify()).toMatchObject({ ok: false, brokenId: 1 });
  });

  it('writes and reads heads as ID:MAC', () => {
    const head = { id: 1234, mac: 'ab'.repeat(32) };
    expect(formatAuditHead(head)).toBe(`1234:${'ab'.repeat(32)}`);
    expect(parseAuditHead(` 1234:${'AB'.repeat(32)}\n`)).toEqual(head);
    for (const bad of ['1234', `0:${'ab'.repeat(32)}`, `1:${'ab'.repeat(31)}`, `x:${'ab'.repeat(32)}`]) expect(parseAuditHead(bad), bad).toBeNull();
  });
});

describe('audit log: rows written before the chain was keyed', () => {
  /** A state database as versions before issue 13 left it: schema 1, rows by the SHA-256 rule. */
  function oldStateDb(path: string, rows: number): void {
    const raw = new Database(path);
    raw.exec(`
      CREATE TABLE keys (id INTEGER PRIMARY KEY, role TEXT NOT NULL, label TEXT NOT NULL, org TEXT, token_hash BLOB NOT NULL UNIQUE,
                         created_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER);
      CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, key_id INTEGER, role TEXT, case_reference TEXT, client TEXT,
                          query TEXT NOT NULL, disclosed TEXT NOT NULL DEFAULT '[]', prev_hash BLOB NOT NULL, hash BLOB NOT NULL);
      PRAGMA user_version = 1;
    `);
    let prev = Buffer.alloc(32);
    for (let id = 1; id <= rows; id++) {
      const e = entry(id, id === 2 ? ['RKS1-IDNIC'] : []);
      const r: RawRow = { id, at: e.at, key_id: e.keyId, role: e.role, case_reference: e.caseReference, client: e.client, query: e.query, disclosed: JSON.stringify(e.disclosed) };
      const hash = unkeyedHash(prev, r);
      raw.prepare('INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(id, r.at, r.key_id, r.role, r.case_reference, r.client, r.query, r.disclosed, prev, hash);
      prev = hash;
    }
    raw.close();
  }

  it('reads them, keys the chain after them, and vouches for them from then on', async () => {
    const path = join(tmp.dir, 'old.state.sqlite');
    oldStateDb(path, 4);
    const db = openStateDb(path);
    const log = new AuditLog(db, KEY);
    expect(log.list()).toHaveLength(4);
    // Until a keyed row follows them, nothing tells them from a log rewritten as unkeyed.
    expect(log.verify()).toMatchObject({ ok: false, brokenId: 4, reason: expect.stringContaining('lacak serve') });
    expect(await log.seal(entry(5).at, 0)).toBe(5);
    expect(await log.seal(entry(5).at, 0)).toBeNull();
    log.append(entry(6));
    expect(log.verify()).toMatchObject({ ok: true, rows: 6, unkeyed: 4 });

    // An old row changed and the old rows recomputed by the old rule: the seal's link breaks.
    db.prepare("UPDATE audit SET disclosed = '[]' WHERE id = 2").run();
    expect(log.verify()).toMatchObject({ ok: false, brokenId: 2 });
    let prev = Buffer.alloc(32);
    for (const r of db.prepare<[], RawRow>('SELECT * FROM audit WHERE id <= 4 ORDER BY id').all()) {
      const hash = unkeyedHash(prev, r);
      db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, r.id);
      prev = hash;
    }
    expect(log.verify()).toMatchObject({ ok: false, brokenId: 5 });
    db.close();
  });
});

describe('audit log: a locked state database', () => {
  it('waits for the lock with timers, not by blocking, and gives up in time', async () => {
    const path = join(tmp.dir, 'locked.state.sqlite');
    const db = openStateDb(path, { busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS });
    const log = new AuditLog(db, KEY);
    const holder = new Database(path);
    holder.exec('BEGIN IMMEDIATE');
    await expect(log.appendWithin(entry(1), 50)).rejects.toBeInstanceOf(AuditUnavailable);
    expect(log.list()).toHaveLength(0);
    // The lock is let go by a timer: a wait that blocked the event loop would never see it.
    const tries = vi.spyOn(log, 'append');
    setTimeout(() => holder.exec('COMMIT'), 30);
    await expect(log.appendWithin(entry(1), 60_000)).resolves.toBe(1);
    expect(tries.mock.calls.length).toBeGreaterThan(1);
    expect(log.verify()).toMatchObject({ ok: true, rows: 1 });
    holder.close();
    db.close();
  });

  it('lets writes that find the lock held wait in line, one try at a time', async () => {
    const path = join(tmp.dir, 'queued.state.sqlite');
    const db = openStateDb(path, { busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS });
    const log = new AuditLog(db, KEY);
    const holder = new Database(path);
    holder.exec('BEGIN IMMEDIATE');
    const tries = vi.spyOn(log, 'append');
    const written = Array.from({ length: 50 }, (_, i) => log.appendWithin(entry(i + 1), 60_000));
    await vi.waitFor(() => expect(tries.mock.calls.length).toBeGreaterThanOrEqual(4));
    // Each try blocks the event loop for the busy timeout: 50 writers trying each would be
    // 50 of them per round.
    expect(tries.mock.calls.length).toBeLessThan(50);
    holder.exec('COMMIT');
    expect(await Promise.all(written)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(log.verify()).toMatchObject({ ok: true, rows: 50 });
    holder.close();
    db.close();
  });
});

describe('audit log of a replica (issue 17)', () => {
  it('names the replica in its rows, covered by their MAC, after rows that name none', () => {
    const db = openStateDb(':memory:');
    // Rows of the same state database before it served as a replica, then the replica's own.
    const before = new AuditLog(db, KEY);
    before.append(entry(1));
    const replica = new AuditLog(db, KEY, 'replica-a');
    replica.append(entry(2, ['AWP1-IDNIC']));
    replica.append(entry(3));
    expect(replica.list().map((r) => r.node)).toEqual([null, 'replica-a', 'replica-a']);
    expect(replica.verify()).toMatchObject({ ok: true, rows: 3 });
    // Another name, or none, on a row written by the replica breaks its MAC.
    db.prepare("UPDATE audit SET node = 'replica-b' WHERE id = 2").run();
    expect(replica.verify()).toMatchObject({ ok: false, brokenId: 2 });
    db.prepare('UPDATE audit SET node = NULL WHERE id = 2').run();
    expect(replica.verify()).toMatchObject({ ok: false, brokenId: 2 });
    db.prepare("UPDATE audit SET node = 'replica-a' WHERE id = 2").run();
    expect(replica.verify()).toMatchObject({ ok: true, rows: 3 });
    db.close();
  });
});
