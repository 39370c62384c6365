// The audit log (DESIGN §5): every authenticated request and every disclosure of personal
// data, appended to the state database as a keyed chain. Each row's MAC (HMAC-SHA256) covers
// its own fields and the previous row's MAC, so a changed row breaks its own MAC and a
// deleted or inserted row breaks the link of the row after it. The key lives in a file
// outside both databases (audit-key.ts): with a plain hash, whoever could write the database
// could delete a row and recompute everything after it (issue 13). Removing the newest rows
// still leaves a valid, shorter chain; only a head kept elsewhere (`lacak audit head`) shows
// that, which is what `verify({ head })` checks.
//
// Rows written before the chain was keyed (state schema 1) keep `chain = 0` and are checked
// with the old SHA-256 rule. They can only come first: the first keyed row links to the last
// of them, so its MAC vouches for all of them, and an unkeyed row after a keyed one, or
// unkeyed rows with no keyed row after them, are reported as broken (otherwise marking the
// whole log unkeyed and recomputing it would pass). `seal()` writes that first keyed row at
// start-up; a log marked unkeyed throughout and recomputed before a restart would be sealed
// like an upgraded one, which again only a saved head shows.
import { auditRows, personalDataDisclosures } from '../metrics.js';
import { createHash, createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../store/db.js';

export interface AuditEntry {
  readonly at: number;
  readonly keyId: number | null;
  readonly role: string | null;
  readonly caseReference: string | null;
  readonly client: string | null;
  /** What was asked (method and path, or the WHOIS line), never a token. */
  readonly query: string;
  /** Handles whose personal data the answer carried. */
  readonly disclosed: readonly string[];
  /** The replica that answered (LACAK_REPLICA_NAME; issue 17); null or absent: not a replica. */
  readonly node?: string | null;
}

export interface AuditRow extends AuditEntry {
  readonly id: number;
  readonly hash: string;
}

/** The newest row as the operator keeps it elsewhere: `1234:9f…` (id, then the MAC in hex). */
export interface AuditHead {
  readonly id: number;
  readonly mac: string;
}

export type AuditVerdict =
  | { readonly ok: true; readonly rows: number; readonly head: AuditHead | null; /** rows from before the chain was keyed */ readonly unkeyed: number }
  | { readonly ok: false; readonly brokenId: number; readonly reason: string };

/** The audit row could not be committed in the time allowed (the state database stayed locked). */
export class AuditUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditUnavailable';
  }
}

export function formatAuditHead(head: AuditHead): string {
  return `${head.id}:${head.mac}`;
}

/** `ID:MAC` as `formatAuditHead` writes it, or null. */
export function parseAuditHead(text: string): AuditHead | null {
  const m = /^([1-9]\d{0,15}):([0-9a-f]{64})$/i.exec(text.trim());
  return m ? { id: Number(m[1]), mac: m[2]!.toLowerCase() } : null;
}

/** How a row is chained: 0 by versions before issue 13 (SHA-256), 1 since (HMAC-SHA256). */
const CHAIN_UNKEYED = 0;
const CHAIN_KEYED = 1;

interface Row {
  id: number;
  at: number;
  key_id: number | null;
  role: string | null;
  case_reference: string | null;
  client: string | null;
  query: string;
  disclosed: string;
  prev_hash: Buffer;
  hash: Buffer;
  chain: number;
  node: string | null;
}

const GENESIS: Buffer = Buffer.alloc(32);

function rowFields(id: number, e: AuditEntry): string {
  const fields = [id, e.at, e.keyId, e.role, e.caseReference, e.client, e.query, e.disclosed];
  // A replica's name is covered by the MAC of its rows; rows without one read as they always did.
  if (e.node) fields.push(e.node);
  return JSON.stringify(fields);
}

/** The old rule (chain 0), kept to verify rows written before the chain was keyed. */
function unkeyedHash(prev: Buffer, id: number, e: AuditEntry): Buffer {
  return createHash('sha256').update(prev).update(rowFields(id, e), 'utf8').digest();
}

/** A row's MAC: its id and fields in a fixed order, chained to the previous row's hash or MAC. */
function keyedMac(key: Buffer, prev: Buffer, id: number, e: AuditEntry): Buffer {
  return createHmac('sha256', key).update(prev).update(rowFields(id, e), 'utf8').digest();
}

/** Another connection (the CLI, a second server) holds the write lock: worth waiting for. */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

