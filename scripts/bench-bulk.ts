// Section i of the bench: POST /bulk/ip with a million lines in one request. lacak runs as
// `lacak serve` in a child process with an admin key (anonymous requests stop at 100 lines);
// the bench process streams the body as it generates it and reads the NDJSON answer as it
// arrives, so neither side holds the whole million. The floor is the same lines answered in
// process: the route's own work (parse the line, look the address up, build the row,
// stringify it) without HTTP and streaming. The server's RSS is sampled throughout: the
// answer is streamed, so memory should not grow with the number of lines.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '../src/config.js';
import { parseBulkQuery } from '../src/bulk/lines.js';
import { bulkRow } from '../src/bulk/row.js';
import { LookupService } from '../src/query/service.js';
import { openRegistryDb } from '../src/store/db.js';
import { answersHealthz, cpuMs, freePort, startServer, type Server } from './bench-rdap.js';

export interface BulkBenchOptions {
  readonly dbPath: string;
  /** dist/src/cli.js */
  readonly cli: string;
  /** Where the server's throwaway state database goes (bench-data/, git-ignored). */
  readonly workDir: string;
  readonly lines: number;
  /**
   * The request's lines in batches, the same sequence on every call: the in-process floor
   * and the request each walk it once, and no one holds all of it.
   */
  readonly batches: () => Iterable<readonly string[]>;
  readonly log: (line: string) => void;
}

export interface RssFigures {
  /** After start-up, before the request. */
  readonly idleBytes: number;
  /** The first sample taken once a tenth of the rows had arrived. */
  readonly atTenthBytes: number;
  /** The highest sample between the request's start and the answer's end. */
  readonly peakBytes: number;
  readonly endBytes: number;
  /** The kernel's high-water mark for the child (VmHWM), start-up included. */
  readonly highWaterBytes: number;
  readonly samples: number;
  /** Samples at each tenth of the rows, for the progress line. */
  readonly byTenth: readonly number[];
}

export interface BulkLacakFigures {
  readonly ms: number;
  /** Until the provenance record arrived. */
  readonly firstRecordMs: number;
  /** Until the last byte of the body was handed to the socket (the server reads as it answers). */
  readonly bodySentMs: number;
  /** Rows after the provenance record. */
  readonly rows: number;
  readonly lastLineNumber: number | null;
  /** Rows saying the role's line limit was reached. */
  readonly limitRows: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly serverCpuMs: number | null;
  readonly clientCpuMs: number;
  /** Null where /proc does not tell a process's memory. */
  readonly rss: RssFigures | null;
}

export interface BulkBaselineFigures {
  /** The lookups, rows and JSON; address generation excluded. */
  readonly ms: number;
  readonly bytes: number;
  readonly errors: Readonly<Record<string, number>>;
  /** The bench process's RSS after a tenth of the lines and at the end. */
  readonly rssAtTenthBytes: number;
  readonly rssEndBytes: number;
}

export interface BulkBenchResult {
  readonly lacakStartMs: number;
  readonly lacak: BulkLacakFigures;
  /** The floor before lacak's run and after it. */
  readonly baseline: readonly [BulkBaselineFigures, BulkBaselineFigures];
}

// ---- the in-process floor ------------------------------------------------------------------

/**
 * What the route does for each line, in a loop, on a fresh service, so its caches start as
 * cold as the server's. Only the work on each batch is timed.
 */
function answerInProcess(o: BulkBenchOptions): BulkBaselineFigures {
  const db = openRegistryDb(o.dbPath);
  try {
    const config = loadConfig({ LACAK_DB: o.dbPath }, { db: o.dbPath });
    const service = new LookupService(db, config);
    const registry = config.registry;
    const tenth = Math.ceil(o.lines / 10);
    const errors: Record<string, number> = {};
    let bytes = 0;
    let line = 0;
    let ms = 0;
    let rssAtTenthBytes = 0;
    for (const batch of o.batches()) {
      const started = performance.now();
      for (const text of batch) {
        line++;
        const query = parseBulkQuery(text);
        const row = bulkRow(line, text, service.lookupAddress(query.address, {}), { registry });
        bytes += `${JSON.stringify(row)}\n`.length;
        if (row.error !== null) errors[row.error] = (errors[row.error] ?? 0) + 1;
      }
      ms += performance.now() - started;
      if (rssAtTenthBytes === 0 && line >= tenth) rssAtTenthBytes = process.memoryUsage.rss();
    }
    return { ms, bytes, errors, rssAtTenthBytes, rssEndBytes: process.memoryUsage.rss() };
  } finally {
    db.close();
  }
}

