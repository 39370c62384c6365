// Heavy questions answered off the event loop that serves everyone (issue 13): an inverse
// WHOIS query over a maintainer of tens of thousands of objects, or a search page of 500
// results, is hundreds of milliseconds of synchronous SQLite and rendering; in a worker thread
// it delays nobody's `/ip`. A runner takes a task and gives its result; which tasks are heavy
// is the front ends' to decide, what they are is answerer.ts's.
import { Piscina } from 'piscina';
import type { Config } from '../config.js';
import type { HeavyResult, HeavyTask } from './answerer.js';

export interface HeavyRunner {
  run(task: HeavyTask): Promise<HeavyResult>;
  close(): Promise<void>;
}

/** In the calling thread: for tests and tools, where blocking does not matter. */
export function inThreadRunner(answer: (task: HeavyTask) => HeavyResult): HeavyRunner {
  return {
    run: async (task) => answer(task),
    close: async () => {},
  };
}

/** What a worker needs to open the registry as the server does. */
export interface HeavyWorkerData {
  readonly config: Config;
}

/**
 * A pool of worker threads (`threads` of them, started when first needed and stopped when
 * idle), each with its own read-only connection to the registry database.
 */
export function workerPoolRunner(config: Config, threads: number, worker: URL = new URL('./heavy-worker.js', import.meta.url)): HeavyRunner {
  const workerData: HeavyWorkerData = { config };
  const pool = new Piscina<HeavyTask, HeavyResult>({
    // The built worker (dist/): tests running the TypeScript sources name it themselves.
    filename: worker.href,
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 60_000,
    workerData,
  });
  return {
    run: (task) => pool.run(task),
    close: () => pool.destroy(),
  };
}
