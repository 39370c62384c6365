// Child-process entry of preEncodeInChild: its own read-only connection, its own index, the
// RDAP answers, the page's cards and the WHOIS answers packed for that index; index and packs
// written to the file the server named, then the process exits. A process rather than a
// thread: all the memory packing takes (a gigabyte more on the bench registry) goes back to
// the system with it, where a thread's stayed with the server (issue 15).
import { rmSync } from 'node:fs';
import { openRegistryDb } from '../store/db.js';
import { LookupService } from '../query/service.js';
import { loadBootstrap } from '../referral/bootstrap.js';
import { builtIndexData } from '../index/build-from-db.js';
import { PackedAnswers } from '../encoded/packed.js';
import { whoisHandlerFor } from '../whois/handler.js';
import { packWhoisAnswers } from '../whois/current-answers.js';
import { packCurrentAnswers } from '../rdap/pack.js';
import { packPageCards } from '../web/pack.js';
import { writeArrayFile } from './array-file.js';
import { packInstant, type PreEncodeChildRequest, type PreEncodeReply } from './pack-answers.js';

function pack(request: PreEncodeChildRequest): PreEncodeReply & { finishedAt: number | null } {
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
    return { index, packed: rdap.data, report: rdap.report, whois: whois.data, pages: pages.pack, finishedAt: service.objects.importFinishedAt(index.importId) };
  } finally {
    db.close();
  }
}

process.once('message', (request: PreEncodeChildRequest) => {
  // A server that went away (killed, say) reads nothing: the file would only fill the disk.
  process.once('disconnect', () => {
    rmSync(request.out.index, { force: true });
    rmSync(request.out.packs, { force: true });
    process.exit(0);
  });
  let reply: { written?: boolean; error?: string };
  try {
    const { index, finishedAt, ...packs } = pack(request);
    const stamp = { ...request.stamp, importId: index!.importId, finishedAt };
    writeArrayFile(request.out.index, stamp, index);
    writeArrayFile(request.out.packs, stamp, packs);
    reply = { written: true };
  } catch (err) {
    reply = { error: (err as Error).message };
  }
  process.send!(reply, () => process.exit(0));
});
