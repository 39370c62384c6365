// Signed evidence over HTTP (issue 18): `/evidence/{ip,autnum,entity,domain}/...` sign the answer the
// same lookup serves (asked through the lookup route itself, with the caller's own headers,
// so the access policy, the audit of disclosures and every 4xx are the lookup's), the same
// under `.../report.pdf` as a printable report, `POST /evidence/verify` checks a JWS or a
// report, and `/.well-known/jwks.json` publishes the keys. Evidence is for callers with a key:
// each piece is an audit row naming its serial, the signing key and the question, committed
// before the evidence leaves.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, LightMyRequestResponse } from 'fastify';
import type { Config } from '../config.js';
import type { LookupService, When } from '../query/service.js';
import { dayStamp, formatInstant } from '../query/time.js';
import { formatRange } from '../net/prefix.js';
import { firstValue, stripComment } from '../model/types.js';
import { lacakVersion } from '../version.js';
import { preferredLanguage } from '../i18n/accept-language.js';
import { REPORT_TEXT } from '../evidence/report-texts.js';
import { bearerChallenge } from './access-hooks.js';
import { publicBaseUrl } from './public-url.js';
import { whenOf } from './query-params.js';
import { evidenceIssued } from '../metrics.js';
import { JOSE_JSON_TYPE, signStatement } from '../evidence/jws.js';
import { verifyFile } from '../evidence/verify.js';
import { jwkSet, SigningKeyProblem, type SigningKeys, type SigningKeySource } from '../evidence/signing-keys.js';
import { addressFacts, evidenceProvenance, objectFacts } from '../evidence/facts.js';
import { evidenceCaller, STATEMENT_TYPE, type EvidenceStatement, type QuestionKind } from '../evidence/statement.js';
import { renderReport } from '../evidence/report-pdf.js';

export interface EvidenceDeps {
  readonly config: Config;
  readonly service: LookupService;
  readonly signing: SigningKeySource;
  readonly refuse: (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => FastifyReply;
  /** The lookup route's own answer to a GET of `url` with the caller's headers. */
  readonly lookup: (request: FastifyRequest, url: string) => Promise<LightMyRequestResponse>;
  readonly now?: () => number;
}

/** The report's language, as the lookups choose theirs: Indonesian when preferred over English. */
function languageOf(request: FastifyRequest) {
  return preferredLanguage(request.headers['accept-language'], 'en');
}

/** A serial says which registry and day, and is unique without a counter shared by the fleet. */
export function newSerial(registry: string, at: number): string {
  return `${registry}-${dayStamp(at)}-${randomBytes(6).toString('hex').toUpperCase()}`;
}

/** Keys to sign with, or the 503 that says why there are none. */
export async function signingKeysOr503(deps: Pick<EvidenceDeps, 'signing' | 'refuse'>, request: FastifyRequest, reply: FastifyReply): Promise<SigningKeys | null> {
  const keys = await deps.signing.keys();
  if (keys instanceof SigningKeyProblem) {
    deps.refuse(request, reply, 503, `evidence cannot be signed: ${keys.message}`);
    return null;
  }
  return keys;
}

/** Evidence is signed for callers with a key; the 401 says so. */
export function refuseAnonymous(deps: Pick<EvidenceDeps, 'refuse'>, request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.apiKey) return false;
  reply.header('www-authenticate', bearerChallenge());
  deps.refuse(request, reply, 401, 'signed evidence is issued to callers with a key (Authorization: Bearer <token>): every piece is recorded in the audit log with the key that asked for it');
  return true;
}

/**
 * Issues a statement: writes the audit row that names its serial, signing key and question,
 * then signs and sends it. Evidence leaves only with its row committed (a 503 otherwise,
 * and nothing signed).
 */
