// Worker-thread entry of workerPoolRunner: the registry opened read-only, a query service
// without the address index (these tasks never need it), and the answerer over them.
import { workerData } from 'node:worker_threads';
import { LookupService } from '../query/service.js';
import { loadBootstrap } from '../referral/bootstrap.js';
import { openRegistryDb } from '../store/db.js';
import { heavyAnswerer, type HeavyResult, type HeavyTask } from './answerer.js';
import type { HeavyWorkerData } from './runner.js';

const { config } = workerData as HeavyWorkerData;
let answer: ((task: HeavyTask) => HeavyResult) | null = null;

export default function run(task: HeavyTask): HeavyResult {
  if (!answer) {
    const db = openRegistryDb(config.dbPath, { readonly: true });
    const service = new LookupService(db, config, undefined, { bootstrap: loadBootstrap(config.bootstrapDir), index: false });
    answer = heavyAnswerer(config, service);
  }
  return answer(task);
}
