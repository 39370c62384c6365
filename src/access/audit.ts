// The audit log (DESIGN §5): every authenticated request and every disclosure of personal
// data, appended to the state database as a hash chain. Each row's hash covers its own
// fields and the previous row's hash, so a changed row breaks its own hash and a deleted or
// inserted row breaks the link of the row after it.
import { createHash } from 'node:crypto';
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
}

export interface AuditRow extends AuditEntry {
  readonly id: number;
  readonly hash: string;
}

export type AuditVerdict =
  | { readonly ok: true; readonly rows: number; readonly head: string | null }
  | { readonly ok: false; readonly brokenId: number; readonly reason: string };

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
}

const GENESIS: Buffer = Buffer.alloc(32);

/** The hash of a row: its id and fields in a fixed order, chained to the previous hash. */
function chainHash(prev: Buffer, id: number, e: AuditEntry): Buffer {
  const fields = JSON.stringify([id, e.at, e.keyId, e.role, e.caseReference, e.client, e.query, e.disclosed]);
  return createHash('sha256').update(prev).update(fields, 'utf8').digest();
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
  };
}

export class AuditLog {
  private readonly last;
  private readonly insert;
  private readonly append_;

  constructor(private readonly db: Db) {
    this.last = db.prepare<[], { id: number; hash: Buffer }>('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1');
    this.insert = db.prepare<[number, number, number | null, string | null, string | null, string | null, string, string, Buffer, Buffer], unknown>(
      'INSERT INTO audit (id, at, key_id, role, case_reference, client, query, disclosed, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // Reading the head and writing the next row in one transaction keeps the chain whole
    // when two processes (a server and the CLI) append at once.
    this.append_ = db.transaction((entry: AuditEntry) => {
      const head = this.last.get();
      const id = (head?.id ?? 0) + 1;
      const prev = head?.hash ?? GENESIS;
      const hash = chainHash(prev, id, entry);
      this.insert.run(id, entry.at, entry.keyId, entry.role, entry.caseReference, entry.client, entry.query, JSON.stringify(entry.disclosed), prev, hash);
      return id;
    });
  }

  append(entry: AuditEntry): number {
    return this.append_.immediate(entry) as number;
  }

  list(filter: { since?: number; keyId?: number } = {}): AuditRow[] {
    const rows = this.db
      .prepare<[number, number | null, number | null], Row>('SELECT * FROM audit WHERE at >= ? AND (? IS NULL OR key_id = ?) ORDER BY id')
      .all(filter.since ?? 0, filter.keyId ?? null, filter.keyId ?? null);
    return rows.map((r) => ({ id: r.id, hash: r.hash.toString('hex'), ...toEntry(r) }));
  }

  /** Walks the chain from the first row; the first row that does not fit is named. */
  verify(): AuditVerdict {
    let prev: Buffer = GENESIS;
    let expectedId = 1;
    let count = 0;
    for (const r of this.db.prepare<[], Row>('SELECT * FROM audit ORDER BY id').iterate()) {
      if (r.id !== expectedId) return { ok: false, brokenId: r.id, reason: `row ${expectedId} is missing (deleted, or rows renumbered)` };
      if (!r.prev_hash.equals(prev)) return { ok: false, brokenId: r.id, reason: 'its link to the previous row does not match (a row before it was changed, deleted or inserted)' };
      let entry: AuditEntry;
      try {
        entry = toEntry(r);
      } catch {
        return { ok: false, brokenId: r.id, reason: 'its fields cannot be read' };
      }
      if (!chainHash(prev, r.id, entry).equals(r.hash)) return { ok: false, brokenId: r.id, reason: 'its content does not match its hash (the row was changed)' };
      prev = r.hash;
      expectedId++;
      count++;
    }
    return { ok: true, rows: count, head: count > 0 ? prev.toString('hex') : null };
  }
}
