// Which networks never answer as holder (DESIGN §2): placeholders by netname or status,
// and the delegated-statistics records of the registry's own account, which define the
// space it manages rather than a holder.
import type { Config } from '../config.js';
import type { StoredObject } from '../model/types.js';
import { delegatedAccount, firstValue, isDelegatedSource, stripComment } from '../model/types.js';

/**
 * `owner` is whom a network is registered to: its organisation handle, or for a delegated
 * record its account (the `org` column of the store holds the same).
 */
export interface PlaceholderRule {
  isPlaceholder(netname: string | null, status: string | null, source: string, owner: string | null): boolean;
  /** The network marks space this registry manages (its own source, or its delegated account). */
  isManagedMarker(source: string, owner: string | null): boolean;
  /** A delegated record of one of this registry's own accounts. */
  isOwnAccount(source: string, owner: string | null): boolean;
}

function matches(pattern: string, value: string): boolean {
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

export function placeholderRule(config: Pick<Config, 'placeholderNetnames' | 'placeholderStatuses' | 'managedOpaqueIds' | 'registry'>): PlaceholderRule {
  const accounts = new Set(config.managedOpaqueIds.map((x) => x.toUpperCase()));
  const isOwnAccount = (source: string, owner: string | null) => isDelegatedSource(source) && owner !== null && accounts.has(owner);
  return {
    isPlaceholder(netname, status, source, owner) {
      if (netname && config.placeholderNetnames.some((p) => matches(p, netname.toUpperCase()))) return true;
      if (status && config.placeholderStatuses.includes(status.toUpperCase())) return true;
      return isOwnAccount(source, owner);
    },
    isManagedMarker(source, owner) {
      return source === config.registry || isOwnAccount(source, owner);
    },
    isOwnAccount,
  };
}

/** Position of a source in LACAK_SOURCES (lower wins); unlisted sources come after all listed ones. */
export function sourceRank(sources: readonly string[]): (source: string) => number {
  const order = new Map(sources.map((s, i) => [s, i] as const));
  return (source) => order.get(source) ?? sources.length;
}

/** What the index build needs of the configuration: plain data, so a worker can receive it. */
export type IndexSettings = Pick<Config, 'sources' | 'placeholderNetnames' | 'placeholderStatuses' | 'managedOpaqueIds' | 'registry'>;

export function indexSettings(config: IndexSettings): IndexSettings {
  return {
    sources: [...config.sources],
    placeholderNetnames: [...config.placeholderNetnames],
    placeholderStatuses: [...config.placeholderStatuses],
    managedOpaqueIds: [...config.managedOpaqueIds],
    registry: config.registry,
  };
}

function upperValue(o: StoredObject, name: string): string | null {
  const x = firstValue(o, name);
  return x === undefined ? null : stripComment(x).toUpperCase() || null;
}

/** Whom a network is registered to: a delegated record's account, else its organisation. */
export function ownerOf(o: StoredObject): string | null {
  return delegatedAccount(o) ?? upperValue(o, 'org');
}

export function objectIsPlaceholder(rule: PlaceholderRule, o: StoredObject): boolean {
  return rule.isPlaceholder(upperValue(o, 'netname'), upperValue(o, 'status'), o.source, ownerOf(o));
}
