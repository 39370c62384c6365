// Section h of the bench: WHOIS address queries on TCP. lacak runs as `lacak serve` in a
// child process; its floor is a bare node:net server (bench-bare-whois) in another child
// that answers every query line with one real lacak answer, so the two differ only by the
// parsing, the lookup and the rendering. The load comes from several forked client
// processes (bench-whois-client): in one-query-per-connection mode a single Node client
// runs out of CPU before either server does. Servers and modes alternate round by round.
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { answersHealthz, cpuMs, freePort, packedAnswers, percentile, rssAnonAfterGc, rssAnonBytes, startServer, type RdapBenchResult, type Server } from './bench-rdap.js';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WhoisClientResult, WhoisClientRun, WhoisLoadMode } from './bench-whois-client.js';

export interface WhoisBenchOptions {
  readonly dbPath: string;
  /** dist/src/cli.js */
  readonly cli: string;
  /** dist/scripts/bench-bare-whois.js */
  readonly bareServer: string;
  /** dist/scripts/bench-whois-client.js */
  readonly client: string;
  /** Where the address list and the bare server's answer are written (bench-data/, git-ignored). */
  readonly workDir: string;
  /** Addresses for the load runs; each client process walks the list from its own offset. */
  readonly load: readonly string[];
  readonly seconds: number;
  readonly rounds: number;
  /** Client processes. */
  readonly clients: number;
  /** Connections per client process, in both modes. */
  readonly connections: number;
  readonly log: (line: string) => void;
}

export interface WhoisLoadFigures {
  readonly queriesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly answers: number;
  readonly meanAnswerBytes: number;
  /** Answers carrying `%ERROR:nnn:`, by number. */
  readonly errorNumbers: Readonly<Record<string, number>>;
  /** Connections that ended before an answer's trailer. */
  readonly truncated: number;
  readonly socketErrors: Readonly<Record<string, number>>;
  /** The server's CPU time (user + system) per answer, where /proc tells it; else null. */
  readonly serverCpuUsPerQuery: number | null;
  /** The server's CPU time over the window in cores: near 1 means the server set the pace. */
  readonly serverCores: number | null;
  /** All client processes' CPU time over the window, in cores. */
  readonly clientCores: number;
}

export interface WhoisModeRuns {
  readonly lacak: readonly WhoisLoadFigures[];
  readonly bare: readonly WhoisLoadFigures[];
}

export interface WhoisBenchResult {
  readonly lacakStartMs: number;
  /** From ready to the WHOIS answers packed (issue 15), and what the pack holds; null: none reported. */
  readonly pack: RdapBenchResult['pack'];
  /** The lacak child's private memory (RssAnon) after the load runs, and after a forced garbage collection then. */
  readonly lacakRssAnonBytes: number | null;
  readonly lacakRssAnonAfterGcBytes: number | null;
  /** The same once the packs were in, before any load. */
  readonly lacakRssAnonAtPackBytes: number | null;
  /** The bare server's constant answer: the median lacak answer for an address in a range. */
  readonly answerBytes: number;
  /** The median lacak answer for an address in a hole (`%ERROR:101`), when the sample had one. */
  readonly holeAnswerBytes: number | null;
  readonly close: WhoisModeRuns;
  readonly keep: WhoisModeRuns;
}

// ---- servers -------------------------------------------------------------------------------

/** Whether something accepts TCP connections on `port`; the probe connection is dropped at once. */
function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Asks `queries` one after another on one `-k` connection and returns each answer. Used
 * once, untimed, to pick the bare server's answer from lacak's real ones.
 */
function askPersistent(port: number, queries: readonly string[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const answers: Buffer[] = [];
    let buffered: Buffer = Buffer.alloc(0);
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    socket.write(`-k ${queries[0]}\n`);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const trailer = buffered.indexOf('% This query was served by');
        const end = trailer < 0 ? -1 : buffered.indexOf('\n\n\n', trailer);
        if (end < 0) return;
        answers.push(buffered.subarray(0, end + 3));
        buffered = buffered.subarray(end + 3);
        if (answers.length === queries.length) {
          socket.end('-k\n');
          return;
        }
        socket.write(`${queries[answers.length]}\n`);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => (answers.length === queries.length ? resolve(answers) : reject(new Error(`lacak closed the -k connection after ${answers.length} of ${queries.length} answers`))));
  });
}

// ---- client processes ----------------------------------------------------------------------

type ClientMessage = { readonly type: 'ready' } | ({ readonly type: 'result' } & WhoisClientResult) | { readonly type: 'failed'; readonly message: string };

