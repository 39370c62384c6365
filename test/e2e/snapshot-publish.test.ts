// `lacak snapshot publish DIR` as an operator runs it: one line saying what was published and a
// manifest a replica can read; a registry with nothing imported is refused in one line.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, readReplicaManifest } from '../../src/replica/publish.js';
import { buildSampleRegistry } from '../../src/sample.js';
import { openRegistryDb } from '../../src/store/db.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function lacak(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lacak snapshot publish', () => {
  const db = join(tmp.dir, 'data', 'registry.sqlite');
  beforeAll(() => buildSampleRegistry(SAMPLE_DIR, db, quietLog));

  it('publishes the registry copy, the key table and the manifest, and says so in one line', () => {
    const dir = join(tmp.dir, 'replica', 'out');
    const r = lacak(['snapshot', 'publish', dir, '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const manifest = readReplicaManifest(dir);
    expect(r.stdout).toBe(`published ${manifest.registry.file} (${manifest.registry.bytes} bytes, import ${manifest.importId}) and ${manifest.keys.file} (0 key(s)) in ${dir}\n`);
    expect(readdirSync(dir).sort()).toEqual([manifest.keys.file, MANIFEST_FILE, manifest.registry.file].sort());
    // No keys made yet, and publishing makes no state database beside the registry.
    expect(existsSync(join(tmp.dir, 'data', 'registry.state.sqlite'))).toBe(false);
  });

  it('refuses a registry with nothing imported, in one line', () => {
    const empty = join(tmp.dir, 'empty.sqlite');
    openRegistryDb(empty, { create: true }).close();
    const dir = join(tmp.dir, 'from-empty');
    const r = lacak(['snapshot', 'publish', dir, '--db', empty]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^lacak: nothing to publish: the registry database holds no finished import yet/);
    expect(existsSync(join(dir, MANIFEST_FILE))).toBe(false);
  });

  it('refuses a missing registry database, in one line', () => {
    const r = lacak(['snapshot', 'publish', join(tmp.dir, 'none'), '--db', join(tmp.dir, 'missing.sqlite')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^lacak: registry database .*missing\.sqlite does not exist[^\n]*\n$/);
  });
});
