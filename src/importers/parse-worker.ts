// Worker thread: reads and parses a run's input files and sends their records to the writer
// in batches (read-in-worker.ts), so parsing runs on one core while SQLite writes on another.
import { parentPort, workerData } from 'node:worker_threads';
import { LacakError } from '../errors.js';
import { readRecordBatches } from './read-file.js';
import { encodeBatch } from './record-wire.js';
import type { ParseWorkerData, ParseWorkerMessage } from './read-in-worker.js';

const request = workerData as ParseWorkerData;
const taken = new Int32Array(request.taken);
let sent = 0;

function send(message: ParseWorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

try {
  const options = { ...request.options, known: new Set(request.known) };
  for await (const items of readRecordBatches(request.paths, options)) {
    // At most `ahead` batches wait for the writer: the dump is never queued whole in memory.
    // (The wait wakes now and then: a worker being stopped must get back to its event loop.)
    for (let done = Atomics.load(taken, 0); sent - done >= request.ahead; done = Atomics.load(taken, 0)) Atomics.wait(taken, 0, done, 100);
    const batch = encodeBatch(items);
    send({ batch }, [batch.keys.buffer as ArrayBuffer]);
    sent++;
  }
} catch (err) {
  send({ error: { message: err instanceof Error ? err.message : String(err), code: err instanceof LacakError ? err.code : undefined } });
}
