// A replica following a published folder (issue 17): it serves a newer import once its file is
// in and checked, takes the primary's key table (a revoked key is refused), and keeps serving
// what it has when the source is down, publishes an older import, names a file outside its
// folder, or offers a file whose bytes do not match the manifest.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyStore } from '../../src/access/keys.js';
import { ReplicaFollower, folderSource } from '../../src/replica/follow.js';
import { publishSnapshot } from '../../src/replica/publish.js';
import { buildSampleRegistry } from '../../src/sample.js';
import { openRegistryDb, type Db } from '../../src/store/db.js';
import { ObjectStore } from '../../src/store/objects.js';
import { openStateDb } from '../../src/store/state-db.js';
import { LATE_NETWORK } from '../helpers/fleet.js';
import { SAMPLE_DIR, importText, quietLog, tempDir } from '../helpers/registry.js';


describe('a replica following a published folder', () => {
  let tmp: ReturnType<typeof tempDir>;
  let primary: Db;
  let primaryState: Db;
  let replica: Db;
  let replicaState: Db;
  let follower: ReplicaFollower;
  let published: string;

  const currentObjects = (db: Db) => (db.prepare('SELECT count(*) AS n FROM objects WHERE valid_to IS NULL').get() as { n: number }).n;
  const servedImport = (db: Db) => new ObjectStore(db).lastImportId();

  beforeEach(async () => {
    tmp = tempDir();
    await buildSampleRegistry(SAMPLE_DIR, join(tmp.dir, 'primary.sqlite'), quietLog);
    primary = openRegistryDb(join(tmp.dir, 'primary.sqlite'));
    primaryState = openStateDb(join(tmp.dir, 'primary.state.sqlite'));
    replica = openRegistryDb(join(tmp.dir, 'replica.sqlite'), { create: true });
    replicaState = openStateDb(':memory:');
    published = join(tmp.dir, 'published');
    await publishSnapshot(primary, primaryState, published);
    follower = new ReplicaFollower({
      name: 'replica-a',
      source: folderSource(published),
      dbPath: join(tmp.dir, 'replica.sqlite'),
      db: replica,
      keys: new KeyStore(replicaState),
      intervalMs: 60_000,
      log: quietLog,
    });
  });
  afterEach(() => {
    for (const db of [primary, primaryState, replica, replicaState]) if (db.open) db.close();
    tmp.cleanup();
  });

  it('starts empty, then serves what the primary published, and each newer import', async () => {
    expect(servedImport(replica)).toBe(0);
    await follower.check();
    expect(follower.status()).toMatchObject({ name: 'replica-a', importId: servedImport(primary), publishedImportId: servedImport(primary), importsBehind: 0, problem: null });
    expect(currentObjects(replica)).toBe(currentObjects(primary));

    await importText(primary, tmp.dir, LATE_NETWORK, '2026-06-01T00:00:00Z');
    await publishSnapshot(primary, primaryState, published);
    await follower.check();
    expect(servedImport(replica)).toBe(servedImport(primary));
    expect(replica.prepare("SELECT key FROM objects WHERE source = 'LATE'").all()).toEqual([{ key: '203.0.113.200 - 203.0.113.201' }]);
  });

  it('takes the primary\'s keys: a key works on the replica, and once revoked there it is refused', async () => {
    const now = Date.now();
    const keys = new KeyStore(primaryState);
    const { key, token } = keys.add({ role: 'lea', label: 'investigator', expiresAt: now + 3_600_000, now });
    await publishSnapshot(primary, primaryState, published);
    await follower.check();
    const replicaKeys = new KeyStore(replicaState);
    expect(replicaKeys.check(token, now)).toMatchObject({ ok: true, key: { id: key.id, role: 'lea' } });
    keys.revoke(key.id, now);
    await publishSnapshot(primary, primaryState, published);
    await follower.check();
    expect(replicaKeys.check(token, now)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('keeps serving what it has when a file does not match its manifest', async () => {
    await follower.check();
    const before = servedImport(replica);
    await importText(primary, tmp.dir, LATE_NETWORK, '2026-06-01T00:00:00Z');
    const { manifest } = await publishSnapshot(primary, primaryState, published);
    const file = join(published, manifest.registry.file);
    const bytes = readFileSync(file);
    bytes[bytes.length - 100]! ^= 0xff;
    writeFileSync(file, bytes);
    await follower.check();
    expect(servedImport(replica)).toBe(before);
    expect(follower.status()).toMatchObject({ importsBehind: 1, problem: expect.stringMatching(/SHA-256/) });

    // Cut short: the size says so before the hash is looked at.
    writeFileSync(file, bytes.subarray(0, bytes.length - 4096));
    await follower.check();
    expect(servedImport(replica)).toBe(before);
    expect(follower.status().problem).toMatch(/bytes where the manifest says/);

    // Put right by the next publication: served.
    await publishSnapshot(primary, primaryState, published);
    await follower.check();
    expect(servedImport(replica)).toBe(servedImport(primary));
    expect(follower.status().problem).toBeNull();
  });

  it('refuses a manifest that names a file outside its folder, and an older import', async () => {
    await importText(primary, tmp.dir, LATE_NETWORK, '2026-06-01T00:00:00Z');
    const manifestPath = join(published, 'manifest.json');
    const older = readFileSync(manifestPath, 'utf8');
    const { manifest } = await publishSnapshot(primary, primaryState, published);
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, registry: { ...manifest.registry, file: '../primary.sqlite' } }));
    await follower.check();
    expect(servedImport(replica)).toBe(0);
    expect(follower.status().problem).toMatch(/manifest/);

    writeFileSync(manifestPath, JSON.stringify(manifest));
    await follower.check();
    expect(servedImport(replica)).toBe(manifest.importId);
    // The folder goes back to an older publication: still the newer one here, and said why.
    writeFileSync(manifestPath, older);
    await follower.check();
    expect(servedImport(replica)).toBe(manifest.importId);
    expect(follower.status().problem).toMatch(/older than import/);
  });

  it('never applies an older publication\'s key table: a key revoked since stays revoked', async () => {
    const now = Date.now();
    const keys = new KeyStore(primaryState);
    const { key, token } = keys.add({ role: 'admin', label: 'operator', expiresAt: null, now });
    await publishSnapshot(primary, primaryState, published);
    const manifestPath = join(published, 'manifest.json');
    const beforeRevocation = readFileSync(manifestPath, 'utf8');
    await new Promise((r) => setTimeout(r, 5));
    keys.revoke(key.id, now);
    await publishSnapshot(primary, primaryState, published);
    await follower.check();
    const replicaKeys = new KeyStore(replicaState);
    expect(replicaKeys.check(token, now)).toMatchObject({ ok: false, reason: 'revoked' });
    // The folder's manifest goes back to the publication before the revocation (its key file is still there).
    writeFileSync(manifestPath, beforeRevocation);
    await follower.check();
    expect(replicaKeys.check(token, now)).toMatchObject({ ok: false, reason: 'revoked' });
    expect(follower.status().problem).toMatch(/published at .* before the one applied/);
  });

  it('keeps serving what it has while the source is gone', async () => {
    await follower.check();
    const before = servedImport(replica);
    rmSync(published, { recursive: true, force: true });
    await follower.check();
    expect(servedImport(replica)).toBe(before);
    expect(follower.status().problem).toMatch(/cannot read/);
  });
});
