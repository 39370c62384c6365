// `lacak serve` as operations see it (issue 17): /metrics as Prometheus's own lint accepts it,
// and a SIGTERM that drains: not ready at once, still answering through the grace period (with
// connections closed after each answer), a bulk stream in flight ended by a row saying why,
// no new connections after the grace period, exit 0.
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { reportSkip } from '../helpers/skip.js';
import { whoisExchange } from '../helpers/whois-client.js';

const GRACE_MS = 2000;
const tmp = tempDir();
const db = join(tmp.dir, 'registry.sqlite');
let token: string;

beforeAll(async () => {
  await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
  const added = spawnSync(process.execPath, [CLI, 'keys', 'add', '--role', 'admin', '--label', 'drain test', '--db', db], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  token = added.stdout.trim().split('\n')[1]!;
});
afterAll(() => tmp.cleanup());

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
if (promtool.status !== 0) reportSkip('/metrics linted by promtool', 'promtool is not installed', 'install Debian\'s prometheus (.ci/run does)');

describe('/metrics from a running server', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(CLI, { LACAK_DB: db });
  });
  afterAll(async () => server?.stop());

  it('counts WHOIS queries by kind and %ERROR number, as the answers said them', async () => {
    const answer = await whoisExchange(server.whoisPort, '203.0.113.7\n');
    expect(answer).not.toMatch(/^%ERROR/m);
    const refused = await whoisExchange(server.whoisPort, '-Z 203.0.113.7\n');
    const error = /^%ERROR:(\d+)/m.exec(refused)?.[1];
    expect(error).toBeDefined();
    const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(text).toMatch(/^lacak_whois_queries_total\{kind="lookup",error="none"\} 1$/m);
    expect(text).toMatch(new RegExp(`^lacak_whois_queries_total\\{kind="malformed",error="${error}"\\} 1$`, 'm'));
    expect(text).toMatch(/^lacak_whois_open_connections 0$/m);
  });

  it.skipIf(promtool.status !== 0)('is accepted by promtool check metrics', async () => {
    const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  });
});

describe('SIGTERM', () => {
  it('drains: not ready at once, answers through the grace period, ends a bulk stream with a row, then exits 0', async () => {
    const server = await startServer(CLI, { LACAK_DB: db, LACAK_SHUTDOWN_GRACE_MS: String(GRACE_MS), LACAK_SHUTDOWN_MS: '20000' });
    // A bulk stream that is still sending when the server closes.
    const body = new PassThrough();
    const rows: string[] = [];
    const streamed = new Promise<void>((resolve, reject) => {
      const req = request(new URL('/bulk/ip?format=ndjson', server.baseUrl), { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` } }, (res) => {
        let rest = '';
        res.on('data', (chunk: Buffer) => {
          const lines = (rest + chunk.toString('utf8')).split('\n');
          rest = lines.pop()!;
          rows.push(...lines);
        });
        res.on('end', () => resolve());
        res.on('error', reject);
      });
      req.on('error', reject);
      body.pipe(req);
    });
    body.write('203.0.113.7\n198.51.100.1\n');
    for (let i = 0; i < 100 && rows.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(rows.length).toBe(3); // provenance and two rows

    const signalled = Date.now();
    const exited = server.stop('SIGTERM');
    // Not ready at once; still answering, each answer closing its connection.
    let ready = await fetch(`${server.baseUrl}/readyz`);
    for (let i = 0; i < 20 && ready.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 25));
      ready = await fetch(`${server.baseUrl}/readyz`);
    }
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'stopping' });
    const during = await fetch(`${server.baseUrl}/ip/203.0.113.7`);
    expect(during.status).toBe(200);
    expect(during.headers.get('connection')).toBe('close');
    expect(Date.now() - signalled).toBeLessThan(GRACE_MS);
    expect(await whoisExchange(server.whoisPort, '203.0.113.7\n')).not.toMatch(/^%ERROR/m);

    // After the grace period the stream's next line is answered by a row saying the server stops.
    await new Promise((r) => setTimeout(r, GRACE_MS + 200));
    body.write('203.0.113.8\n');
    await streamed;
    body.end();
    const last = JSON.parse(rows[rows.length - 1]!) as { line: number; error?: string };
    expect(last.error).toMatch(/server is stopping/);
    expect(last.line).toBe(3);

    expect(await exited).toBe(0);
    await expect(fetch(`${server.baseUrl}/readyz`)).rejects.toThrow();
    expect(server.logs.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });
});
