// Sections g and j of the bench: RDAP `/ip/{address}`, and the web page `/?q={address}`,
// over HTTP. lacak runs as `lacak serve` in a child process, as it does for users; its floor
// is a bare Fastify route (bench-bare-server) in another child that answers every request
// with one real lacak answer, so the two differ only by the lookup and its rendering. The
// load generator runs in the bench process, on loopback only, against one server at a time.
import { spawn, type ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { connect, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

// ---- autocannon (CommonJS, no bundled types: only what is used here is declared) ----------

interface AutocannonRequest {
  readonly method?: string;
  readonly path?: string;
  setupRequest?: (request: { path?: string }, context: object) => { path?: string };
}

interface AutocannonOptions {
  readonly url: string;
  readonly connections: number;
  readonly pipelining: number;
  readonly duration: number;
  readonly requests?: readonly AutocannonRequest[];
  readonly timeout?: number;
}

interface AutocannonResult {
  readonly errors: number;
  readonly timeouts: number;
  readonly resets: number;
}

type Autocannon = (options: AutocannonOptions, done: (err: Error | null, result: AutocannonResult) => void) => EventEmitter;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// ---- public shape --------------------------------------------------------------------------

export type AddressKind = 'v4 hit' | 'v4 hole' | 'v6 hit' | 'v6 hole';

export interface ProbeAddress {
  readonly text: string;
  readonly kind: AddressKind;
}

export interface RdapBenchOptions {
  readonly dbPath: string;
  /** dist/src/cli.js */
  readonly cli: string;
  /** dist/scripts/bench-bare-server.js */
  readonly bareServer: string;
  /** Where the bare route's body is written (bench-data/, git-ignored). */
  readonly workDir: string;
  /** Addresses for the load runs, requested round-robin over all connections. */
  readonly load: readonly string[];
  /** Addresses whose cost is measured one by one. */
  readonly probes: readonly ProbeAddress[];
  /** The request path asking about an address: RDAP's `/ip/…` unless told (the web page: `/?q=…`). */
  readonly pathOf?: (address: string) => string;
  /** The answers are HTML pages: the bare route serves one as text at `/`. */
  readonly html?: boolean;
  readonly seconds: number;
  readonly rounds: number;
  readonly connections: number;
  readonly probePasses: number;
  /** When set, the lacak child runs with --cpu-prof into this folder. */
  readonly cpuProfDir?: string;
  readonly log: (line: string) => void;
}

export interface LoadFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly responses: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
  /** The server's CPU time (user + system) per answer, where /proc tells it; else null. */
  readonly serverCpuUsPerRequest: number | null;
  /** The server's garbage-collection pauses during the run, in ms per 10,000 answers; null if unknown. */
  readonly gcMsPer10k: number | null;
}

export interface ProbeFigures {
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly worstMs: number;
  readonly worst: readonly { readonly address: ProbeAddress; readonly ms: number; readonly status: number }[];
  readonly medianByKind: Readonly<Partial<Record<AddressKind, number>>>;
  readonly countByKind: Readonly<Partial<Record<AddressKind, number>>>;
  /** Hits that did not answer 200 and holes that did (only meaningful on a generated registry). */
  readonly unexpected: number;
}

export interface RdapBenchResult {
  readonly lacakStartMs: number;
  /** From ready to the current answers packed (issue 15), and what the pack holds; null: no pack reported. */
  readonly pack: { readonly ms: number; readonly answers: number; readonly bytes: number; readonly networks: number } | null;
  /** The lacak child's private memory (RssAnon of /proc) after the load runs; null where /proc does not tell. */
  readonly lacakRssAnonBytes: number | null;
  /** The same after a forced garbage collection. */
  readonly lacakRssAnonAfterGcBytes: number | null;
  readonly bodyBytes: number;
  /** The median size of the answers that were not 200 (holes: 404, or 301 to another registry). */
  readonly otherBody: { readonly bytes: number; readonly statuses: readonly number[] } | null;
  readonly lacak: readonly LoadFigures[];
  readonly bare: readonly LoadFigures[];
  readonly lacakProbe: ProbeFigures;
  readonly bareProbe: ProbeFigures;
}

// ---- a minimal keep-alive HTTP/1.1 client for one-at-a-time requests -----------------------

interface Answer {
  readonly status: number;
  readonly body: Buffer;
  readonly ms: number;
}

/**
 * One socket, one request in flight. Hand-rolled rather than fetch or http.Agent so the
 * client adds as little and as steady a cost as possible to each timed request.
 */
class KeepAliveClient {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (a: Answer) => void; reject: (e: Error) => void; started: number } | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed by the server')));
  }

  static open(port: number): Promise<KeepAliveClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new KeepAliveClient(socket));
      });
    });
  }

  get(path: string): Promise<Answer> {
    if (this.waiting) throw new Error('one request at a time');
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject, started: performance.now() };
      this.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
    });
  }

  close(): void {
    this.waiting = null;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const ended = performance.now();
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headEnd = this.buffered.indexOf('\r\n\r\n');
    if (headEnd < 0 || !this.waiting) return;
    const head = this.buffered.subarray(0, headEnd).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) return this.fail(new Error(`no content-length in an answer (chunked answers are not expected): ${head.split('\r\n')[0]}`));
    const total = headEnd + 4 + Number(length[1]);
    if (this.buffered.length < total) return;
    const body = this.buffered.subarray(headEnd + 4, total);
    this.buffered = this.buffered.subarray(total);
    const { resolve, started } = this.waiting;
    this.waiting = null;
    resolve({ status, body, ms: ended - started });
  }

  private fail(err: Error): void {
    const w = this.waiting;
    this.waiting = null;
    w?.reject(err);
  }
}

