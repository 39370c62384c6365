// Worker-thread entry of workerIndexBuilder: build the index, transfer its arrays back.
import { parentPort, workerData } from 'node:worker_threads';
import { buildIndexFromPath, type IndexWorkerReply, type IndexWorkerRequest } from './build-from-db.js';
import { rangeIndexBuffers } from './range-index.js';

const request = workerData as IndexWorkerRequest;
try {
  const { index, managed, importId } = buildIndexFromPath(request.dbPath, request.settings);
  const data = { index: index.toData(), managed: managed.toData() };
  const reply: IndexWorkerReply = { importId, data };
  parentPort!.postMessage(reply, [...rangeIndexBuffers(data.index), ...rangeIndexBuffers(data.managed)]);
} catch (err) {
  const reply: IndexWorkerReply = { importId: 0, error: (err as Error).message };
  parentPort!.postMessage(reply);
}
