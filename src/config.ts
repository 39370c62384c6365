// The one place that reads process.env: DESIGN §3 names, parsed once by zod.
import { existsSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LACAK_ERR, LacakError } from './errors.js';
import { formatHostAndPort, parseHostAndPort } from './net/host.js';
import { parseRange } from './net/prefix.js';

/** The checkout (or installed package) root: the nearest folder above this file with a package.json. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    );

/** A list of addresses and prefixes: a typo must stop the server, not open it up. */
const rangeList = (fallback = '') =>
  list(fallback).refine((xs) => xs.every((x) => !x.includes('-') && parseRange(x).ok), { message: 'each entry must be an IP address or prefix (e.g. 10.0.0.0/8, 2001:db8::/32)' });

/**
 * Host names, each with an optional port, stored as a URL writes them (`RDAP.Example.ID` →
 * `rdap.example.id`, `::1` → `[::1]`): a typo stops the server rather than echoing a Host
 * nobody meant.
 */
const hostList = (fallback: string) =>
  list(fallback)
    .refine((xs) => xs.every((x) => parseHostAndPort(x) !== null), {
      message: 'each entry must be a host name or IP address with an optional port (e.g. rdap.example.id, rdap.example.id:8080, 192.0.2.1, [2001:db8::1]:8080)',
    })
    .transform((xs) => xs.map((x) => formatHostAndPort(parseHostAndPort(x)!)));

