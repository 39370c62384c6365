// API keys: shown once, stored as a hash, refused when forged, expired or revoked.
import { describe, expect, it } from 'vitest';
import { KeyStore } from '../../../src/access/keys.js';
import { openStateDb } from '../../../src/store/state-db.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');

function store(): { keys: KeyStore; rows: () => unknown[] } {
  const db = openStateDb(':memory:');
  return { keys: new KeyStore(db), rows: () => db.prepare('SELECT * FROM keys').all() };
}

describe('API keys', () => {
  it('accepts the token it issued, and stores only a hash of its secret', () => {
    const { keys, rows } = store();
    const { key, token } = keys.add({ role: 'member', label: 'CONTOHNET NOC', org: 'org-cjn1-idnic', now: NOW });
    expect(token).toMatch(/^lacak_\d+_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ role: 'member', org: 'ORG-CJN1-IDNIC', label: 'CONTOHNET NOC', expiresAt: null, revokedAt: null });
    expect(keys.check(token, NOW)).toEqual({ ok: true, key });
    const secret = token.replace(/^lacak_\d+_/, '');
    expect(JSON.stringify(rows(), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64url') : v))).not.toContain(secret);
  });

  it('issues a different secret every time', () => {
    const { keys } = store();
    const a = keys.add({ role: 'lea', label: 'a', now: NOW }).token;
    const b = keys.add({ role: 'lea', label: 'b', now: NOW }).token;
    expect(a.replace(/^lacak_\d+_/, '')).not.toBe(b.replace(/^lacak_\d+_/, ''));
  });

  it('refuses forged, truncated, oversized and malformed tokens', () => {
    const { keys } = store();
    const { key, token } = keys.add({ role: 'admin', label: 'ops', now: NOW });
    const secret = token.replace(/^lacak_\d+_/, '');
    const forged = `lacak_${key.id}_${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(keys.check(forged, NOW)).toEqual({ ok: false, reason: 'unknown', keyId: key.id });
    expect(keys.check(`lacak_${key.id + 1}_${secret}`, NOW)).toEqual({ ok: false, reason: 'unknown', keyId: null });
    for (const bad of [token.slice(0, -1), `${token}x`, 'x'.repeat(10_000), '', 'lacak_0_' + secret, `lacak_${key.id}_${secret}\n`]) {
      expect(keys.check(bad, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses a key from its expiry and from its revocation on', () => {
    const { keys } = store();
    const expiring = keys.add({ role: 'lea', label: 'case team', expiresAt: NOW + 1000, now: NOW });
    expect(keys.check(expiring.token, NOW + 999).ok).toBe(true);
    expect(keys.check(expiring.token, NOW + 1000)).toEqual({ ok: false, reason: 'expired', keyId: expiring.key.id });
    const revoked = keys.add({ role: 'member', label: 'old', org: 'ORG-X', now: NOW });
    expect(keys.revoke(revoked.key.id, NOW)).toBe(true);
    expect(keys.revoke(revoked.key.id, NOW)).toBe(false);
    expect(keys.check(revoked.token, NOW)).toEqual({ ok: false, reason: 'revoked', keyId: revoked.key.id });
    expect(keys.list().map((k) => [k.id, k.revokedAt])).toEqual([
      [expiring.key.id, null],
      [revoked.key.id, NOW],
    ]);
  });
});
