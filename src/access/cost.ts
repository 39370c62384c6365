// What a query costs its client (issue 13: rate limits count cost, not requests). A query is
// charged one point, and one more for every ROWS_PER_POINT registry rows it read and every
// BYTES_PER_POINT bytes it returned, against the per-minute budget of DESIGN §5's role
// limits (LACAK_RATE_*): a lookup costs 1, an inverse query over a big maintainer hundreds.
// The figures are published in /help and the WHOIS help.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { SharedCounts } from './shared-counts.js';

export const ROWS_PER_POINT = 100;
export const BYTES_PER_POINT = 16 * 1024;

/** The points a query costs: 1, plus its rows read and bytes returned. */
export function queryCost(work: { readonly rows: number; readonly bytes: number }): number {
  return 1 + Math.floor(work.rows / ROWS_PER_POINT) + Math.floor(work.bytes / BYTES_PER_POINT);
}

export interface Admission {
  /** Null: go ahead; else the seconds to wait. */
  readonly retryAfter: number | null;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the budget is whole again. */
  readonly reset: number;
}

/**
 * Per-minute budgets in points, one per client key (an address, an IPv6 /64, a key id). A query
 * is admitted by taking its first point before any work; what it cost beyond that is charged
 * when it is over, so a client whose queries are heavy runs out sooner, and is told when to
 * come back, while the others keep their own budgets.
 */
export class CostLimiter {
  private readonly limiters = new Map<number, RateLimiterMemory | RateLimiterRedis>();

  /**
   * `shared`: count in Redis, under `name` (each budget its own keys), with this process's own
   * count as the insurance while Redis does not answer (shared-counts.ts).
   */
  constructor(
    private readonly name = 'budget',
    private readonly shared: SharedCounts | null = null,
  ) {}

  private limiter(perMinute: number): RateLimiterMemory | RateLimiterRedis {
    let limiter = this.limiters.get(perMinute);
    if (!limiter) {
      const local = new RateLimiterMemory({ points: perMinute, duration: 60 });
      limiter = this.shared
        ? new RateLimiterRedis({
            storeClient: this.shared.redis,
            keyPrefix: `${this.shared.prefix}:${this.name}:${perMinute}`,
            points: perMinute,
            duration: 60,
            rejectIfRedisNotReady: true,
            insuranceLimiter: local,
          })
        : local;
      this.limiters.set(perMinute, limiter);
    }
    return limiter;
  }

  async admit(key: string, perMinute: number): Promise<Admission> {
    try {
      const res = await this.limiter(perMinute).consume(key, 1);
      return { retryAfter: null, limit: perMinute, remaining: res.remainingPoints, reset: Math.ceil(res.msBeforeNext / 1000) };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const wait = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      return { retryAfter: wait, limit: perMinute, remaining: 0, reset: wait };
    }
  }

  /** What a query cost beyond its first point; never refuses (the answer is already given). */
  async charge(key: string, perMinute: number, points: number): Promise<void> {
    if (points > 0) await this.limiter(perMinute).penalty(key, points);
  }
}
