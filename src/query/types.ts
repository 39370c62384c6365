// What the query service answers, for every front end to render (STYLE §7.4: a closed union).
import type { SpecialPurposeBlock } from '../net/special.js';
import type { IpRange } from '../net/prefix.js';
import type { StoredObject } from '../model/types.js';
import type { RegistryServers } from '../referral/registries.js';

export type QueryErrorCode = 'bad-address' | 'bad-range' | 'bad-asn' | 'bad-time' | 'no-data-at-time' | 'bad-key';

/** Why a time cannot be answered for. */
export type TimeProblem = 'invalid' | 'format' | 'no-zone' | 'unknown-zone' | 'future';

/** What was wrong with a question, with what each front end needs to say so in its language. */
export type QueryProblem =
  | { readonly code: 'bad-address' | 'bad-asn' | 'bad-key' | 'not-reverse-zone'; readonly input: string }
  | { readonly code: 'bad-range'; readonly input: string; readonly reason: string }
  | { readonly code: 'bad-time'; readonly input: string; readonly why: TimeProblem; readonly zone?: string }
  | { readonly code: 'no-data-at-time'; readonly source: string; readonly first: string };

export type NotFound =
  /** Special-purpose space no registry assigns (RFC 1918, CGNAT, documentation, ...). */
  | { readonly kind: 'special'; readonly block: SpecialPurposeBlock }
  /** Inside the space this registry manages, but no network covers it. */
  | { readonly kind: 'not-assigned'; readonly registry: string }
  /** Nothing this registry holds covers it: the bootstrap files say who does, if anyone. */
  | { readonly kind: 'foreign'; readonly authority: Authority }
  /** No object with that key or handle. */
  | { readonly kind: 'no-object' };

export type Outcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  /** `change`: nothing held it at the instant asked, but the next snapshot says otherwise. */
  | { readonly kind: 'notFound'; readonly notFound: NotFound; readonly asOf: AsOf; readonly change?: SnapshotChange | null }
  /** `message` is the problem in English (WHOIS, logs); front ends in other languages word `problem`. */
  | { readonly kind: 'userError'; readonly code: QueryErrorCode; readonly message: string; readonly problem: QueryProblem };

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

/**
 * Who is authoritative for an address's registration (DESIGN §2 "Space this registry does
 * not manage"): this registry, another one (and how lacak knows), or nobody lacak can name.
 */
export type Authority =
  | { readonly kind: 'this-registry' }
  | {
      readonly kind: 'other-registry';
      /** rpsl: another source's network holds it; delegated: only another account's record; bootstrap: nothing lacak holds. */
      readonly via: 'rpsl' | 'delegated' | 'bootstrap';
      readonly registry: RegistryServers;
      /** The delegated account the record names (via delegated). */
      readonly account: string | null;
    }
  | { readonly kind: 'unknown'; readonly why: UnknownAuthority };

export type UnknownAuthority =
  /** A source or delegated `registry` field names a registry lacak does not know. */
  | { readonly kind: 'unknown-registry'; readonly name: string; readonly account: string | null }
  /** The delegated statistics give the space both to this registry's account and to another. */
  | { readonly kind: 'conflict'; readonly accounts: readonly string[] }
  /** Nothing lacak holds covers it and no bootstrap entry does either. */
  | { readonly kind: 'no-bootstrap' };

/**
 * Why no member ISP answers for the space (DESIGN §2 "Responsible member"), said instead of
 * a blanket "held by the registry".
 */
export type NoMember =
  /** The registry's own pool: managed by it, assigned to nobody. */
  | { readonly kind: 'unassigned' }
  /** A network the registry assigned straight to the holder, with no member ISP in between. */
  | { readonly kind: 'direct' }
  /** The RIR's own network. */
  | { readonly kind: 'rir'; readonly registry: string }
  /** Another registry's space, or space whose authority lacak cannot tell: this registry's members do not answer for it. */
  | { readonly kind: 'outside' };

export type ChangeVerdict = 'changed-after' | 'changed-before' | 'unknown';

/**
 * DESIGN §2 "Between snapshots": the instant asked lies between snapshot S and the next, S′,
 * and S′ answers differently. What the data says about when the change happened, and the
 * verdict: changed after the instant (S's holder held it), before it (S′'s holder is the
 * likelier holder), or unknown.
 */
export interface SnapshotChange {
  /** S: the snapshot the answer was read from. */
  readonly snapshotAt: number;
  /** S′: the first later snapshot that answers differently. */
  readonly nextAt: number;
  readonly next: { readonly kind: 'ok'; readonly answer: IpAnswer } | { readonly kind: 'notFound'; readonly notFound: NotFound };
  readonly verdict: ChangeVerdict;
  /** The date that decided the verdict, and the object and attribute it came from. */
  readonly decidedBy: { readonly object: StoredObject; readonly field: 'created' | 'last-modified'; readonly date: number } | null;
  /** S′'s holder network's own dates, and when S's holder was last modified. */
  readonly nextCreated: number | null;
  readonly nextLastModified: number | null;
  readonly previousLastModified: number | null;
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
  /** Why no member answers for it; null when `member` does. */
  readonly noMember: NoMember | null;
  readonly subAllocation: StoredObject | null;
  readonly abuse: AbuseContact | null;
  readonly authority: Authority;
  /** Set when the instant asked lies between snapshots that answer differently. */
  readonly change: SnapshotChange | null;
}

export interface ObjectAnswer {
  readonly asOf: AsOf;
  readonly objects: readonly StoredObject[];
}
