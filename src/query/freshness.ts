// How current the data behind the answers is (issue 14): each source's newest snapshot against
// LACAK_STALE_AFTER, and the RFC 9224 bootstrap files against LACAK_BOOTSTRAP_MAX_AGE. A
// scheduled import that silently stopped leaves a server answering with last month's holders
// and nothing else notices; /healthz and the start-up log say so in words an operator can act on.
import { formatDuration } from '../config.js';
import { formatInstant } from './time.js';

export interface SourceFreshness {
  readonly source: string;
  /** The snapshot instant of the source's newest import (`--at`, or the file's own date). */
  readonly snapshotAt: string;
  readonly importId: number;
  readonly ageSeconds: number;
  readonly stale: boolean;
  /** Only when stale: what is wrong and what to do, as the start-up log says it. */
  readonly warning?: string;
}

export interface BootstrapFreshness {
  /** The newest `publication` of ipv4.json, ipv6.json and asn.json. */
  readonly publication: string;
  readonly ageSeconds: number;
  /** Older than LACAK_BOOTSTRAP_MAX_AGE. */
  readonly old: boolean;
  /** Only when old: what is wrong and what to do. */
  readonly warning?: string;
}

export interface Freshness {
  /** `stale` when any source's newest snapshot is older than LACAK_STALE_AFTER. */
  readonly status: 'ok' | 'stale';
  readonly staleAfter: string;
  readonly sources: readonly SourceFreshness[];
  readonly bootstrapMaxAge: string;
  /** Null when the server runs without bootstrap files. */
  readonly bootstrap: BootstrapFreshness | null;
  /** Every item's warning, for a monitor that reads one list. */
  readonly warnings: readonly string[];
}

export interface FreshnessInput {
  readonly snapshots: readonly { readonly source: string; readonly at: number; readonly importId: number }[];
  readonly bootstrapPublication: string | null;
  readonly staleAfterMs: number;
  readonly bootstrapMaxAgeMs: number;
  readonly now: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** An age as people say it: days past two days, hours past two hours, else minutes. */
function formatAge(ms: number): string {
  if (ms >= 2 * DAY) return `${Math.floor(ms / DAY)} days`;
  if (ms >= 2 * HOUR) return `${Math.floor(ms / HOUR)} hours`;
  return `${Math.max(0, Math.floor(ms / 60_000))} minutes`;
}

export function freshness(input: FreshnessInput): Freshness {
  const { now, staleAfterMs, bootstrapMaxAgeMs } = input;
  const staleAfter = formatDuration(staleAfterMs);
  const bootstrapMaxAge = formatDuration(bootstrapMaxAgeMs);
  const sources = input.snapshots.map((s): SourceFreshness => {
    // A snapshot dated ahead of the clock (an `--at` typo) counts as new, not as negative age.
    const age = Math.max(0, now - s.at);
    const stale = age > staleAfterMs;
    const item = { source: s.source, snapshotAt: formatInstant(s.at), importId: s.importId, ageSeconds: Math.floor(age / 1000), stale };
    if (!stale) return item;
    return {
      ...item,
      warning: `source ${s.source}: its newest snapshot (${item.snapshotAt}, import ${s.importId}) is ${formatAge(age)} old, older than LACAK_STALE_AFTER (${staleAfter}); answers may name holders that have changed since: check the scheduled imports`,
    };
  });
  let bootstrap: BootstrapFreshness | null = null;
  if (input.bootstrapPublication !== null) {
    const published = Date.parse(input.bootstrapPublication);
    const age = Math.max(0, now - published);
    const old = age > bootstrapMaxAgeMs;
    const item = { publication: input.bootstrapPublication, ageSeconds: Math.floor(age / 1000), old };
    bootstrap = old
      ? {
          ...item,
          warning: `the RDAP bootstrap files were published ${input.bootstrapPublication} (${formatAge(age)} ago), longer ago than LACAK_BOOTSTRAP_MAX_AGE (${bootstrapMaxAge}); space and AS numbers IANA allocated since answer "Authority unknown" instead of a referral: refresh them from IANA with scripts/make-bootstrap.ts`,
        }
      : item;
  }
  const warnings = [...sources.map((s) => s.warning), bootstrap?.warning].filter((w): w is string => w !== undefined);
  return {
    status: sources.some((s) => s.stale) ? 'stale' : 'ok',
    staleAfter,
    sources,
    bootstrapMaxAge,
    bootstrap,
    warnings,
  };
}
