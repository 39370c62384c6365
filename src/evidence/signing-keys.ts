// The evidence signing keys (issue 18): one Ed25519 key that signs now, and the public halves
// of the keys it replaced, each with the period it signed in. They live in one file outside
// both databases (LACAK_SIGNING_KEY, mode 0600): a registry snapshot copied to a replica must
// not carry what makes evidence. Rotation keeps every old public key, so evidence signed with
// it verifies for ever; its private half is dropped, so it signs nothing new.
import type { KeyObject } from 'node:crypto';
import { statSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { z } from 'zod';
import { PrivateFileProblem, readPrivateFile, writePrivateFile } from '../io/private-file.js';
import { dayStamp, formatInstant } from '../query/time.js';

/** JWS `alg` of Ed25519 signatures (RFC 8037 §3.1), as every JOSE library knows it. */
export const SIGNING_ALG = 'EdDSA';

const FILE_FORMAT = 'lacak-signing-keys-1';

const okpPublic = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().regex(/^[\w-]{43}$/) });
const okpPrivate = okpPublic.extend({ d: z.string().regex(/^[\w-]{43}$/) });

const keyFile = z.object({
  format: z.literal(FILE_FORMAT),
  current: z.object({ kid: z.string().min(1), validFrom: z.iso.datetime(), jwk: okpPrivate }),
  retired: z.array(z.object({ kid: z.string().min(1), validFrom: z.iso.datetime(), validUntil: z.iso.datetime(), jwk: okpPublic })),
});
type KeyFile = z.infer<typeof keyFile>;

/** A public key as /.well-known/jwks.json publishes it: the JWK and the period it signs (or signed) in. */
export interface PublishedKey {
  readonly kid: string;
  readonly jwk: JWK;
  readonly validFrom: number;
  /** Null: it signs now. */
  readonly validUntil: number | null;
}

export interface SigningKeys {
  /** The key that signs, with its private half (a CryptoKey, never exported again). */
  readonly current: PublishedKey & { readonly privateKey: Parameters<typeof exportJWK>[0] | KeyObject };
  /** Every key, current first: what verification accepts, each within its period. */
  readonly published: readonly PublishedKey[];
}

/** The keys could not be used: the evidence routes say this in their 503, `lacak serve` warns with it. */
export class SigningKeyProblem extends Error {
  constructor(message: string) {
    super(`${message} (LACAK_SIGNING_KEY)`);
    this.name = 'SigningKeyProblem';
  }
}

function publicPart(jwk: { kty: string; crv: string; x: string }): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

async function toKeys(file: KeyFile): Promise<SigningKeys> {
  const privateKey = (await importJWK({ ...file.current.jwk, alg: SIGNING_ALG }, SIGNING_ALG)) as SigningKeys['current']['privateKey'];
  const current = { kid: file.current.kid, jwk: publicPart(file.current.jwk), validFrom: Date.parse(file.current.validFrom), validUntil: null, privateKey };
  const retired = file.retired.map((r) => ({ kid: r.kid, jwk: publicPart(r.jwk), validFrom: Date.parse(r.validFrom), validUntil: Date.parse(r.validUntil) }));
  return { current, published: [current, ...retired.sort((a, b) => b.validFrom - a.validFrom)] };
}