/** Loopback names and the machine's own name; a machine name no URL could hold is left out. */
function defaultHosts(): string {
  return ['localhost', '127.0.0.1', '[::1]', hostname()].filter((x) => parseHostAndPort(x) !== null).join(',');
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * An age setting: `8d`, `36h`, `90m`, `45s`, `2w`, `1500ms`, or a bare number of milliseconds
 * like every `*_MS` setting; null when it is none of these or not more than zero.
 */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * DURATION_UNITS[(m[2] ?? 'ms').toLowerCase()]!;
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

/** A duration the way an operator writes it (`8d`, `36h`): the largest unit that divides it. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = DURATION_UNITS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((s) => parseDuration(s) !== null, { message: 'must be a duration such as 8d, 36h, 90m or a number of milliseconds, more than 0' })
    .transform((s) => parseDuration(s)!);

const EnvSchema = z.object({
  HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_PORT: port(8080),
  WHOIS_PORT: port(4343),
  LACAK_DB: z.string().min(1).optional(),
  LACAK_STATE_DB: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LACAK_BASE_URL: z.url().optional(),
  /** Without LACAK_BASE_URL, links echo the Host only when its name is one of these (any port); else they use the first. */
  LACAK_HOSTS: hostList(defaultHosts()),
  LACAK_PORT43: z.string().min(1).default('whois.lacak.example'),
  /** Source order: where two sources hold the same range, the earlier wins (DESIGN §2). */
  LACAK_SOURCES: list('IDNIC,APNIC,DELEGATED-APNIC').transform((xs) => xs.map((x) => x.toUpperCase())),
  /** The registry this lacak serves; its own source and its managed space. */
  LACAK_REGISTRY: z.string().min(1).default('IDNIC'),
  /** Delegated-statistics accounts (opaque-ids) whose space this registry manages. */
  LACAK_MANAGED_OPAQUE_IDS: list('A9186214'),
  /** Networks that never answer as holder (upper-cased netnames; `*` matches any suffix). */
  LACAK_PLACEHOLDER_NETNAMES: list('IANA-BLOCK,IANA-NETBLOCK-*,NON-APNIC,NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK,ERX-NETBLOCK'),
  LACAK_PLACEHOLDER_STATUSES: list('ALLOCATED UNSPECIFIED,AVAILABLE,RESERVED'),
  /** RFC 9224 bootstrap files (ipv4.json, ipv6.json, asn.json) for referrals to other registries. */
  LACAK_BOOTSTRAP_DIR: z.string().min(1).optional(),
  /** /healthz says `stale` when a source's newest snapshot is older than this (issue 14). */
  LACAK_STALE_AFTER: duration('8d'),
  /** /healthz and the start-up log warn when the RFC 9224 bootstrap files were published longer ago than this. */
  LACAK_BOOTSTRAP_MAX_AGE: duration('90d'),
  /** How often the server checks the registry database for a finished import. */
  LACAK_POLL_MS: z.coerce.number().int().min(50).default(2000),
  /** `lacak import` off a terminal: a progress log line at most this often (issue 16). */
  LACAK_IMPORT_PROGRESS_MS: z.coerce.number().int().min(100).default(5000),
  /**
   * Memory for current RDAP address answers kept encoded once asked (issue 15), in MiB: the
   * views and languages the pack does not hold. 0 renders each of those afresh.
   */
  LACAK_ANSWER_CACHE_MB: z.coerce.number().int().min(0).max(65_536).default(256),
  /**
   * Memory for the current answers packed ahead of time in a child process after each import
   * (issue 15), in MiB: RDAP's (anonymous, English) first, then the page's cards, WHOIS's in
   * what they leave (a WHOIS answer made as asked costs least). 0 packs nothing. The default
   * keeps the serving process of the 650,000-network bench registry within 1.5 GiB.
   */
  LACAK_ANSWER_PACK_MB: z.coerce.number().int().min(0).max(4000).default(1350),
  /** WHOIS: a connection silent this long is closed (RIPE's 305). */
  LACAK_WHOIS_IDLE_MS: z.coerce.number().int().min(100).default(60_000),
  /** WHOIS: longest query line in bytes (RIPE's 107 beyond it). */
  LACAK_WHOIS_MAX_LINE: z.coerce.number().int().min(64).max(1_048_576).default(1024),
  /** WHOIS: open connections per client address (RIPE's 306 beyond it). */
  LACAK_WHOIS_MAX_PER_CLIENT: z.coerce.number().int().min(1).default(20),
  /** WHOIS: open connections in all; at the cap the longest-idle one gives way to a new one (issue 13). */
  LACAK_WHOIS_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(4000),
  /** WHOIS: open connections per IPv4 /24 or IPv6 /48, besides the per-address cap (RIPE's 306 beyond it). */
  LACAK_WHOIS_MAX_PER_NETWORK: z.coerce.number().int().min(1).default(100),
  /** WHOIS: a connection that has not sent a complete query line this long after connecting is closed (305). */
  LACAK_WHOIS_FIRST_LINE_MS: z.coerce.number().int().min(100).default(5000),
  /** HTTP and WHOIS: a connection is answered no further while more than this many bytes of its output are unsent. */
  LACAK_WRITE_BUFFER_BYTES: z.coerce.number().int().min(65_536).default(1_048_576),
  /** HTTP and WHOIS: unsent bytes of all connections together; beyond it the connections stuck longest are closed. */
  LACAK_WRITE_BUFFER_TOTAL_BYTES: z.coerce.number().int().min(1_048_576).default(67_108_864),
  /** HTTP and WHOIS: a connection whose output has not drained (the client is not reading) this long is closed. */
  LACAK_WRITE_STALL_MS: z.coerce.number().int().min(100).default(30_000),
  /** Requests (RDAP) or queries (WHOIS) per minute: anonymous per IPv4 address or IPv6 /64. */
  /** Worker threads answering questions about many objects (inverse WHOIS queries, RDAP searches). */
  LACAK_HEAVY_WORKERS: z.coerce.number().int().min(1).max(16).default(1),
  /** Serving processes on the same ports (issue 17): all the cores by default. */
  LACAK_WORKERS: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
  /** Set by the supervisor for each worker it starts (0, 1, ...); not a setting for operators. */
  LACAK_WORKER_INDEX: z.coerce.number().int().min(0).optional(),
  LACAK_RATE_ANONYMOUS: z.coerce.number().int().min(1).default(600),
  /** Per key, per minute. */
  LACAK_RATE_MEMBER: z.coerce.number().int().min(1).default(3000),
  LACAK_RATE_LEA: z.coerce.number().int().min(1).default(20_000),
  LACAK_RATE_ADMIN: z.coerce.number().int().min(1).default(20_000),
  /** Address ranges exempt from rate limits (the registry's monitoring, a benchmark on loopback). */
  LACAK_RATE_EXEMPT: rangeList(),
  /** Load balancers in front of the WHOIS port whose connections start with a PROXY v1 header (HAProxy `send-proxy`). */
  LACAK_WHOIS_PROXY_FROM: rangeList(),
  /** Proxies whose X-Forwarded-For is believed: addresses or CIDR ranges. */
  LACAK_TRUSTED_PROXIES: rangeList(),
  /** `lacak serve --follow`: the primary's /snapshots/ URL or a published folder (issue 17). */
  LACAK_FOLLOW: z.string().min(1).optional(),
  /** A replica checks its source this often. */
  LACAK_FOLLOW_MS: z.coerce.number().int().min(100).max(86_400_000).default(5000),
  /** An admin key a replica presents to a primary that does not list it in LACAK_REPLICA_ALLOW. */
  LACAK_FOLLOW_KEY: z.string().min(1).optional(),
  /** What a replica calls itself in logs, metrics and /healthz. */
  LACAK_REPLICA_NAME: z.string().min(1).max(100).regex(/^[\w.-]+$/, 'letters, digits, ".", "_" and "-" only').default(hostname()),
  /** The primary publishes snapshots for replicas here (after each import and key change) and serves them at /snapshots/. */
  LACAK_PUBLISH_DIR: z.string().min(1).optional(),
  /** Who may fetch /snapshots/ without an admin key: the replicas' addresses. */
  LACAK_REPLICA_ALLOW: rangeList('127.0.0.0/8,::1'),
  /** Rate limits counted in this Redis, shared by every lacak process that names it (issue 17). */
  LACAK_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
  /** Who may read /metrics (issue 17): addresses or prefixes; the scraper's, not the public's. */
  LACAK_METRICS_ALLOW: rangeList('127.0.0.0/8,::1'),
  /**
   * SIGTERM (issue 17): /readyz says 503 at once; new connections are still taken for this long,
   * so a load balancer sees the server leave before anyone is refused.
   */
  LACAK_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  /** SIGTERM: the process exits by this long after the signal, answers in flight or not. */
  LACAK_SHUTDOWN_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** The audit chain's key file (mode 0600, outside both databases); default next to the state database. */
  LACAK_AUDIT_KEY: z.string().min(1).optional(),
  /** How long an answer carrying personal data waits for its audit row before it is a 503 instead. */
  LACAK_AUDIT_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /** The evidence signing keys (issue 18; `lacak evidence keygen`, mode 0600, outside both databases); default next to the state database. */
  LACAK_SIGNING_KEY: z.string().min(1).optional(),
});