export async function issueEvidence(request: FastifyRequest, reply: FastifyReply, signing: SigningKeySource, statement: EvidenceStatement, refuse: EvidenceDeps['refuse'], form: 'jws' | 'pdf'): Promise<FastifyReply> {
  // Read again now, not when the request began: a key rotated meanwhile signs nothing more.
  const keys = await signingKeysOr503({ signing, refuse }, request, reply);
  if (!keys) return reply;
  const q = statement.question;
  const note = `evidence ${statement.serial} signed with ${keys.current.kid}${form === 'pdf' ? ' as a report' : ''}: ${q.kind} ${q.query}${q.at ? ` at ${q.at}` : ''}${q.tz ? ` tz ${q.tz}` : ''}`;
  if (!(await request.auditNow(note))) {
    reply.header('retry-after', '1');
    return refuse(request, reply, 503, 'evidence cannot be issued now: its audit row could not be written; try again');
  }
  evidenceIssued.inc({ form, question: q.kind });
  const jws = await signStatement(statement, keys);
  reply.header('cache-control', 'no-store').header('lacak-evidence-serial', statement.serial);
  if (form === 'jws') return reply.header('content-type', JOSE_JSON_TYPE).send(JSON.stringify(jws));
  const lang = languageOf(request);
  const verifyUrl = `${statement.issuer.url}evidence/verify?serial=${encodeURIComponent(statement.serial)}`;
  const pdf = await renderReport(statement, jws, lang, verifyUrl);
  return reply.header('content-type', 'application/pdf').header('content-disposition', `attachment; filename="${statement.serial}.pdf"`).send(Buffer.from(pdf));
}

/** A statement's own parts; the rest (serial, issuer, served time, caller) comes from the request. */
type StatementParts = Pick<EvidenceStatement, 'question' | 'instant' | 'provenance' | 'answer' | 'facts' | 'chain'>;

/** The statement of an answer served now to this request's caller. */
export function statementFor(request: FastifyRequest, config: Config, servedAt: number, parts: StatementParts): EvidenceStatement {
  return {
    type: STATEMENT_TYPE,
    serial: newSerial(config.registry, servedAt),
    issuer: { registry: config.registry, url: publicBaseUrl(config, { protocol: request.protocol, host: request.host }), lacakVersion: lacakVersion(), node: config.follow ? config.replicaName : null },
    servedAt: formatInstant(servedAt),
    caller: evidenceCaller(request.caller, REPORT_TEXT[languageOf(request)].noCaseReference),
    ...parts,
  };
}

/** The networks covering an address, least specific first, as the report lists them. */
function allocationChain(service: LookupService, query: string, when: When): string[] | null {
  const outcome = service.lookupAddress(query, when);
  if (outcome.kind !== 'ok') return null;
  const at = outcome.value.asOf.requested ? outcome.value.asOf.instant : null;
  return service
    .coveringNetworks(outcome.value.query.range, at)
    .filter((o) => !service.isPlaceholder(o))
    .map((o) => [o.range ? formatRange(o.range) : o.key, firstValue(o, 'netname'), firstValue(o, 'status'), `(${o.source})`].filter((x) => x !== undefined).map((x) => stripComment(x!)).join(' '));
}

/** Copies a lookup's refusal (4xx, 301, 503) as it is: the evidence route answers what the lookup answers, and signs nothing. */
function passOn(reply: FastifyReply, answer: LightMyRequestResponse): FastifyReply {
  for (const name of ['content-type', 'location', 'retry-after', 'www-authenticate', 'access-control-allow-origin']) {
    const value = answer.headers[name];
    if (value !== undefined) reply.header(name, value);
  }
  return reply.code(answer.statusCode).send(answer.rawPayload);
}