function toEntry(r: Row): AuditEntry {
  return {
    at: r.at,
    keyId: r.key_id,
    role: r.role,
    caseReference: r.case_reference,
    client: r.client,
    query: r.query,
    disclosed: JSON.parse(r.disclosed) as string[],
    node: r.node,
  };
}

export class AuditLog {
  private readonly last;
  private readonly insert;
  private readonly append_;
  private readonly seal_;
  /** Writes waiting for the lock, one behind the other (see whenUnlocked). */
  private line: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  /** The last try found the lock held: the next one waits a pause first. */
  private lockHeld = false;

  /**
   * `key`: the chain's key (audit-key.ts). Null opens the log for listing only: appending
   * and verifying need the key.
   */
  constructor(
    private readonly db: Db,
    private readonly key: Buffer | null,
    /** A replica's name, written into (and covered by the MAC of) every row it appends. */
    private readonly node: string | null = null,
  ) {
    this.last = db.prepare<[], { id: number; hash: Buffer; chain: number }>('SELECT id, hash, chain FROM audit ORDER BY id DESC LIMIT 1');
    this.insert = db.prepare<[number, number, number | null, string | null, string | null, string | null, string, string, Buffer, Buffer, number, string | null], unknown>(
      'INSERT INTO audit (id, at, key_id, role, case_reference, client, query, disclosed, prev_hash, hash, chain, node) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // Reading the head and writing the next row in one transaction keeps the chain whole
    // when two processes (a server and the CLI) append at once.
    this.append_ = db.transaction((entry: AuditEntry) => {
      const head = this.last.get();
      const id = (head?.id ?? 0) + 1;
      const prev = head?.hash ?? GENESIS;
      const named = this.node ? { ...entry, node: this.node } : entry;
      const mac = keyedMac(this.requireKey(), prev, id, named);
      this.insert.run(id, entry.at, entry.keyId, entry.role, entry.caseReference, entry.client, entry.query, JSON.stringify(entry.disclosed), prev, mac, CHAIN_KEYED, this.node);
      return id;
    });
    this.seal_ = db.transaction((at: number) => {
      const head = this.last.get();
      if (!head || head.chain === CHAIN_KEYED) return null;
      return this.append_({ at, keyId: null, role: null, caseReference: null, client: null, query: `(audit chain keyed from here on; the ${head.id} row(s) before were written unkeyed)`, disclosed: [] }) as number;
    });
  }

  private requireKey(): Buffer {
    if (!this.key) throw new Error('the audit log was opened without its key: it can be listed, not written or verified');
    return this.key;
  }

  /** Appends at once; throws if the state database is locked beyond its busy timeout. */
  append(entry: AuditEntry): number {
    const id = this.append_.immediate(entry) as number;
    // Counted once committed: a disclosure is a disclosure only with its row (DESIGN §5).
    auditRows.inc();
    if (entry.disclosed.length > 0) personalDataDisclosures.inc({ role: entry.role ?? 'anonymous' });
    return id;
  }

  /**
   * Appends, waiting up to `waitMs` for the write lock; rejects with AuditUnavailable when
   * the time is up, or with the error of any other failure. The first try happens before
   * this returns.
   */
  appendWithin(entry: AuditEntry, waitMs: number): Promise<number> {
    return this.whenUnlocked(() => this.append(entry), waitMs);
  }

  /**
   * After an upgrade: the first keyed row, linked to the last unkeyed one so that its MAC
   * vouches for every row before it. Null when the newest row is keyed already (or none).
   */
  seal(at: number, waitMs: number): Promise<number | null> {
    return this.whenUnlocked(() => this.seal_.immediate(at) as number | null, waitMs);
  }

  /**
   * Better-sqlite3 waits for a lock synchronously, blocking the event loop: each try here
   * blocks only for the connection's short busy timeout, and the waits between tries are
   * timers. Once a try finds the lock held, later writes wait in line behind it instead of
   * each trying on its own: a hundred answers waiting cost one try per pause, not a hundred.
   */
  private whenUnlocked<T>(work: () => T, waitMs: number): Promise<T> {
    const deadline = performance.now() + waitMs;
    if (this.waiting === 0) {
      try {
        const result = work();
        this.lockHeld = false;
        return Promise.resolve(result);
      } catch (err) {
        if (!isBusy(err)) return Promise.reject(err);
        this.lockHeld = true;
      }
    }
    this.waiting++;
    const turn = this.line.then(() => this.retry(work, deadline, waitMs));
    this.line = turn.catch(() => undefined);
    return turn.finally(() => this.waiting--);
  }

  private async retry<T>(work: () => T, deadline: number, waitMs: number): Promise<T> {
    let pause = 2;
    let busy: unknown = null;
    for (;;) {
      // Right away when the write before this one got through; after a pause otherwise.
      if (!this.lockHeld) {
        try {
          return work();
        } catch (err) {
          if (!isBusy(err)) throw err;
          busy = err;
          this.lockHeld = true;
        }
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new AuditUnavailable(`the audit log stayed locked for ${waitMs} ms`, { cause: busy });
      await sleep(Math.min(pause, left));
      pause = Math.min(pause * 2, 100);
      this.lockHeld = false;
    }
  }

  /** The newest row's id and MAC, for the operator to keep elsewhere; null when empty. */
  head(): AuditHead | null {
    const head = this.last.get();
    return head ? { id: head.id, mac: head.hash.toString('hex') } : null;
  }

  list(filter: { since?: number; keyId?: number } = {}): AuditRow[] {
    const rows = this.db
      .prepare<[number, number | null, number | null], Row>('SELECT * FROM audit WHERE at >= ? AND (? IS NULL OR key_id = ?) ORDER BY id')
      .all(filter.since ?? 0, filter.keyId ?? null, filter.keyId ?? null);
    return rows.map((r) => ({ id: r.id, hash: r.hash.toString('hex'), ...toEntry(r) }));
  }

  /**
   * Walks the chain from the first row; the first row that does not fit is named. With a
   * `head` saved earlier, that row must still be there with that MAC: a log cut short (or
   * rewritten with another key) fails although what is left chains.
   */
  verify(options: { head?: AuditHead } = {}): AuditVerdict {
    const key = this.requireKey();
    let prev: Buffer = GENESIS;
    let expectedId = 1;
    let count = 0;
    let unkeyed = 0;
    let headSeen = false;
    for (const r of this.db.prepare<[], Row>('SELECT * FROM audit ORDER BY id').iterate()) {
      if (r.id !== expectedId) return { ok: false, brokenId: r.id, reason: `row ${expectedId} is missing (deleted, or rows renumbered)` };
      if (!r.prev_hash.equals(prev)) return { ok: false, brokenId: r.id, reason: 'its link to the previous row does not match (a row before it was changed, deleted or inserted)' };
      let entry: AuditEntry;
      try {
        entry = toEntry(r);
      } catch {
        return { ok: false, brokenId: r.id, reason: 'its fields cannot be read' };
      }
      if (r.chain === CHAIN_UNKEYED) {
        if (count > unkeyed) return { ok: false, brokenId: r.id, reason: 'it is unkeyed but follows keyed rows (rows are written keyed since the upgrade: it was forged or rewritten)' };
        if (!unkeyedHash(prev, r.id, entry).equals(r.hash)) return { ok: false, brokenId: r.id, reason: 'its content does not match its hash (the row was changed)' };
        unkeyed++;
      } else if (r.chain === CHAIN_KEYED) {
        if (!keyedMac(key, prev, r.id, entry).equals(r.hash)) return { ok: false, brokenId: r.id, reason: 'its content does not match its MAC (the row was changed, or the chain was recomputed without the key; or this is not the key it was written with)' };
      } else {
        return { ok: false, brokenId: r.id, reason: `it names an unknown chain rule (${r.chain})` };
      }
      if (options.head && r.id === options.head.id) {
        if (r.hash.toString('hex') !== options.head.mac) return { ok: false, brokenId: r.id, reason: 'it does not match the saved head (the log was rewritten since)' };
        headSeen = true;
      }
      prev = r.hash;
      expectedId++;
      count++;
    }
    if (unkeyed > 0 && unkeyed === count) {
      // Nothing keyed vouches for them: the log of an upgrade not yet served (its first start
      // seals them), or one marked unkeyed throughout and recomputed; the two look alike.
      return { ok: false, brokenId: count, reason: 'the log ends with unkeyed rows that no keyed row vouches for (start "lacak serve" once after upgrading, which seals them; otherwise the log was rewritten)' };
    }
    if (options.head && !headSeen) {
      return { ok: false, brokenId: options.head.id, reason: `row ${options.head.id} of the saved head is missing: the newest rows were removed` };
    }
    return { ok: true, rows: count, head: count > 0 ? { id: count, mac: prev.toString('hex') } : null, unkeyed };
  }
}
