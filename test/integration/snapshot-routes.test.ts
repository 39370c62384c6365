// /snapshots/ on a primary (issue 17): the manifest and the files it names, to the replicas'
// addresses or an admin key; 403 to anyone else, 404 for anything the manifest does not name.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishSnapshot, type ReplicaManifest } from '../../src/replica/publish.js';
import { tempDir } from '../helpers/registry.js';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';

describe('/snapshots/', () => {
  const tmp = tempDir();
  const dir = join(tmp.dir, 'published');
  let s: SampleApp;
  let manifest: ReplicaManifest;
  let adminToken: string;
  let memberToken: string;

  beforeAll(async () => {
    s = await sampleApp({ LACAK_PUBLISH_DIR: dir, LACAK_REPLICA_ALLOW: '198.51.100.0/24' });
    const now = Date.now();
    adminToken = s.keys.add({ role: 'admin', label: 'operator', now }).token;
    memberToken = s.keys.add({ role: 'member', label: 'isp', org: 'ORG-CONTOH-ID', now }).token;
    manifest = (await publishSnapshot(s.db, s.state, dir)).manifest;
    // Beside the published files, something the manifest does not name.
    writeFileSync(join(dir, 'notes.txt'), 'not for replicas');
  });
  afterAll(async () => {
    await s?.close();
    tmp.cleanup();
  });

  it('gives a replica the manifest and the registry copy it names, byte for byte', async () => {
    const m = await s.app.inject({ url: '/snapshots/manifest.json', remoteAddress: '198.51.100.7' });
    expect(m.statusCode).toBe(200);
    expect(m.json()).toEqual(manifest);
    const copy = await s.app.inject({ url: `/snapshots/${manifest.registry.file}`, remoteAddress: '198.51.100.7' });
    expect(copy.statusCode).toBe(200);
    expect(copy.rawPayload.length).toBe(manifest.registry.bytes);
    expect(createHash('sha256').update(copy.rawPayload).digest('hex')).toBe(manifest.registry.sha256);
  });

  it('answers an admin key from anywhere, and nobody else outside the replicas\' ranges', async () => {
    const admin = await s.app.inject({ url: '/snapshots/manifest.json', remoteAddress: '192.0.2.1', headers: { authorization: `Bearer ${adminToken}` } });
    expect(admin.statusCode).toBe(200);
    const anonymous = await s.app.inject({ url: '/snapshots/manifest.json', remoteAddress: '192.0.2.1' });
    expect(anonymous.statusCode).toBe(403);
    const member = await s.app.inject({ url: `/snapshots/${manifest.registry.file}`, remoteAddress: '192.0.2.1', headers: { authorization: `Bearer ${memberToken}` } });
    expect(member.statusCode).toBe(403);
    expect(member.rawPayload.length).toBeLessThan(2000);
  });

  it('serves nothing the manifest does not name', async () => {
    for (const file of ['notes.txt', '..%2Fsample.sqlite', '.manifest.1.tmp', 'registry-999.sqlite']) {
      const r = await s.app.inject({ url: `/snapshots/${file}`, remoteAddress: '198.51.100.7' });
      expect(r.statusCode, file).toBe(404);
    }
  });
});
