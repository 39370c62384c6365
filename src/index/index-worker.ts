// Worker-thread entry of workerIndexBuilder: build the index, transfer its arrays back.
import { parentPort, workerData } from 'node:worker_threads';
import { buildIndexFromPath, builtIndexBuffers, builtIndexData, type IndexWorkerReply, type IndexWorkerRequest } from './build-from-db.js';

const request = workerData as IndexWorkerRequest;
try {
  const data = builtIndexData(buildIndexFromPath(request.dbPath, request.settings));
  const reply: IndexWorkerReply = { data };
  parentPort!.postMessage(reply, builtIndexBuffers(data));
} catch (err) {
  const reply: IndexWorkerReply = { error: (err as Error).message };
  parentPort!.postMessage(reply);
}