export interface Config {
  readonly host: string;
  readonly httpPort: number;
  readonly whoisPort: number;
  /** Registry database path; `usesSample` when LACAK_DB was unset. */
  readonly dbPath: string;
  readonly usesSample: boolean;
  readonly stateDbPath: string;
  readonly logLevel: string;
  readonly baseUrl: string | undefined;
  /** LACAK_HOSTS: host names whose Host header links may echo (without LACAK_BASE_URL). */
  readonly acceptedHosts: readonly string[];
  readonly port43: string;
  readonly sources: readonly string[];
  readonly registry: string;
  readonly managedOpaqueIds: readonly string[];
  readonly placeholderNetnames: readonly string[];
  readonly placeholderStatuses: readonly string[];
  readonly pollMs: number;
  /** LACAK_IMPORT_PROGRESS_MS. */
  readonly importProgressMs: number;
  readonly sampleDir: string;
  readonly bootstrapDir: string;
  /** LACAK_STALE_AFTER in ms: a source whose newest snapshot is older makes /healthz say `stale`. */
  readonly staleAfterMs: number;
  /** LACAK_BOOTSTRAP_MAX_AGE in ms: bootstrap files published longer ago are warned about. */
  readonly bootstrapMaxAgeMs: number;
  readonly whois: WhoisLimits;
  readonly output: OutputLimits;
  readonly rates: RateLimits;
  readonly heavyWorkers: number;
  /** LACAK_ANSWER_CACHE_MB in bytes. */
  readonly answerCacheBytes: number;
  /** LACAK_ANSWER_PACK_MB in bytes. */
  readonly answerPackBytes: number;
  readonly trustedProxies: readonly string[];
  /** LACAK_WORKERS: processes serving the same ports. */
  readonly workers: number;
  /** Which of them this process is (null: the only one). */
  readonly workerIndex: number | null;
  /** A replica's source and how it follows it (null: this server is not a replica). */
  readonly follow: string | null;
  /** LACAK_FOLLOW_MS and LACAK_FOLLOW_KEY. */
  readonly followMs: number;
  readonly followKey: string | null;
  readonly replicaName: string;
  /** Where `snapshot publish` writes by default and /snapshots/ serves from (null: not published). */
  readonly publishDir: string | null;
  readonly replicaAllow: readonly string[];
  /** LACAK_REDIS_URL (null: each process counts its own rate limits). */
  readonly redisUrl: string | null;
  /** LACAK_WHOIS_PROXY_FROM. */
  readonly whoisProxiesFrom: readonly string[];
  /** LACAK_METRICS_ALLOW: the ranges /metrics answers. */
  readonly metricsAllow: readonly string[];
  /** LACAK_SHUTDOWN_GRACE_MS and LACAK_SHUTDOWN_MS. */
  readonly shutdown: { readonly graceMs: number; readonly totalMs: number };
  readonly auditKeyPath: string;
  readonly auditWaitMs: number;
  /** LACAK_SIGNING_KEY: the evidence signing keys; the file may be missing (evidence is then 503). */
  readonly signingKeyPath: string;
}

