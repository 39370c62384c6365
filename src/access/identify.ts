// Who is asking: the request's credentials → a Caller for the access policy, or the reason
// they are refused. Pure over its inputs; the HTTP layer feeds it headers and answers.
import type { Caller } from '../policy/access.js';
import { ANONYMOUS } from '../policy/access.js';
import type { ApiKey, KeyStore } from './keys.js';

export interface Credentials {
  /** The Authorization header(s) as received. */
  readonly authorization: string | readonly string[] | undefined;
  /** X-Case-Reference header(s) as received. */
  readonly caseReference: string | readonly string[] | undefined;
  /** Query-string parameter names and values. */
  readonly query: Readonly<Record<string, unknown>>;
}

export type Identified =
  | { readonly ok: true; readonly caller: Caller; readonly key: ApiKey | null }
  | {
      readonly ok: false;
      readonly status: 400 | 401;
      readonly message: string;
      /** The key the request claimed to be, when it named one that exists (for the audit log). */
      readonly keyId: number | null;
      /** An identity was claimed (a token was presented): the refusal is audited. */
      readonly claimed: boolean;
      /** RFC 6750 §3.1 error code for WWW-Authenticate on a 401. */
      readonly challenge?: 'invalid_request' | 'invalid_token';
    };

/** Parameter names that would carry a token in a URL, where logs and proxies keep it. */
const TOKEN_PARAMETERS = new Set(['token', 'access_token', 'api_key', 'apikey', 'key', 'auth', 'bearer', 'authorization']);
const TOKEN_SHAPE = /lacak_\d+_/;
/** A case number as police systems write them: letters, digits and a few separators. */
const CASE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9 ./:_#-]{0,63}$/;

/**
 * Refusals, in order: a token in the query string (400: it must never travel in a URL), a
 * malformed X-Case-Reference (400), a bad Authorization (401). No credentials: anonymous.
 */
export function identify(credentials: Credentials, keys: KeyStore, maintainersOf: (org: string) => readonly string[], now: number): Identified {
  for (const [name, value] of Object.entries(credentials.query)) {
    const values = Array.isArray(value) ? value : [value];
    if (TOKEN_PARAMETERS.has(name.toLowerCase()) || values.some((v) => typeof v === 'string' && TOKEN_SHAPE.test(v))) {
      return refused(400, 'a token is accepted only in the Authorization header, never in the URL', null, true);
    }
  }
  let caseReference: string | undefined;
  if (credentials.caseReference !== undefined) {
    const given = credentials.caseReference;
    if (typeof given !== 'string' || !CASE_REFERENCE.test(given.trim())) {
      return refused(400, 'X-Case-Reference must be one value of 1 to 64 letters, digits, spaces or . / : _ # -', null, false);
    }
    caseReference = given.trim();
  }
  const authorization = credentials.authorization;
  if (authorization === undefined) return { ok: true, caller: ANONYMOUS, key: null };
  if (typeof authorization !== 'string') return refused(401, 'send one Authorization header', null, true, 'invalid_request');
  const m = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!m) return refused(401, 'the Authorization header must be "Bearer <token>"', null, true, 'invalid_request');
  const checked = keys.check(m[1]!, now);
  if (!checked.ok) {
    const why = { malformed: 'the token is malformed', unknown: 'the token is not valid', revoked: 'the key was revoked', expired: 'the key has expired' }[checked.reason];
    return refused(401, why, checked.keyId, true, 'invalid_token');
  }
  const key = checked.key;
  switch (key.role) {
    case 'admin':
      return { ok: true, caller: { role: 'admin' }, key };
    case 'lea':
      return { ok: true, caller: caseReference ? { role: 'lea', caseReference } : { role: 'lea' }, key };
    case 'member':
      return { ok: true, caller: { role: 'member', org: key.org ?? undefined, maintainers: key.org ? maintainersOf(key.org) : [] }, key };
  }
}

function refused(status: 400 | 401, message: string, keyId: number | null, claimed: boolean, challenge?: 'invalid_request' | 'invalid_token'): Identified {
  return { ok: false, status, message, keyId, claimed, challenge };
}
