// `lacak snapshot publish DIR`: what a replica needs to answer as this server does, and none of
// its secrets (DESIGN §3): a compact copy of the registry database, the key table with the hash of
// each key's token but no token, and manifest.json naming both. Every file reaches its name by a
// rename and the manifest comes last, so a replica that reads a manifest finds the files it names.
import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  createReadStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { KEY_ROLES, KeyStore } from '../access/keys.js';
import { LACAK_ERR, LacakError } from '../errors.js';
import { formatInstant } from '../query/time.js';
import { openRegistryDb, type Db } from '../store/db.js';
import { ObjectStore } from '../store/objects.js';
import { lacakVersion } from '../version.js';

/** Goes up when the manifest or the key table changes in a way an older replica would misread. */
export const REPLICA_FORMAT = 1;
export const MANIFEST_FILE = 'manifest.json';

// A replica joins these names to its download folder: a directory part or a leading dot (`..`,
// hidden files) would let a manifest write outside it or over the replica's own files.
const FileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'must be a plain file name: letters, digits, ".", "_", "-", no folder, not starting with a dot');
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 as 64 lower-case hex digits');
const Instant = z.iso.datetime();

const PublishedFile = z.object({
  file: FileName,
  bytes: z.number().int().min(0),
  sha256: Sha256,
});

export const ReplicaManifestSchema = z
  .object({
    format: z.literal(REPLICA_FORMAT),
    lacakVersion: z.string().min(1),
    publishedAt: Instant,
    /** The newest finished import the registry copy holds. */
    importId: z.number().int().positive(),
    /** When that import committed: with the id, what tells it from another database's import of the same number. */
    importFinishedAt: Instant,
    /** Each source's newest snapshot in the copy, by source name: how old a replica's answers are. */
    snapshots: z.array(z.object({ source: z.string().min(1), at: Instant })),
    /** schemaVersion: the copy's PRAGMA user_version; a replica refuses one newer than it knows. */
    registry: PublishedFile.extend({ schemaVersion: z.number().int().positive() }),
    keys: PublishedFile.extend({ count: z.number().int().min(0) }),
  })
  .refine((m) => m.registry.file !== m.keys.file && ![m.registry.file, m.keys.file].includes(MANIFEST_FILE), {
    message: 'the registry copy, the key table and the manifest must have names of their own',
  });

export type ReplicaManifest = z.infer<typeof ReplicaManifestSchema>;

/** One key as a replica checks it: the SHA-256 of the token's secret part, as the state database stores it. */
export const ReplicaKeyTableSchema = z.object({
  format: z.literal(REPLICA_FORMAT),
  keys: z.array(
    z.object({
      id: z.number().int().positive(),
      tokenHash: Sha256,
      role: z.enum(KEY_ROLES),
      label: z.string(),
      org: z.string().nullable(),
      expiresAt: Instant.nullable(),
      revokedAt: Instant.nullable(),
    }),
  ),
});

export type ReplicaKeyTable = z.infer<typeof ReplicaKeyTableSchema>;

/** The manifest in `dir`, checked; a missing, unreadable or malformed one is a one-line LacakError. */
export function readReplicaManifest(dir: string): ReplicaManifest {
  const path = join(dir, MANIFEST_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LacakError(code ? LACAK_ERR.FILE : LACAK_ERR.FORMAT, `cannot read ${path}: ${code ?? (err as Error).message}`);
  }
  const parsed = ReplicaManifestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const where = first.path.length > 0 ? `${first.path.join('.')}: ` : '';
    throw new LacakError(LACAK_ERR.FORMAT, `${path}: ${where}${first.message}`);
  }
  return parsed.data;
}

export interface PublishOptions {
  /**
   * Files DIR must not hold, directly or in a folder below it: the databases and the audit key.
   * DIR is served to replicas, and the state database beside the registry would go with it.
   */
  readonly privatePaths?: readonly string[];
  readonly now?: () => number;
}

export interface PublishReport {
  readonly manifest: ReplicaManifest;
  /** Older registry copies and key tables removed from DIR. */
  readonly removed: readonly string[];
}

/**
 * Publishes the registry database's newest import, the key table of `state` (none when null)
 * and their manifest into `dir`; then removes the registry copies and key tables older than the
 * previous manifest's, which a replica may still be fetching.
 */
