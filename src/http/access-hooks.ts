// Who asks, how often, and what they were shown: authentication, rate limits and the
// audit log as Fastify hooks around every route (DESIGN §5). Routes only read
// `request.caller` and report disclosures into `request.disclosed`.
import type { SharedCounts } from '../access/shared-counts.js';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../access/audit.js';
import { identify } from '../access/identify.js';
import type { ApiKey, KeyStore } from '../access/keys.js';
import type { RateLimits } from '../config.js';
import { clientKey } from '../net/ip.js';
import { clientBudget, rangeMatcher } from '../access/rate-limits.js';
import { CostLimiter, queryCost } from '../access/cost.js';
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
    /**
     * Writes the request's audit row now, before any answer, with `note` after its request
     * line (signed evidence: the row names what was issued); false when it cannot be written.
     * Its end-of-request row is then not written.
     */
    auditNow: (note: string) => Promise<boolean>;
  }
}

/**
 * Routes outside the budgets (issue 17): a load balancer's readiness checks (several a second,
 * from the balancer's one address, answered from memory), and the routes only operators'
 * addresses reach (/metrics, /snapshots/). /healthz reads the database and stays counted.
 */
const UNCOUNTED_ROUTES: ReadonlySet<string> = new Set(['/readyz', '/metrics', '/snapshots/:file']);

