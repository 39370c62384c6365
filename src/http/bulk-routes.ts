// POST /bulk/ip: many `address[:port][,time]` lines in, one answer row per line out, as
// NDJSON or CSV. A body is held to its role's lines and bytes (DESIGN §5) as it arrives. For
// the small limits (anonymous, member) the whole body is read first and a body over the
// limit is refused with 413 before any row; for the large ones (lea, admin) rows stream
// out as lines arrive and a trailing error row says where the limit stopped the reading.
// A client that hangs up stops the work. Rows come from the one query service.
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { STOPPING_MESSAGE, type Lifecycle } from '../lifecycle.js';
import { bulkLines } from '../metrics.js';
import { stringify } from 'csv-stringify';
import { parse as parseCsv } from 'csv-parse';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BULK_LINES, type Role } from '../policy/access.js';
import type { LookupService, When } from '../query/service.js';
import { BULK_COLUMNS, bulkRow, csvCell, errorRow, type BulkRow } from '../bulk/row.js';
import { parseBulkQuery, splitLines, type BulkLine } from '../bulk/lines.js';
import { lacakVersion } from '../version.js';
import { rowsReadSoFar } from '../store/rows.js';
import { importedFiles } from '../store/objects.js';
import type { Config } from '../config.js';
import type { SigningKeySource } from '../evidence/signing-keys.js';
import { JOSE_JSON_TYPE } from '../evidence/jws.js';
import { evidenceProvenance } from '../evidence/facts.js';
import { issueEvidence, refuseAnonymous, signingKeysOr503, statementFor } from './evidence-routes.js';

export interface BulkRouteDeps {
  readonly service: LookupService;
  readonly registry: string;
  readonly refuse: (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => FastifyReply;
  readonly now?: () => number;
  /** Once the server closes (SIGTERM, after the grace period) a stream in flight ends at its next line with a row saying so (issue 17). */
  readonly lifecycle?: Lifecycle;
  /** Signed bulk answers (issue 18): `?evidence=1` or `Accept: application/jose+json`. */
  readonly evidence?: { readonly config: Config; readonly signing: SigningKeySource };
}

/**
 * A signed answer is one JWS over every row, made once the last row is answered: it is held
 * in memory whole, so it holds at most this many lines (a longer log goes in several requests).
 */
export const EVIDENCE_LINES = 10_000;

/** Whether the request asks for its answer signed. */
function wantsEvidence(request: FastifyRequest): boolean {
  const q = request.query as Record<string, unknown>;
  return q.evidence === '1' || q.evidence === 'true' || (request.headers.accept ?? '').includes(JOSE_JSON_TYPE);
}

/** Lines a request may hold: its role's, and no more than a signed answer holds. */
function lineLimit(request: FastifyRequest): number {
  const lines = BULK_LINES[request.caller.role];
  return wantsEvidence(request) ? Math.min(lines, EVIDENCE_LINES) : lines;
}

/** Longest line: an address, a port and a time fit in far less. */
const MAX_LINE_BYTES = 512;
/** A JSON array is parsed whole, so it is capped; plain text and CSV stream without limit. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** Bytes per bulk line at most, to refuse an upload that cannot be within the line limit. */
const BYTES_PER_LINE = MAX_LINE_BYTES + 1;

/**
 * Roles with at most this many lines per request send bodies small enough to read whole
 * (member: 10,000 lines, about 5 MB) before the first row, so a body over the limit is a 413
 * and never half an answer; above it rows stream as lines arrive.
 */
const READ_WHOLE_UP_TO_LINES = 10_000;

/** The bytes a role's body may hold: its lines at their longest, and a CSV header row. */
export function bulkBodyBytes(role: Role): number {
  return bodyBytes(BULK_LINES[role]);
}

function bodyBytes(lines: number): number {
  return (lines + 1) * BYTES_PER_LINE;
}

/** A body over its role's limit; `statusCode` lets Fastify's JSON reader keep the 413. */
class BulkTooLarge extends Error {
  readonly statusCode = 413;
}

/** The client went away before its body ended: nobody is left to answer. */
class BodyAborted extends Error {
  readonly statusCode = 400;
}

function tooLargeText(role: Role, lines: number): string {
  const signed = lines < BULK_LINES[role] ? ' when its answer is signed' : '';
  return `too large: a ${role} request may hold ${lines} lines${signed} (at most ${bodyBytes(lines)} bytes)`;
}

/**
 * Passes a request body on while counting its bytes, and fails with BulkTooLarge the moment
 * they pass the limit, whether or not the client sent a Content-Length (chunked bodies).
 */
class BodyLimit extends Transform {
  private bytes = 0;

