// Signing and checking evidence as a JWS (RFC 7515) with Ed25519 (RFC 8037). Evidence is
// written in the flattened JSON serialization (`application/jose+json`, §7.2.2); the compact
// one (`a.b.c`, §7.1) and the general JSON one with a single signature are read as well, since
// other tools convert between them. Verification never throws: what is wrong is the answer.
import { base64url, decodeProtectedHeader, flattenedVerify, importJWK, FlattenedSign, type FlattenedJWS } from 'jose';
import { SIGNING_ALG, type PublishedKey, type SigningKeys } from './signing-keys.js';
import { canonicalBytes, statementShape, type EvidenceStatement } from './statement.js';
import { formatInstant } from '../query/time.js';

export const JOSE_JSON_TYPE = 'application/jose+json';

/** The flattened JWS of a statement, signed with the current key. */
export async function signStatement(statement: EvidenceStatement, keys: SigningKeys): Promise<FlattenedJWS> {
  return new FlattenedSign(canonicalBytes(statement)).setProtectedHeader({ alg: SIGNING_ALG, kid: keys.current.kid, cty: 'json' }).sign(keys.current.privateKey);
}

export type Verification =
  | { readonly valid: true; readonly key: PublishedKey; readonly statement: EvidenceStatement }
  | { readonly valid: false; readonly reason: string; readonly key: PublishedKey | null };

function invalid(reason: string, key: PublishedKey | null = null): Verification {
  return { valid: false, reason, key };
}

/** The three parts of a JWS in any of its serializations, or why the text is none. */
export function readJws(text: string): { jws: FlattenedJWS } | { problem: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (err) {
      return { problem: `not a JWS: the JSON is malformed or cut short (${(err as Error).message})` };
    }
    const o = json as { payload?: unknown; protected?: unknown; signature?: unknown; signatures?: unknown };
    if (Array.isArray(o.signatures)) {
      if (o.signatures.length !== 1) return { problem: `not lacak evidence: a JWS with ${o.signatures.length} signatures (evidence has one)` };
      const s = o.signatures[0] as { protected?: unknown; signature?: unknown };
      return flattened({ payload: o.payload, protected: s.protected, signature: s.signature });
    }
    return flattened(o);
  }
  const parts = trimmed.split('.');
  if (parts.length !== 3) return { problem: 'not a JWS: neither JSON nor three base64url parts separated by dots' };
  return flattened({ protected: parts[0], payload: parts[1], signature: parts[2] });
}

function flattened(o: { payload?: unknown; protected?: unknown; signature?: unknown }): { jws: FlattenedJWS } | { problem: string } {
  for (const part of ['protected', 'payload', 'signature'] as const) {
    if (typeof o[part] !== 'string' || !/^[\w-]*$/.test(o[part] as string)) return { problem: `not a JWS: its ${part} is missing or not base64url` };
  }
  return { jws: { protected: o.protected as string, payload: o.payload as string, signature: o.signature as string } };
}

/**
 * Checks a JWS against the published keys: the key it names must be one of them, the
 * signature must match, the payload must be a lacak statement, and it must have been
 * served within the key's period (a retired key signs nothing after it was retired).
 */
export async function verifyEvidence(text: string, keys: readonly PublishedKey[]): Promise<Verification> {
  const read = readJws(text);
  if ('problem' in read) return invalid(read.problem);
  const { jws } = read;
  let header: { alg?: unknown; kid?: unknown };
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    return invalid('not a JWS: its protected header is not base64url-encoded JSON');
  }
  if (header.alg !== SIGNING_ALG) return invalid(`signed with algorithm ${JSON.stringify(header.alg)}; lacak evidence is signed with ${SIGNING_ALG} (Ed25519)`);
  const key = keys.find((k) => k.kid === header.kid);
  if (!key) return invalid(`signed with key ${JSON.stringify(header.kid)}, which this registry does not publish`);
  try {
    await flattenedVerify(jws, await importJWK({ ...key.jwk, alg: SIGNING_ALG }, SIGNING_ALG));
  } catch {
    return invalid(`the signature does not match the content: the evidence was changed after key ${key.kid} signed it`, key);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64url.decode(jws.payload)));
  } catch {
    return invalid('the signed payload is not JSON', key);
  }
  const statement = statementShape.safeParse(payload);
  if (!statement.success) return invalid(`the signed payload is not a lacak evidence statement (${statement.error.issues[0]?.path.join('.')}: ${statement.error.issues[0]?.message})`, key);
  const served = Date.parse(statement.data.servedAt);
  // The retiring instant itself still counts: the new key's period starts then too.
  if (served < key.validFrom || (key.validUntil !== null && served > key.validUntil)) {
    const period = `${formatInstant(key.validFrom)} – ${key.validUntil === null ? 'now' : formatInstant(key.validUntil)}`;
    return invalid(`it says it was served at ${statement.data.servedAt}, outside the period key ${key.kid} signs in (${period})`, key);
  }
  return { valid: true, key, statement: statement.data as EvidenceStatement };
}
