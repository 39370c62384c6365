// The HTTP front end as a Fastify instance that tests can `inject()` into without listening.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditLog } from '../access/audit.js';
import type { KeyStore } from '../access/keys.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { LookupService } from '../query/service.js';
import { lacakVersion } from '../version.js';
import { TEXT, TITLE, pickLang } from '../rdap/messages.js';
import { EntityCache, ResponseBuilder, renderError } from '../rdap/render.js';
import { RDAP_CONTENT_TYPE, rdapContext, registerRdapRoutes, sendRdapError } from '../rdap/routes.js';
import { registerRdapSearchRoutes } from '../rdap/search-routes.js';
import { registerHistoryRoutes } from '../rdap/history-routes.js';
import { CurrentIpAnswers } from '../rdap/current-ip.js';
import type { CurrentWhoisAnswers } from '../whois/current-answers.js';
import { registerAccessHooks, safeUrl } from './access-hooks.js';
import { registerMemberRoutes } from './me.js';
import { registerBulkRoutes } from './bulk-routes.js';
import { registerWebRoutes } from './web-routes.js';
import type { CurrentPageCards } from '../web/current-cards.js';
import { registerPrivateAnswers } from './private-answers.js';
import { whoisHandlerFor } from '../whois/handler.js';
import { heavyAnswerer } from '../offload/answerer.js';
import { inThreadRunner, type HeavyRunner } from '../offload/runner.js';
import { registerCostMeter } from './cost-hooks.js';
import { OutputGuard } from '../net/output-guard.js';
import { registerOutputBackpressure } from './backpressure.js';
import { freshness } from '../query/freshness.js';
import { formatIp, parseIp, unmapIpv4 } from '../net/ip.js';
import { rangeMatcher } from '../access/rate-limits.js';
import type { Lifecycle } from '../lifecycle.js';
import type { ReplicaStatus } from '../replica/follow.js';
import type { SharedCounts } from '../access/shared-counts.js';
import { registerSnapshotRoutes } from './snapshot-routes.js';
import { registerEvidenceRoutes } from './evidence-routes.js';
import { SigningKeySource } from '../evidence/signing-keys.js';
import { httpDuration, httpRequests, metricsRegistry, metricsText, rateLimitRefusals, reportServedState, routeFamily } from '../metrics.js';

/** A client address as WHOIS logs it: an IPv4 client on a dual-stack socket as dotted IPv4. */
function logAddress(ip: string): string {
  const address = parseIp(ip);
  if (!address) return ip;
  const unmapped = unmapIpv4(address);
  return formatIp(unmapped.family, unmapped.value);
}

export interface AppDeps {
  readonly config: Config;
  readonly service: LookupService;
  readonly logger: Logger;
  readonly keys: KeyStore;
  readonly audit: AuditLog;
  readonly now?: () => number;
  /** Where heavy questions (searches) are answered: a worker pool in the server, in the thread by default. */
  readonly heavy?: HeavyRunner;
  /** Unsent output per connection and in all (issue 13); the server shares one with WHOIS. */
  readonly output?: OutputGuard;
  /** Current address answers kept encoded (issue 15); by default an LRU within LACAK_ANSWER_CACHE_MB. */
  readonly currentIp?: CurrentIpAnswers;
  /** The WHOIS server's packed answers, for /healthz to report. */
  readonly currentWhois?: CurrentWhoisAnswers;
  /** The page's cards of current answers, packed (issue 15). */
  readonly currentCards?: CurrentPageCards;
  /** Rendered entities, shared with `currentIp` when the caller made that. */
  readonly entities?: EntityCache;
  /** Whether the server is stopping (SIGTERM, issue 17): readiness, bulk streams and keep-alive follow it. */
  readonly lifecycle?: Lifecycle;
  /** Where rate limits are counted with other processes (LACAK_REDIS_URL); absent: here alone. */
  readonly shared?: SharedCounts | null;
  /** A replica's standing against its source, for /healthz (issue 17). */
  readonly replica?: () => ReplicaStatus;
  /** The evidence signing keys (issue 18); by default the file of LACAK_SIGNING_KEY, read when it changes. */
  readonly signing?: SigningKeySource;
}

