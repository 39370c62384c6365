// What the query service answers, for every front end to render (STYLE §7.4: a closed union).
import type { SpecialPurposeBlock } from '../net/special.js';
import type { IpRange } from '../net/prefix.js';
import type { StoredObject } from '../model/types.js';

export type QueryErrorCode = 'bad-address' | 'bad-range' | 'bad-asn' | 'bad-time' | 'no-data-at-time' | 'bad-key';

export type NotFound =
  /** Special-purpose space no registry assigns (RFC 1918, CGNAT, documentation, ...). */
  | { readonly kind: 'special'; readonly block: SpecialPurposeBlock }
  /** Inside the space this registry manages, but no network covers it. */
  | { readonly kind: 'not-assigned'; readonly registry: string }
  /** Another registry's space: refer the client there. */
  | { readonly kind: 'foreign' }
  /** No object with that key or handle. */
  | { readonly kind: 'no-object' };

export type Outcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'notFound'; readonly notFound: NotFound; readonly asOf: AsOf }
  | { readonly kind: 'userError'; readonly code: QueryErrorCode; readonly message: string };

export interface SourceSnapshot {
  readonly source: string;
  /** The snapshot the answer was read from (latest at or before the instant). */
  readonly snapshotAt: number;
  readonly importId: number;
  /** The next snapshot after the instant, or null: "current". */
  readonly nextAt: number | null;
}

/** The instant an answer describes, and which snapshots it came from. */
export interface AsOf {
  readonly instant: number;
  /** False when the caller asked about "now". */
  readonly requested: boolean;
  readonly sources: readonly SourceSnapshot[];
}

export interface AbuseContact {
  readonly mailbox: string;
  /** The role or irt object the mailbox was read from. */
  readonly contact: StoredObject;
  readonly via: 'abuse-c' | 'mnt-irt' | 'org-abuse-c';
  /** The network whose rule gave the contact. */
  readonly network: StoredObject;
  readonly inherited: boolean;
}

export interface LegalContact {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
}

export interface ResponsibleMember {
  /** The ALLOCATED PORTABLE network of the member. */
  readonly network: StoredObject;
  readonly orgHandle: string;
  readonly organisation: StoredObject | null;
  /** The members-CSV row, if the member is listed there. */
  readonly record: StoredObject | null;
  readonly name: string | null;
  readonly legalContact: LegalContact | null;
}

export interface HolderName {
  readonly text: string;
  readonly from: 'org-name' | 'descr' | 'member-record';
}

export interface IpAnswer {
  readonly query: { readonly text: string; readonly range: IpRange; readonly port: number | null };
  readonly asOf: AsOf;
  /** The most specific covering non-placeholder network. */
  readonly holder: StoredObject;
  readonly holderName: HolderName | null;
  readonly organisation: StoredObject | null;
  /** Holder first, then every less specific non-placeholder network, most specific first. */
  readonly chain: readonly StoredObject[];
  readonly member: ResponsibleMember | null;
  readonly subAllocation: StoredObject | null;
  /** No member: the space is held by the registry (or the RIR) itself. */
  readonly heldByRegistry: boolean;
  readonly abuse: AbuseContact | null;
}

export interface ObjectAnswer {
  readonly asOf: AsOf;
  readonly objects: readonly StoredObject[];
}
