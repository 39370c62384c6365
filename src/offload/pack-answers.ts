// Current answers packed ahead of time (issue 15), RDAP's, the page's cards and WHOIS's: built
// in a child process over its own read-only connection, with its own index, and handed back
// with that index (through a file: see array-file.ts) so that they are swapped in together.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArrays } from './array-file.js';
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

/** What the child is asked: the request, and the file to write the index and packs to. */
export interface PreEncodeChildRequest extends PreEncodeRequest {
  readonly outPath: string;
}

/**
 * Runs the packing in a child process (pack-child.ts): the server answers on meanwhile, and
 * the memory packing takes leaves with the child. `signal` stops it.
 */
export function preEncodeInChild(request: PreEncodeRequest, signal?: AbortSignal): Promise<PreEncoded> {
  // The child writes the packs here (about LACAK_ANSWER_PACK_MB); the server reads them whole and removes it.
  const dir = mkdtempSync(join(tmpdir(), 'lacak-pack-'));
  const outPath = join(dir, 'packs');
  const done = new Promise<PreEncoded>((resolve, reject) => {
    // execArgv: the child's own defaults (a debugger or profiler flag of the server's is not for it).
    const child = fork(new URL('./pack-child.js', import.meta.url), [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    // A server that is closing does not wait for a pack it will never serve.
    child.unref();
    child.channel?.unref();
    const stop = () => {
      child.kill();
      reject(new Error('packing stopped: the server is closing'));
    };
    if (signal?.aborted) return stop();
    signal?.addEventListener('abort', stop, { once: true });
    child.once('message', (message: { skeleton?: unknown; error?: string }) => {
      signal?.removeEventListener('abort', stop);
      if (message.skeleton === undefined) return reject(new Error(message.error ?? 'the packing process sent nothing'));
      try {
        const reply = readArrays(outPath, message.skeleton) as PreEncodeReply;
        if (!reply.index || !reply.packed || !reply.report || !reply.whois || !reply.pages) throw new Error('the packing process sent an incomplete pack');
        resolve({ built: builtIndexFromData(reply.index), answers: new PackedAnswers(reply.packed), report: reply.report, whois: reply.whois, pages: reply.pages });
      } catch (err) {
        reject(err as Error);
      }
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0) reject(new Error(`the packing process exited with ${code ?? signal}`));
    });
    const childRequest: PreEncodeChildRequest = { ...request, outPath };
    child.send(childRequest);
  });
  return done.finally(() => rmSync(dir, { recursive: true, force: true }));
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
    private readonly build: (request: PreEncodeRequest, signal: AbortSignal) => Promise<PreEncoded> = preEncodeInChild,
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
