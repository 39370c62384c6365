// Rate limits outside Fastify (the WHOIS port), and the exempt ranges both front ends share.
// Counting is rate-limiter-flexible's; the policy (who, how many) is DESIGN §5's.
import { CostLimiter, queryCost } from './cost.js';
import type { SharedCounts } from './shared-counts.js';
import { parseIp, unmapIpv4 } from '../net/ip.js';
import { parseRange, type IpRange } from '../net/prefix.js';

/** Whether a client address is in one of the ranges (the rate-limit exempt, those allowed /metrics). */
export function rangeMatcher(ranges: readonly string[]): (ip: string) => boolean {
  const parsed: IpRange[] = ranges.map((text) => parseRange(text)).flatMap((r) => (r.ok ? [r.range] : []));
  return (ip) => {
    const address = parseIp(ip);
    if (!address) return false;
    const a = unmapIpv4(address);
    return parsed.some((r) => r.family === a.family && r.start <= a.value && a.value <= r.end);
  };
}

/**
 * Per-minute budgets per client key (an IPv4 address or an IPv6 /64, see clientKey), counted
 * in cost (access/cost.ts): `admit` takes a query's first point before any work (null:
 * exempt, go ahead; else a verdict, null or the seconds to wait); `charge` takes what the
 * answered query cost beyond it. Used for WHOIS queries (anonymous) and, admit alone, for
 * refused credentials over HTTP.
 */
export function clientBudget(
  perMinute: number,
  exempt: readonly string[],
  counted: { readonly name: string; readonly shared: SharedCounts | null } = { name: 'budget', shared: null },
): {
  admit: (client: string) => Promise<number | null> | null;
  charge: (client: string, work: { readonly rows: number; readonly bytes: number }) => void;
} {
  const budgets = new CostLimiter(counted.name, counted.shared);
  const isExempt = rangeMatcher(exempt);
  const exemptClient = (client: string) => isExempt(client.replace(/\/64$/, ''));
  return {
    admit: (client) => (exemptClient(client) ? null : budgets.admit(client, perMinute).then((a) => a.retryAfter)),
    charge: (client, work) => {
      if (!exemptClient(client)) void budgets.charge(client, perMinute, queryCost(work) - 1);
    },
  };
}
