// Who asks, how often, and what they were shown: authentication, rate limits and the
// audit log as Fastify hooks around every route (DESIGN §5). Routes only read
// `request.caller` and report disclosures into `request.disclosed`.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../access/audit.js';
import { identify } from '../access/identify.js';
import type { ApiKey, KeyStore } from '../access/keys.js';
import type { RateLimits } from '../config.js';
import { clientKey } from '../net/ip.js';
import { clientLimiter, exemptMatcher } from '../access/rate-limits.js';
import { ANONYMOUS, type Caller } from '../policy/access.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking, for the access policy (anonymous unless a valid key was sent). */
    caller: Caller;
    apiKey: ApiKey | null;
    /** Handles whose personal data the answer carried. */
    disclosed: Set<string>;
    /** What the audit row should add about the answer (a bulk request: its line count), read when it ends. */
    auditDetail: (() => string) | null;
  }
}

export interface AccessDeps {
  readonly keys: KeyStore;
  readonly audit: AuditLog;
  readonly rates: RateLimits;
  readonly maintainersOf: (org: string) => readonly string[];
  /** Answers a refusal in the front end's format (RDAP error body). */
  readonly refuse: (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => FastifyReply;
  readonly now?: () => number;
}

const TOKEN_IN_TEXT = /lacak_\d+_[A-Za-z0-9_-]+/g;
const TOKEN_PARAMETER = /([?&](?:token|access_token|api_key|apikey|key|auth|bearer|authorization)=)[^&]*/gi;

/** The request line as it may be written to a log or the audit table: never a token. */
export function safeUrl(url: string): string {
  return url.replace(TOKEN_PARAMETER, '$1[redacted]').replace(TOKEN_IN_TEXT, '[redacted]');
}

/** RFC 6750 §3: the challenge of a 401, with the error code when credentials were sent. */
export function bearerChallenge(error?: 'invalid_request' | 'invalid_token'): string {
  return error ? `Bearer realm="lacak", error="${error}"` : 'Bearer realm="lacak"';
}

/**
 * A header as the client sent it: one value, or every value when it came more than once.
 * Node keeps only the first Authorization header and joins others with commas; the raw
 * list shows what was really sent.
 */
function headerValues(request: FastifyRequest, name: string): string | string[] | undefined {
  const raw = request.raw.rawHeaders;
  const values: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) values.push(raw[i + 1]!);
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : values;
}

export async function registerAccessHooks(app: FastifyInstance, deps: AccessDeps): Promise<void> {
  const now = deps.now ?? Date.now;
  // Set for every request by the hook below; Fastify wants reference-typed decorations null here.
  app.decorateRequest('caller', null as unknown as Caller);
  app.decorateRequest('apiKey', null);
  app.decorateRequest('disclosed', null as unknown as Set<string>);
  app.decorateRequest('auditDetail', null);

  const audit = (request: FastifyRequest, fields: { keyId: number | null; role: string | null; caseReference: string | null; query?: string }) => {
    deps.audit.append({
      at: now(),
      keyId: fields.keyId,
      role: fields.role,
      caseReference: fields.caseReference,
      client: request.ip,
      query: fields.query ?? `${request.method} ${safeUrl(request.url)}`,
      disclosed: [...(request.disclosed ?? [])].sort(),
    });
  };

  // Refused credentials spend the anonymous budget of the address they came from, so
  // guessing tokens is as slow as any anonymous use (and cannot flood the audit log).
  const refusals = clientLimiter(deps.rates.anonymous, deps.rates.exempt);

  app.addHook('onRequest', async (request, reply) => {
    request.disclosed = new Set();
    request.caller = ANONYMOUS;
    const identified = identify(
      { authorization: headerValues(request, 'authorization'), caseReference: headerValues(request, 'x-case-reference'), query: (request.query ?? {}) as Record<string, unknown> },
      deps.keys,
      deps.maintainersOf,
      now(),
    );
    if (!identified.ok) {
      const wait = await refusals(clientKey(request.ip));
      if (wait !== null) {
        reply.header('retry-after', String(wait));
        return deps.refuse(request, reply, 429, `too many refused requests: try again in ${wait} s`);
      }
      // A claimed identity that fails is itself worth recording; the token never is.
      if (identified.claimed) audit(request, { keyId: identified.keyId, role: null, caseReference: null, query: `${request.method} ${safeUrl(request.url)} (refused ${identified.status}: ${identified.message})` });
      if (identified.status === 401) reply.header('www-authenticate', bearerChallenge(identified.challenge));
      return deps.refuse(request, reply, identified.status, identified.message);
    }
    request.caller = identified.caller;
    request.apiKey = identified.key;
    // Every authenticated request and every disclosure is recorded once the answer is over,
    // also one the client abandoned half-way (a bulk stream): then onResponse never runs.
    let finished = false;
    reply.raw.once('finish', () => {
      finished = true;
    });
    reply.raw.once('close', () => {
      if (!request.apiKey && request.disclosed.size === 0) return;
      const aborted = !finished;
      const detail = request.auditDetail ? request.auditDetail() : null;
      const note = [detail, aborted ? 'client went away before the end' : null].filter((x) => x !== null).join('; ');
      audit(request, {
        keyId: request.apiKey?.id ?? null,
        role: request.caller.role,
        caseReference: request.caller.caseReference ?? null,
        query: `${request.method} ${safeUrl(request.url)}${note ? ` (${note})` : ''}`,
      });
    });
  });

  const isExempt = exemptMatcher(deps.rates.exempt);
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: 60_000,
    // Anonymous callers per IPv4 address or IPv6 /64 (mobile CGNAT puts many behind one
    // address: hence the generous default), keys per key.
    max: (request) => (request.apiKey ? deps.rates[request.apiKey.role] : deps.rates.anonymous),
    keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.id}` : `ip:${clientKey(request.ip)}`),
    allowList: (request) => isExempt(request.ip),
    enableDraftSpec: true,
    errorResponseBuilder: (_request, context) => ({ statusCode: 429, rateLimited: true, message: `retry in ${Math.ceil(context.ttl / 1000)} s`, retryAfterSeconds: Math.ceil(context.ttl / 1000) }),
  });
}
