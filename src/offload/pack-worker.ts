// Worker-thread entry of preEncodeInWorker: its own read-only connection, its own index, the
// RDAP and WHOIS answers packed for that index; index and packs transferred back, not copied.
import { parentPort, workerData } from 'node:worker_threads';
import { openRegistryDb } from '../store/db.js';
import { LookupService } from '../query/service.js';
import { loadBootstrap } from '../referral/bootstrap.js';
import { builtIndexBuffers, builtIndexData } from '../index/build-from-db.js';
import { PackedAnswers, packedBuffers } from '../encoded/packed.js';
import { whoisHandlerFor } from '../whois/handler.js';
import { packWhoisAnswers, whoisPackBuffers } from '../whois/current-answers.js';
import { packCurrentAnswers } from '../rdap/pack.js';
import { packPageCards } from '../web/pack.js';
import { packInstant, type PreEncodeReply, type PreEncodeRequest } from './pack-answers.js';

const request = workerData as PreEncodeRequest;
try {
  const db = openRegistryDb(request.dbPath, { readonly: true });
  try {
    // One instant for every answer packed: its text is where the WHOIS answers' hole is cut.
    const instant = packInstant(Date.now());
    const now = () => instant;
    const service = new LookupService(db, request.config, undefined, { bootstrap: loadBootstrap(request.config.bootstrapDir), now });
    const rdap = packCurrentAnswers(request.config, service, request.maxBytes);
    let left = request.maxBytes - new PackedAnswers(rdap.data).memoryBytes;
    const pages = packPageCards(request.config, service, Math.max(0, left));
    left -= new PackedAnswers(pages.pack.data).memoryBytes;
    const whois = packWhoisAnswers(service, whoisHandlerFor(request.config, service, { now }), request.config.registry, instant, Math.max(0, left));
    const index = builtIndexData(service.builtIndex);
    const reply: PreEncodeReply = { index, packed: rdap.data, report: rdap.report, whois: whois.data, pages: pages.pack };
    parentPort!.postMessage(reply, [...builtIndexBuffers(index), ...packedBuffers(rdap.data), ...whoisPackBuffers(whois.data), ...packedBuffers(pages.pack.data)]);
  } finally {
    db.close();
  }
} catch (err) {
  const reply: PreEncodeReply = { error: (err as Error).message };
  parentPort!.postMessage(reply);
}
