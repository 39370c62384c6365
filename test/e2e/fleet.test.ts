// The fleet with the real engines (issue 17): a primary, two replicas following it, HAProxy in
// front of the replicas (health-checked on /readyz), Redis counting their rate limits, and
// Prometheus scraping the primary. Under constant load through HAProxy: a new import reaches
// both replicas with no failed request, and a replica stopped with SIGTERM leaves without one.
// Two replicas share one Redis-counted limit; without Redis each counts alone and still answers.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATE_NETWORK, eventually, lacakWith, startFleet } from '../helpers/fleet.js';
import { tempDir } from '../helpers/registry.js';
import { whoisExchange } from '../helpers/whois-client.js';
import type { ServerProcess } from '../helpers/server.js';
import { reportSkip } from '../helpers/skip.js';

const has = (command: string, ...args: string[]) => spawnSync(command, args, { encoding: 'utf8' }).status === 0;
const engines = { haproxy: has('haproxy', '-v'), redis: has('redis-server', '--version'), prometheus: has('prometheus', '--version') };
const missing = Object.entries(engines)
  .filter(([, ok]) => !ok)
  .map(([name]) => name);
if (missing.length > 0) reportSkip('the fleet with HAProxy, Redis and Prometheus', `not installed: ${missing.join(', ')}`, 'install Debian\'s haproxy, redis-server and prometheus (.ci/run does)');

