// Prometheus metrics (DESIGN §7, issue 17): one registry per process, each instrument made once
// here, so a name and its labels are defined in one place. Front ends count; /metrics reads.
import cluster from 'node:cluster';
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
// Process figures (CPU, resident memory, event-loop lag, heap): prefixed like ours. Three of
// prom-client's are gauges named `_total`, which Prometheus's own lint (promtool) refuses.
collectDefaultMetrics({ register: metricsRegistry, prefix: 'lacak_' });
for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total']) metricsRegistry.removeSingleMetric(`lacak_nodejs_${name}`);

const registers = [metricsRegistry];

/** What the data served looks like, read whenever figures are collected (set by the HTTP front end). */
export interface ServedState {
  readonly importId: number;
  readonly snapshots: readonly { readonly source: string; readonly at: number }[];
}

let served: (() => ServedState) | null = null;
let clock: () => number = Date.now;

/** The gauges of the data served are read from `state` whenever figures are collected, in every worker. */
export function reportServedState(state: () => ServedState, now: () => number = Date.now): void {
  served = state;
  clock = now;
}

export const httpRequests = new Counter({
  name: 'lacak_http_requests_total',
  help: 'HTTP requests answered, by route family (ip, autnum, entity, search, history, bulk, page, ...) and status code.',
  labelNames: ['family', 'status'] as const,
  registers,
});

export const httpDuration = new Histogram({
  name: 'lacak_http_request_duration_seconds',
  help: 'Time from a request read to its answer sent, by route family.',
  labelNames: ['family'] as const,
  // Answers from memory take tens of microseconds; a bulk stream may take minutes.
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
  registers,
});

export const whoisQueries = new Counter({
  name: 'lacak_whois_queries_total',
  help: 'WHOIS query lines answered, by kind (lookup, inverse, more-specific, meta, malformed) and %ERROR number ("none" for an answer).',
  labelNames: ['kind', 'error'] as const,
  registers,
});

export const whoisConnections = new Gauge({
  name: 'lacak_whois_open_connections',
  help: 'WHOIS connections open now.',
  registers,
});

export const bulkLines = new Counter({
  name: 'lacak_bulk_lines_total',
  help: 'Bulk lines answered, by front end (http: POST /bulk/ip; whois: the Team Cymru format on port 43).',
  labelNames: ['front'] as const,
  registers,
});

export const rateLimitRefusals = new Counter({
  name: 'lacak_rate_limit_refusals_total',
  help: 'Requests, queries and connections refused by a rate or connection limit, by front end and limit.',
  labelNames: ['front', 'limit'] as const,
  registers,
});

export const auditRows = new Counter({
  name: 'lacak_audit_rows_total',
  help: 'Rows appended to the audit log.',
  registers,
});

export const evidenceIssued = new Counter({
  name: 'lacak_evidence_issued_total',
  help: 'Signed evidence issued (issue 18), counted once its audit row is committed: form is jws or pdf, question ip, autnum, entity, domain or bulk.',
  labelNames: ['form', 'question'] as const,
  registers,
});

export const personalDataDisclosures = new Counter({
  name: 'lacak_personal_data_disclosures_total',
  help: 'Answers that disclosed personal data (DESIGN §5), by the caller\'s role.',
  labelNames: ['role'] as const,
  registers,
});

export const snapshotAge = new Gauge({
  // The same for every worker (LACAK_WORKERS): one value, not their sum.
  aggregator: 'max',
  name: 'lacak_source_snapshot_age_seconds',
  help: 'Age of the newest snapshot of each source served.',
  labelNames: ['source'] as const,
  registers,
  collect() {
    if (!served) return;
    this.reset();
    const at = clock();
    for (const s of served().snapshots) this.set({ source: s.source }, Math.max(0, (at - s.at) / 1000));
  },
});

export const importServed = new Gauge({
  // The newest among the workers (LACAK_WORKERS): one value, not their sum.
  aggregator: 'max',
  name: 'lacak_import_id',
  help: 'The id of the newest import whose data is served.',
  registers,
  collect() {
    if (served) this.set(served().importId);
  },
});

export const indexBuildSeconds = new Gauge({
  // The same for every worker (LACAK_WORKERS): one value, not their sum.
  aggregator: 'max',
  name: 'lacak_index_build_seconds',
  help: 'How long the in-memory range index of the data served took to make (or to read from its kept file).',
  registers,
});

export const shuttingDown = new Gauge({
  // The same for every worker (LACAK_WORKERS): one value, not their sum.
  aggregator: 'max',
  name: 'lacak_shutting_down',
  help: '1 once the server has been asked to stop (SIGTERM) and is draining, else 0.',
  registers,
});

