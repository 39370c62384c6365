// `lacak serve --follow URL|DIR` (issue 17): a replica keeps its registry database a copy of
// what a primary published (publish.ts). Every LACAK_FOLLOW_MS it reads the manifest; a newer
// import's file is downloaded beside the database, its size and SHA-256 checked, and only then
// copied into the database with SQLite's backup API, which writes in one transaction: readers
// see the old data or the new, and the server's poll notices the change as it notices an import.
// The key table is applied to the replica's own state database, so a key revoked on the primary
// stops working here within one interval. What goes wrong keeps the data served as it was.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import type { KeyStore } from '../access/keys.js';
import type { Logger } from '../logger.js';
import { replicaFailures, replicaImportsBehind, replicaLagSeconds } from '../metrics.js';
import type { Db } from '../store/db.js';
import { REGISTRY_MIGRATIONS } from '../store/migrations.js';
import { MANIFEST_FILE, ReplicaKeyTableSchema, ReplicaManifestSchema, type ReplicaManifest } from './publish.js';

/** Why a check did not bring the replica up to date: the `reason` label of lacak_replica_follow_failures_total. */
export type FollowFailure = 'unreachable' | 'manifest' | 'size' | 'hash' | 'older' | 'schema' | 'content' | 'apply';

export class FollowError extends Error {
  constructor(
    readonly reason: FollowFailure,
    message: string,
  ) {
    super(message);
  }
}

/** What a replica reads from: a primary's /snapshots/ over HTTP, or a published folder. */
export interface SnapshotSource {
  /** As logs and /healthz name it (a URL without credentials, or the folder). */
  readonly where: string;
  manifest(): Promise<unknown>;
  /** The bytes of one published file, as a stream. */
  open(file: string): Promise<Readable>;
}

/** A published folder (a shared volume, or files copied by other means). */
export function folderSource(dir: string): SnapshotSource {
  return {
    where: dir,
    async manifest() {
      try {
        return JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as unknown;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new FollowError(code ? 'unreachable' : 'manifest', `cannot read ${join(dir, MANIFEST_FILE)}: ${code ?? (err as Error).message}`);
      }
    },
    async open(file) {
      const stream = createReadStream(join(dir, file));
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', (err) => reject(new FollowError('unreachable', `cannot read ${join(dir, file)}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
      });
      return stream;
    },
  };
}

/**
 * A primary's /snapshots/ over HTTP. `token`: an admin key, for a replica outside the primary's
 * LACAK_REPLICA_ALLOW. Each request is bounded in time: a primary that hangs is a primary down.
 */
