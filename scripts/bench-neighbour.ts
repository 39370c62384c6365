// Bench section k (issue 13, finding 3): one client asks the heaviest questions it may, in a
// loop (RDAP reverse searches sorted and counted over all the networks, a page of 50 at a time
// since RFC 8977 paging; WHOIS inverse queries of 1,000 objects), while
// another asks ordinary `/ip` lookups; the ordinary client's latency is compared with its
// latency on an idle server, in the same run. The registry is made for it: one organisation
// and maintainer of `networks` padded networks, so that a heavy WHOIS answer is some 2 MB.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { importFiles } from '../src/importers/run-import.js';
import { openRegistryDb } from '../src/store/db.js';

export interface NeighbourFigures {
  readonly idle: LatencyFigures;
  readonly loaded: LatencyFigures;
  /** Heavy answers completed while the ordinary client was measured. */
  readonly heavyAnswers: number;
}

export interface LatencyFigures {
  readonly median: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

function heavyRegistryText(networks: number): string {
  const head = [
    'mntner: MAINT-HEAVY\nadmin-c: HV1-IDNIC\ntech-c: HV1-IDNIC\nauth: CRYPT-PW dummyhash\nmnt-by: MAINT-HEAVY\nsource: IDNIC',
    'role: Heavy NOC\nnic-hdl: HV1-IDNIC\naddress: Jakarta\ne-mail: noc@heavy.example.id\nabuse-mailbox: abuse@heavy.example.id\nmnt-by: MAINT-HEAVY\nsource: IDNIC',
    'organisation: ORG-HV1-IDNIC\norg-name: PT Berat Sekali\norg-type: LIR\ncountry: ID\nabuse-c: HV1-IDNIC\nmnt-ref: MAINT-HEAVY\nmnt-by: MAINT-HEAVY\nsource: IDNIC',
  ];
  const body: string[] = [];
  for (let i = 0; i < networks; i++) {
    const remarks = Array.from({ length: 15 }, (_, r) => `remarks: padding line ${r}, so that every answer about this organisation is large`).join('\n');
    body.push(
      `inet6num: 2001:db8:${(0x1000 + i).toString(16)}::/48\nnetname: HEAVY-${i}\ncountry: ID\norg: ORG-HV1-IDNIC\nadmin-c: HV1-IDNIC\ntech-c: HV1-IDNIC\nabuse-c: HV1-IDNIC\nstatus: ASSIGNED PORTABLE\n${remarks}\nmnt-by: MAINT-HEAVY\ncreated: 2020-01-01T00:00:00Z\nsource: IDNIC`,
    );
  }
  return `${[...head, ...body].join('\n\n')}\n`;
}

async function startServer(cli: string, db: string): Promise<{ child: ChildProcess; http: number; whois: number }> {
  // Exempt from rate limits: the heavy client may ask without pause (the worst case).
  const child = spawn(process.execPath, [cli, 'serve'], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', HTTP_PORT: '0', WHOIS_PORT: '0', LACAK_DB: db, LACAK_RATE_EXEMPT: '127.0.0.0/8', LACAK_WORKERS: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${lines.slice(-5).join('\n')}`)), 60_000);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (lines.length < 50) lines.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; http?: number; whois?: number };
        if (entry.msg === 'lacak serving' && entry.http && entry.whois) {
          clearTimeout(timer);
          resolve({ child, http: entry.http, whois: entry.whois });
        }
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${lines.slice(-5).join('\n')}`)));
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  }) as Promise<{ child: ChildProcess; http: number; whois: number }>;
}

function figures(samples: number[]): LatencyFigures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]!, count: sorted.length };
}

/** Sequential `/ip` lookups for `ms`: what one ordinary client waits for each answer. */
async function ordinaryClient(base: string, ms: number): Promise<number[]> {
  const samples: number[] = [];
  const until = performance.now() + ms;
  for (let i = 0; performance.now() < until; i++) {
    const started = performance.now();
    const r = await fetch(`${base}/ip/2001:db8:${(0x1000 + (i % 500)).toString(16)}::1`);
    await r.arrayBuffer();
    samples.push(performance.now() - started);
  }
  return samples;
}

function whoisQuery(port: number, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.on('data', () => {});
    socket.on('close', () => resolve());
    socket.on('error', reject);
    socket.write(`${line}\r\n`);
  });
}

export async function benchNeighbour(cli: string, options: { networks: number; seconds: number }): Promise<NeighbourFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'lacak-neighbour-'));
  const server: { child: ChildProcess | null } = { child: null };
  try {
    const db = join(dir, 'registry.sqlite');
    const file = join(dir, 'heavy.db');
    writeFileSync(file, heavyRegistryText(options.networks));
    const registry = openRegistryDb(db, { create: true });
    await importFiles(registry, { files: [file], format: 'rpsl', at: Date.parse('2026-01-01T00:00:00Z') }, pino({ level: 'silent' }));
    registry.close();
    const started = await startServer(cli, db);
    server.child = started.child;
    const base = `http://127.0.0.1:${started.http}`;
    await ordinaryClient(base, 1000);
    const idle = figures(await ordinaryClient(base, options.seconds * 1000));
    // The heavy client: two RDAP and two WHOIS loops, each asking its next question as soon as
    // the last is answered.
    let stop = false;
    let heavyAnswers = 0;
    const loops = [
      ...[0, 1].map(async () => {
        while (!stop) {
          const r = await fetch(`${base}/ips/reverse_search/entity?handle=ORG-HV1-IDNIC&sort=registrationDate:d&count=true`);
          await r.arrayBuffer();
          heavyAnswers++;
        }
      }),
      ...[0, 1].map(async () => {
        while (!stop) {
          await whoisQuery(started.whois, '-r -i mnt-by MAINT-HEAVY');
          heavyAnswers++;
        }
      }),
    ];
    await new Promise((resolve) => setTimeout(resolve, 500));
    const counted = heavyAnswers;
    const loaded = figures(await ordinaryClient(base, options.seconds * 1000));
    const during = heavyAnswers - counted;
    stop = true;
    await Promise.all(loops);
    return { idle, loaded, heavyAnswers: during };
  } finally {
    server.child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
