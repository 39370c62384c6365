// Checking a piece of evidence (issue 18), for `lacak evidence verify` and POST /evidence/verify:
// a JWS, or the JWS attached to a report, against the published keys; and, with the registry
// at hand, the same question asked again at the instant it answered for.
import type { LookupService } from '../query/service.js';
import { formatInstant } from '../query/time.js';
import { verifyEvidence, type Verification } from './jws.js';
import type { PublishedKey } from './signing-keys.js';
import type { EvidenceStatement } from './statement.js';
import { compareWithCurrent, type CurrentComparison } from './facts.js';
import { embeddedEvidence } from './report-pdf.js';

/** What a verification answers: the verdict, the key, what the evidence states, and whether the data still says so. */
export interface VerificationReport {
  readonly verdict: 'valid' | 'invalid';
  readonly reason: string | null;
  readonly key: { readonly kid: string; readonly validFrom: string; readonly validUntil: string | null; readonly current: boolean } | null;
  /** What it states (without the answer body itself: the file holds that). */
  readonly states: Omit<EvidenceStatement, 'answer'> | null;
  readonly current: CurrentComparison | null;
}

/** A report lacak makes is some tens of kB: a PDF far larger is not one, and is not parsed. */
const REPORT_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Reads a JWS, or the JWS in a report, checks it, and asks its question again of `service`;
 * `charge` is told the registry rows that took (the asker's rate-limit budget).
 */
export async function verifyFile(bytes: Uint8Array, keys: readonly PublishedKey[], currentKid: string | null, service: LookupService | null, registry: string, charge?: (rows: number) => void): Promise<VerificationReport> {
  const isPdf = Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';
  let text: string;
  if (isPdf && bytes.length > REPORT_MAX_BYTES) {
    return { verdict: 'invalid', reason: `a PDF of ${bytes.length} bytes is not a lacak report (they are far smaller than ${REPORT_MAX_BYTES} bytes)`, key: null, states: null, current: null };
  }
  if (isPdf) {
    const embedded = await embeddedEvidence(bytes);
    if ('problem' in embedded) return { verdict: 'invalid', reason: embedded.problem, key: null, states: null, current: null };
    text = embedded.text;
  } else {
    text = Buffer.from(bytes).toString('utf8');
  }
  const checked: Verification = await verifyEvidence(text, keys);
  const key = checked.key ? { kid: checked.key.kid, validFrom: formatInstant(checked.key.validFrom), validUntil: checked.key.validUntil === null ? null : formatInstant(checked.key.validUntil), current: checked.key.kid === currentKid } : null;
  if (!checked.valid) return { verdict: 'invalid', reason: checked.reason, key, states: null, current: null };
  const { answer: _answer, ...states } = checked.statement;
  return { verdict: 'valid', reason: null, key, states, current: service ? await compareWithCurrent(service, checked.statement, registry, charge) : null };
}