// ---- children ------------------------------------------------------------------------------

export interface Server {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly logs: string[];
  stop(): Promise<number | null>;
}

/** A port the OS considers free right now; the child binds it a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the server on `port` answers /healthz with 200; false while it does not listen yet. */
export async function answersHealthz(port: number): Promise<boolean> {
  try {
    const client = await KeepAliveClient.open(port);
    const answer = await client.get('/healthz');
    client.close();
    return answer.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts a server child and waits until `ready` (by default: it answers /healthz on `port`).
 * Readiness is polled, not read from the "serving" log line: at LOG_LEVEL=warn lacak does
 * not write that line.
 */
export async function startServer(
  name: string,
  nodeArgs: readonly string[],
  env: Record<string, string>,
  port: number,
  ready: () => Promise<boolean> = () => answersHealthz(port),
  timeoutMs = 600_000,
): Promise<Server> {
  const child = spawn(process.execPath, nodeArgs, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const logs: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    logs.push(line);
    if (logs.length > 200) logs.shift();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone) throw new Error(`${name} exited before it served: ${logs.join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not serve within ${timeoutMs / 1000} s: ${logs.join('\n')}`);
    }
    if (await ready()) break;
    await sleep(100);
  }
  return {
    name,
    port,
    child,
    logs,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Waits for the server to report its current answers packed (issue 15); null if it never does within 10 minutes. */
export async function packedAnswers(port: number, log: (line: string) => void, front: 'rdap' | 'whois' | 'page' = 'rdap'): Promise<RdapBenchResult['pack']> {
  const started = performance.now();
  let said = started;
  while (performance.now() - started < 600_000) {
    const client = await KeepAliveClient.open(port);
    const health = JSON.parse((await client.get('/healthz')).body.toString('utf8')) as { answersKept?: Record<string, { packed?: { answers: number; bytes: number } | null }> };
    const ready = JSON.parse((await client.get('/readyz')).body.toString('utf8')) as { networks?: number };
    client.close();
    const packed = health.answersKept?.[front]?.packed;
    if (packed) return { ms: performance.now() - started, answers: packed.answers, bytes: packed.bytes, networks: ready.networks ?? 0 };
    if (health.answersKept?.[front] === undefined) return null;
    if (performance.now() - said > 15_000) {
      said = performance.now();
      log(`waiting for the current answers to be packed (${Math.round((said - started) / 1000)} s)`);
    }
    await sleep(250);
  }
  return null;
}

/**
 * The server's RssAnon after a forced garbage collection (bench-gc-preload, SIGWINCH; the
 * child needs --expose-gc): what it holds, apart from garbage not yet collected. Null if it
 * cannot say.
 */
export async function rssAnonAfterGc(server: Server): Promise<number | null> {
  const seen = server.logs.filter((l) => l.startsWith('bench-gc collected')).length;
  if (!server.child.kill('SIGWINCH')) return null;
  for (let i = 0; i < 100; i++) {
    const lines = server.logs.filter((l) => l.startsWith('bench-gc collected'));
    if (lines.length > seen) return lines.at(-1)!.endsWith('yes') ? rssAnonBytes(server.child.pid) : null;
    await sleep(20);
  }
  return null;
}

/** RssAnon of a process from /proc: its private memory, without the file pages it maps. */
export function rssAnonBytes(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

// ---- load ----------------------------------------------------------------------------------

/** A process's CPU time so far in ms, from /proc (Linux); null elsewhere. */
export function cpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime (fields 14 and 15 of proc(5)) in clock ticks, 100 a second on Linux.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * One autocannon run. Latencies are taken from its per-response event rather than its
 * histogram, which records whole milliseconds and only 2xx answers: the bare route's p50
 * is well under a millisecond, and lacak's 404s for holes are part of the mix.
 */
/** The total of the server's GC pauses so far (ms), from bench-gc-preload; null if it does not say. */
async function gcTotalMs(server: Server): Promise<number | null> {
  const seen = server.logs.filter((l) => l.startsWith('bench-gc ')).length;
  if (!server.child.kill('SIGUSR2')) return null;
  for (let i = 0; i < 50; i++) {
    const lines = server.logs.filter((l) => l.startsWith('bench-gc '));
    if (lines.length > seen) return Number(lines.at(-1)!.split(' ')[1]);
    await sleep(20);
  }
  return null;
}

async function loadRun(server: Server, paths: readonly string[], seconds: number, connections: number, offset: number): Promise<LoadFigures> {
  const gcBefore = await gcTotalMs(server);
  const figures = await load(server, paths, seconds, connections, offset);
  const gcAfter = await gcTotalMs(server);
  const gcMsPer10k = gcBefore === null || gcAfter === null || figures.responses === 0 ? null : ((gcAfter - gcBefore) * 10_000) / figures.responses;
  return { ...figures, gcMsPer10k };
}

function load(server: Server, paths: readonly string[], seconds: number, connections: number, offset: number): Promise<Omit<LoadFigures, 'gcMsPer10k'>> {
  let next = offset;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const cpuBefore = cpuMs(server.child.pid);
    const started = performance.now();
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${server.port}`,
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: 30,
        // One dynamic request: each client rebuilds it before every send, drawing the next
        // path from one counter shared by all connections.
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => {
              request.path = paths[next++ % paths.length]!;
              return request;
            },
          },
        ],
      },
      (err, result) => {
        const elapsed = (performance.now() - started) / 1000;
        const cpuAfter = cpuMs(server.child.pid);
        if (err) return reject(err);
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          requestsPerSecond: latencies.length / elapsed,
          p50Ms: percentile(sorted, 50),
          p99Ms: percentile(sorted, 99),
          responses: latencies.length,
          statuses,
          errors: result.errors + result.timeouts,
          serverCpuUsPerRequest: cpuBefore === null || cpuAfter === null || latencies.length === 0 ? null : ((cpuAfter - cpuBefore) * 1000) / latencies.length,
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
}

// ---- one address at a time -----------------------------------------------------------------

/** A seeded permutation, so every pass meets the addresses in a different order. */
function shuffled(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

const CONFIRM_SLOWEST = 20;
const CONFIRM_TRIES = 20;

/**
 * Times every probe address `passes` times on one keep-alive connection. An address's cost
 * is its fastest pass: a GC pause or a neighbour's burst on the shared machine lands on one
 * pass, while a cost that belongs to the address shows up in all of them.
 */
async function probeAll(ports: readonly number[], probes: readonly ProbeAddress[], passes: number, pathOf: (address: string) => string): Promise<{ best: Float64Array; status: Uint16Array }[]> {
  const clients = await Promise.all(ports.map((p) => KeepAliveClient.open(p)));
  const out = ports.map(() => ({ best: new Float64Array(probes.length).fill(Infinity), status: new Uint16Array(probes.length) }));
  const paths = probes.map((p) => pathOf(p.text));
  for (let pass = 0; pass < passes; pass++) {
    const order = shuffled(probes.length, 0x9e3779b9 + pass);
    // Servers alternate pass by pass so both see the same stretch of machine load.
    for (let s = 0; s < clients.length; s++) {
      const { best, status } = out[s]!;
      for (const i of order) {
        const answer = await clients[s]!.get(paths[i]!);
        if (answer.ms < best[i]!) best[i] = answer.ms;
        status[i] = answer.status;
      }
    }
  }
  // The slowest addresses get many more tries: a cost that belongs to the address survives
  // them all, while one that came from bad luck in every pass so far does not.
  for (let s = 0; s < clients.length; s++) {
    const { best } = out[s]!;
    const slowest = [...best.keys()].sort((a, b) => best[b]! - best[a]!).slice(0, CONFIRM_SLOWEST);
    for (let t = 0; t < CONFIRM_TRIES; t++) {
      for (const i of slowest) {
        const answer = await clients[s]!.get(paths[i]!);
        if (answer.ms < best[i]!) best[i] = answer.ms;
      }
    }
  }
  for (const c of clients) c.close();
  return out;
}

function probeFigures(probes: readonly ProbeAddress[], best: Float64Array, status: Uint16Array): ProbeFigures {
  const sorted = Float64Array.from(best).sort();
  const byKind = new Map<AddressKind, number[]>();
  let unexpected = 0;
  for (let i = 0; i < probes.length; i++) {
    const kind = probes[i]!.kind;
    const list = byKind.get(kind) ?? [];
    list.push(best[i]!);
    byKind.set(kind, list);
    if (kind.endsWith('hit') !== (status[i] === 200)) unexpected++;
  }
  const medianByKind: Partial<Record<AddressKind, number>> = {};
  const countByKind: Partial<Record<AddressKind, number>> = {};
  for (const [kind, list] of byKind) {
    medianByKind[kind] = percentile(Float64Array.from(list).sort(), 50);
    countByKind[kind] = list.length;
  }
  const ranked = [...best.keys()].sort((a, b) => best[b]! - best[a]!).slice(0, 5);
  return {
    medianMs: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    worstMs: sorted[sorted.length - 1]!,
    worst: ranked.map((i) => ({ address: probes[i]!, ms: best[i]!, status: status[i]! })),
    medianByKind,
    countByKind,
    unexpected,
  };
}

// ---- the section ---------------------------------------------------------------------------

export async function benchRdap(o: RdapBenchOptions): Promise<RdapBenchResult> {
  const pathOf = o.pathOf ?? ((address: string) => `/ip/${address}`);
  const servers: Server[] = [];
  try {
    const lacakPort = await freePort();
    const profArgs = o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir, '--cpu-prof-interval', '100'] : [];
    const startedAt = performance.now();
    const gcPreload = ['--import', pathToFileURL(join(dirname(o.bareServer), 'bench-gc-preload.js')).href];
    const lacak = await startServer('lacak serve', [...profArgs, '--expose-gc', ...gcPreload, o.cli, 'serve'], {
      LACAK_DB: o.dbPath,
      HTTP_PORT: String(lacakPort),
      WHOIS_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // One process: the figures are per server process, beside a bare route's one (LACAK_WORKERS would fork one per core).
      LACAK_WORKERS: '1',
      // The load comes from loopback at thousands of requests a second (DESIGN §5: a local benchmark is exempt).
      LACAK_RATE_EXEMPT: '127.0.0.0/8,::1',
    }, lacakPort);
    const lacakStartMs = performance.now() - startedAt;
    servers.push(lacak);
    const pack = await packedAnswers(lacak.port, o.log, o.html ? 'page' : 'rdap');

    // The bare route's body: the median-sized 200 answer among the first hits of the load list.
    const sizer = await KeepAliveClient.open(lacak.port);
    const bodies: Buffer[] = [];
    const otherSizes: number[] = [];
    const otherStatuses = new Set<number>();
    for (const address of o.load.slice(0, 400)) {
      const answer = await sizer.get(pathOf(address));
      if (answer.status === 200) bodies.push(answer.body);
      else {
        otherSizes.push(answer.body.length);
        otherStatuses.add(answer.status);
      }
    }
    sizer.close();
    if (bodies.length === 0) throw new Error('no address of the load list answered 200: nothing to size the bare route by');
    bodies.sort((a, b) => a.length - b.length);
    const typical = bodies[bodies.length >> 1]!;
    const bodyFile = `${o.workDir}/${o.html ? 'page-bare-body.html' : 'rdap-bare-body.json'}`;
    writeFileSync(bodyFile, typical);
    otherSizes.sort((a, b) => a - b);

    const barePort = await freePort();
    const bare = await startServer('bare route', [...gcPreload, o.bareServer, '--body', bodyFile, '--port', String(barePort), ...(o.html ? ['--html'] : [])], {}, barePort);
    servers.push(bare);

    const paths = o.load.map(pathOf);
    const warmup = Math.min(3, o.seconds);
    o.log(`warm-up: ${warmup} s per server`);
    await loadRun(bare, paths, warmup, o.connections, 0);
    await loadRun(lacak, paths, warmup, o.connections, 0);

    const lacakRuns: LoadFigures[] = [];
    const bareRuns: LoadFigures[] = [];
    for (let r = 0; r < o.rounds; r++) {
      // Each round starts further into the list, so no round replays another's addresses first.
      const offset = Math.floor(((r + 1) * paths.length) / (o.rounds + 1));
      bareRuns.push(await loadRun(bare, paths, o.seconds, o.connections, offset));
      lacakRuns.push(await loadRun(lacak, paths, o.seconds, o.connections, offset));
      o.log(`round ${r + 1}/${o.rounds}: bare ${bareRuns.at(-1)!.requestsPerSecond.toFixed(0)} req/s, lacak ${lacakRuns.at(-1)!.requestsPerSecond.toFixed(0)} req/s`);
    }

    const lacakRssAnonBytes = rssAnonBytes(lacak.child.pid);
    const lacakRssAnonAfterGcBytes = await rssAnonAfterGc(lacak);
    const [lacakProbe, bareProbe] = await probeAll([lacak.port, bare.port], o.probes, o.probePasses, pathOf);
    return {
      lacakStartMs,
      pack,
      lacakRssAnonBytes,
      lacakRssAnonAfterGcBytes,
      bodyBytes: typical.length,
      otherBody: otherSizes.length > 0 ? { bytes: otherSizes[otherSizes.length >> 1]!, statuses: [...otherStatuses].sort() } : null,
      lacak: lacakRuns,
      bare: bareRuns,
      lacakProbe: probeFigures(o.probes, lacakProbe!.best, lacakProbe!.status),
      bareProbe: probeFigures(o.probes, bareProbe!.best, bareProbe!.status),
    };
  } finally {
    for (const s of servers.reverse()) {
      const code = await s.stop();
      if (code !== 0) o.log(`${s.name} exited with ${code}: ${s.logs.slice(-5).join(' | ')}`);
    }
  }
}
