// Worker-thread entry of preEncodeInWorker: its own read-only connection, its own index, the
// answers packed for that index; index and pack transferred back, not copied.
import { parentPort, workerData } from 'node:worker_threads';
import { openRegistryDb } from '../store/db.js';
import { LookupService } from '../query/service.js';
import { loadBootstrap } from '../referral/bootstrap.js';
import { builtIndexBuffers, builtIndexData } from '../index/build-from-db.js';
import { packedBuffers } from '../encoded/packed.js';
import { packCurrentAnswers, type PreEncodeReply, type PreEncodeRequest } from './pre-encode.js';

const request = workerData as PreEncodeRequest;
try {
  const db = openRegistryDb(request.dbPath, { readonly: true });
  try {
    const service = new LookupService(db, request.config, undefined, { bootstrap: loadBootstrap(request.config.bootstrapDir) });
    const { data, report } = packCurrentAnswers(request.config, service, request.maxBytes);
    const index = builtIndexData(service.builtIndex);
    const reply: PreEncodeReply = { index, packed: data, report };
    parentPort!.postMessage(reply, [...builtIndexBuffers(index), ...packedBuffers(data)]);
  } finally {
    db.close();
  }
} catch (err) {
  const reply: PreEncodeReply = { error: (err as Error).message };
  parentPort!.postMessage(reply);
}
