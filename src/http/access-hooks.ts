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
import { exemptMatcher } from '../access/rate-limits.js';
import { ANONYMOUS, type Caller } from '../policy/access.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking, for the access policy (anonymous unless a valid key was sent). */
    caller: Caller;
    apiKey: ApiKey | null;
    /** Handles whose personal data the answer carried. */
    disclosed: Set<string>;
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

export async function registerAccessHooks(app: FastifyInstance, deps: AccessDeps): Promise<void> {
  const now = deps.now ?? Date.now;
  // Set for every request by the hook below; Fastify wants reference-typed decorations null here.
  app.decorateRequest('caller', null as unknown as Caller);
  app.decorateRequest('apiKey', null);
  app.decorateRequest('disclosed', null as unknown as Set<string>);

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

  app.addHook('onRequest', async (request, reply) => {
    request.disclosed = new Set();
    request.caller = ANONYMOUS;
    const identified = identify(
      { authorization: request.headers.authorization, caseReference: request.headers['x-case-reference'], query: (request.query ?? {}) as Record<string, unknown> },
      deps.keys,
      deps.maintainersOf,
      now(),
    );
    if (!identified.ok) {
      // A claimed identity that fails is itself worth recording; the token never is.
      if (identified.claimed) audit(request, { keyId: identified.keyId, role: null, caseReference: null, query: `${request.method} ${safeUrl(request.url)} (refused ${identified.status}: ${identified.message})` });
      if (identified.status === 401) reply.header('www-authenticate', 'Bearer realm="lacak", error="invalid_token"');
      return deps.refuse(request, reply, identified.status, identified.message);
    }
    request.caller = identified.caller;
    request.apiKey = identified.key;
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

  app.addHook('onResponse', async (request) => {
    // Every authenticated request, and any answer that carried personal data.
    if (request.apiKey || request.disclosed.size > 0) {
      audit(request, { keyId: request.apiKey?.id ?? null, role: request.caller.role, caseReference: request.caller.caseReference ?? null });
    }
  });
}