export function registerEvidenceRoutes(app: FastifyInstance, deps: EvidenceDeps): void {
  const { config, service } = deps;
  const now = deps.now ?? Date.now;

  app.get('/.well-known/jwks.json', async (request, reply) => {
    const keys = await deps.signing.keys();
    if (keys instanceof SigningKeyProblem) return deps.refuse(request, reply, 503, `no signing keys are published: ${keys.message}`);
    return reply.header('content-type', 'application/jwk-set+json').header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=300').send(jwkSet(keys.published));
  });

  const evidenceRoute = (kind: Exclude<QuestionKind, 'bulk'>) => async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = (request.params as Record<string, string>)['*'] ?? '';
    const pdf = raw.endsWith('/report.pdf');
    const subject = pdf ? raw.slice(0, -'/report.pdf'.length) : raw;
    // Before any work: who may have evidence, and whether it can be signed at all.
    if (refuseAnonymous(deps, request, reply) || !(await signingKeysOr503(deps, request, reply))) return reply;
    // The lookup is asked with the URL as the client wrote it (its escapes kept), less `/evidence` and `/report.pdf`.
    const [pathPart, ...rest] = request.url.split('?');
    const search = rest.length > 0 ? `?${rest.join('?')}` : '';
    const path = `/${pathPart!.replace(/^\/+evidence\/+/, '').replace(/\/report\.pdf$/, '')}`;
    const when = whenOf(request);
    // An import that lands while the answer is read would mix two registries: read again.
    for (let attempt = 0; attempt < 2; attempt++) {
      const importId = service.importId;
      const answer = await deps.lookup(request, `${path}${search}`);
      if (answer.statusCode !== 200) return passOn(reply, answer);
      const resolved = service.resolveWhen(when);
      const caseReference = request.caller.caseReference ?? null;
      const facts = kind === 'ip' ? [addressFacts(service, subject, when, config.registry, caseReference)] : objectFacts(service, kind, subject, when);
      if (service.importId !== importId || !facts) continue;
      const statement = statementFor(request, config, now(), {
        question: { kind, query: subject, at: when.at ?? null, tz: when.tz ?? null, path: `${path}${search}` },
        // An address's row says the instant it was answered for; "now" is a moment later than `resolved`.
        instant: Array.isArray(facts) ? (facts[0]?.instant ?? null) : resolved.ok ? formatInstant(resolved.asOf.instant) : null,
        provenance: evidenceProvenance(service, resolved.ok ? resolved.asOf : null),
        answer: { status: 200, body: JSON.parse(answer.body) as unknown },
        facts,
        chain: kind === 'ip' ? allocationChain(service, subject, when) : null,
      });
      return issueEvidence(request, reply, deps.signing, statement, deps.refuse, pdf ? 'pdf' : 'jws');
    }
    reply.header('retry-after', '1');
    return deps.refuse(request, reply, 503, 'the registry changed while the evidence was being made (an import): ask again');
  };

  app.get('/evidence/ip/*', evidenceRoute('ip'));
  app.get('/evidence/autnum/*', evidenceRoute('autnum'));
  app.get('/evidence/entity/*', evidenceRoute('entity'));
  app.get('/evidence/domain/*', evidenceRoute('domain'));

  // Anything a client sends is read as bytes: a report (application/pdf), a JWS in JSON
  // (application/jose+json, application/json) or compact (application/jose, text/plain).
  app.register(async (verify) => {
    verify.removeAllContentTypeParsers();
    verify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: VERIFY_BODY_BYTES }, (_request, body, done) => done(null, body));
    verify.post('/evidence/verify', async (request, reply) => {
      const keys = await deps.signing.keys();
      if (keys instanceof SigningKeyProblem) return deps.refuse(request, reply, 503, `evidence cannot be verified here: ${keys.message}`);
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0) return deps.refuse(request, reply, 400, 'send the evidence as the request body: a JWS (JSON or compact) or a report PDF');
      const report = await verifyFile(body, keys.published, keys.current.kid, service, config.registry, (rows) => {
        request.rowsRead += rows;
      });
      return reply.header('cache-control', 'no-store').send(report);
    });
  });
}

/** A report is some tens of kB and a signed bulk answer of 10,000 lines some MB: more is not evidence lacak made. */
const VERIFY_BODY_BYTES = 32 * 1024 * 1024;
