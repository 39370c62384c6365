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
