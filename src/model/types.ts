// The registry's records, as every importer produces them and the store keeps them.
import type { AsnRange } from '../net/asn.js';
import type { IpRange } from '../net/prefix.js';

/** A defect found in input data: a value, never an exception (STYLE §6 Errors 1). */
export interface DataIssue {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly message: string;
  /** `error` rejects the object; `warning` keeps it. */
  readonly severity: 'error' | 'warning';
}

/** One `name: value` line of an RPSL object; continuation lines are joined with `\n`. */
export interface RpslAttribute {
  /** Lower-cased attribute name (`admin-c`). */
  readonly name: string;
  /** The value as written, continuation lines joined by `\n`, end-of-line comments kept. */
  readonly value: string;
  readonly line: number;
}

/** A parsed RPSL paragraph. `className` is the first attribute's name. */
export interface RpslObject {
  readonly className: string;
  readonly attributes: readonly RpslAttribute[];
  readonly file: string;
  readonly line: number;
}

export interface Reference {
  /** The referring attribute (`admin-c`, `org`, `mnt-by`, ...). */
  readonly attribute: string;
  /** Upper-cased handle or key referred to. */
  readonly target: string;
}

/**
 * A registry object ready for the store: RPSL objects, delegated-statistics
 * records and members-CSV rows all become this shape.
 */
export interface RegistryObject {
  readonly source: string;
  readonly className: string;
  /** Primary key in canonical form: ranges `a - b` / `prefix/len`, handles upper-cased. */
  readonly key: string;
  /** Attributes in original order, repeats kept: [name, value]. */
  readonly attributes: readonly (readonly [string, string])[];
  readonly range?: IpRange;
  readonly asns?: AsnRange;
  readonly references: readonly Reference[];
  /** Where it came from, for issues and provenance. */
  readonly file: string;
  readonly line: number;
  /** The line of the attribute that gives the key (`nic-hdl:` of a person), for key-level issues. */
  readonly keyLine?: number;
}

/** An object version as stored: valid in [validFrom, validTo). Times are epoch milliseconds. */
export interface StoredObject extends RegistryObject {
  readonly id: number;
  readonly validFrom: number;
  readonly validTo: number | null;
  readonly importId: number;
}

export function firstValue(object: Pick<RegistryObject, 'attributes'>, name: string): string | undefined {
  for (const [n, v] of object.attributes) if (n === name) return v;
  return undefined;
}

export function allValues(object: Pick<RegistryObject, 'attributes'>, name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of object.attributes) if (n === name) out.push(v);
  return out;
}

/** Strips an RPSL end-of-line `#` comment and surrounding space from a value. */
export function stripComment(value: string): string {
  const hash = value.indexOf('#');
  const text = hash >= 0 ? value.slice(0, hash) : value;
  // Most values have single spaces only: then there is nothing to fold, and an import of a
  // national dump calls this a dozen times per object.
  return (UNFOLDED_SPACE.test(text) ? text.replace(/\s+/g, ' ') : text).trim();
}

/** Whitespace that `\s+` → ' ' would change: a run of two, or any whitespace but a plain space. */
const UNFOLDED_SPACE = /[^\S ]|\s\s/;

/**
 * The account a delegated-statistics record is registered to (its `opaque-id`). An account
 * is not an organisation handle: nothing resolves it as one (DESIGN §2).
 */
export function delegatedAccount(object: Pick<RegistryObject, 'source' | 'attributes'>): string | null {
  if (!isDelegatedSource(object.source)) return null;
  const v = firstValue(object, 'opaque-id');
  const account = v === undefined ? '' : stripComment(v).toUpperCase();
  return account.length > 0 ? account : null;
}

/** Delegated statistics are stored as source `DELEGATED-<REGISTRY>` (DESIGN §2 Sources). */
export function isDelegatedSource(source: string): boolean {
  return source.startsWith('DELEGATED-');
}

/** The registry a delegated source was published by (`DELEGATED-APNIC` → `APNIC`). */
export function delegatedRegistry(source: string): string | null {
  return isDelegatedSource(source) ? source.slice('DELEGATED-'.length) : null;
}
