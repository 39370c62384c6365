// Rate limits shared by every lacak process behind one load balancer (issue 17): with
// LACAK_REDIS_URL set, budgets are counted in Redis (rate-limiter-flexible's RateLimiterRedis),
// so two replicas give a client the published limit, not twice it. Redis is asked with a short
// timeout and never queued for: when it is slow or gone each process counts on its own (the
// limiter's insurance), says so in its log and in lacak_rate_limits_shared, and goes back to
// Redis once it answers again. Limits are never dropped, and nobody is refused for Redis's sake.
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { rateLimitsShared } from '../metrics.js';

/** Where budgets are counted when not in this process alone. */
export interface SharedCounts {
  readonly redis: Redis;
  /** Prefix of every key lacak writes (one Redis may serve other things). */
  readonly prefix: string;
}

/** A Redis command slower than this is answered by the process's own count instead. */
export const REDIS_COMMAND_TIMEOUT_MS = 250;

export function connectSharedCounts(url: string, log: Logger): SharedCounts {
  const redis = new Redis(url, {
    // A command while disconnected fails at once (to the per-process count) instead of waiting.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
    // Reconnect for ever, at most every 2 s: Redis coming back is noticed without a restart.
    retryStrategy: (times) => Math.min(200 * times, 2000),
  });
  let shared: boolean | null = null;
  const say = (now: boolean, detail?: string) => {
    rateLimitsShared.set(now ? 1 : 0);
    if (shared === now) return;
    shared = now;
    if (now) log.info({ redis: redactedUrl(url) }, 'rate limits counted in Redis, shared with the other processes');
    else log.warn({ redis: redactedUrl(url), detail }, 'Redis unreachable: rate limits counted in this process alone until it is back');
  };
  rateLimitsShared.set(0);
  redis.on('ready', () => say(true));
  redis.on('error', (err: Error) => say(false, err.message));
  redis.on('close', () => say(false, 'connection closed'));
  return { redis, prefix: 'lacak' };
}

/** The URL without its password, for logs. */
function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return '(not a URL)';
  }
}

/**
 * Open WHOIS connections per client across every process that shares `counts` (issue 17): the
 * per-client cap holds for the fleet, not per process. Each count expires a while after its
 * newest connection opened, so a process that dies with connections open leaves no client shut
 * out for longer than that. When Redis does not answer in time the process's own count decides
 * (the caller's), as for the rate limits.
 */
export class SharedConnectionCount {
  constructor(
    private readonly counts: SharedCounts,
    /** How long a count outlives the last connection it saw opened: longer than a connection may stay idle. */
    private readonly ttlSeconds: number,
  ) {}

  private key(client: string): string {
    return `${this.counts.prefix}:whois-connections:${client}`;
  }

  /**
   * Counts one more connection of `client`: `over` when that makes more than `max` for the
   * fleet (it is then not counted); `counted` (release it when the connection closes); or
   * `uncounted` when Redis could not say, and the process's own count decides alone.
   */
  async open(client: string, max: number): Promise<'counted' | 'uncounted' | 'over'> {
    const redis = this.counts.redis;
    if (redis.status !== 'ready') return 'uncounted';
    const key = this.key(client);
    try {
      const results = await redis.multi().incr(key).expire(key, this.ttlSeconds).exec();
      const count = Number(results?.[0]?.[1] ?? 0);
      if (count <= max) return 'counted';
      await this.decrement(key);
      return 'over';
    } catch {
      return 'uncounted';
    }
  }

  /** A counted connection closed. */
  release(client: string): void {
    if (this.counts.redis.status === 'ready') this.decrement(this.key(client)).catch(() => undefined);
  }

  /** Down by one, unless the count has expired meanwhile (a count made anew at -1 would never expire). */
  private async decrement(key: string): Promise<void> {
    await this.counts.redis.eval("if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end return 0", 1, key);
  }
}
