// LACAK_WORKERS (issue 17): several processes answer on the same HTTP and WHOIS ports, each
// notices an import by itself, and SIGTERM stops them all (drained) with exit 0.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { LATE_NETWORK, eventually, lacakWith } from '../helpers/fleet.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { whoisExchange } from '../helpers/whois-client.js';

const WORKERS = 2;
const tmp = tempDir();
const db = join(tmp.dir, 'registry.sqlite');
let server: ServerProcess;
let sampleImport: number;

/** Asked on a connection of its own: which worker answered. */
async function healthOnNewConnection(): Promise<{ worker: { index: number; pid: number } }> {
  const r = await fetch(`${server.baseUrl}/healthz`, { headers: { connection: 'close' } });
  return (await r.json()) as { worker: { index: number; pid: number } };
}

beforeAll(async () => {
  await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
  server = await startServer(CLI, { LACAK_DB: db, LACAK_WORKERS: String(WORKERS), LACAK_POLL_MS: '200' });
  sampleImport = ((await (await fetch(`${server.baseUrl}/readyz`)).json()) as { importId: number }).importId;
}, 120_000);
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

describe('LACAK_WORKERS', () => {
  const pids = new Map<number, number>();

  it('answers HTTP from every worker on one port, and WHOIS too', async () => {
    await eventually(
      'every worker answering',
      async () => {
        const { worker } = await healthOnNewConnection();
        pids.set(worker.index, worker.pid);
        return pids.size;
      },
      (n) => n === WORKERS,
      20_000,
    );
    expect([...pids.keys()].sort()).toEqual([0, 1]);
    expect(new Set(pids.values()).size).toBe(WORKERS);
    expect(server.logs.some((l) => l.includes('"msg":"serving with several workers"'))).toBe(true);
    const answers = await Promise.all(Array.from({ length: 6 }, () => whoisExchange(server.whoisPort, '203.0.113.7\n')));
    for (const answer of answers) expect(answer).toMatch(/^inetnum:/m);
    // What each added worker costs: its resident memory, said here for the operator's note.
    for (const [index, pid] of pids) {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      console.info(`worker ${index} (pid ${pid}): VmRSS ${rss} kB on the sample registry`);
    }
  });

  it('serves a new import from every worker', async () => {
    const dump = join(tmp.dir, 'late.db');
    writeFileSync(dump, LATE_NETWORK);
    lacakWith({}, 'import', '--db', db, '--at', '2026-06-01T00:00:00Z', dump);
    const seen = new Set<number>();
    await eventually(
      'the new network from both workers',
      async () => {
        const r = await fetch(`${server.baseUrl}/ip/203.0.113.200`, { headers: { connection: 'close' } });
        const body = (await r.json()) as { name?: string };
        if (body.name === 'LATE-NET') seen.add(Number(r.headers.get('lacak-worker')));
        return seen.size;
      },
      (n) => n === WORKERS,
      20_000,
    );
  });

  it('answers /metrics for all the workers together, whichever is asked', async () => {
    const count = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
    const ipOk = /^lacak_http_requests_total\{family="autnum",status="404"\} (\d+)$/m;
    const before = await (await fetch(`${server.baseUrl}/metrics`, { headers: { connection: 'close' } })).text();
    const answeredBy = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const r = await fetch(`${server.baseUrl}/autnum/4294967000`, { headers: { connection: 'close' } });
      await r.arrayBuffer();
      answeredBy.add(r.headers.get('lacak-worker') ?? '');
    }
    expect(answeredBy.size).toBe(WORKERS);
    for (let i = 0; i < 4; i++) {
      const text = await (await fetch(`${server.baseUrl}/metrics`, { headers: { connection: 'close' } })).text();
      expect(count(text, ipOk) - count(before, ipOk)).toBe(10);
    }
    // The import served, once both workers have swapped their index to the one imported above: one value, not their sum.
    const metricsOf = async () => (await fetch(`${server.baseUrl}/metrics`, { headers: { connection: 'close' } })).text();
    const text = await eventually('the new import in /metrics', metricsOf, (t) => count(t, /^lacak_import_id (\d+)$/m) >= sampleImport + 1, 10_000);
    expect(count(text, /^lacak_import_id (\d+)$/m)).toBe(sampleImport + 1);
  });

  it('stops every worker on SIGTERM and exits 0', async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
    for (const pid of pids.values()) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('LACAK_WORKERS when a worker cannot start', () => {
  it('stops instead of restarting workers in a loop, and exits non-zero with the reason', async () => {
    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const port = (taken.address() as { port: number }).port;
    try {
      const { spawnSync } = await import('node:child_process');
      const r = spawnSync(process.execPath, [CLI, 'serve'], {
        env: { PATH: process.env.PATH ?? '', LACAK_DB: db, HOST: '127.0.0.1', HTTP_PORT: '0', WHOIS_PORT: String(port), LACAK_WORKERS: '2', LACAK_SHUTDOWN_GRACE_MS: '0' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^lacak: .*EADDRINUSE|address already in use/m);
      expect(r.stderr).toContain('a worker died right after it started');
    } finally {
      taken.close();
    }
  });
});
