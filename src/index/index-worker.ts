// Worker-thread entry of workerIndexBuilder: build the index, transfer its arrays back.
import { parentPort, workerData } from 'node:worker_threads';
import { buildIndexFromPath, type IndexWorkerReply, type IndexWorkerRequest } from './build-from-db.js';
import { rangeIndexBuffers } from './range-index.js';

const request = workerData as IndexWorkerRequest;
try {
  const { index, importId } = buildIndexFromPath(request.dbPath, request.settings);
  const data = index.toData();
  const reply: IndexWorkerReply = { importId, data };
  parentPort!.postMessage(reply, rangeIndexBuffers(data));
} catch (err) {
  const reply: IndexWorkerReply = { importId: 0, error: (err as Error).message };
  parentPort!.postMessage(reply);
}