function parseKeyFile(bytes: Buffer, path: string): KeyFile {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new SigningKeyProblem(`signing key file ${path} is not JSON`);
  }
  const parsed = keyFile.safeParse(json);
  if (!parsed.success) throw new SigningKeyProblem(`signing key file ${path} is not a lacak signing key file: ${parsed.error.issues[0]?.path.join('.') || 'format'}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

function readKeyFile(path: string): KeyFile {
  try {
    return parseKeyFile(readPrivateFile(path, 'signing key file'), path);
  } catch (err) {
    if (err instanceof PrivateFileProblem) throw new SigningKeyProblem(err.missing ? `${err.message}: create it with "lacak evidence keygen"` : err.message);
    throw err;
  }
}

/** The keys in `path`; throws SigningKeyProblem saying what is wrong (missing, readable by others, malformed). */
export async function loadSigningKeys(path: string): Promise<SigningKeys> {
  const file = readKeyFile(path);
  try {
    return await toKeys(file);
  } catch (err) {
    if (err instanceof SigningKeyProblem) throw err;
    throw new SigningKeyProblem(`signing key file ${path} holds a key that cannot be used: ${(err as Error).message}`);
  }
}

/** `lacak-20261207-` and the first characters of the key's RFC 7638 thumbprint: says when, and which. */
async function keyId(jwk: JWK, at: number): Promise<string> {
  const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
  return `lacak-${dayStamp(at)}-${thumbprint.slice(0, 12)}`;
}

export interface KeygenResult {
  readonly kid: string;
  /** The key it replaced, now retired (rotation), or null (a new file). */
  readonly retired: string | null;
}

/**
 * Makes a new Ed25519 key in `path`. A new file with `rotate` false; with `rotate`, the file's
 * current key is retired (its public half kept, valid until now) and the new one signs from now.
 */
export async function generateSigningKey(path: string, options: { readonly rotate: boolean; readonly now: number }): Promise<KeygenResult> {
  let previous: KeyFile | null = null;
  try {
    previous = readKeyFile(path);
  } catch (err) {
    if (!(err instanceof SigningKeyProblem) || !/does not exist/.test(err.message)) throw err;
  }
  if (previous && !options.rotate) {
    throw new SigningKeyProblem(`signing key file ${path} exists: "lacak evidence keygen --rotate" replaces its key and keeps the old public key for verification`);
  }
  if (!previous && options.rotate) throw new SigningKeyProblem(`signing key file ${path} does not exist: nothing to rotate; "lacak evidence keygen" creates it`);
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await keyId(publicPart(jwk as { kty: string; crv: string; x: string }), options.now);
  const now = formatInstant(options.now);
  const file: KeyFile = {
    format: FILE_FORMAT,
    current: { kid, validFrom: now, jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x!, d: jwk.d! } },
    retired: previous ? [{ kid: previous.current.kid, validFrom: previous.current.validFrom, validUntil: now, jwk: okpPublic.parse(publicPart(previous.current.jwk)) }, ...previous.retired] : [],
  };
  if (previous && previous.current.kid === kid) throw new SigningKeyProblem('the new key has the id of the one it replaces: try again in a moment');
  writePrivateFile(path, Buffer.from(`${JSON.stringify(file, null, 2)}\n`), { replace: previous !== null });
  return { kid, retired: previous?.current.kid ?? null };
}

/** RFC 7517 §5 JWK Set, each key with its use, algorithm and the period it signs in (RFC 7517 §4 allows members of our own). */
export function jwkSet(keys: readonly PublishedKey[]): { keys: Record<string, unknown>[] } {
  return {
    keys: keys.map((k) => ({
      ...k.jwk,
      kid: k.kid,
      use: 'sig',
      alg: SIGNING_ALG,
      validFrom: formatInstant(k.validFrom),
      validUntil: k.validUntil === null ? null : formatInstant(k.validUntil),
    })),
  };
}

/** A JWK Set as jwkSet writes it (a file given to `lacak evidence verify --jwks`), or null. */
export function parseJwkSet(json: unknown): PublishedKey[] | null {
  const set = z
    .object({ keys: z.array(okpPublic.extend({ kid: z.string().min(1), validFrom: z.iso.datetime(), validUntil: z.iso.datetime().nullable().optional() })) })
    .safeParse(json);
  if (!set.success) return null;
  return set.data.keys.map((k) => ({ kid: k.kid, jwk: publicPart(k), validFrom: Date.parse(k.validFrom), validUntil: k.validUntil ? Date.parse(k.validUntil) : null }));
}

/**
 * The keys of a file, read again when the file changes (a `keygen --rotate` while the server
 * runs: the retired key must stop signing at once). Either the keys or why there are none.
 */
export class SigningKeySource {
  private seen: string | null = null;
  private loaded: Promise<SigningKeys | SigningKeyProblem> | null = null;

  constructor(readonly path: string) {}

  /** The file's identity and age: a rename over it (rotation) changes the inode and mtime. */
  private stamp(): string {
    try {
      const s = statSync(this.path);
      return `${s.ino}:${s.mtimeMs}:${s.size}:${s.mode}`;
    } catch (err) {
      return `missing:${(err as NodeJS.ErrnoException).code}`;
    }
  }

  keys(): Promise<SigningKeys | SigningKeyProblem> {
    const stamp = this.stamp();
    if (this.loaded === null || stamp !== this.seen) {
      this.seen = stamp;
      this.loaded = loadSigningKeys(this.path).catch((err: unknown) => (err instanceof SigningKeyProblem ? err : new SigningKeyProblem((err as Error).message)));
    }
    return this.loaded;
  }
}
