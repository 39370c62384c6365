// LACAK_WORKERS (issue 17): several serving processes on the same ports, one per core by default,
// with node:cluster sharing the listening sockets (HTTP and WHOIS alike). Each worker is a whole
// `lacak serve` of its own (its index, its packed answers, its connections to the databases) and
// notices imports itself, so a reload swaps every worker. This process only starts them, starts
// another when one dies, and passes a stop on to all of them.
import cluster, { type Worker } from 'node:cluster';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { prepareStores } from './main.js';
import { serveWorkerMetrics } from './metrics.js';

/** A worker that dies within this of its start is not restarted again and again: the supervisor stops. */
const CRASH_LOOP_MS = 10_000;

export async function superviseWorkers(config: Config, log: Logger): Promise<void> {
  // Made and migrated once here: workers starting together would race to do it.
  const { db, state } = await prepareStores(config, log);
  db.close();
  state.close();
  const started = new Map<Worker, { index: number; at: number }>();
  let stopping = false;
  /** Stopping because a worker could not start: the supervisor's exit says so. */
  let failed = false;
  const start = (index: number) => {
    const worker = cluster.fork({ LACAK_WORKER_INDEX: String(index) });
    started.set(worker, { index, at: Date.now() });
  };
  // A scrape of any worker's /metrics gets the figures of all of them, gathered here.
  serveWorkerMetrics();
  for (let i = 0; i < config.workers; i++) start(i);
  log.info({ workers: config.workers }, 'serving with several workers');

  cluster.on('exit', (worker, code, signal) => {
    const was = started.get(worker);
    started.delete(worker);
    if (stopping) {
      if (started.size === 0) {
        log.info('stopped');
        process.exit(failed ? 1 : 0);
      }
      return;
    }
    if (!was) return;
    if (Date.now() - was.at < CRASH_LOOP_MS) {
      log.error({ worker: was.index, code, signal }, 'a worker died right after it started: stopping rather than restarting it in a loop');
      failed = true;
      stop('SIGTERM');
      return;
    }
    log.error({ worker: was.index, code, signal }, 'a worker died: starting another');
    start(was.index);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: started.size }, 'shutting down');
    if (started.size === 0) process.exit(failed ? 1 : 0);
    // Each worker drains by itself (SIGTERM) or stops at once (SIGINT); this process waits for them all.
    for (const worker of started.keys()) worker.process.kill(signal);
    setTimeout(() => {
      log.warn({ withinMs: config.shutdown.totalMs }, 'shutdown: workers still running at LACAK_SHUTDOWN_MS were stopped');
      for (const worker of started.keys()) worker.process.kill('SIGKILL');
      process.exit(failed ? 1 : 0);
    }, config.shutdown.totalMs).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
