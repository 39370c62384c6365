// Prometheus metrics (DESIGN §7, issue 17): one registry per process, each instrument made once
// here, so a name and its labels are defined in one place. Front ends count; /metrics reads.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
// Process figures (CPU, resident memory, event-loop lag, heap): prefixed like ours. Three of
// prom-client's are gauges named `_total`, which Prometheus's own lint (promtool) refuses.
collectDefaultMetrics({ register: metricsRegistry, prefix: 'lacak_' });
for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total']) metricsRegistry.removeSingleMetric(`lacak_nodejs_${name}`);

const registers = [metricsRegistry];

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

export const personalDataDisclosures = new Counter({
  name: 'lacak_personal_data_disclosures_total',
  help: 'Answers that disclosed personal data (DESIGN §5), by the caller\'s role.',
  labelNames: ['role'] as const,
  registers,
});

export const snapshotAge = new Gauge({
  name: 'lacak_source_snapshot_age_seconds',
  help: 'Age of the newest snapshot of each source served.',
  labelNames: ['source'] as const,
  registers,
});

export const importServed = new Gauge({
  name: 'lacak_import_id',
  help: 'The id of the newest import whose data is served.',
  registers,
});

export const indexBuildSeconds = new Gauge({
  name: 'lacak_index_build_seconds',
  help: 'How long the in-memory range index of the data served took to make (or to read from its kept file).',
  registers,
});

export const shuttingDown = new Gauge({
  name: 'lacak_shutting_down',
  help: '1 once the server has been asked to stop (SIGTERM) and is draining, else 0.',
  registers,
});

/** The family of an HTTP route, from its pattern: the first segment of the path, grouped. */
export function routeFamily(pattern: string | undefined): string {
  if (pattern === undefined) return 'unmatched';
  const first = pattern.split('/')[1] ?? '';
  return ROUTE_FAMILY[first] ?? 'other';
}

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
  healthz: 'ops',
  readyz: 'ops',
  metrics: 'ops',
};

export const replicaImportsBehind = new Gauge({
  name: 'lacak_replica_imports_behind',
  help: 'A replica (lacak serve --follow): how many imports the source has published that this replica does not serve yet.',
  registers,
});

export const replicaLagSeconds = new Gauge({
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
  name: 'lacak_replica_info',
  help: 'A replica: 1, labelled with the name it goes by (LACAK_REPLICA_NAME) and the source it follows.',
  labelNames: ['name', 'following'] as const,
  registers,
});

export const rateLimitsShared = new Gauge({
  name: 'lacak_rate_limits_shared',
  help: 'With LACAK_REDIS_URL: 1 while rate limits are counted in Redis, 0 while this process counts alone because Redis is unreachable or slow.',
  registers,
});
