// `lacak snapshot publish` (replica/publish.ts): a registry copy and a key table a replica can
// check against the manifest, the newest import in the copy and the manifest alike, and nothing
// of the state database in DIR: no key or audit table, no token.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/access/audit.js';
import { KeyStore } from '../../src/access/keys.js';
import { LACAK_ERR, LacakError } from '../../src/errors.js';
import { importFiles } from '../../src/importers/run-import.js';
import { MANIFEST_FILE, ReplicaKeyTableSchema, ReplicaManifestSchema, publishSnapshot, readReplicaManifest, type ReplicaManifest } from '../../src/replica/publish.js';
import { buildSampleRegistry } from '../../src/sample.js';
import { openRegistryDb, type Db } from '../../src/store/db.js';
import { ObjectStore } from '../../src/store/objects.js';
import { openStateDb } from '../../src/store/state-db.js';
import { SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';

const tmp = tempDir();
const registryPath = join(tmp.dir, 'registry.sqlite');
const statePath = join(tmp.dir, 'registry.state.sqlite');
const replicaDir = join(tmp.dir, 'replica');
const NOW = Date.parse('2026-03-01T08:00:00Z');
// Seen only in the state database's audit log: it must not reach DIR.
const AUDITED_QUERY = 'GET /entity/AUDIT-ONLY-MARKER';

let registry: Db;
let state: Db;
const tokens: string[] = [];

const currentObjects = (db: Db) => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM objects WHERE valid_to IS NULL').get()!.n;
const tablesOf = (db: Db | Database.Database) =>
  db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name);
const sha256Of = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function publish(dir = replicaDir, now = NOW) {
  return publishSnapshot(registry, state, dir, { privatePaths: [registryPath, statePath], now: () => now });
}

/** The sample's 2026 IDNIC dump again, a month later each time: a new import, nothing changed. */
async function importAgain(at: string): Promise<number> {
  const report = await importFiles(registry, { files: [join(SAMPLE_DIR, '2026-01-01', 'idnic.db')], format: 'rpsl', at: Date.parse(at) }, quietLog);
  return report.importId;
}

function registryFiles(dir = replicaDir): string[] {
  return readdirSync(dir)
    .filter((n) => /^registry-\d+\.sqlite$/.test(n))
    .sort();
}

beforeAll(async () => {
  await buildSampleRegistry(SAMPLE_DIR, registryPath, quietLog);
  registry = openRegistryDb(registryPath);
  state = openStateDb(statePath);
  const keys = new KeyStore(state);
  tokens.push(keys.add({ role: 'member', label: 'CONTOHNET NOC', org: 'ORG-CJN1-IDNIC', expiresAt: Date.parse('2027-01-01T00:00:00Z'), now: NOW }).token);
  tokens.push(keys.add({ role: 'lea', label: 'Direktorat Siber', now: NOW }).token);
  tokens.push(keys.add({ role: 'admin', label: 'registry operations', now: NOW }).token);
  keys.revoke(2, NOW + 1000);
  new AuditLog(state, Buffer.alloc(32, 7)).append({ at: NOW, keyId: 1, role: 'member', caseReference: null, client: '198.51.100.7', query: AUDITED_QUERY, disclosed: [] });
});

afterAll(() => {
  registry?.close();
  state?.close();
  tmp.cleanup();
});

