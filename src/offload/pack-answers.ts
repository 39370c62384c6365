// Current answers packed ahead of time (issue 15), RDAP's and WHOIS's: built in a worker thread
// over its own read-only connection, with its own index, and handed back with that index so
// that the three are swapped in together.
import { Worker } from 'node:worker_threads';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { LookupService } from '../query/service.js';
import { builtIndexFromData, type BuiltIndex, type BuiltIndexData } from '../index/build-from-db.js';
import { PackedAnswers, type PackedData } from '../encoded/packed.js';
import type { CurrentIpAnswers } from '../rdap/current-ip.js';
import type { PackReport } from '../rdap/pack.js';
import type { CurrentWhoisAnswers, WhoisPackData } from '../whois/current-answers.js';
import type { CurrentPageCards } from '../web/current-cards.js';
import type { PageCardPack } from '../web/pack.js';

export interface PreEncodeRequest {
  readonly dbPath: string;
  readonly config: Config;
  /** Memory for the packs (0: none): RDAP's is made first, then the page's cards; WHOIS's takes what they leave. */
  readonly maxBytes: number;
}

/**
 * The instant a pack's answers are made at: now, with milliseconds that are never .000, so
 * that its text (which the WHOIS answers' hole is cut at) is found in no registry date.
 */
export function packInstant(now: number): number {
  return Math.floor(now / 1000) * 1000 + 537;
}

export interface PreEncodeReply {
  readonly index?: BuiltIndexData;
  readonly packed?: PackedData;
  readonly report?: PackReport;
  readonly whois?: WhoisPackData;
  readonly pages?: PageCardPack;
  readonly error?: string;
}

export interface PreEncoded {
  readonly built: BuiltIndex;
  readonly answers: PackedAnswers;
  readonly report: PackReport;
  readonly whois: WhoisPackData;
  readonly pages: PageCardPack;
}

/** Where the packs are served from: each takes up its own. */
export interface PackUsers {
  readonly rdap: CurrentIpAnswers;
  readonly whois?: CurrentWhoisAnswers;
  readonly pages?: CurrentPageCards;
}

/** Runs packCurrentAnswers in a worker thread: the server answers on meanwhile. `signal` stops it. */
export function preEncodeInWorker(request: PreEncodeRequest, signal?: AbortSignal): Promise<PreEncoded> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./pack-worker.js', import.meta.url), { workerData: request });
    // A server that is closing does not wait for a pack it will never serve.
    worker.unref();
    signal?.addEventListener('abort', () => {
      void worker.terminate();
      reject(new Error('packing stopped: the server is closing'));
    });
    worker.once('message', (reply: PreEncodeReply) => {
      if (reply.index && reply.packed && reply.report && reply.whois && reply.pages) {
        resolve({ built: builtIndexFromData(reply.index), answers: new PackedAnswers(reply.packed), report: reply.report, whois: reply.whois, pages: reply.pages });
      } else reject(new Error(reply.error ?? 'the pre-encoding worker sent nothing'));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the pre-encoding worker exited with ${code}`));
    });
  });
}

/**
 * Keeps the pack in step with the data: packs once at start and again after each import
 * the service takes up; one worker at a time, and a run asked for meanwhile runs after it.
 * The pack and the worker's index are swapped in together, unless they reflect an older import
 * than the one served (then it packs again); a pack of a newer one brings the service to it.
 */
export class PreEncoder {
  private running: Promise<void> | null = null;
  private again = false;
  private readonly stop = new AbortController();

  constructor(
    private readonly request: PreEncodeRequest,
    private readonly service: LookupService,
    private readonly users: PackUsers,
    private readonly log?: Logger,
    private readonly build: (request: PreEncodeRequest, signal: AbortSignal) => Promise<PreEncoded> = preEncodeInWorker,
  ) {}

  /** Stops a run in progress and any later one. */
  close(): void {
    this.stop.abort();
  }

  /** Packs the data now served (or after the run in progress); resolves when a run is over. */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.once().finally(() => {
      this.running = null;
      if (this.again && !this.stop.signal.aborted) {
        this.again = false;
        void this.run();
      }
    });
    return this.running;
  }

  private async once(): Promise<void> {
    if (this.request.maxBytes <= 0 || this.stop.signal.aborted) return;
    const started = Date.now();
    try {
      const done = await this.build(this.request, this.stop.signal);
      // A pack of a newer import than the one served comes with its index: both are swapped in.
      if (!this.service.adoptIndex(done.built)) {
        this.log?.info({ packedImport: done.built.importId, servedImport: this.service.importId }, 'answers packed for an older import: packing again');
        this.again = true;
        return;
      }
      const { rdap, whois, pages } = this.users;
      rdap.usePack({ index: done.built.index, answers: done.answers });
      whois?.usePack({ index: done.built.index, data: done.whois });
      pages?.usePack(done.built.index, done.pages);
      this.log?.info(
        { importId: done.built.importId, chains: done.report.chains, rdap: rdap.stats.packed, whois: whois?.stats.packed ?? null, pages: pages?.stats.packed ?? null, ms: Date.now() - started },
        'current answers packed',
      );
    } catch (err) {
      if (!this.stop.signal.aborted) this.log?.error({ err }, 'packing current answers failed; answering them as asked');
    }
  }
}