/** The caller's headers a lookup asked on its behalf (signed evidence) carries: who, for which case, in which language. */
const ON_BEHALF_HEADERS = ['authorization', 'x-case-reference', 'accept-language'] as const;

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config, service, logger, keys, audit, now } = deps;
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    // One line per request is written by the onResponse hook below, not by Fastify.
    logController: new LogController({ disableRequestLogging: true }),
    // Some RDAP clients ask for `//ip/...`.
    routerOptions: { ignoreDuplicateSlashes: true },
    // X-Forwarded-For is believed only from the proxies the operator names.
    trustProxy: config.trustedProxies.length > 0 ? [...config.trustedProxies] : false,
  });
  // Before anything else: a pipelined request reaches Fastify only when there is room for its answer.
  const output = deps.output ?? new OutputGuard(config.output, logger.child({ component: 'http' }));
  if (!deps.output) app.addHook('onClose', async () => output.close());
  registerOutputBackpressure(app, output);
  const heavy = deps.heavy ?? inThreadRunner(heavyAnswerer(config, service));
  const entities = deps.entities ?? new EntityCache();
  const currentIp = deps.currentIp ?? (config.answerCacheBytes > 0 ? new CurrentIpAnswers(config, service, entities, config.answerCacheBytes) : undefined);
  const rdap = { config, service, entities, heavy, currentIp };
  // The page links to the WHOIS text of its answer: the same handler the WHOIS port uses.
  const whois = whoisHandlerFor(config, service);

  // Vary on the caller's headers everywhere; no cache keeps an answer given to a key.
  registerPrivateAnswers(app);

  const { lifecycle } = deps;
  // Draining: every answer closes its connection, so the next request opens a new one, which a
  // load balancer that has seen /readyz fail sends to another server (no request is refused).
  if (lifecycle) {
    app.addHook('onSend', async (_request, reply, payload) => {
      if (lifecycle.stopping) reply.header('connection', 'close');
      return payload;
    });
  }

  // With LACAK_WORKERS, which of the processes on this port answered (for operators tracing one answer).
  if (config.workerIndex !== null) {
    const worker = String(config.workerIndex);
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('lacak-worker', worker);
      return payload;
    });
  }

  app.addHook('onResponse', async (request, reply) => {
    const family = routeFamily(request.routeOptions.url);
    httpRequests.inc({ family, status: reply.statusCode });
    httpDuration.observe({ family }, reply.elapsedTime / 1000);
    if (reply.statusCode === 429) rateLimitRefusals.inc({ front: 'http', limit: 'requests' });
    // `client` as the WHOIS log has it (issue 14): an abuse report or a rate-limit complaint is
    // traced by address. Behind a trusted proxy request.ip is the forwarded client, not the proxy.
    request.log.info(
      { client: logAddress(request.ip), method: request.method, url: safeUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime), key: request.apiKey?.id },
      'http request',
    );
  });

  // Authentication, rate limits and the audit log wrap every route registered after them.
  app.register(
    fp(async (root) =>
      registerAccessHooks(root, {
        keys,
        audit,
        rates: config.rates,
        maintainersOf: (org) => service.memberMaintainers(org),
        refuse: (request, reply, status, message) => sendRdapError(rdap, request, reply, status, [message]),
        auditWaitMs: config.auditWaitMs,
        shared: deps.shared ?? null,
        // Whatever the route had made (an RDAP answer, the page), the 503 is an RDAP error
        // body (RFC 9083 §6), as every other refusal is.
        unavailable: (request, reply) => {
          reply.code(503).header('content-type', RDAP_CONTENT_TYPE).header('access-control-allow-origin', '*').header('cache-control', 'no-store').header('retry-after', '1');
          const b = new ResponseBuilder(rdapContext(rdap, request, null));
          return JSON.stringify(renderError(b, 503, TITLE.errors[503]!, [TEXT[pickLang(request.headers['accept-language'])].errors.auditUnavailable]));
        },
        now,
      }),
    ),
  );

  // Before the routes: every handler's registry rows are counted for its client's budget.
  registerCostMeter(app);

  app.register(async (routes) => {
    // Liveness: 200 whatever the data's age, since restarting a server makes its data no newer
    // (and the image's HEALTHCHECK would only kill the one copy still answering). `status` says
    // `stale` past LACAK_STALE_AFTER and `warnings` says why, for monitoring to alert on.
    routes.get('/healthz', async () => {
      const { status, ...report } = freshness({
        snapshots: service.latestSnapshots(),
        bootstrapPublication: service.bootstrapPublication,
        staleAfterMs: config.staleAfterMs,
        bootstrapMaxAgeMs: config.bootstrapMaxAgeMs,
        now: (now ?? Date.now)(),
      });
      // What the pre-encoded current answers hold (issue 15): memory to watch against its budget.
      const kept = rdap.currentIp
        ? { answersKept: { rdap: rdap.currentIp.stats, ...(deps.currentWhois ? { whois: deps.currentWhois.stats } : {}), ...(deps.currentCards ? { page: deps.currentCards.stats } : {}) } }
        : {};
      // Which process answered: with LACAK_WORKERS, one of several on the same port.
      const worker = config.workerIndex !== null ? { worker: { index: config.workerIndex, pid: process.pid } } : {};
      return { status, version: lacakVersion(), ...report, ...kept, ...worker, ...(deps.replica ? { replica: deps.replica() } : {}) };
    });
    routes.get('/readyz', async (_request, reply) => {
      if (lifecycle?.stopping) return reply.code(503).send({ status: 'stopping', reason: 'the server is shutting down; its answers in flight finish' });
      const importId = service.importId;
      if (importId === 0) {
        return reply.code(503).send({ status: 'not ready', reason: 'the registry database holds no import yet' });
      }
      return { status: 'ready', importId, networks: service.rangeIndex.networks };
    });
    const refuse = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => sendRdapError(rdap, request, reply, status, [message]);
    // Prometheus (issue 17): for the scraper's addresses only, as operators' figures are not the public's.
    const mayScrape = rangeMatcher(config.metricsAllow);
    reportServedState(() => ({ importId: service.importId, snapshots: service.latestSnapshots() }), now);
    routes.get('/metrics', async (request, reply) => {
      if (!mayScrape(request.ip)) return sendRdapError(rdap, request, reply, 403, ['/metrics answers only the addresses of LACAK_METRICS_ALLOW.']);
      reply.header('content-type', metricsRegistry.contentType).header('cache-control', 'no-store');
      return metricsText();
    });
    if (config.publishDir) registerSnapshotRoutes(routes, { dir: config.publishDir, allow: config.replicaAllow, refuse });
    registerRdapRoutes(routes, rdap);
    registerRdapSearchRoutes(routes, rdap);
    registerHistoryRoutes(routes, rdap);
    registerMemberRoutes(routes, { heavy, refuse });
    const signing = deps.signing ?? new SigningKeySource(config.signingKeyPath);
    // Evidence signs the lookup routes' own answers: asked through them, with the caller's headers.
    const lookup = (request: FastifyRequest, url: string) =>
      app.inject({ method: 'GET', url, remoteAddress: request.ip, headers: Object.fromEntries(ON_BEHALF_HEADERS.filter((h) => request.headers[h] !== undefined).map((h) => [h, request.headers[h] as string])) });
    registerEvidenceRoutes(routes, { config, service, signing, refuse, lookup, now });
    // Its own scope: it reads text bodies as streams, which no other route wants.
    routes.register(async (bulk) => registerBulkRoutes(bulk, { service, registry: config.registry, refuse, now, lifecycle, evidence: { config, signing } }));
    // Its own scope: security headers for a page, not for RDAP's cross-origin clients.
    routes.register(async (web) => registerWebRoutes(web, { service, registry: config.registry, whois: (question) => `${whois.answerKey(question.key, question).lines.join('\n')}\n`, cards: deps.currentCards }));
  });

  app.setNotFoundHandler((request, reply) => {
    sendRdapError(rdap, request, reply, 404, [TEXT[pickLang(request.headers['accept-language'])].errors.unknownPath]);
  });

  // Framework errors (a malformed URL or header) are the client's: 400 with an RDAP body.
  // A rate limit is a 429 with the same body. Anything else is a bug: logged with its
  // stack, answered without one.
  app.setErrorHandler((err: FastifyError & { rateLimited?: boolean; retryAfterSeconds?: number }, request, reply) => {
    if (err.rateLimited) {
      const t = TEXT[pickLang(request.headers['accept-language'])];
      sendRdapError(rdap, request, reply, 429, [t.tooMany(err.retryAfterSeconds ?? 60)]);
      return;
    }
    // A body too large or of a type no route takes keeps its own status; other client errors are 400.
    const status = err.statusCode === 413 || err.statusCode === 415 ? err.statusCode : err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? 400 : 500;
    if (status === 500) request.log.error({ err }, 'request failed');
    sendRdapError(rdap, request, reply, status, [status === 400 ? err.message : 'The server could not answer this request.']);
  });

  return app;
}
