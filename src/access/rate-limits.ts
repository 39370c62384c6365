// Rate limits outside Fastify (the WHOIS port), and the exempt ranges both front ends share.
// Counting is rate-limiter-flexible's; the policy (who, how many) is DESIGN §5's.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimits } from '../config.js';
import { CostLimiter, queryCost } from './cost.js';
import { parseIp, unmapIpv4 } from '../net/ip.js';
import { parseRange, type IpRange } from '../net/prefix.js';

/** Whether a client address is in one of the exempt ranges (monitoring, a local benchmark). */
export function exemptMatcher(ranges: readonly string[]): (ip: string) => boolean {
  const parsed: IpRange[] = ranges.map((text) => parseRange(text)).flatMap((r) => (r.ok ? [r.range] : []));
  return (ip) => {
    const address = parseIp(ip);
    if (!address) return false;
    const a = unmapIpv4(address);
    return parsed.some((r) => r.family === a.family && r.start <= a.value && a.value <= r.end);
  };
}

/**
 * A per-minute budget per client key (an IPv4 address or an IPv6 /64, see clientKey): null
 * for exempt clients; otherwise a verdict, null to go ahead or the seconds to wait. Used
 * for WHOIS queries (anonymous) and for refused credentials over HTTP.
 */
export function clientLimiter(perMinute: number, exempt: readonly string[]): (client: string) => Promise<number | null> | null {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  const isExempt = exemptMatcher(exempt);
  return (client) => {
    if (isExempt(client.replace(/\/64$/, ''))) return null;
    return limiter.consume(client).then(
      () => null,
      (rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw rejection;
      },
    );
  };
}

/**
 * The WHOIS port's budgets, counted in cost (access/cost.ts): `admit` takes a query's first
 * point before any work (null: exempt, go ahead; else a verdict, null or the seconds to
 * wait); `charge` takes what the answered query cost beyond it.
 */
export function clientBudget(perMinute: number, exempt: readonly string[]): {
  admit: (client: string) => Promise<number | null> | null;
  charge: (client: string, work: { readonly rows: number; readonly bytes: number }) => void;
} {
  const budgets = new CostLimiter();
  const isExempt = exemptMatcher(exempt);
  const exemptClient = (client: string) => isExempt(client.replace(/\/64$/, ''));
  return {
    admit: (client) => (exemptClient(client) ? null : budgets.admit(client, perMinute).then((a) => a.retryAfter)),
    charge: (client, work) => {
      if (!exemptClient(client)) void budgets.charge(client, perMinute, queryCost(work) - 1);
    },
  };
}
