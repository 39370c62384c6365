// `lacak replay`: a bulk answer saved today, asked again after a new snapshot was imported,
// reports exactly the lines whose answer changed, and says it was a later snapshot.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/access/audit.js';
import { KeyStore } from '../../src/access/keys.js';
import { buildApp } from '../../src/http/app.js';
import { LookupService } from '../../src/query/service.js';
import { loadBootstrap } from '../../src/referral/bootstrap.js';
import { buildSampleRegistry } from '../../src/sample.js';
import { openRegistryDb } from '../../src/store/db.js';
import { openStateDb } from '../../src/store/state-db.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir, testConfig } from '../helpers/registry.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function lacak(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The sample registry in `db`, and a bulk answer to `lines` from a server over it, as an investigator saves it. */
async function savedAnswer(db: string, lines: readonly string[], query = ''): Promise<string> {
  await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
  const registry = openRegistryDb(db);
  const state = openStateDb(':memory:');
  const config = testConfig(db);
  // The bootstrap files the server and `lacak replay` both read.
  const service = new LookupService(registry, config, quietLog, { bootstrap: loadBootstrap(config.bootstrapDir) });
  const app = buildApp({ config, service, logger: quietLog, keys: new KeyStore(state), audit: new AuditLog(state, randomBytes(32)) });
  const saved = await app.inject({ method: 'POST', url: `/bulk/ip${query}`, payload: lines.join('\n'), headers: { 'content-type': 'text/plain' } });
  expect(saved.statusCode).toBe(200);
  await app.close();
  registry.close();
  state.close();
  return saved.body;
}

describe('lacak replay', () => {
  it('finds the answers a later snapshot changed, and only those', async () => {
    const db = join(tmp.dir, 'registry.sqlite');
    const body = await savedAnswer(db, ['198.51.100.70', '198.51.100.70,2025-07-01T00:00:00Z', '198.51.100.41', 'bogus']);
    const answer = join(tmp.dir, 'answer.ndjson');
    writeFileSync(answer, body);

    // Unchanged data: every line answers the same.
    const same = lacak(['replay', '--db', db, answer]);
    expect(same.status).toBe(0);
    expect(same.stdout).toBe('4 line(s) replayed, 0 answer(s) differ\n');

    // A later IDNIC snapshot renames one customer network; it is older than "today".
    const idnic = readFileSync(join(SAMPLE_DIR, '2026-01-01', 'idnic.db'), 'utf8');
    expect(idnic).toContain('netname:        MBAGRINDO-ID');
    const next = join(tmp.dir, 'idnic-2026-06-01.db');
    writeFileSync(next, idnic.replace('netname:        MBAGRINDO-ID', 'netname:        MBAGRINDO-MEDAN-ID'));
    expect(lacak(['import', '--db', db, '--at', '2026-06-01T00:00:00Z', next]).status).toBe(0);

    const changed = lacak(['replay', '--db', db, answer]);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain('line 1 (198.51.100.70): a later snapshot of IDNIC covers this instant: 2026-06-01T00:00:00Z');
    expect(changed.stdout).toContain('  netname: MBAGRINDO-ID -> MBAGRINDO-MEDAN-ID');
    expect(changed.stdout).not.toContain('line 2 ');
    expect(changed.stdout).toMatch(/4 line\(s\) replayed, 1 answer\(s\) differ\n$/);
    // 198.51.100.41 is unchanged in content, but its snapshot moved on: it is not reported.
    expect(changed.stdout).not.toContain('(198.51.100.41)');
  });

  it('asks zoneless line times again in the zone the request gave (?tz=WIB), not as errors', async () => {
    // A time inside the data, one before it (refused), and another registry's space.
    const lines = ['198.51.100.70,2025-07-01 07:00:00', '198.51.100.70,2017-01-01 10:00:00', '8.8.8.8,2025-07-01 07:00:00'];
    const body = await savedAnswer(join(tmp.dir, 'zoned.sqlite'), lines, '?tz=WIB');
    const rows = body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]).toMatchObject({ provenance: { query: { tz: 'WIB' } } });
    expect(rows[2]!.error).toMatch(/no data for \S+ before/);
    const answer = join(tmp.dir, 'zoned.ndjson');
    writeFileSync(answer, body);
    const replayed = lacak(['replay', '--db', join(tmp.dir, 'zoned.sqlite'), answer]);
    expect(replayed.stdout).toBe('3 line(s) replayed, 0 answer(s) differ\n');
    expect(replayed.status).toBe(0);
  });

  it('refuses a file it cannot read in one line', () => {
    const r = lacak(['replay', '--db', join(tmp.dir, 'registry.sqlite'), join(tmp.dir, 'missing.ndjson')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^lacak: cannot replay .*missing\.ndjson/);
  });
});
