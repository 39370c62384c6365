// Current answers packed ahead of time (issue 15), RDAP's, the page's cards and WHOIS's: built
// in a child process over its own read-only connection, with its own index, and handed back
// with that index (through files, kept beside the database for the next start: kept-files.ts)
// so that they are swapped in together.
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArrayFileRefused, readArrayFile } from './array-file.js';
import { canWriteBeside, keptFilesOf, packStamp, preEncodedOf, readKeptPacks, refusal, type PackStamp } from './kept-files.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { LookupService } from '../query/service.js';
import { builtIndexFromData, type BuiltIndex, type BuiltIndexData } from '../index/build-from-db.js';
import type { PackedAnswers, PackedData } from '../encoded/packed.js';
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
  /** Keep the packs beside the database (packsFileOf) for the next start, where it may write. */
  readonly keep?: boolean;
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

/** What the child is asked: the request, the file to write the index and packs to, and what to stamp it with. */
export interface PreEncodeChildRequest extends PreEncodeRequest {
  readonly out: { readonly index: string; readonly packs: string };
  readonly stamp: PackStamp;
}

/**
 * Runs the packing in a child process (pack-child.ts): the server answers on meanwhile, and
 * the memory packing takes leaves with the child. The child writes its index and packs to a
 * file, which the server reads and then keeps beside the database for the next start
 * (`keepAs`; issue 16), or removes where it may not write. `signal` stops it.
 */
export function preEncodeInChild(request: PreEncodeRequest, stamp: PackStamp, signal?: AbortSignal): Promise<PreEncoded> {
  const keepAs = request.keep ? keptFilesOf(request.dbPath) : null;
  const keep = keepAs !== null && canWriteBeside(keepAs.packs) && canWriteBeside(keepAs.index);
  const dir = keep ? null : mkdtempSync(join(tmpdir(), 'lacak-pack-'));
  // Beside the files they replace, so that the renames are atomic; a reader never sees half a file.
  const tmp = `.tmp-${process.pid}-${Date.now()}`;
  const out = dir ? { index: join(dir, 'index'), packs: join(dir, 'packs') } : { index: `${keepAs!.index}${tmp}`, packs: `${keepAs!.packs}${tmp}` };
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
    child.once('message', (message: { written?: boolean; error?: string }) => {
      signal?.removeEventListener('abort', stop);
      if (!message.written) return reject(new Error(message.error ?? 'the packing process sent nothing'));
      // Just written by our own child: its stamp is checked, its bytes need not be hashed again.
      const stamped = (meta: unknown) => refusal(meta, stamp, null);
      Promise.all([readArrayFile(out.index, stamped, false), readArrayFile(out.packs, stamped, false)])
        .then(([index, packs]) => {
          const packed = preEncodedOf(builtIndexFromData(index as BuiltIndexData), packs as PreEncodeReply);
          if (keep) {
            // The packs first: an index without its packs still starts a server; packs without their index are never read.
            renameSync(out.packs, keepAs!.packs);
            renameSync(out.index, keepAs!.index);
          }
          resolve(packed);
        })
        .catch(reject);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0) reject(new Error(`the packing process exited with ${code ?? signal}`));
    });
    const childRequest: PreEncodeChildRequest = { ...request, out, stamp };
    child.send(childRequest);
  });
  return done.finally(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    else for (const path of [out.index, out.packs]) rmSync(path, { force: true });
  });
}

/**
 * The packs of the import `service` serves: read from the file kept beside the database when
 * it is theirs (a restart is served from memory in moments: issue 16), else made by a child.
 * `startedFrom`: the kept index the service was started from, if it was.
 */
export function keptOrPacked(service: LookupService, log?: Logger, startedFrom?: BuiltIndex): (request: PreEncodeRequest, signal: AbortSignal) => Promise<PreEncoded> {
  return async (request, signal) => {
    const stamp = packStamp(request.config, service.bootstrapPublication);
    const kept = keptFilesOf(request.dbPath);
    if (request.keep && existsSync(kept.packs)) {
      const started = Date.now();
      try {
        // The kept index the service started from, while it still serves it, is not read again.
        const served = startedFrom !== undefined && service.builtIndex === startedFrom ? startedFrom : undefined;
        const read = await readKeptPacks(request.dbPath, stamp, { importId: service.importId, finishedAt: service.objects.importFinishedAt(service.importId) }, served);
        log?.info({ file: kept.packs, importId: service.importId, ms: Date.now() - started }, 'current answers read from the packs file');
        return read;
      } catch (err) {
        if (!(err instanceof ArrayFileRefused)) throw err;
        log?.info({ file: kept.packs, reason: err.reason }, 'packs file not used: packing again');
      }
    }
    return preEncodeInChild(request, stamp, signal);
  };
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
    private readonly build: (request: PreEncodeRequest, signal: AbortSignal) => Promise<PreEncoded> = keptOrPacked(service, log),
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