  constructor(
    private readonly limit: number,
    private readonly message: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) callback(new BulkTooLarge(this.message));
    else callback(null, chunk);
  }
}

/**
 * The request body through a BodyLimit. Past the limit nothing more is parsed or kept: the
 * rest is read and dropped until the connection closes (the 413 asks for that), rather than
 * destroying the request, which would close the socket before the 413 is written, or
 * pausing it, which would leave a streamed answer's connection hanging on a client that is
 * still sending. A client that goes away fails the limited stream too, so a reader waiting
 * on it does not wait for ever.
 */
function limitBody(payload: NodeJS.ReadableStream & Partial<Readable>, limit: number, message: string): BodyLimit {
  const limited = new BodyLimit(limit, message);
  payload.pipe(limited);
  limited.once('error', () => {
    payload.unpipe(limited);
    payload.resume();
  });
  payload.once('error', (err: Error) => limited.destroy(err));
  payload.once('close', () => {
    if (!limited.writableEnded) limited.destroy(new BodyAborted('the client went away before the end of its body'));
  });
  return limited;
}

/** Every line of a text body counts, blank or not: the LF-ended lines and a last unended one. */
function countLines(body: Buffer): number {
  let lines = 0;
  for (let at = body.indexOf(0x0a); at >= 0; at = body.indexOf(0x0a, at + 1)) lines++;
  return body.length > 0 && body[body.length - 1] !== 0x0a ? lines + 1 : lines;
}