export function httpSource(base: string, options: { readonly token?: string; readonly timeoutMs: number }): SnapshotSource {
  const root = new URL(base.endsWith('/') ? base : `${base}/`);
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const get = async (file: string, timeoutMs: number): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(new URL(file, root), { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new FollowError('unreachable', `cannot fetch ${new URL(file, root).href}: ${(err as Error).message}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new FollowError('unreachable', `${new URL(file, root).href} answered ${response.status}`);
    }
    return response;
  };
  return {
    where: root.href,
    async manifest() {
      const response = await get(MANIFEST_FILE, options.timeoutMs);
      try {
        return (await response.json()) as unknown;
      } catch (err) {
        throw new FollowError('manifest', `${new URL(MANIFEST_FILE, root).href} is not JSON: ${(err as Error).message}`);
      }
    },
    async open(file) {
      // A national registry is hundreds of MB: the time bound is on the start of the answer and
      // on progress (the stream's own errors), not on the whole download.
      const response = await get(file, options.timeoutMs);
      if (!response.body) throw new FollowError('unreachable', `${new URL(file, root).href} has no body`);
      return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    },
  };
}

/** Counts and hashes what passes through. */
class Digesting extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    // More than the manifest said: stop at once rather than fill the disk.
    if (this.bytes > this.limit) return done(new FollowError('size', `more than the ${this.limit} bytes the manifest names`));
    this.hash.update(chunk);
    done(null, chunk);
  }
}

export interface ReplicaStatus {
  readonly name: string;
  readonly following: string;
  /** The import this replica's database holds (0: none yet). */
  readonly importId: number;
  /** The newest import the source has published, as last read (null: never read). */
  readonly publishedImportId: number | null;
  readonly importsBehind: number;
  /** How long ago the newest published import committed, while this replica does not hold it. */
  readonly lagSeconds: number;
  readonly checkedAt: string | null;
  /** Why the last check did not bring the replica up to date, if it did not. */
  readonly problem: string | null;
}

export interface FollowerOptions {
  readonly name: string;
  readonly source: SnapshotSource;
  /** The registry database this replica serves (its path, and the server's connection to it). */
  readonly dbPath: string;
  readonly db: Db;
  /** The replica's own keys (its state database): replaced by the published table. */
  readonly keys: KeyStore;
  readonly intervalMs: number;
  readonly log: Logger;
  /** Told when a snapshot has been copied in, to serve it without waiting for the next poll. */
  readonly onApplied?: () => void;
  readonly now?: () => number;
}

export class ReplicaFollower {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private manifest: ReplicaManifest | null = null;
  private keysApplied: string | null = null;
  /** When the newest publication applied here was published: an earlier one is never applied after it. */
  private appliedPublishedAt = 0;
  private checkedAt: number | null = null;
  private problem: string | null = null;
  private stopped = false;
  private readonly lastImport;

  constructor(private readonly options: FollowerOptions) {
    this.lastImport = options.db.prepare<[], { id: number }>('SELECT id FROM imports WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1');
  }

  /** Checks now, then every interval (never two at once). */
  start(): void {
    const tick = () => {
      if (this.stopped) return;
      void this.check().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One look at the source; what failed is logged, counted and kept for /healthz, never thrown. */
  check(): Promise<void> {
    this.running ??= this.checkOnce()
      .then(
        () => {
          this.problem = null;
        },
        (err: unknown) => {
          const reason: FollowFailure = err instanceof FollowError ? err.reason : 'apply';
          const message = err instanceof Error ? err.message : String(err);
          replicaFailures.inc({ reason });
          // Said once per distinct problem: a primary down for an hour is one line, not 720.
          if (message !== this.problem) this.options.log.warn({ reason, source: this.options.source.where, detail: message }, 'replica: still serving what it has');
          this.problem = message;
        },
      )
      .finally(() => {
        this.checkedAt = (this.options.now ?? Date.now)();
        this.running = null;
        this.updateGauges();
      });
    return this.running;
  }

  status(): ReplicaStatus {
    const importId = this.servedImportId();
    const published = this.manifest?.importId ?? null;
    const behind = published === null ? 0 : Math.max(0, published - importId);
    return {
      name: this.options.name,
      following: this.options.source.where,
      importId,
      publishedImportId: published,
      importsBehind: behind,
      lagSeconds: behind > 0 && this.manifest ? Math.max(0, ((this.options.now ?? Date.now)() - Date.parse(this.manifest.importFinishedAt)) / 1000) : 0,
      checkedAt: this.checkedAt === null ? null : new Date(this.checkedAt).toISOString(),
      problem: this.problem,
    };
  }

  private updateGauges(): void {
    const s = this.status();
    replicaImportsBehind.set(s.importsBehind);
    replicaLagSeconds.set(s.lagSeconds);
  }

  private servedImportId(): number {
    return this.lastImport.get()?.id ?? 0;
  }

  private async checkOnce(): Promise<void> {
    const parsed = ReplicaManifestSchema.safeParse(await this.options.source.manifest());
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      throw new FollowError('manifest', `the manifest of ${this.options.source.where} is not one lacak can use: ${first.path.join('.') || '(top)'}: ${first.message}`);
    }
    const manifest = parsed.data;
    this.manifest = manifest;
    if (manifest.registry.schemaVersion > REGISTRY_MIGRATIONS.length) {
      throw new FollowError('schema', `the published registry has schema ${manifest.registry.schemaVersion}, newer than this lacak (${REGISTRY_MIGRATIONS.length}): upgrade the replica`);
    }
    const served = this.servedImportId();
    // An older publication changes nothing, its keys included: its table could bring back a revoked key.
    if (manifest.importId < served) {
      throw new FollowError('older', `the source publishes import ${manifest.importId}, older than import ${served} served here: kept serving ${served}`);
    }
    const publishedAt = Date.parse(manifest.publishedAt);
    if (publishedAt < this.appliedPublishedAt) {
      throw new FollowError('older', `the source's manifest was published at ${manifest.publishedAt}, before the one applied here: kept what is applied`);
    }
    if (manifest.importId > served) {
      await this.applyRegistry(manifest);
      this.options.onApplied?.();
    }
    // Keys after the data: a key table is small and always from the same publication.
    if (manifest.keys.sha256 !== this.keysApplied) await this.applyKeys(manifest);
    this.appliedPublishedAt = publishedAt;
  }

  /** Downloads the registry copy beside the database, checks it, and copies it in. */
  private async applyRegistry(manifest: ReplicaManifest): Promise<void> {
    const incoming = `${this.options.dbPath}.incoming-${process.pid}`;
    const started = performance.now();
    try {
      const digest = new Digesting(manifest.registry.bytes);
      await pipeline(await this.options.source.open(manifest.registry.file), digest, createWriteStream(incoming));
      if (digest.bytes !== manifest.registry.bytes) {
        throw new FollowError('size', `${manifest.registry.file}: ${digest.bytes} bytes where the manifest says ${manifest.registry.bytes} (cut short?)`);
      }
      const sha256 = digest.hash.digest('hex');
      if (sha256 !== manifest.registry.sha256) throw new FollowError('hash', `${manifest.registry.file}: SHA-256 ${sha256} where the manifest says ${manifest.registry.sha256}`);
      const copy = new Database(incoming, { readonly: true, fileMustExist: true });
      try {
        const holds = (copy.prepare('SELECT max(id) AS id FROM imports WHERE finished_at IS NOT NULL').get() as { id: number | null }).id;
        if (holds !== manifest.importId) throw new FollowError('content', `${manifest.registry.file} holds import ${holds}, not ${manifest.importId} as the manifest says`);
        // One write transaction on the served database: its readers see all of it or none.
        await copy.backup(this.options.dbPath);
      } finally {
        copy.close();
      }
      this.options.log.info({ importId: manifest.importId, file: manifest.registry.file, bytes: manifest.registry.bytes, ms: Math.round(performance.now() - started) }, 'replica: snapshot applied');
    } finally {
      rmSync(incoming, { force: true });
    }
  }

  private async applyKeys(manifest: ReplicaManifest): Promise<void> {
    const digest = new Digesting(manifest.keys.bytes);
    const chunks: Buffer[] = [];
    digest.on('data', (chunk: Buffer) => chunks.push(chunk));
    await pipeline(await this.options.source.open(manifest.keys.file), digest);
    const sha256 = digest.hash.digest('hex');
    if (digest.bytes !== manifest.keys.bytes || sha256 !== manifest.keys.sha256) {
      throw new FollowError(digest.bytes !== manifest.keys.bytes ? 'size' : 'hash', `${manifest.keys.file} does not match the manifest`);
    }
    const table = ReplicaKeyTableSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    if (!table.success) throw new FollowError('manifest', `${manifest.keys.file} is not a key table lacak can use`);
    this.options.keys.replaceAll(
      table.data.keys.map((k) => ({
        id: k.id,
        role: k.role,
        label: k.label,
        org: k.org,
        tokenHash: Buffer.from(k.tokenHash, 'hex'),
        expiresAt: k.expiresAt === null ? null : Date.parse(k.expiresAt),
        revokedAt: k.revokedAt === null ? null : Date.parse(k.revokedAt),
      })),
    );
    this.keysApplied = manifest.keys.sha256;
    this.options.log.info({ keys: table.data.keys.length, file: manifest.keys.file }, 'replica: key table applied');
  }
}
