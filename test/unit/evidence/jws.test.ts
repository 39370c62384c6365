// Evidence JWS checks that need crafted input: another algorithm, a key nobody publishes, a
// retired key used after its period, and the key file's own refusals.
import { readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { FlattenedSign, importJWK } from 'jose';
import canonicalize from 'canonicalize';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSigningKey, loadSigningKeys, jwkSet, parseJwkSet } from '../../../src/evidence/signing-keys.js';
import { signStatement, verifyEvidence } from '../../../src/evidence/jws.js';
import type { EvidenceStatement } from '../../../src/evidence/statement.js';
import { tempDir } from '../../helpers/registry.js';

const statement = (servedAt: string): EvidenceStatement => ({
  type: 'lacak-evidence',
  serial: 'IDNIC-20261207-000000000001',
  issuer: { registry: 'IDNIC', url: 'https://rdap.example/', lacakVersion: '0.1.0', node: null },
  servedAt,
  instant: servedAt,
  question: { kind: 'autnum', query: '64496', at: null, tz: null, path: '/autnum/64496' },
  caller: { role: 'admin', caseReference: null, view: 'all', viewNote: null },
  provenance: { snapshots: [], imports: [] },
  answer: { status: 200, body: { handle: 'AS64496' } },
  facts: { class: 'aut-num', key: 'AS64496' },
  chain: null,
});

describe('evidence JWS', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('signs RFC 8785 bytes and verifies; another algorithm or an unpublished key is invalid with the reason', async () => {
    const file = join(tmp.dir, 'a');
    await generateSigningKey(file, { rotate: false, now: Date.parse('2026-01-01T00:00:00Z') });
    const keys = await loadSigningKeys(file);
    const jws = await signStatement(statement('2026-06-01T00:00:00Z'), keys);
    expect(Buffer.from(jws.payload, 'base64url').toString()).toBe(canonicalize(statement('2026-06-01T00:00:00Z')));
    expect(await verifyEvidence(JSON.stringify(jws), keys.published)).toMatchObject({ valid: true, key: { kid: keys.current.kid } });

    const none = { ...jws, protected: Buffer.from(JSON.stringify({ alg: 'none', kid: keys.current.kid })).toString('base64url') };
    const noneChecked = await verifyEvidence(JSON.stringify(none), keys.published);
    expect(noneChecked).toMatchObject({ valid: false });
    expect(!noneChecked.valid && noneChecked.reason).toMatch(/algorithm "none"/);

    const other = join(tmp.dir, 'b');
    await generateSigningKey(other, { rotate: false, now: Date.now() });
    const stranger = await loadSigningKeys(other);
    const unknown = await verifyEvidence(JSON.stringify(await signStatement(statement('2026-06-01T00:00:00Z'), stranger)), keys.published);
    expect(!unknown.valid && unknown.reason).toMatch(/which this registry does not publish/);
  });

  it('a retired key verifies what it signed in its period, and nothing dated after it', async () => {
    const file = join(tmp.dir, 'c');
    await generateSigningKey(file, { rotate: false, now: Date.parse('2026-01-01T00:00:00Z') });
    const before = await loadSigningKeys(file);
    const old = JSON.parse(readFileSync(file, 'utf8')).current.jwk;
    const inPeriod = await signStatement(statement('2026-03-01T00:00:00Z'), before);
    await generateSigningKey(file, { rotate: true, now: Date.parse('2026-04-01T00:00:00Z') });
    const after = await loadSigningKeys(file);
    expect(after.published.map((k) => k.kid)).toEqual([after.current.kid, before.current.kid]);
    expect(await verifyEvidence(JSON.stringify(inPeriod), after.published)).toMatchObject({ valid: true, key: { kid: before.current.kid } });
    // Someone who kept the old private key signs a statement dated after the rotation.
    const privateKey = await importJWK({ ...old, alg: 'EdDSA' }, 'EdDSA');
    const late = await new FlattenedSign(new TextEncoder().encode(canonicalize(statement('2026-05-01T00:00:00Z'))!)).setProtectedHeader({ alg: 'EdDSA', kid: before.current.kid }).sign(privateKey);
    const checked = await verifyEvidence(JSON.stringify(late), after.published);
    expect(!checked.valid && checked.reason).toMatch(/outside the period key .* signs in \(2026-01-01T00:00:00Z – 2026-04-01T00:00:00Z\)/);
    // The JWK Set round-trips, periods included.
    expect(parseJwkSet(JSON.parse(JSON.stringify(jwkSet(after.published))))).toEqual(after.published.map(({ kid, jwk, validFrom, validUntil }) => ({ kid, jwk, validFrom, validUntil })));
  });

  it('refuses a key file others may read, or one that is not a key file', async () => {
    const file = join(tmp.dir, 'd');
    await generateSigningKey(file, { rotate: false, now: Date.now() });
    chmodSync(file, 0o640);
    await expect(loadSigningKeys(file)).rejects.toThrow(/has mode 0640: others may read it/);
    chmodSync(file, 0o600);
    writeFileSync(file, '{"format":"lacak-signing-keys-1","current":{}}', { mode: 0o600 });
    await expect(loadSigningKeys(file)).rejects.toThrow(/is not a lacak signing key file/);
    await expect(generateSigningKey(join(tmp.dir, 'none'), { rotate: true, now: Date.now() })).rejects.toThrow(/nothing to rotate/);
  });
});