describe('lacak snapshot publish', () => {
  let manifest: ReplicaManifest;

  beforeAll(async () => {
    ({ manifest } = await publish());
  });

  it('writes a manifest that validates and names the newest import', () => {
    expect(readReplicaManifest(replicaDir)).toEqual(manifest);
    const objects = new ObjectStore(registry);
    const importId = objects.lastImportId();
    expect(manifest).toMatchObject({
      format: 1,
      publishedAt: '2026-03-01T08:00:00Z',
      importId,
      importFinishedAt: new Date(objects.importFinishedAt(importId)!).toISOString().replace('.000Z', 'Z'),
      registry: { file: `registry-${importId}.sqlite` },
      keys: { count: 3 },
    });
    expect(manifest.snapshots).toEqual([
      { source: 'APNIC', at: '2025-06-01T00:00:00Z' },
      { source: 'DELEGATED-APNIC', at: '2025-06-01T00:00:00Z' },
      { source: 'IDNIC', at: '2026-01-01T00:00:00Z' },
      { source: 'MEMBERS', at: '2025-06-01T00:00:00Z' },
    ]);
    // Only what the manifest names, and no temporary file left behind.
    expect(readdirSync(replicaDir).sort()).toEqual([manifest.keys.file, MANIFEST_FILE, manifest.registry.file].sort());
  });

  it('states the size and SHA-256 of each file as they are', () => {
    for (const entry of [manifest.registry, manifest.keys]) {
      const bytes = readFileSync(join(replicaDir, entry.file));
      expect(bytes.length, entry.file).toBe(entry.bytes);
      expect(statSync(join(replicaDir, entry.file)).size).toBe(entry.bytes);
      expect(sha256Of(bytes), entry.file).toBe(entry.sha256);
    }
  });

  it('copies the registry: read-only, it holds what the source holds and no table of the state database', () => {
    const copy = new Database(join(replicaDir, manifest.registry.file), { readonly: true, fileMustExist: true });
    try {
      expect(currentObjects(copy)).toBe(currentObjects(registry));
      expect(currentObjects(copy)).toBeGreaterThan(0);
      expect(new ObjectStore(copy).lastImportId()).toBe(manifest.importId);
      expect(copy.pragma('user_version', { simple: true })).toBe(manifest.registry.schemaVersion);
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const tables = tablesOf(copy);
      expect(tables).toEqual(tablesOf(registry));
      for (const table of tablesOf(state)) expect(tables).not.toContain(table);
      expect(tables).not.toContain('keys');
      expect(tables).not.toContain('audit');
    } finally {
      copy.close();
    }
  });

  it('writes the key table with hashes and roles, and no token anywhere in DIR', () => {
    const table = ReplicaKeyTableSchema.parse(JSON.parse(readFileSync(join(replicaDir, manifest.keys.file), 'utf8')));
    const secrets = tokens.map((t) => t.replace(/^lacak_\d+_/, ''));
    expect(table.keys).toEqual([
      { id: 1, tokenHash: sha256Of(secrets[0]!), role: 'member', label: 'CONTOHNET NOC', org: 'ORG-CJN1-IDNIC', expiresAt: '2027-01-01T00:00:00Z', revokedAt: null },
      { id: 2, tokenHash: sha256Of(secrets[1]!), role: 'lea', label: 'Direktorat Siber', org: null, expiresAt: null, revokedAt: '2026-03-01T08:00:01Z' },
      { id: 3, tokenHash: sha256Of(secrets[2]!), role: 'admin', label: 'registry operations', org: null, expiresAt: null, revokedAt: null },
    ]);
    // Byte-wise over every file, the registry copy included.
    for (const name of readdirSync(replicaDir)) {
      const bytes = readFileSync(join(replicaDir, name));
      for (const secret of [...tokens, ...secrets, AUDITED_QUERY]) expect(bytes.includes(secret), `${secret} in ${name}`).toBe(false);
    }
  });

  it('keeps the newest two registry copies and key tables as imports and keys come', async () => {
    const dir = join(tmp.dir, 'rotating');
    const first = (await publish(dir)).manifest;
    await importAgain('2026-02-01T00:00:00Z');
    new KeyStore(state).add({ role: 'admin', label: 'second operator', now: NOW });
    const second = (await publish(dir)).manifest;
    expect(second.importId).toBe(first.importId + 1);
    expect(second.keys.file).not.toBe(first.keys.file);
    expect(registryFiles(dir)).toEqual([first.registry.file, second.registry.file].sort());

    const third = await importAgain('2026-03-01T00:00:00Z');
    const { manifest: newest, removed } = await publish(dir, NOW + 60_000);
    expect(newest.importId).toBe(third);
    expect(readReplicaManifest(dir)).toEqual(newest);
    expect(newest.snapshots.find((s) => s.source === 'IDNIC')).toEqual({ source: 'IDNIC', at: '2026-03-01T00:00:00Z' });
    // The previous manifest's files stay for a replica half-way through fetching them.
    expect(registryFiles(dir)).toEqual([second.registry.file, newest.registry.file].sort());
    expect(removed).toEqual([first.registry.file]);
    // The key table did not change: the same file, and the one before it is still the second newest.
    expect(newest.keys.file).toBe(second.keys.file);
    expect(readdirSync(dir).filter((n) => n.startsWith('keys-')).sort()).toEqual([first.keys.file, second.keys.file].sort());
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('removes what a killed run left behind, never what a running one is writing', async () => {
    const dir = join(tmp.dir, 'after-a-crash');
    mkdirSync(dir);
    // Above Linux's largest process id: no process has it.
    const abandoned = '.registry.999999999.0badc0de.tmp';
    const running = `.registry.${process.ppid}.0badc0de.tmp`;
    for (const name of [abandoned, running]) writeFileSync(join(dir, name), 'partial copy');
    await publish(dir);
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([running]);
  });

  it('publishing the same import again leaves its copy as it was', async () => {
    const dir = join(tmp.dir, 'again');
    const before = (await publish(dir)).manifest;
    const mtime = statSync(join(dir, before.registry.file)).mtimeMs;
    const after = (await publish(dir, NOW + 1000)).manifest;
    expect(after.registry).toEqual(before.registry);
    expect(after.publishedAt).toBe('2026-03-01T08:00:01Z');
    expect(statSync(join(dir, after.registry.file)).mtimeMs).toBe(mtime);
  });
});

describe('refusals', () => {
  it('refuses a registry with no finished import', async () => {
    const empty = openRegistryDb(join(tmp.dir, 'empty.sqlite'), { create: true });
    try {
      const refused = publishSnapshot(empty, null, join(tmp.dir, 'never'));
      await expect(refused).rejects.toThrow(LacakError);
      await expect(refused).rejects.toMatchObject({ code: LACAK_ERR.NOTHING_IMPORTED });
    } finally {
      empty.close();
    }
  });

  it('refuses a DIR that holds the databases', async () => {
    await expect(publish(tmp.dir)).rejects.toMatchObject({ code: LACAK_ERR.BAD_ARGUMENT, message: expect.stringMatching(/holds registry\.sqlite/) });
    expect(readdirSync(tmp.dir).filter((n) => n === MANIFEST_FILE || n.startsWith('keys-'))).toEqual([]);
  });

  it('refuses a DIR that is a file', async () => {
    const file = join(tmp.dir, 'a-file');
    writeFileSync(file, '');
    await expect(publish(file)).rejects.toMatchObject({ code: LACAK_ERR.FILE, message: expect.stringMatching(/not a folder/) });
  });
});

describe('the manifest schema', () => {
  const good: ReplicaManifest = {
    format: 1,
    lacakVersion: '0.1.0',
    publishedAt: '2026-03-01T08:00:00Z',
    importId: 4,
    importFinishedAt: '2026-02-28T23:00:00.123Z',
    snapshots: [{ source: 'IDNIC', at: '2026-01-01T00:00:00Z' }],
    registry: { file: 'registry-4.sqlite', bytes: 172032, sha256: 'a'.repeat(64), schemaVersion: 4 },
    keys: { file: 'keys-0123456789abcdef.json', bytes: 20, sha256: 'b'.repeat(64), count: 0 },
  };

  it('accepts a well-formed manifest', () => {
    expect(ReplicaManifestSchema.parse(good)).toEqual(good);
  });

  it.each([
    ['a parent folder', { registry: { ...good.registry, file: '../x.sqlite' } }],
    ['two dots', { registry: { ...good.registry, file: '..' } }],
    ['an absolute path', { registry: { ...good.registry, file: '/srv/lacak/x.sqlite' } }],
    ['a folder', { keys: { ...good.keys, file: 'sub/keys.json' } }],
    ['a Windows folder', { keys: { ...good.keys, file: 'sub\\keys.json' } }],
    ['a hidden file', { keys: { ...good.keys, file: '.keys.json' } }],
    ['the manifest itself', { keys: { ...good.keys, file: MANIFEST_FILE } }],
    ['a short hash', { registry: { ...good.registry, sha256: 'a'.repeat(63) } }],
    ['an upper-case hash', { registry: { ...good.registry, sha256: 'A'.repeat(64) } }],
    ['a hash that is not hex', { keys: { ...good.keys, sha256: 'g'.repeat(64) } }],
    ['a negative size', { registry: { ...good.registry, bytes: -1 } }],
    ['a fractional size', { keys: { ...good.keys, bytes: 1.5 } }],
    ['a time without a zone', { publishedAt: '2026-03-01T08:00:00' }],
    ['another format', { format: 2 }],
    ['no import', { importId: 0 }],
  ])('rejects %s', (_what, change) => {
    expect(ReplicaManifestSchema.safeParse({ ...good, ...change }).success).toBe(false);
  });

  it('reads a manifest from a folder only when it validates, in one line', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.dir, MANIFEST_FILE), JSON.stringify({ ...good, registry: { ...good.registry, file: '../x.sqlite' } }));
      expect(() => readReplicaManifest(dir.dir)).toThrow(/registry\.file: must be a plain file name/);
      writeFileSync(join(dir.dir, MANIFEST_FILE), '{"format": 1');
      expect(() => readReplicaManifest(dir.dir)).toThrow(LacakError);
      writeFileSync(join(dir.dir, MANIFEST_FILE), JSON.stringify(good));
      expect(readReplicaManifest(dir.dir)).toEqual(good);
    } finally {
      dir.cleanup();
    }
  });
});
