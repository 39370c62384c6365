// POST /bulk/ip: many `address[:port][,time]` lines in, one answer row per line out, as
// NDJSON or CSV, streamed both ways: the server never holds the whole input or output, and a
// client that hangs up stops the work. Rows come from the one query service.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { parse as parseCsv } from 'csv-parse';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BULK_LINES } from '../policy/access.js';
import type { LookupService, When } from '../query/service.js';
import { BULK_COLUMNS, bulkRow, errorRow, type BulkRow } from '../bulk/row.js';
import { parseBulkQuery, splitLines, type BulkLine } from '../bulk/lines.js';
import { lacakVersion } from '../version.js';

export interface BulkRouteDeps {
  readonly service: LookupService;
  readonly registry: string;
  readonly refuse: (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => FastifyReply;
  readonly now?: () => number;
}

/** Longest line: an address, a port and a time fit in far less. */
const MAX_LINE_BYTES = 512;
/** A JSON array is parsed whole, so it is capped; plain text and CSV stream without limit. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** Bytes per bulk line at most, to refuse an upload that cannot be within the line limit. */
const BYTES_PER_LINE = MAX_LINE_BYTES + 1;

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
      // The name without the server's directories; the SHA-256 is what identifies the file.
      files: i.files.map((f) => ({ name: f.name.split(/[\\/]/).pop()!, sha256: f.sha256, bytes: f.bytes })),
      lacakVersion: i.lacakVersion,
    })),
  };
}

/** CSV bodies: a header row naming the columns `address` (or `ip`), and optionally `port` and `time`. */
async function* csvLines(body: Readable): AsyncGenerator<BulkLine> {
  const parser = body.pipe(parseCsv({ columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_LINE_BYTES }));
  let number = 1;
  for await (const record of parser as AsyncIterable<Record<string, string | undefined>>) {
    number++;
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

  app.post('/bulk/ip', { bodyLimit: MAX_JSON_BYTES }, async (request, reply) => {
    const caller = request.caller;
    const maxLines = BULK_LINES[caller.role];
    const length = Number(request.headers['content-length'] ?? NaN);
    if (Number.isFinite(length) && length > maxLines * BYTES_PER_LINE) {
      return deps.refuse(request, reply, 413, `too large: a ${caller.role} request may hold ${maxLines} lines (about ${maxLines * BYTES_PER_LINE} bytes)`);
    }
    const type = (request.headers['content-type'] ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
    let lines: AsyncIterable<BulkLine> | Iterable<BulkLine>;
    try {
      if (type === 'application/json') lines = jsonLines(request.body);
      else if (type === 'text/csv') lines = csvLines(request.body as Readable);
      else if (type === 'text/plain') lines = splitLines(request.body as Readable, MAX_LINE_BYTES);
      else return deps.refuse(request, reply, 415, 'send text/plain lines, text/csv with a header row, or a JSON array');
    } catch (err) {
      if (err instanceof BulkInputError) return deps.refuse(request, reply, 400, err.message);
      throw err;
    }
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
      for await (const line of lines) {
        if (count >= maxLines) {
          yield errorRow(line.number, line.text.slice(0, 80), `limit reached: a ${caller.role} request may hold ${maxLines} lines; the rest was not read`, context);
          return;
        }
        count++;
        if (line.tooLong) {
          yield errorRow(line.number, line.text, `line longer than ${MAX_LINE_BYTES} bytes`, context);
          continue;
        }
        const query = parseBulkQuery(line.text);
        const when: When = query.time !== undefined ? { at: query.time, tz: defaults.tz } : defaults;
        yield bulkRow(line.number, line.text, service.lookupAddress(query.address, when), context);
      }
    }

    request.auditDetail = () => `${count} line(s)`;
    const head = provenance(service, served, defaults);
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
      const csv = stringify({ header: true, columns: [...BULK_COLUMNS], cast: { boolean: (v) => String(v) } });
      // Plain CSV (RFC 4180): a header row, then one row per line; the provenance is in the
      // lacak-provenance header and, per row, in the snapshots column.
      out = Readable.from(rows()).pipe(csv);
      reply.type('text/csv; charset=utf-8');
    }
    reply.header('cache-control', 'no-store');
    return reply.send(out);
  });
}