const FOLLOW_MS = 300;
const LIMIT = 20;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Requests through `url` as fast as one client sends them, until stopped: what failed, and why. */
function constantLoad(url: string, headers: Record<string, string>) {
  let running = true;
  const failures: string[] = [];
  let answered = 0;
  const loop = (async () => {
    while (running) {
      try {
        const r = await fetch(url, { headers });
        await r.arrayBuffer();
        if (r.status === 200) answered++;
        else failures.push(`status ${r.status}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  })();
  return {
    failures,
    get answered() {
      return answered;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe.skipIf(missing.length > 0)('a fleet: primary, two replicas, HAProxy, Redis, Prometheus', () => {
  const tmp = tempDir();
  const children: ChildProcess[] = [];
  let fleet: Awaited<ReturnType<typeof startFleet>>;
  let primary: ServerProcess;
  let replicas: ServerProcess[];
  let primaryDb: string;
  let published: string;
  let redis: ChildProcess;
  let redisPort: number;
  let haproxyPort: number;
  let haproxyWhoisPort: number;
  let adminToken: string;

  beforeAll(async () => {
    redisPort = await freePort();
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'local'], { stdio: 'ignore' });
    children.push(redis);
    fleet = await startFleet(tmp.dir, {
      names: ['replica-a', 'replica-b'],
      followMs: FOLLOW_MS,
      replicaEnv: {
        LACAK_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        LACAK_RATE_ANONYMOUS: String(LIMIT),
        LACAK_WHOIS_MAX_PER_CLIENT: '2',
        // HAProxy's WHOIS connections come from 127.0.0.2 and start with a PROXY header naming the client.
        LACAK_WHOIS_PROXY_FROM: '127.0.0.2',
        // HAProxy's checks see /readyz fail twice 200 ms apart: the grace period outlasts that.
        LACAK_SHUTDOWN_GRACE_MS: '1500',
      },
      beforeStart: (db) => {
        adminToken = lacakWith({}, 'keys', 'add', '--role', 'admin', '--label', 'load', '--db', db).trim().split('\n')[1]!;
      },
    });
    ({ primary, replicas, primaryDb, published } = fleet);
    for (const replica of replicas) await eventually('replica ready', () => fetch(`${replica.baseUrl}/readyz`).then((r) => r.status), (s) => s === 200, 15_000);
    haproxyPort = await freePort();
    haproxyWhoisPort = await freePort();
    const config = [
      'global',
      '  maxconn 256',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 10s',
      '  timeout server 10s',
      // No retries: the drain alone must keep every request whole (deploy/ adds them for real use).
      `frontend rdap`,
      `  bind 127.0.0.1:${haproxyPort}`,
      '  default_backend replicas',
      'backend replicas',
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      '  http-check expect status 200',
      ...replicas.map((r, i) => `  server replica-${'ab'[i]} ${new URL(r.baseUrl).host} check inter 200ms fall 2 rise 2`),
      'frontend whois',
      '  mode tcp',
      `  bind 127.0.0.1:${haproxyWhoisPort}`,
      '  default_backend replicas_whois',
      'backend replicas_whois',
      '  mode tcp',
      ...replicas.map((r, i) => `  server replica-${'ab'[i]} 127.0.0.1:${r.whoisPort} send-proxy source 127.0.0.2`),
    ].join('\n');
    writeFileSync(join(tmp.dir, 'haproxy.cfg'), `${config}\n`);
    const haproxy = spawn('haproxy', ['-f', join(tmp.dir, 'haproxy.cfg'), '-db'], { stdio: 'ignore' });
    children.push(haproxy);
    await eventually('HAProxy up', () => fetch(`http://127.0.0.1:${haproxyPort}/readyz`).then((r) => r.status), (s) => s === 200, 10_000);
  }, 180_000);

  afterAll(async () => {
    await fleet?.stop();
    for (const child of children) child.kill('SIGKILL');
    tmp.cleanup();
  });

  it('gives a client the published limit across two replicas, counted in one Redis', async () => {
    // Anonymous, straight to the replicas in turn: the limit is LIMIT a minute for both together.
    let answered = 0;
    let refused = 0;
    for (let i = 0; i < 3 * LIMIT; i++) {
      const r = await fetch(`${replicas[i % 2]!.baseUrl}/ip/203.0.113.7`);
      await r.arrayBuffer();
      if (r.status === 200) answered++;
      else if (r.status === 429) refused++;
    }
    expect(answered + refused).toBe(3 * LIMIT);
    expect(answered).toBeLessThanOrEqual(LIMIT);
    expect(answered).toBeGreaterThan(LIMIT / 2);
    for (const replica of replicas) expect(await (await fetch(`${replica.baseUrl}/metrics`)).text()).toMatch(/^lacak_rate_limits_shared 1$/m);
  });

  it('holds the per-client WHOIS connection cap across both replicas', async () => {
    const open = (port: number) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => resolve(socket));
        socket.on('error', reject);
      });
    // One idle connection on each replica: two in all, the cap.
    const held = [await open(replicas[0]!.whoisPort), await open(replicas[1]!.whoisPort)];
    await new Promise((r) => setTimeout(r, 200));
    // The first replica holds one of its own, under the cap, but the fleet holds two.
    expect(await whoisExchange(replicas[0]!.whoisPort, '')).toMatch(/^%ERROR:\d+: .*\n(.*\n)*% At most 2 connections per client address at a time\./m);
    for (const socket of held) socket.destroy();
    await new Promise((r) => setTimeout(r, 300));
    // Released: a new one is taken and answered.
    const answer = await whoisExchange(replicas[0]!.whoisPort, '203.0.113.7\n');
    expect(answer).toMatch(/^inetnum:/m);
  });

  it('answers WHOIS through HAProxy, counting the client its PROXY header names, not HAProxy', async () => {
    const answers = await Promise.all([0, 1].map(() => whoisExchange(haproxyWhoisPort, '203.0.113.7\n')));
    for (const answer of answers) expect(answer).toMatch(/^inetnum:/m);
    await new Promise((r) => setTimeout(r, 200));
    const queries = replicas.flatMap((r) => r.logs).filter((l) => l.includes('"msg":"whois query"')).map((l) => JSON.parse(l) as { client: string });
    // The connections reached the replicas from 127.0.0.2; the client they name is the one that asked.
    expect(queries.length).toBeGreaterThanOrEqual(2);
    expect(queries.every((q) => q.client === '127.0.0.1')).toBe(true);
  });

  it('brings a new import to both replicas under load through HAProxy, with no failed request', async () => {
    const load = constantLoad(`http://127.0.0.1:${haproxyPort}/ip/203.0.113.200`, { authorization: `Bearer ${adminToken}` });
    await new Promise((r) => setTimeout(r, 500));
    const dump = join(tmp.dir, 'late.db');
    writeFileSync(dump, LATE_NETWORK);
    lacakWith({}, 'import', '--db', primaryDb, '--at', '2026-06-01T00:00:00Z', dump);
    lacakWith({}, 'snapshot', 'publish', published, '--db', primaryDb);
    // The import just published (the primary's own server notices it at its next poll).
    const primaryImport = (JSON.parse(readFileSync(join(published, 'manifest.json'), 'utf8')) as { importId: number }).importId;
    for (const replica of replicas) {
      const name = await eventually(
        'the new network on the replica',
        async () => ((await (await fetch(`${replica.baseUrl}/ip/203.0.113.200`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as { name?: string }).name,
        (n) => n === 'LATE-NET',
        FOLLOW_MS * 20,
      );
      expect(name).toBe('LATE-NET');
      const ready = await eventually('the replica\'s index of the new import', async () => ((await (await fetch(`${replica.baseUrl}/readyz`)).json()) as { importId: number }).importId, (id) => id === primaryImport, FOLLOW_MS * 20);
      expect(ready).toBe(primaryImport);
    }
    await new Promise((r) => setTimeout(r, 300));
    await load.stop();
    expect(load.failures).toEqual([]);
    expect(load.answered).toBeGreaterThan(10);
  });

  it('stops a replica with SIGTERM under load through HAProxy with no failed request', async () => {
    const load = constantLoad(`http://127.0.0.1:${haproxyPort}/ip/203.0.113.7`, { authorization: `Bearer ${adminToken}` });
    await new Promise((r) => setTimeout(r, 500));
    const code = await replicas[0]!.stop('SIGTERM');
    expect(code).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    await load.stop();
    expect(load.failures).toEqual([]);
    expect(load.answered).toBeGreaterThan(10);
  });

  it('answers while Redis is too slow to ask, without waiting for it', async () => {
    const replica = replicas[1]!;
    // Redis busy for 3 s: every command to it times out meanwhile.
    const sleeper = spawn('redis-cli', ['-p', String(redisPort), 'DEBUG', 'SLEEP', '3'], { stdio: 'ignore' });
    const slept = new Promise<void>((resolve) => sleeper.on('exit', () => resolve()));
    let redisBack = false;
    void slept.then(() => (redisBack = true));
    await new Promise((r) => setTimeout(r, 200));
    const r = await fetch(`${replica.baseUrl}/ip/203.0.113.7`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(r.status).toBe(200);
    // Answered while Redis was still asleep.
    expect(redisBack).toBe(false);
    await slept;
  });

  it('keeps answering with per-process limits when Redis goes away, and says so', async () => {
    redis.kill('SIGKILL');
    const replica = replicas[1]!;
    await eventually('the replica notices', () => fetch(`${replica.baseUrl}/metrics`).then((r) => r.text()), (t) => /^lacak_rate_limits_shared 0$/m.test(t), 10_000);
    // The anonymous budget spent in Redis above does not carry over: this process counts afresh, and limits still hold.
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 5; i++) {
      const r = await fetch(`${replica.baseUrl}/ip/203.0.113.7`);
      await r.arrayBuffer();
      statuses.push(r.status);
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(replica.logs.some((l) => l.includes('Redis unreachable'))).toBe(true);
  });

  it('is scraped by a real Prometheus, which answers a query for one of its metrics', async () => {
    const port = await freePort();
    const dir = join(tmp.dir, 'prometheus');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      ['global:', '  scrape_interval: 1s', 'scrape_configs:', '  - job_name: lacak', '    static_configs:', `      - targets: ['${new URL(primary.baseUrl).host}']`].join('\n') + '\n',
    );
    const prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    children.push(prometheus);
    const primaryImport = (JSON.parse(readFileSync(join(published, 'manifest.json'), 'utf8')) as { importId: number }).importId;
    const result = await eventually(
      'Prometheus has scraped lacak',
      async () => {
        const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=lacak_import_id`);
        return ((await r.json()) as { data: { result: { value: [number, string] }[] } }).data.result;
      },
      (rows) => rows.length > 0 && Number(rows[0]!.value[1]) === primaryImport,
      30_000,
    );
    expect(Number(result[0]!.value[1])).toBe(primaryImport);
  });
});