/** Requests per minute by who asks (DESIGN §5); published in /help and the WHOIS help. */
export interface RateLimits {
  readonly anonymous: number;
  readonly member: number;
  readonly lea: number;
  readonly admin: number;
  readonly exempt: readonly string[];
}

export interface WhoisLimits {
  readonly idleMs: number;
  readonly firstLineMs: number;
  readonly maxPerNetwork: number;
  readonly maxLineBytes: number;
  readonly maxPerClient: number;
  readonly maxConnections: number;
}

/** Output a client has not read yet, per connection and in all (issue 13); both front ends. */
export interface OutputLimits {
  readonly connectionBytes: number;
  readonly totalBytes: number;
  readonly stallMs: number;
}

/** The process's own configuration: the environment, with a command line's `--db` on top. */
export function configFromProcess(overrides: { db?: string } = {}): Config {
  return loadConfig(process.env, overrides);
}

/** Parses settings from the given variables (tests pass their own, never the real environment). */
export function loadConfig(env: Record<string, string | undefined>, overrides: { db?: string } = {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new LacakError(LACAK_ERR.CONFIG, `bad setting ${first.path.join('.')}: ${first.message}`);
  }
  const e = parsed.data;
  const root = projectRoot();
  const explicitDb = overrides.db ?? e.LACAK_DB;
  const dbPath = resolve(explicitDb ?? join(root, 'data', 'lacak.sqlite'));
  const stateDbPath = resolve(e.LACAK_STATE_DB ?? dbPath.replace(/(\.sqlite3?|\.db)?$/, '.state.sqlite'));
  return Object.freeze({
    host: e.HOST,
    httpPort: e.HTTP_PORT,
    whoisPort: e.WHOIS_PORT,
    dbPath,
    usesSample: explicitDb === undefined,
    stateDbPath,
    logLevel: e.LOG_LEVEL,
    baseUrl: e.LACAK_BASE_URL,
    acceptedHosts: Object.freeze(e.LACAK_HOSTS),
    port43: e.LACAK_PORT43,
    sources: Object.freeze(e.LACAK_SOURCES),
    registry: e.LACAK_REGISTRY.toUpperCase(),
    managedOpaqueIds: Object.freeze(e.LACAK_MANAGED_OPAQUE_IDS),
    placeholderNetnames: Object.freeze(e.LACAK_PLACEHOLDER_NETNAMES.map((x) => x.toUpperCase())),
    placeholderStatuses: Object.freeze(e.LACAK_PLACEHOLDER_STATUSES.map((x) => x.toUpperCase())),
    pollMs: e.LACAK_POLL_MS,
    importProgressMs: e.LACAK_IMPORT_PROGRESS_MS,
    sampleDir: join(root, 'data', 'sample'),
    bootstrapDir: resolve(e.LACAK_BOOTSTRAP_DIR ?? join(root, 'data', 'bootstrap')),
    staleAfterMs: e.LACAK_STALE_AFTER,
    bootstrapMaxAgeMs: e.LACAK_BOOTSTRAP_MAX_AGE,
    whois: Object.freeze({
      idleMs: e.LACAK_WHOIS_IDLE_MS,
      maxLineBytes: e.LACAK_WHOIS_MAX_LINE,
      maxPerClient: e.LACAK_WHOIS_MAX_PER_CLIENT,
      maxConnections: e.LACAK_WHOIS_MAX_CONNECTIONS,
      maxPerNetwork: e.LACAK_WHOIS_MAX_PER_NETWORK,
      firstLineMs: e.LACAK_WHOIS_FIRST_LINE_MS,
    }),
    output: Object.freeze({
      connectionBytes: e.LACAK_WRITE_BUFFER_BYTES,
      totalBytes: e.LACAK_WRITE_BUFFER_TOTAL_BYTES,
      stallMs: e.LACAK_WRITE_STALL_MS,
    }),
    rates: Object.freeze({
      anonymous: e.LACAK_RATE_ANONYMOUS,
      member: e.LACAK_RATE_MEMBER,
      lea: e.LACAK_RATE_LEA,
      admin: e.LACAK_RATE_ADMIN,
      exempt: Object.freeze(e.LACAK_RATE_EXEMPT),
    }),
    heavyWorkers: e.LACAK_HEAVY_WORKERS,
    answerCacheBytes: e.LACAK_ANSWER_CACHE_MB * 1024 * 1024,
    answerPackBytes: e.LACAK_ANSWER_PACK_MB * 1024 * 1024,
    trustedProxies: Object.freeze(e.LACAK_TRUSTED_PROXIES),
    workers: e.LACAK_WORKERS,
    workerIndex: e.LACAK_WORKER_INDEX ?? null,
    follow: e.LACAK_FOLLOW ?? null,
    followMs: e.LACAK_FOLLOW_MS,
    followKey: e.LACAK_FOLLOW_KEY ?? null,
    replicaName: e.LACAK_REPLICA_NAME,
    publishDir: e.LACAK_PUBLISH_DIR ? resolve(e.LACAK_PUBLISH_DIR) : null,
    replicaAllow: Object.freeze(e.LACAK_REPLICA_ALLOW),
    redisUrl: e.LACAK_REDIS_URL ?? null,
    whoisProxiesFrom: Object.freeze(e.LACAK_WHOIS_PROXY_FROM),
    metricsAllow: Object.freeze(e.LACAK_METRICS_ALLOW),
    shutdown: Object.freeze({ graceMs: e.LACAK_SHUTDOWN_GRACE_MS, totalMs: Math.max(e.LACAK_SHUTDOWN_MS, e.LACAK_SHUTDOWN_GRACE_MS + 1000) }),
    // Next to the state database by default (`lacak.state.sqlite` → `lacak.state.audit-key`),
    // never inside it: what can write the database must not also hand out the key.
    auditKeyPath: resolve(e.LACAK_AUDIT_KEY ?? stateDbPath.replace(/(\.sqlite3?|\.db)?$/, '.audit-key')),
    auditWaitMs: e.LACAK_AUDIT_WAIT_MS,
    // Like the audit key: beside the state database, in neither database (a snapshot copied to
    // a replica must not carry the key that makes evidence).
    signingKeyPath: resolve(e.LACAK_SIGNING_KEY ?? stateDbPath.replace(/(\.sqlite3?|\.db)?$/, '.signing-key')),
  });
}