export async function publishSnapshot(registry: Db, state: Db | null, dir: string, options: PublishOptions = {}): Promise<PublishReport> {
  if (new ObjectStore(registry).lastImportId() === 0) throw nothingImported();
  const folder = prepareFolder(dir, options.privatePaths ?? []);
  removeAbandonedTemporaries(folder);
  const previous = previousManifest(folder);
  const copy = await copyRegistry(registry, folder, dir, previous);
  const keys = writeKeyTable(state, folder, dir);
  const manifest = ReplicaManifestSchema.parse({
    format: REPLICA_FORMAT,
    lacakVersion: lacakVersion(),
    publishedAt: formatInstant((options.now ?? Date.now)()),
    importId: copy.importId,
    importFinishedAt: formatInstant(copy.importFinishedAt),
    snapshots: copy.snapshots,
    registry: { file: copy.file, bytes: copy.bytes, sha256: copy.sha256, schemaVersion: copy.schemaVersion },
    keys,
  });
  writeAtomically(folder, dir, MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n');
  syncFolder(folder);
  return { manifest, removed: removeOlder(folder, manifest, previous) };
}

function nothingImported(): LacakError {
  return new LacakError(LACAK_ERR.NOTHING_IMPORTED, 'nothing to publish: the registry database holds no finished import yet (run "lacak import" first)');
}

function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'not writable';
  if (code === 'ENOTDIR') return 'not a folder';
  if (code === 'ENOSPC') return 'no space left on the device';
  return code ?? (err as Error).message;
}

/** Where a file is once links are followed, whether or not it exists yet. */
function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

function prepareFolder(dir: string, privatePaths: readonly string[]): string {
  let folder: string;
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.X_OK);
    folder = realpathSync(dir);
    if (!statSync(folder).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  } catch (err) {
    // mkdir says EEXIST when DIR is a file.
    const reason = (err as NodeJS.ErrnoException).code === 'EEXIST' ? 'not a folder' : fsReason(err);
    throw new LacakError(LACAK_ERR.FILE, `cannot publish into ${dir}: ${reason}`);
  }
  for (const path of privatePaths) {
    if (path === ':memory:') continue;
    const inside = relative(folder, realPathOf(path));
    if (inside !== '' && inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside)) {
      throw new LacakError(LACAK_ERR.BAD_ARGUMENT, `${dir} holds ${basename(path)}: replicas fetching from it could fetch that too; publish into a folder of its own`);
    }
  }
  return folder;
}

// Temporary names carry the publishing process's id: a run killed mid-copy leaves a file as
// large as the registry, and the next run removes it once that process is gone, never the file
// of a run still going.
const TEMPORARY = /^\.(registry|keys|manifest)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