class ClientPool {
  private constructor(private readonly children: readonly ChildProcess[]) {}

  static async start(script: string, addressFile: string, count: number): Promise<ClientPool> {
    const children: ChildProcess[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      // 'advanced' serialisation carries the latency arrays as typed arrays, not JSON.
      const child = fork(script, ['--addresses', addressFile], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      children.push(child);
      ready.push(
        new Promise((resolve, reject) => {
          child.once('message', (m: ClientMessage) => (m.type === 'ready' ? resolve() : reject(new Error(`client ${i} did not start: ${JSON.stringify(m)}`))));
          child.once('exit', (code) => reject(new Error(`client ${i} exited with ${code} before it was ready`)));
        }),
      );
    }
    const pool = new ClientPool(children);
    try {
      await Promise.all(ready);
    } catch (err) {
      pool.stop();
      throw err;
    }
    return pool;
  }

  /** One timed run from every process at once; `offset` is spread over the processes. */
  run(port: number, mode: WhoisLoadMode, connections: number, seconds: number, offset: number, listLength: number): Promise<WhoisClientResult[]> {
    return Promise.all(
      this.children.map(
        (child, i) =>
          new Promise<WhoisClientResult>((resolve, reject) => {
            const exited = (code: number | null) => reject(new Error(`client ${i} exited with ${code} during a run`));
            child.once('exit', exited);
            child.once('message', (m: ClientMessage) => {
              child.off('exit', exited);
              if (m.type === 'result') resolve(m);
              else reject(new Error(`client ${i}: ${m.type === 'failed' ? m.message : 'unexpected message'}`));
            });
            const run: WhoisClientRun = { port, mode, connections, seconds, offset: offset + Math.floor((i * listLength) / this.children.length) };
            child.send({ type: 'run', ...run });
          }),
      ),
    );
  }

  stop(): void {
    for (const child of this.children) {
      if (child.connected) child.send({ type: 'exit' });
      else if (child.exitCode === null) child.kill();
    }
  }
}

async function loadRun(pool: ClientPool, server: Server, port: number, mode: WhoisLoadMode, o: WhoisBenchOptions, offset: number, seconds = o.seconds): Promise<WhoisLoadFigures> {
  const cpuBefore = cpuMs(server.child.pid);
  const results = await pool.run(port, mode, o.connections, seconds, offset, o.load.length);
  const cpuAfter = cpuMs(server.child.pid);
  let answers = 0;
  let bytes = 0;
  let truncated = 0;
  let clientCpuMs = 0;
  let rate = 0;
  const errorNumbers: Record<string, number> = {};
  const socketErrors: Record<string, number> = {};
  const latencies = new Float64Array(results.reduce((n, r) => n + r.latenciesMs.length, 0));
  let at = 0;
  for (const r of results) {
    answers += r.answers;
    bytes += r.answerBytes;
    truncated += r.truncated;
    clientCpuMs += r.cpuMs;
    rate += r.answers / (r.windowMs / 1000);
    for (const [k, n] of Object.entries(r.errorNumbers)) errorNumbers[k] = (errorNumbers[k] ?? 0) + n;
    for (const [k, n] of Object.entries(r.socketErrors)) socketErrors[k] = (socketErrors[k] ?? 0) + n;
    latencies.set(r.latenciesMs, at);
    at += r.latenciesMs.length;
  }
  latencies.sort();
  const windowMs = seconds * 1000;
  // The server's CPU is read from outside, before and after the whole run, so it includes
  // the few milliseconds the clients take to wind down; small next to the window.
  const serverMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  return {
    queriesPerSecond: rate,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    answers,
    meanAnswerBytes: answers === 0 ? 0 : bytes / answers,
    errorNumbers,
    truncated,
    socketErrors,
    serverCpuUsPerQuery: serverMs === null || answers === 0 ? null : (serverMs * 1000) / answers,
    serverCores: serverMs === null ? null : serverMs / windowMs,
    clientCores: clientCpuMs / windowMs,
  };
}

// ---- the section ---------------------------------------------------------------------------

export async function benchWhois(o: WhoisBenchOptions): Promise<WhoisBenchResult> {
  const servers: Server[] = [];
  let pool: ClientPool | null = null;
  try {
    const httpPort = await freePort();
    const whoisPort = await freePort();
    const startedAt = performance.now();
    const lacak = await startServer(
      'lacak serve',
      ['--expose-gc', '--import', pathToFileURL(join(dirname(o.bareServer), 'bench-gc-preload.js')).href, o.cli, 'serve'],
      {
        LACAK_DB: o.dbPath,
        HTTP_PORT: String(httpPort),
        WHOIS_PORT: String(whoisPort),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // One process: the figures are per server process, beside a bare route's one (LACAK_WORKERS would fork one per core).
        LACAK_WORKERS: '1',
        // Every load connection comes from 127.0.0.1: the per-client cap (default 20) would
        // turn most of them away with %ERROR:306.
        LACAK_WHOIS_MAX_PER_CLIENT: '100000',
        LACAK_WHOIS_MAX_CONNECTIONS: '100000',
        // ... and the rate limit would refuse most queries (DESIGN §5: a local benchmark is exempt).
        LACAK_RATE_EXEMPT: '127.0.0.0/8,::1',
      },
      httpPort,
      async () => (await answersHealthz(httpPort)) && (await acceptsConnections(whoisPort)),
    );
    const lacakStartMs = performance.now() - startedAt;
    const pack = await packedAnswers(httpPort, o.log, 'whois');
    const lacakRssAnonAtPackBytes = rssAnonBytes(lacak.child.pid);
    servers.push(lacak);

    // The bare server's answer: the median-sized answer without %ERROR among the first 400 load addresses.
    const sample = await askPersistent(whoisPort, o.load.slice(0, 400));
    const hits = sample.filter((a) => a.indexOf('%ERROR:') < 0).sort((a, b) => a.length - b.length);
    const holes = sample.filter((a) => a.indexOf('%ERROR:') >= 0).sort((a, b) => a.length - b.length);
    if (hits.length === 0) throw new Error('no address of the load list got an answer without %ERROR: nothing to size the bare server by');
    const typical = hits[hits.length >> 1]!;
    const answerFile = `${o.workDir}/whois-bare-answer.txt`;
    writeFileSync(answerFile, typical);
    const addressFile = `${o.workDir}/whois-load-addresses.txt`;
    writeFileSync(addressFile, `${o.load.join('\n')}\n`);

    const barePort = await freePort();
    const bare = await startServer('bare node:net server', [o.bareServer, '--answer', answerFile, '--port', String(barePort)], {}, barePort, () => acceptsConnections(barePort));
    servers.push(bare);

    pool = await ClientPool.start(o.client, addressFile, o.clients);
    const modes: readonly WhoisLoadMode[] = ['close', 'keep'];
    const warmup = Math.min(2, o.seconds);
    o.log(`warm-up: ${warmup} s per server and mode`);
    for (const mode of modes) {
      await loadRun(pool, bare, barePort, mode, o, 0, warmup);
      await loadRun(pool, lacak, whoisPort, mode, o, 0, warmup);
    }

    const runs = { close: { lacak: [] as WhoisLoadFigures[], bare: [] as WhoisLoadFigures[] }, keep: { lacak: [] as WhoisLoadFigures[], bare: [] as WhoisLoadFigures[] } };
    for (let r = 0; r < o.rounds; r++) {
      // Each round starts further into the list, so no round replays another's addresses first.
      const offset = Math.floor(((r + 1) * o.load.length) / (o.rounds + 1));
      for (const mode of modes) {
        runs[mode].bare.push(await loadRun(pool, bare, barePort, mode, o, offset));
        runs[mode].lacak.push(await loadRun(pool, lacak, whoisPort, mode, o, offset));
        o.log(`round ${r + 1}/${o.rounds} ${mode === 'close' ? 'one per connection' : '-k'}: bare ${runs[mode].bare.at(-1)!.queriesPerSecond.toFixed(0)} q/s, lacak ${runs[mode].lacak.at(-1)!.queriesPerSecond.toFixed(0)} q/s`);
      }
    }
    const lacakRssAnonBytes = rssAnonBytes(lacak.child.pid);
    const lacakRssAnonAfterGcBytes = await rssAnonAfterGc(lacak);
    return {
      lacakStartMs,
      pack,
      lacakRssAnonBytes,
      lacakRssAnonAfterGcBytes,
      lacakRssAnonAtPackBytes,
      answerBytes: typical.length,
      holeAnswerBytes: holes.length === 0 ? null : holes[holes.length >> 1]!.length,
      close: runs.close,
      keep: runs.keep,
    };
  } finally {
    pool?.stop();
    for (const s of servers.reverse()) {
      const code = await s.stop();
      if (code !== 0) o.log(`${s.name} exited with ${code}: ${s.logs.slice(-5).join(' | ')}`);
    }
  }
}