// ---- lacak ---------------------------------------------------------------------------------

/** VmRSS and VmHWM of a process in bytes, from /proc (Linux); null elsewhere or once it is gone. */
function memoryOf(pid: number | undefined): { rss: number; hwm: number } | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return rss && hwm ? { rss: Number(rss[1]) * 1024, hwm: Number(hwm[1]) * 1024 } : null;
  } catch {
    return null;
  }
}

/** Creates an admin key in the server's state database and returns its token. */
function addAdminKey(cli: string, dbPath: string, statePath: string): string {
  const run = spawnSync(process.execPath, [cli, 'keys', 'add', '--role', 'admin', '--label', 'bench', '--db', dbPath], {
    env: { PATH: process.env.PATH ?? '', LACAK_STATE_DB: statePath },
    encoding: 'utf8',
  });
  // stdout: the key's description, then the token on a line of its own.
  const token = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !token.startsWith('lacak_')) throw new Error(`lacak keys add failed (${run.status}): ${run.stderr.trim()}`);
  return token;
}

const SAMPLE_MS = 100;
const LIMIT_REACHED = 'limit reached';

/** One request with every line; rows are counted as they arrive, and only error rows are parsed. */
function askLacak(server: Server, token: string, o: BulkBenchOptions): Promise<BulkLacakFigures> {
  return new Promise((resolve, reject) => {
    const pid = server.child.pid;
    const idle = memoryOf(pid);
    const tenth = Math.ceil(o.lines / 10);
    const byTenth: number[] = [];
    let rows = 0;
    let atTenth = 0;
    let peak = 0;
    let last = 0;
    let samples = 0;
    const sample = () => {
      const m = memoryOf(pid);
      if (!m) return;
      samples++;
      last = m.rss;
      peak = Math.max(peak, m.rss);
      if (atTenth === 0 && rows >= tenth) atTenth = m.rss;
      while (byTenth.length < 10 && rows >= (byTenth.length + 1) * tenth) byTenth.push(m.rss);
    };
    const sampler = setInterval(sample, SAMPLE_MS);

    const batches = o.batches()[Symbol.iterator]();
    let requestBytes = 0;
    const body = new Readable({
      read() {
        const next = batches.next();
        if (next.done) return void this.push(null);
        const chunk = `${next.value.join('\n')}\n`;
        requestBytes += chunk.length;
        this.push(chunk);
      },
    });

    const cpuBefore = cpuMs(pid);
    const clientBefore = process.cpuUsage();
    const started = performance.now();
    let bodySentMs = NaN;
    let firstRecordMs = NaN;
    let responseBytes = 0;
    let pending = '';
    let seenProvenance = false;
    let limitRows = 0;
    let lastRow = '';
    const errors: Record<string, number> = {};
    const fail = (err: Error) => {
      clearInterval(sampler);
      body.destroy();
      req.destroy();
      reject(err);
    };

    const onRecord = (record: string) => {
      if (!seenProvenance) {
        if (!record.startsWith('{"provenance":')) return fail(new Error(`the answer did not start with its provenance: ${record.slice(0, 200)}`));
        seenProvenance = true;
        firstRecordMs = performance.now() - started;
        return;
      }
      rows++;
      lastRow = record;
      // `error` is the last field of every row: most rows end with it null and need no parsing.
      if (record.endsWith('"error":null}')) return;
      const error = (JSON.parse(record) as { error: string }).error;
      if (error.includes(LIMIT_REACHED)) limitRows++;
      errors[error] = (errors[error] ?? 0) + 1;
    };

    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/bulk/ip',
        agent: false,
        // No Content-Length: the body is generated as it is sent, chunked.
        headers: { 'content-type': 'text/plain', accept: 'application/x-ndjson', authorization: `Bearer ${token}` },
      },
      (res) => {
        res.setEncoding('utf8');
        if (res.statusCode !== 200) {
          let text = '';
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => fail(new Error(`POST /bulk/ip answered ${res.statusCode}: ${text.slice(0, 300)}`)));
          return;
        }
        res.on('data', (chunk: string) => {
          responseBytes += Buffer.byteLength(chunk);
          const text = pending + chunk;
          let from = 0;
          for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', from)) {
            onRecord(text.slice(from, at));
            from = at + 1;
          }
          pending = text.slice(from);
        });
        res.on('error', fail);
        res.on('end', () => {
          const ms = performance.now() - started;
          const cpuAfter = cpuMs(pid);
          const client = process.cpuUsage(clientBefore);
          sample();
          clearInterval(sampler);
          if (pending !== '') onRecord(pending);
          const end = memoryOf(pid);
          let lastLineNumber: number | null = null;
          try {
            lastLineNumber = lastRow === '' ? null : (JSON.parse(lastRow) as { line: number }).line;
          } catch {
            lastLineNumber = null;
          }
          resolve({
            ms,
            firstRecordMs,
            bodySentMs,
            rows,
            lastLineNumber,
            limitRows,
            errors,
            requestBytes,
            responseBytes,
            serverCpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
            clientCpuMs: (client.user + client.system) / 1000,
            rss:
              idle === null || end === null || samples === 0
                ? null
                : { idleBytes: idle.rss, atTenthBytes: atTenth, peakBytes: peak, endBytes: last, highWaterBytes: end.hwm, samples, byTenth },
          });
        });
      },
    );
    req.on('error', fail);
    req.on('finish', () => (bodySentMs = performance.now() - started));
    body.pipe(req);
  });
}