function temporaryName(kind: 'registry' | 'keys' | 'manifest'): string {
  return `.${kind}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeAbandonedTemporaries(folder: string): void {
  for (const name of readdirSync(folder)) {
    const m = TEMPORARY.exec(name);
    if (m && Number(m[2]) !== process.pid && !isRunning(Number(m[2]))) rmSync(join(folder, name), { force: true });
  }
}

/** The manifest being replaced, if it can be read: what replicas may be fetching right now. */
function previousManifest(folder: string): ReplicaManifest | null {
  if (!existsSync(join(folder, MANIFEST_FILE))) return null;
  try {
    return readReplicaManifest(folder);
  } catch {
    return null;
  }
}

interface RegistryCopy {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly schemaVersion: number;
  readonly importId: number;
  readonly importFinishedAt: number;
  readonly snapshots: readonly { readonly source: string; readonly at: string }[];
}

async function copyRegistry(registry: Db, folder: string, dir: string, previous: ReplicaManifest | null): Promise<RegistryCopy> {
  const temporary = join(folder, temporaryName('registry'));
  try {
    // VACUUM INTO reads in one transaction, so the copy is the database as one commit left it
    // whatever an import does meanwhile, and it leaves out the free pages a replica would
    // download for nothing. Its output is in rollback-journal mode: a replica can open it read-only.
    registry.prepare('VACUUM INTO ?').run(temporary);
    const facts = describeCopy(temporary);
    syncFile(temporary);
    const { bytes, sha256 } = await digestFile(temporary);
    const file = `registry-${facts.importId}.sqlite`;
    const same = previous?.registry.file === file && previous.registry.sha256 === sha256 && sizeOf(join(folder, file)) === bytes;
    // Published already, byte for byte: leaving it be spares a replica fetching it a file
    // swapped under it.
    if (same) rmSync(temporary);
    else renameSync(temporary, join(folder, file));
    return { ...facts, file, bytes, sha256 };
  } catch (err) {
    rmSync(temporary, { force: true });
    if (err instanceof LacakError) throw err;
    const reason = (err as NodeJS.ErrnoException).code?.startsWith('SQLITE_') ? (err as Error).message : fsReason(err);
    throw new LacakError(LACAK_ERR.FILE, `cannot copy the registry database into ${dir}: ${reason}`);
  }
}

/**
 * What the manifest says of the copy, read from the copy itself: an import that commits while
 * the copy is made cannot make the manifest name an import the copy does not hold.
 */
function describeCopy(path: string): Omit<RegistryCopy, 'file' | 'bytes' | 'sha256'> {
  const copy = openRegistryDb(path, { readonly: true });
  try {
    const objects = new ObjectStore(copy);
    const importId = objects.lastImportId();
    if (importId === 0) throw nothingImported();
    const newest = new Map<string, number>();
    for (const s of objects.snapshots()) newest.set(s.source, Math.max(newest.get(s.source) ?? s.at, s.at));
    return {
      schemaVersion: copy.pragma('user_version', { simple: true }) as number,
      importId,
      importFinishedAt: objects.importFinishedAt(importId)!,
      snapshots: [...newest]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([source, at]) => ({ source, at: formatInstant(at) })),
    };
  } finally {
    copy.close();
  }
}

function writeKeyTable(state: Db | null, folder: string, dir: string): ReplicaManifest['keys'] {
  // Field by field: a column added to the keys table later reaches replicas only when added here.
  const keys = (state ? new KeyStore(state).listWithHashes() : []).map(({ key, tokenHash }) => ({
    id: key.id,
    tokenHash: tokenHash.toString('hex'),
    role: key.role,
    label: key.label,
    org: key.org,
    expiresAt: key.expiresAt === null ? null : formatInstant(key.expiresAt),
    revokedAt: key.revokedAt === null ? null : formatInstant(key.revokedAt),
  }));
  const text = JSON.stringify(ReplicaKeyTableSchema.parse({ format: REPLICA_FORMAT, keys }), null, 2) + '\n';
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  // Named by its content: an unchanged key table keeps its name, and a replica that holds it
  // already fetches nothing.
  const file = `keys-${sha256.slice(0, 16)}.json`;
  writeAtomically(folder, dir, file, text);
  return { file, bytes: Buffer.byteLength(text, 'utf8'), sha256, count: keys.length };
}

function writeAtomically(folder: string, dir: string, name: string, text: string): void {
  const temporary = join(folder, temporaryName(name === MANIFEST_FILE ? 'manifest' : 'keys'));
  try {
    const fd = openSync(temporary, 'wx');
    try {
      writeFileSync(fd, text, 'utf8');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, join(folder, name));
  } catch (err) {
    rmSync(temporary, { force: true });
    throw new LacakError(LACAK_ERR.FILE, `cannot write ${name} into ${dir}: ${fsReason(err)}`);
  }
}

async function digestFile(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

function sizeOf(path: string): number | null {
  return statSync(path, { throwIfNoEntry: false })?.size ?? null;
}

// VACUUM INTO does not sync what it wrote: without this, a power cut soon after the rename
// could leave a manifest naming a file whose pages never reached the disk.
function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes the renames durable; not every platform can sync a folder, and there it is skipped. */
function syncFolder(folder: string): void {
  try {
    syncFile(folder);
  } catch {
    // The files themselves are synced; only the order of the renames is left to the system.
  }
}

/**
 * Keeps the files the new manifest names and those the previous one named (a replica may be
 * half-way through fetching them); without a readable previous manifest, or when it named the
 * same file, the newest other one stands in for it. Everything older goes. A file that cannot
 * be removed stays for the next run: the publication itself is complete.
 */
function removeOlder(folder: string, manifest: ReplicaManifest, previous: ReplicaManifest | null): string[] {
  const kinds = [
    { pattern: /^registry-\d+\.sqlite$/, current: manifest.registry.file, before: previous?.registry.file },
    { pattern: /^keys-[0-9a-f]{16}\.json$/, current: manifest.keys.file, before: previous?.keys.file },
  ];
  const names = readdirSync(folder);
  const removed: string[] = [];
  for (const { pattern, current, before } of kinds) {
    const others = names.filter((n) => pattern.test(n) && n !== current);
    const kept = before !== undefined && before !== current && others.includes(before) ? before : newestOf(folder, others);
    for (const name of others) {
      if (name === kept) continue;
      try {
        rmSync(join(folder, name));
        removed.push(name);
      } catch {
        // Left for the next run.
      }
    }
  }
  return removed;
}

function newestOf(folder: string, names: readonly string[]): string | undefined {
  let newest: { name: string; ms: number } | undefined;
  for (const name of names) {
    const ms = statSync(join(folder, name), { throwIfNoEntry: false })?.mtimeMs ?? -1;
    if (!newest || ms > newest.ms) newest = { name, ms };
  }
  return newest?.name;
}
