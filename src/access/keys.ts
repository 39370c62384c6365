// API keys (DESIGN §5): random tokens shown once, stored only as a hash in the state
// database, compared in constant time, with an expiry and a revocation time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db.js';

export type KeyRole = 'member' | 'lea' | 'admin';
export const KEY_ROLES: readonly KeyRole[] = ['member', 'lea', 'admin'];

export interface ApiKey {
  readonly id: number;
  readonly role: KeyRole;
  readonly label: string;
  /** The member's organisation handle (role `member` only). */
  readonly org: string | null;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

export type KeyCheck =
  | { readonly ok: true; readonly key: ApiKey }
  /** `keyId` when the token named a key that exists: the audit log records the attempt against it. */
  | { readonly ok: false; readonly reason: 'malformed' | 'unknown' | 'revoked' | 'expired'; readonly keyId: number | null };

/**
 * `lacak_<id>_<secret>`: the id finds the row without searching by secret, the secret (32
 * random bytes, base64url) is what proves the holder. Only sha256(secret) is stored.
 */
const TOKEN = /^lacak_([1-9]\d{0,15})_([A-Za-z0-9_-]{43})$/;
/** Longer than any token: refused before any work is done on it. */
export const MAX_TOKEN_LENGTH = 128;

interface KeyRow {
  id: number;
  role: KeyRole;
  label: string;
  org: string | null;
  token_hash: Buffer;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

const hashOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();
// Compared against when the id is unknown, so that an unknown id costs what a wrong secret costs.
const DUMMY_HASH = hashOf('no such key');

function toKey(row: KeyRow): ApiKey {
  return { id: row.id, role: row.role, label: row.label, org: row.org, createdAt: row.created_at, expiresAt: row.expires_at, revokedAt: row.revoked_at };
}

export class KeyStore {
  private readonly byId;
  private readonly insert;
  private readonly all;
  private readonly revokeStmt;
  private readonly replace: (rows: Parameters<KeyStore['replaceAll']>[0]) => void;

  constructor(db: Db) {
    this.byId = db.prepare<[number], KeyRow>('SELECT * FROM keys WHERE id = ?');
    this.insert = db.prepare<[string, string, string | null, Buffer, number, number | null], { id: number }>(
      'INSERT INTO keys (role, label, org, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
    );
    this.all = db.prepare<[], KeyRow>('SELECT * FROM keys ORDER BY id');
    this.revokeStmt = db.prepare<[number, number], unknown>('UPDATE keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    const clear = db.prepare('DELETE FROM keys');
    // created_at is not published: the primary's table says when a key ends, not when it began.
    const put = db.prepare<[number, string, string, string | null, Buffer, number, number | null, number | null]>(
      'INSERT INTO keys (id, role, label, org, token_hash, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.replace = db.transaction((rows: Parameters<KeyStore['replaceAll']>[0]) => {
      clear.run();
      for (const r of rows) put.run(r.id, r.role, r.label, r.org, r.tokenHash, 0, r.expiresAt, r.revokedAt);
    });
  }

  /** A new key; the token is returned once and cannot be recovered afterwards. */
  add(input: { role: KeyRole; label: string; org?: string | null; expiresAt?: number | null; now: number }): { key: ApiKey; token: string } {
    const secret = randomBytes(32).toString('base64url');
    const { id } = this.insert.get(input.role, input.label, input.org?.toUpperCase() ?? null, hashOf(secret), input.now, input.expiresAt ?? null)!;
    return { key: toKey(this.byId.get(id)!), token: `lacak_${id}_${secret}` };
  }

  list(): ApiKey[] {
    return this.all.all().map(toKey);
  }

  /**
   * Every key with the hash of its secret as stored: what a replica checks tokens against
   * (replica/publish.ts). The hash alone cannot be turned back into a token.
   */
  listWithHashes(): { key: ApiKey; tokenHash: Buffer }[] {
    return this.all.all().map((row) => ({ key: toKey(row), tokenHash: row.token_hash }));
  }

  /** False when there is no such key or it was already revoked. */
  revoke(id: number, now: number): boolean {
    return this.revokeStmt.run(now, id).changes === 1;
  }

  /**
   * A replica's keys become the primary's published table (replica/follow.ts), in one
   * transaction: a revoked key is revoked here from that commit on.
   */
  replaceAll(rows: readonly { id: number; role: KeyRole; label: string; org: string | null; tokenHash: Buffer; expiresAt: number | null; revokedAt: number | null }[]): void {
    this.replace(rows);
  }

  /** Who a presented token belongs to, or why it is refused. */
  check(token: string, now: number): KeyCheck {
    const m = token.length <= MAX_TOKEN_LENGTH ? TOKEN.exec(token) : null;
    if (!m) return { ok: false, reason: 'malformed', keyId: null };
    const id = Number(m[1]);
    const row = Number.isSafeInteger(id) ? this.byId.get(id) : undefined;
    const presented = hashOf(m[2]!);
    const matches = timingSafeEqual(presented, row?.token_hash ?? DUMMY_HASH);
    if (!row || !matches) return { ok: false, reason: 'unknown', keyId: row ? row.id : null };
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked', keyId: row.id };
    if (row.expires_at !== null && row.expires_at <= now) return { ok: false, reason: 'expired', keyId: row.id };
    return { ok: true, key: toKey(row) };
  }
}