/** The family of an HTTP route, from its pattern: the first segment of the path, grouped. */
export function routeFamily(pattern: string | undefined): string {
  if (pattern === undefined) return 'unmatched';
  // Once per route pattern: every answer asks, and there are a few dozen patterns.
  let family = familyOfPattern.get(pattern);
  if (family === undefined) {
    family = ROUTE_FAMILY[pattern.split('/')[1] ?? ''] ?? 'other';
    familyOfPattern.set(pattern, family);
  }
  return family;
}

const familyOfPattern = new Map<string, string>();

const ROUTE_FAMILY: Readonly<Record<string, string>> = {
  '': 'page',
  whois: 'page',
  static: 'static',
  'favicon.ico': 'static',
  ip: 'ip',
  autnum: 'autnum',
  entity: 'entity',
  domain: 'domain',
  nameserver: 'nameserver',
  ips: 'search',
  autnums: 'search',
  entities: 'search',
  domains: 'search',
  nameservers: 'search',
  history: 'history',
  bulk: 'bulk',
  help: 'help',
  me: 'member',
  evidence: 'evidence',
  '.well-known': 'evidence',
  healthz: 'ops',
  readyz: 'ops',
  metrics: 'ops',
};

export const replicaImportsBehind = new Gauge({
  // The same for every worker (LACAK_WORKERS): one value, not their sum.
  aggregator: 'max',
  name: 'lacak_replica_imports_behind',
  help: 'A replica (lacak serve --follow): how many imports the source has published that this replica does not serve yet.',
  registers,
});

export const replicaLagSeconds = new Gauge({
  // The same for every worker (LACAK_WORKERS): one value, not their sum.
  aggregator: 'max',
  name: 'lacak_replica_lag_seconds',
  help: 'A replica: how long ago the newest published import committed, while this replica does not serve it (0 when up to date).',
  registers,
});

export const replicaFailures = new Counter({
  name: 'lacak_replica_follow_failures_total',
  help: 'A replica: checks of the source that did not bring it up to date, by reason (unreachable, manifest, size, hash, older, schema, content, apply).',
  labelNames: ['reason'] as const,
  registers,
});

export const replicaInfo = new Gauge({
  // The same for every worker (LACAK_WORKERS): one value, not their sum.
  aggregator: 'max',
  name: 'lacak_replica_info',
  help: 'A replica: 1, labelled with the name it goes by (LACAK_REPLICA_NAME) and the source it follows.',
  labelNames: ['name', 'following'] as const,
  registers,
});

export const rateLimitsShared = new Gauge({
  // Shared only if every worker counts in Redis.
  aggregator: 'min',
  name: 'lacak_rate_limits_shared',
  help: 'With LACAK_REDIS_URL: 1 while rate limits are counted in Redis, 0 while this process counts alone because Redis is unreachable or slow.',
  registers,
});

const ASK = 'lacak:metrics?';
const ANSWER = 'lacak:metrics';
/** Longer than prom-client's own 5 s wait for the workers' figures. */
const SUPERVISOR_WAIT_MS = 6000;
let asked = 0;
const waiting = new Map<number, (text: string | null) => void>();

/**
 * In a worker of several (LACAK_WORKERS): answer the supervisor's requests for this worker's
 * figures (prom-client's cluster support), and take the supervisor's sums of all of them.
 */
export function joinWorkerMetrics(): void {
  if (!cluster.isWorker) return;
  AggregatorRegistry.setRegistries([metricsRegistry]);
  // Constructed for its listeners: they answer the supervisor's requests for this worker's figures.
  new AggregatorRegistry();
  process.on('message', (m: { type?: string; id?: number; text?: string }) => {
    if (m?.type !== ANSWER || m.id === undefined) return;
    waiting.get(m.id)?.(m.text ?? null);
    waiting.delete(m.id);
  });
}

/** In the supervisor: answers a worker's request for every worker's figures together. */
export function serveWorkerMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, m: { type?: string; id?: number }) => {
    if (m?.type !== ASK) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id: m.id, text }),
      () => worker.send({ type: ANSWER, id: m.id }),
    );
  });
}

/**
 * The text /metrics answers: this process's figures, or with several workers, those of all of
 * them (asked of the supervisor; this worker's own if it does not answer in time).
 */
export async function metricsText(): Promise<string> {
  if (!cluster.isWorker || !process.send) return metricsRegistry.metrics();
  const id = ++asked;
  const text = await new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      resolve(null);
    }, SUPERVISOR_WAIT_MS);
    waiting.set(id, (t) => {
      clearTimeout(timer);
      resolve(t);
    });
    process.send!({ type: ASK, id });
  });
  return text ?? metricsRegistry.metrics();
}