// ---- the section ---------------------------------------------------------------------------

export async function benchBulk(o: BulkBenchOptions): Promise<BulkBenchResult> {
  // A state database of the bench's own: the key and the audit rows of this run go there,
  // not next to the registry database another section or a user may share.
  const statePath = join(o.workDir, 'bulk-bench.state.sqlite');
  const removeState = () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(statePath + suffix, { force: true });
  };
  removeState();
  let server: Server | null = null;
  try {
    const token = addAdminKey(o.cli, o.dbPath, statePath);

    // The floor first, then lacak, then the floor again: a load spike on the shared machine
    // during one floor run does not decide the ratio alone.
    o.log(`in-process floor: ${o.lines} lines`);
    const before = answerInProcess(o);

    const port = await freePort();
    const startedAt = performance.now();
    server = await startServer(
      'lacak serve',
      [o.cli, 'serve'],
      {
        LACAK_DB: o.dbPath,
        LACAK_STATE_DB: statePath,
        HTTP_PORT: String(port),
        WHOIS_PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // One process: the figures are per server process, beside a bare route's one (LACAK_WORKERS would fork one per core).
        LACAK_WORKERS: '1',
        // DESIGN §5: a local benchmark is exempt from the rate limits.
        LACAK_RATE_EXEMPT: '127.0.0.0/8,::1',
      },
      port,
      () => answersHealthz(port),
    );
    const lacakStartMs = performance.now() - startedAt;
    o.log(`lacak: ${o.lines} lines in one POST /bulk/ip`);
    const lacak = await askLacak(server, token, o);
    const code = await server.stop();
    if (code !== 0) o.log(`lacak serve exited with ${code}: ${server.logs.slice(-5).join(' | ')}`);
    server = null;

    o.log(`in-process floor again: ${o.lines} lines`);
    const after = answerInProcess(o);
    return { lacakStartMs, lacak, baseline: [before, after] };
  } finally {
    if (server) await server.stop();
    removeState();
  }
}