export interface AccessDeps {
  readonly keys: KeyStore;
  readonly audit: AuditLog;
  readonly rates: RateLimits;
  readonly maintainersOf: (org: string) => readonly string[];
  /** Answers a refusal in the front end's format (RDAP error body). */
  readonly refuse: (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => FastifyReply;
  /** How long an answer carrying personal data may wait for its audit row (LACAK_AUDIT_WAIT_MS). */
  readonly auditWaitMs: number;
  /**
   * Turns the reply into a 503 saying the audit log could not be written, from inside onSend
   * (where `send` is over): sets status and headers, returns the body.
   */
  readonly unavailable: (request: FastifyRequest, reply: FastifyReply) => string;
  readonly now?: () => number;
  /** LACAK_REDIS_URL: budgets counted in Redis with the other processes (issue 17); null: here alone. */
  readonly shared?: SharedCounts | null;
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

  // Never throws: an audit row that cannot be written is logged and reported as false, and
  // the callers decide (withhold the answer, or go on). A lock is waited for asynchronously,
  // at most auditWaitMs. An exception out of a response's 'close' listener ended the process
  // (issue 13).
  const audit = async (request: FastifyRequest, fields: { keyId: number | null; role: string | null; caseReference: string | null; query?: string }): Promise<boolean> => {
    const query = fields.query ?? `${request.method} ${safeUrl(request.url)}`;
    try {
      await deps.audit.appendWithin(
        { at: now(), keyId: fields.keyId, role: fields.role, caseReference: fields.caseReference, client: request.ip, query, disclosed: [...(request.disclosed ?? [])].sort() },
        deps.auditWaitMs,
      );
      return true;
    } catch (err) {
      request.log.error({ err, query }, 'audit row not written');
      return false;
    }
  };
  const callerFields = (request: FastifyRequest) => ({ keyId: request.apiKey?.id ?? null, role: request.caller.role, caseReference: request.caller.caseReference ?? null });
  // Requests whose disclosure row was committed before their answer left, and those whose
  // answer was withheld because it could not be: the end-of-request row is not for them.
  const auditedBeforeAnswer = new WeakSet<FastifyRequest>();
  const withheld = new WeakSet<FastifyRequest>();
  app.decorateRequest('auditNow', async function auditNow(this: FastifyRequest, note: string) {
    const written = await audit(this, { ...callerFields(this), query: `${this.method} ${safeUrl(this.url)} (${note})` });
    if (written) auditedBeforeAnswer.add(this);
    return written;
  });

  // Refused credentials spend the anonymous budget of the address they came from, so
  // guessing tokens is as slow as any anonymous use (and cannot flood the audit log).
  const refusals = clientBudget(deps.rates.anonymous, deps.rates.exempt, { name: 'http-refused', shared: deps.shared ?? null }).admit;

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
      if (identified.claimed) void audit(request, { keyId: identified.keyId, role: null, caseReference: null, query: `${request.method} ${safeUrl(request.url)} (refused ${identified.status}: ${identified.message})` });
      if (identified.status === 401) reply.header('www-authenticate', bearerChallenge(identified.challenge));
      return deps.refuse(request, reply, identified.status, identified.message);
    }
    request.caller = identified.caller;
    request.apiKey = identified.key;
    // An authenticated request that disclosed nothing is recorded once the answer is over,
    // also one the client abandoned half-way (a bulk stream): then onResponse never runs.
    // Disclosures were recorded before the answer (onSend below); this catches any that a
    // streamed body would add while it is sent (none does: bulk rows carry no personal data).
    let finished = false;
    reply.raw.once('finish', () => {
      finished = true;
    });
    reply.raw.once('close', () => {
      if (auditedBeforeAnswer.has(request)) return;
      if (!request.apiKey && request.disclosed.size === 0) return;
      const aborted = !finished;
      const detail = request.auditDetail ? request.auditDetail() : null;
      const note = [detail, withheld.has(request) ? 'answer withheld: its audit row could not be written' : null, aborted ? 'client went away before the end' : null]
        .filter((x) => x !== null)
        .join('; ');
      void audit(request, { ...callerFields(request), query: `${request.method} ${safeUrl(request.url)}${note ? ` (${note})` : ''}` });
    });
  });

  // DESIGN §5, issue 13: an answer that carries personal data leaves only once its audit row
  // is committed. Routes report what they disclose into `request.disclosed` while they
  // render, which is over when the payload reaches onSend; onSend runs before the first byte
  // is written and may replace the payload. When the row cannot be written in time the
  // caller gets a 503 carrying nothing personal.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.disclosed || request.disclosed.size === 0) return payload;
    if (await audit(request, callerFields(request))) {
      auditedBeforeAnswer.add(request);
      return payload;
    }
    // Nothing was disclosed after all: the end-of-request row must not say otherwise.
    request.disclosed.clear();
    withheld.add(request);
    if (payload instanceof Readable) payload.destroy();
    return deps.unavailable(request, reply);
  });

  // Rate limits count cost (issue 13; access/cost.ts): a request takes its first point before
  // any work, per IPv4 address or IPv6 /64 for anonymous callers (mobile CGNAT puts many
  // behind one address: hence the generous default), per key otherwise; what it cost beyond
  // that (rows read, bytes returned) is charged when it is over, so heavy questions spend the
  // asker's own budget and nobody else's.
  const isExempt = rangeMatcher(deps.rates.exempt);
  const budgets = new CostLimiter('http', deps.shared ?? null);
  const budgetOf = (request: FastifyRequest) => ({
    key: request.apiKey ? `key:${request.apiKey.id}` : `ip:${clientKey(request.ip)}`,
    perMinute: request.apiKey ? deps.rates[request.apiKey.role] : deps.rates.anonymous,
  });
  const uncounted = (request: FastifyRequest) => isExempt(request.ip) || UNCOUNTED_ROUTES.has(request.routeOptions.url ?? '');
  app.addHook('onRequest', async (request, reply) => {
    if (uncounted(request)) return;
    const { key, perMinute } = budgetOf(request);
    const admission = await budgets.admit(key, perMinute);
    // RFC 9110 §10.2.3 Retry-After, and the RateLimit-* fields of the IETF draft.
    reply.header('ratelimit-limit', String(admission.limit)).header('ratelimit-remaining', String(admission.remaining)).header('ratelimit-reset', String(admission.reset));
    if (admission.retryAfter !== null) {
      reply.header('retry-after', String(admission.retryAfter));
      throw Object.assign(new Error(`retry in ${admission.retryAfter} s`), { statusCode: 429, rateLimited: true, retryAfterSeconds: admission.retryAfter });
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    if (uncounted(request) || reply.statusCode === 429) return;
    const { key, perMinute } = budgetOf(request);
    const bytes = Number(reply.getHeader('content-length') ?? 0) || 0;
    await budgets.charge(key, perMinute, queryCost({ rows: request.rowsRead ?? 0, bytes }) - 1);
  });
}