async function readWhole(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

type Format = 'ndjson' | 'csv';

function outputFormat(request: FastifyRequest): Format {
  const accept = request.headers.accept ?? '';
  return /\btext\/csv\b/.test(accept) && !/application\/(x-)?ndjson/.test(accept) ? 'csv' : 'ndjson';
}

/**
 * Where the answers came from, so the same question can be shown to give the same answer
 * later: when and by what it was served, the request's own time and zone (what a zoneless
 * line was read in), and every import with the SHA-256 of each file.
 */
function provenance(service: LookupService, servedAt: number, defaults: When): Record<string, unknown> {
  return {
    servedAt: new Date(servedAt).toISOString(),
    lacakVersion: lacakVersion(),
    query: { at: defaults.at ?? null, tz: defaults.tz ?? null },
    imports: service.objects.imports().map((i) => ({
      id: i.id,
      snapshotAt: new Date(i.snapshotAt).toISOString(),
      format: i.format,
      files: importedFiles(i),
      lacakVersion: i.lacakVersion,
    })),
  };
}

/**
 * CSV bodies: a header row naming the columns `address` (or `ip`), and optionally `port` and
 * `time`. Each record's number is its line in the file, blank lines counted.
 */
async function* csvLines(body: Readable): AsyncGenerator<BulkLine> {
  const parser = parseCsv({ columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_LINE_BYTES, info: true });
  // pipe() does not pass a failure on: a body over its limit must end the records too.
  body.once('error', (err) => parser.destroy(err));
  body.pipe(parser);
  for await (const item of parser as AsyncIterable<{ record: Record<string, string | undefined>; info: { lines: number } }>) {
    const { record } = item;
    const number = item.info.lines;
    const address = (record.address ?? record.ip ?? '').trim();
    const port = (record.port ?? '').trim();
    const time = (record.time ?? '').trim();
    const withPort = port ? (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`) : address;
    yield { number, text: time ? `${withPort},${time}` : withPort, tooLong: false };
  }
}

/** A JSON array of strings (`"203.0.113.7:443,2017-..."`) or objects ({address, port, time}). */
function jsonLines(body: unknown): Iterable<BulkLine> {
  // Checked now, not when the rows are streamed: a wrong body is a 400, not a broken stream.
  if (!Array.isArray(body)) throw new BulkInputError('a JSON body must be an array of lines or {address, port, time} objects');
  return jsonItems(body);
}

function* jsonItems(body: readonly unknown[]): Generator<BulkLine> {
  let number = 0;
  for (const item of body) {
    number++;
    if (typeof item === 'string') yield { number, text: item.trim(), tooLong: item.length > MAX_LINE_BYTES };
    else if (item && typeof item === 'object' && typeof (item as { address?: unknown }).address === 'string') {
      const o = item as { address: string; port?: unknown; time?: unknown };
      const port = typeof o.port === 'number' || typeof o.port === 'string' ? String(o.port) : '';
      const withPort = port ? (o.address.includes(':') ? `[${o.address}]:${port}` : `${o.address}:${port}`) : o.address;
      yield { number, text: typeof o.time === 'string' ? `${withPort},${o.time}` : withPort, tooLong: false };
    } else yield { number, text: JSON.stringify(item)?.slice(0, 80) ?? '', tooLong: false };
  }
}

class BulkInputError extends Error {}

/** How long a bulk answer computes rows before it lets other requests in (issue 13: ~20 ms). */
const YIELD_EVERY_MS = 10;

/** Header values travel through proxies with limits of about 8 kB; the newest imports are kept whole. */
const MAX_PROVENANCE_HEADER = 6000;

/**
 * The provenance as one header line: JSON, with non-ASCII escaped (header values are bytes).
 * A registry with years of daily imports keeps the newest imports that fit and says how many
 * older ones were left out (each row's snapshots column names the import it was read from).
 */
export function provenanceHeader(head: Record<string, unknown>): string {
  const ascii = (value: unknown) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const imports = (head.imports as unknown[]) ?? [];
  let kept = imports.length;
  let text = ascii(head);
  while (text.length > MAX_PROVENANCE_HEADER && kept > 0) {
    kept = Math.max(0, kept - Math.max(1, Math.ceil(kept / 4)));
    text = ascii({ ...head, imports: imports.slice(imports.length - kept), olderImportsLeftOut: imports.length - kept });
  }
  return text;
}

export function registerBulkRoutes(app: FastifyInstance, deps: BulkRouteDeps): void {
  const now = deps.now ?? Date.now;
  // Plain text and CSV reach the route as the raw stream; JSON is parsed (and capped).
  app.removeContentTypeParser(['text/plain']);
  app.addContentTypeParser(['text/plain', 'text/csv'], (_request, payload, done) => done(null, payload));

  // The limit is the caller's, so it is set once the access hooks have named the caller,
  // before a byte of the body is read.
  const preParsing = async (request: FastifyRequest, reply: FastifyReply, payload: NodeJS.ReadableStream & Partial<Readable>) => {
    const role = request.caller.role;
    const lines = lineLimit(request);
    const length = Number(request.headers['content-length'] ?? NaN);
    if (Number.isFinite(length) && length > bodyBytes(lines)) {
      // The client may still be sending: no more of it is read.
      reply.header('connection', 'close');
      deps.refuse(request, reply, 413, tooLargeText(role, lines));
      return payload;
    }
    return limitBody(payload, bodyBytes(lines), tooLargeText(role, lines));
  };
  // The JSON reader meets the limit while parsing; its 413 gets the same words as the others.
  app.setErrorHandler((err, request, reply) => {
    if (!(err instanceof BulkTooLarge)) throw err;
    reply.header('connection', 'close');
    return deps.refuse(request, reply, 413, err.message);
  });

  app.post('/bulk/ip', { bodyLimit: MAX_JSON_BYTES, preParsing }, async (request, reply) => {
    const caller = request.caller;
    const evidence = wantsEvidence(request) ? deps.evidence : undefined;
    if (wantsEvidence(request)) {
      if (!evidence) return deps.refuse(request, reply, 503, 'signed answers are not offered by this server');
      if (refuseAnonymous(deps, request, reply)) return reply;
    }
    const keys = evidence ? await signingKeysOr503({ signing: evidence.signing, refuse: deps.refuse }, request, reply) : null;
    if (evidence && !keys) return reply;
    const maxLines = lineLimit(request);
    const type = (request.headers['content-type'] ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
    let lines: AsyncIterable<BulkLine> | Iterable<BulkLine>;
    try {
      if (type === 'application/json') {
        // Parsed whole already (and capped): every item is a line, an empty one too.
        if (Array.isArray(request.body) && request.body.length > maxLines) return tooMany(reply, caller.role, request.body.length);
        lines = jsonLines(request.body);
      } else if (type === 'text/csv' || type === 'text/plain') {
        let body = request.body as Readable;
        if (maxLines <= READ_WHOLE_UP_TO_LINES) {
          // Bounded by the body limit; a body over the line limit is refused before any row.
          const whole = await readWhole(body);
          const count = countLines(whole) - (type === 'text/csv' ? 1 : 0);
          if (count > maxLines) return tooMany(reply, caller.role, count);
          body = Readable.from([whole]);
        }
        lines = type === 'text/csv' ? csvLines(body) : splitLines(body, MAX_LINE_BYTES);
      } else return deps.refuse(request, reply, 415, 'send text/plain lines, text/csv with a header row, or a JSON array');
    } catch (err) {
      if (err instanceof BulkInputError || err instanceof BodyAborted) return deps.refuse(request, reply, 400, err.message);
      if (err instanceof BulkTooLarge) {
        reply.header('connection', 'close');
        return deps.refuse(request, reply, 413, err.message);
      }
      throw err;
    }

    function tooMany(reply: FastifyReply, role: Role, count: number): FastifyReply {
      return deps.refuse(request, reply, 413, `too many lines: a ${role} request may hold ${maxLines} lines${evidence ? ' when its answer is signed' : ''}, every line counted (blank ones too); this one has ${count}`);
    }
    // CSV's header row is line 1: its data lines are counted from line 2.
    const firstLine = type === 'text/csv' ? 2 : 1;
    const q = request.query as Record<string, unknown>;
    const defaults: When = { at: typeof q.at === 'string' ? q.at : undefined, tz: typeof q.tz === 'string' ? q.tz : undefined };
    if (defaults.tz !== undefined) {
      // A bad default zone would make every line an error: refuse the request instead.
      const probe = deps.service.resolveWhen({ at: '2000-01-01T00:00:00', tz: defaults.tz });
      if (!probe.ok && probe.error.kind === 'userError' && probe.error.code === 'bad-time') return deps.refuse(request, reply, 400, probe.error.message);
    }
    const format = outputFormat(request);
    const served = now();
    const context = { registry: deps.registry, caseReference: caller.caseReference ?? null };
    const service = deps.service;
    let count = 0;

    async function* rows(): AsyncGenerator<BulkRow> {
      let last = firstLine - 1;
      let slice = performance.now();
      try {
        for await (const line of lines) {
          last = line.number;
          // A million lines already read are answered in one run of promise callbacks, which
          // never lets the event loop serve anyone else: give way every few milliseconds.
          if (performance.now() - slice > YIELD_EVERY_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            slice = performance.now();
          }
          if (deps.lifecycle?.closing) {
            yield errorRow(line.number, '', `${STOPPING_MESSAGE}: lines from ${line.number} on were not answered; send them again`, context);
            return;
          }
          // Line numbers count every line, blank ones too (they get no row of their own).
          if (line.number - firstLine + 1 > maxLines) {
            yield errorRow(line.number, line.text.slice(0, 80), `limit reached: a ${caller.role} request may hold ${maxLines} lines; the rest was not read`, context);
            return;
          }
          yield answer(line);
        }
      } catch (err) {
        // Streamed: the rows so far are sent, so the end is a row saying where reading stopped.
        if (!(err instanceof BulkTooLarge)) throw err;
        yield errorRow(last + 1, '', `${err.message}; the rest was not read`, context);
      }
    }

    function answer(line: BulkLine): BulkRow {
      count++;
      bulkLines.inc({ front: 'http' });
      const before = rowsReadSoFar();
      try {
        return answerLine(line);
      } finally {
        request.rowsRead += rowsReadSoFar() - before;
      }
    }

    function answerLine(line: BulkLine): BulkRow {
      if (line.tooLong) return errorRow(line.number, line.text, `line longer than ${MAX_LINE_BYTES} bytes`, context);
      const query = parseBulkQuery(line.text);
      const when: When = query.time !== undefined ? { at: query.time, tz: defaults.tz } : defaults;
      return bulkRow(line.number, line.text, service.lookupAddress(query.address, when), context);
    }

    request.auditDetail = () => `${count} line(s)`;
    const head = provenance(service, served, defaults);
    if (evidence && keys) {
      // Signed: every row first (at most EVIDENCE_LINES), then one JWS over the NDJSON records.
      const answered: BulkRow[] = [];
      for await (const row of rows()) answered.push(row);
      const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const statement = statementFor(request, evidence.config, served, {
        question: { kind: 'bulk', query: String(answered.length), at: defaults.at ?? null, tz: defaults.tz ?? null, path: `/bulk/ip${search}` },
        instant: null,
        provenance: evidenceProvenance(service, null, answered),
        answer: { status: 200, body: [{ provenance: head }, ...answered] },
        facts: answered,
        chain: null,
      });
      return issueEvidence(request, reply, evidence.signing, statement, deps.refuse, 'jws');
    }
    // The whole provenance travels in a header too, for CSV files that must stay plain CSV.
    reply.header('lacak-provenance', provenanceHeader(head));
    let out: Readable;
    if (format === 'ndjson') {
      out = Readable.from(
        (async function* () {
          yield `${JSON.stringify({ provenance: head })}\n`;
          for await (const row of rows()) yield `${JSON.stringify(row)}\n`;
        })(),
      );
      reply.type('application/x-ndjson; charset=utf-8');
    } else {
      // Cells that a spreadsheet would run as a formula are written as text (csvCell).
      const csv = stringify({ header: true, columns: [...BULK_COLUMNS], cast: { boolean: (v) => String(v), string: csvCell } });
      // Plain CSV (RFC 4180): a header row, then one row per line; the provenance is in the
      // lacak-provenance header and, per row, in the snapshots column.
      out = Readable.from(rows()).pipe(csv);
      reply.type('text/csv; charset=utf-8');
    }
    reply.header('cache-control', 'no-store');
    return reply.send(out);
  });
}
