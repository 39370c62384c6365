// What a piece of evidence states (issue 18): the question, the answer exactly as it was
// served, the facts a report prints and a later check compares, where the answer came from,
// and who asked. It is the JWS payload, canonicalised by RFC 8785 (JCS) before signing, so the
// signed bytes are the same whichever program writes the JSON.
import canonicalize from 'canonicalize';
import { z } from 'zod';
import type { Caller, Role } from '../policy/access.js';
import type { BulkRow } from '../bulk/row.js';

export const STATEMENT_TYPE = 'lacak-evidence';

export type QuestionKind = 'ip' | 'autnum' | 'entity' | 'domain' | 'bulk';

export interface EvidenceQuestion {
  readonly kind: QuestionKind;
  /** What was asked about: an address or prefix, an AS number, a handle, a reverse zone; a bulk request: its line count. */
  readonly query: string;
  /** `?at=` and `?tz=` as given (null: now). */
  readonly at: string | null;
  readonly tz: string | null;
  /** The lookup whose answer is signed (`/ip/203.0.113.7?at=...`, `/bulk/ip`). */
  readonly path: string;
}

/** Whose view of the data the answer is (DESIGN §5), and why it is less than the role could see. */
export interface EvidenceCaller {
  readonly role: Role;
  readonly caseReference: string | null;
  readonly view: 'all' | 'own-objects' | 'public';
  readonly viewNote: string | null;
}

export interface EvidenceImport {
  readonly id: number;
  readonly snapshotAt: string;
  readonly format: string;
  readonly files: readonly { readonly name: string; readonly sha256: string; readonly bytes: number }[];
  readonly lacakVersion: string;
}

export interface EvidenceProvenance {
  /** Each source's snapshot the answer was read from, and the next one after the instant (null: current). */
  readonly snapshots: readonly { readonly source: string; readonly snapshotAt: string; readonly importId: number; readonly nextSnapshotAt: string | null }[];
  /** The imports behind those snapshots and the newest import, each file with its SHA-256. */
  readonly imports: readonly EvidenceImport[];
}

/** A resource's public facts, for the report and the "same answer now?" check: never personal data. */
export type ObjectFacts = Readonly<Record<string, string | null>>;

export interface EvidenceStatement {
  readonly type: typeof STATEMENT_TYPE;
  readonly serial: string;
  readonly issuer: { readonly registry: string; readonly url: string; readonly lacakVersion: string; readonly node: string | null };
  /** When the answer was served (RFC 3339, UTC). */
  readonly servedAt: string;
  /** The instant the answer is for (RFC 3339, UTC); a bulk answer: each row's own. */
  readonly instant: string | null;
  readonly question: EvidenceQuestion;
  readonly caller: EvidenceCaller;
  readonly provenance: EvidenceProvenance;
  /** The HTTP status and body exactly as the lookup served them (a bulk answer: its NDJSON records). */
  readonly answer: { readonly status: number; readonly body: unknown };
  /** Addresses: one bulk row per address; an AS number or entity: its public facts. */
  readonly facts: readonly BulkRow[] | ObjectFacts;
  /** An address: the networks that cover it, least specific first (`range netname status`); else null. */
  readonly chain: readonly string[] | null;
}

/** Enough shape to read a statement back (verify): the rest is shown as signed. */
export const statementShape = z.object({
  type: z.literal(STATEMENT_TYPE),
  serial: z.string().min(1),
  issuer: z.object({ registry: z.string(), url: z.string(), lacakVersion: z.string(), node: z.string().nullable() }),
  servedAt: z.iso.datetime(),
  instant: z.iso.datetime().nullable(),
  question: z.object({ kind: z.enum(['ip', 'autnum', 'entity', 'domain', 'bulk']), query: z.string(), at: z.string().nullable(), tz: z.string().nullable(), path: z.string() }),
  caller: z.object({ role: z.enum(['anonymous', 'member', 'lea', 'admin']), caseReference: z.string().nullable(), view: z.enum(['all', 'own-objects', 'public']), viewNote: z.string().nullable() }),
  provenance: z.object({ snapshots: z.array(z.unknown()), imports: z.array(z.unknown()) }),
  answer: z.object({ status: z.number().int(), body: z.unknown() }),
  facts: z.union([z.array(z.record(z.string(), z.unknown())), z.record(z.string(), z.union([z.string(), z.null()]))]),
  chain: z.array(z.string()).nullable(),
});

/** DESIGN §5 as it applies to the whole answer: what this caller's view of personal data is. */
export function evidenceCaller(caller: Caller, noCaseNote: string): EvidenceCaller {
  const caseReference = caller.caseReference ?? null;
  switch (caller.role) {
    case 'admin':
      return { role: caller.role, caseReference, view: 'all', viewNote: null };
    case 'lea':
      return caseReference ? { role: caller.role, caseReference, view: 'all', viewNote: null } : { role: caller.role, caseReference, view: 'public', viewNote: noCaseNote };
    case 'member':
      return { role: caller.role, caseReference, view: 'own-objects', viewNote: null };
    default:
      return { role: caller.role, caseReference, view: 'public', viewNote: null };
  }
}

/** The bytes that are signed: RFC 8785 canonical JSON, UTF-8. */
export function canonicalBytes(statement: EvidenceStatement): Uint8Array {
  const text = canonicalize(statement);
  if (text === undefined) throw new Error('statement has no JSON form');
  return new TextEncoder().encode(text);
}
