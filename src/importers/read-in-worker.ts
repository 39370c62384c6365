// The writer's side of the parse worker (parse-worker.ts): a run's records, read and parsed
// in another thread while this one writes the batches before.
import { Worker } from 'node:worker_threads';
import { LacakError, type LacakErrorCode } from '../errors.js';
import type { RecordItem, RecordOptions } from './read-file.js';
import { decodeBatch, type WireBatch } from './record-wire.js';

export interface ParseWorkerData {
  readonly paths: readonly string[];
  readonly options: Omit<RecordOptions, 'known'>;
  /** RecordOptions.known, as a list (a Set is made of it in the worker). */
  readonly known: readonly string[];
  /** Int32 count of batches the writer has taken: how the worker knows how far ahead it is. */
  readonly taken: SharedArrayBuffer;
  readonly ahead: number;
}

export type ParseWorkerMessage = { readonly batch: WireBatch } | { readonly error: { readonly message: string; readonly code?: LacakErrorCode } };

/**
 * Parsing makes short-lived strings and arrays by the million: with V8's default young
 * generation (16 MiB semi-spaces) scavenges took a third of the worker's time (bench registry,
 * first load: 16.0 s with 192 MiB, 20.4 s with 64). Two workers were slower still (19-21 s:
 * the machine's two cores spent a third of their time in the kernel), so there is one.
 */
const YOUNG_GENERATION_MB = 192;

/** Batches the worker may have sent that the writer has not taken yet (~250 KiB each). */
const AHEAD = 8;

/** As readRecordBatches, in a worker thread. Stopping the iteration stops the worker. */
export async function* readRecordBatchesInWorker(paths: readonly string[], options: RecordOptions): AsyncGenerator<RecordItem[]> {
  const taken = new Int32Array(new SharedArrayBuffer(4));
  const { known, ...rest } = options;
  const data: ParseWorkerData = { paths, options: rest, known: known ? [...known] : [], taken: taken.buffer as SharedArrayBuffer, ahead: AHEAD };
  // execArgv: a profiler or debugger flag of the importing process is not for the worker.
  const worker = new Worker(new URL('./parse-worker.js', import.meta.url), {
    workerData: data,
    execArgv: [],
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  const queue: ParseWorkerMessage[] = [];
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: ParseWorkerMessage) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (err: Error) => {
    failure = err;
    notify();
  });
  worker.on('exit', () => {
    exited = true;
    notify();
  });
  try {
    let files = paths.length;
    while (files > 0) {
      const message = queue.shift();
      if (!message) {
        if (failure) throw failure;
        if (exited) throw new Error(`the parse worker stopped before the end of ${paths.join(', ')}`);
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if ('error' in message) throw message.error.code ? new LacakError(message.error.code, message.error.message) : new Error(message.error.message);
      // Taken: the worker may send one more.
      Atomics.add(taken, 0, 1);
      Atomics.notify(taken, 0);
      const items = decodeBatch(message.batch);
      for (const item of items) if (item.kind === 'digest') files--;
      yield items;
    }
  } finally {
    await worker.terminate();
  }
}
