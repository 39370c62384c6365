// `lacak serve` as a process: health and readiness, noticing a finished import without a
// restart, and a clean exit on SIGTERM.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

describe('lacak serve', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'registry.sqlite');
  let server: ServerProcess;

  beforeAll(async () => {
    await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
    server = await startServer(CLI, { LACAK_DB: db, LACAK_POLL_MS: '100' });
  });
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${server.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    // Liveness stays 200; `status` says whether the sample's newest snapshot (IDNIC, 2026-01-01)
    // is older than LACAK_STALE_AFTER's default 8 days (issue 14).
    const stale = Date.now() - Date.parse('2026-01-01T00:00:00Z') > 8 * 86_400_000;
    expect(await health.json()).toMatchObject({ status: stale ? 'stale' : 'ok', sources: expect.arrayContaining([expect.objectContaining({ source: 'IDNIC', snapshotAt: '2026-01-01T00:00:00Z' })]) });
    const ready = await fetch(`${server.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', importId: 4 });
  });

  it('notices an import made by another process and swaps its index', async () => {
    const more = join(tmp.dir, 'more.db');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(more, 'inetnum: 203.0.113.200 - 203.0.113.201\nnetname: LATE-NET\ncountry: ID\nadmin-c: IH1-IDNIC\ntech-c: IH1-IDNIC\nstatus: ASSIGNED PORTABLE\nmnt-by: MAINT-IDNIC\nsource: LATE\n');
    const r = spawnSync(process.execPath, [CLI, 'import', '--db', db, '--at', '2026-06-01T00:00:00Z', more], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const readiness = async () => (await (await fetch(`${server.baseUrl}/readyz`)).json()) as { importId: number; networks: number };
    const before = await readiness();
    let now = before;
    for (let i = 0; i < 100 && now.importId !== 5; i++) {
      await new Promise((res) => setTimeout(res, 50));
      now = await readiness();
    }
    // The index built in the worker thread holds the new network.
    expect(now).toEqual({ status: 'ready', importId: 5, networks: before.networks + 1 });
    // The log line may trail the swap by a moment on its way through the pipe.
    for (let i = 0; i < 40 && !server.logs.some((l) => l.includes('"msg":"index rebuilt"')); i++) {
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(server.logs.some((l) => l.includes('"msg":"index rebuilt"'))).toBe(true);
  });

  it('logs one line per request and no stack traces', async () => {
    await fetch(`${server.baseUrl}/healthz?probe=1`);
    await new Promise((res) => setTimeout(res, 100));
    const lines = server.logs.filter((l) => l.includes('/healthz?probe=1'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'http request', status: 200 });
    expect(server.logs.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('exits cleanly on SIGTERM', async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
  });
});
