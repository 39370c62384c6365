// No Docker engine runs here, so this runs what the image runs, on a clean copy: the production
// install after a build, then the README's Docker steps as written (issue 14: import into the
// volume first, then serve it), each `docker run` turned into the same CLI call with its volumes
// and variables mapped onto folders. A step this test cannot map fails it, so the README and
// this replay change together. Also: `lacak serve` with LACAK_DB unset (the sample).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SAMPLE_DIR, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The command lines of the first code block under "## Docker", comments left out. */
function readmeDockerSteps(): string[] {
  const at = readme.indexOf('\n## Docker\n');
  expect(at, 'README has a "## Docker" section').toBeGreaterThan(0);
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at))?.[1] ?? '';
  return block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

/** Shell words: blanks separate, '...' and "..." quote; `$PWD` stays as written. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

interface DockerRun {
  readonly detached: boolean;
  readonly volumes: readonly { readonly source: string; readonly target: string; readonly readOnly: boolean }[];
  readonly env: Readonly<Record<string, string>>;
  readonly ports: readonly string[];
  readonly image: string;
  /** After the image name: the CLI's arguments (the image's CMD is `serve`). */
  readonly args: readonly string[];
}

/** `docker run [options] IMAGE [args]`, for the options the README uses; anything else is an error. */
function parseDockerRun(words: readonly string[]): DockerRun {
  expect(words.slice(0, 2)).toEqual(['docker', 'run']);
  let detached = false;
  const volumes: DockerRun['volumes'][number][] = [];
  const env: Record<string, string> = {};
  const ports: string[] = [];
  let i = 2;
  for (; i < words.length && words[i]!.startsWith('-'); i++) {
    const option = words[i]!;
    if (option === '--rm') continue;
    if (option === '-d') {
      detached = true;
      continue;
    }
    const value = words[++i];
    if (value === undefined) throw new Error(`${option} without a value in: ${words.join(' ')}`);
    if (option === '--name' || option === '--restart') continue;
    if (option === '-p') ports.push(value);
    else if (option === '-e') {
      const eq = value.indexOf('=');
      if (eq < 1) throw new Error(`-e ${value}: this replay needs NAME=VALUE`);
      env[value.slice(0, eq)] = value.slice(eq + 1);
    } else if (option === '-v') {
      const [source, target, mode] = value.split(':');
      volumes.push({ source: source!, target: target!, readOnly: mode === 'ro' });
    } else throw new Error(`docker run option ${option} is not replayed by this test: teach it, or keep the README's steps to what it knows`);
  }
  return { detached, volumes, env, ports, image: words[i]!, args: words.slice(i + 1) };
}

/** The files the README's steps import, made from the sample registry (data/sample/). */
const STAND_INS: Record<string, () => Buffer> = {
  'delegated-apnic-extended-20250601.gz': () => gzipSync(readFileSync(join(SAMPLE_DIR, 'delegated-apnic-extended-20250601'))),
  'apnic.db.gz': () => gzipSync(readFileSync(join(SAMPLE_DIR, '2025-06-01', 'apnic.db'))),
  'idnic.db.gz': () => gzipSync(readFileSync(join(SAMPLE_DIR, '2026-01-01', 'idnic.db'))),
  'members.csv': () => readFileSync(join(SAMPLE_DIR, 'members.csv')),
};

/** One WHOIS query over TCP, the whole answer. */
function whoisQuery(port: number, query: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(`${query}\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

describe('the Dockerfile', () => {
  it('builds on Node 20 in stages, installs production dependencies only and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM node:20\S* AS build$/m)).not.toBeNull();
    expect(dockerfile.match(/^FROM node:20\S*$/m)).not.toBeNull();
    expect(dockerfile).toMatch(/npm run build && npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(dockerfile).toMatch(/^EXPOSE 8080 4343$/m);
    expect(dockerfile).toMatch(/-p 43:4343/);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/^COPY data\/bootstrap \.\/data\/bootstrap$/m);
  });

  it('shows, in its header, an import into the volume before the server that serves it', () => {
    const runs = [...dockerfile.matchAll(/^#\s+(docker run .*)$/gm)].map((m) => m[1]!);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs[0]).toMatch(/ lacak import /);
    expect(runs.at(-1)).toMatch(/^docker run -d .*-e LACAK_DB=\/data\/lacak\.sqlite lacak$/);
  });
});

describe('the Dockerfile steps on a clean copy', () => {
  const tmp = tempDir('lacak-image-');
  const app = join(tmp.dir, 'app');
  const cli = join(app, 'dist', 'src', 'cli.js');
  let server: ServerProcess | undefined;

  beforeAll(() => {
    // COPY steps of the image: the manifest, the built dist/, the sample registry and the bootstrap files.
    for (const f of ['package.json', 'package-lock.json']) cpSync(join(ROOT, f), join(app, f));
    cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
    for (const d of ['sample', 'bootstrap']) cpSync(join(ROOT, 'data', d), join(app, 'data', d), { recursive: true });
    execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: app, stdio: 'pipe', timeout: 540_000 });
  }, 600_000);
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('installs no development dependencies', () => {
    expect(existsSync(join(app, 'node_modules', 'better-sqlite3'))).toBe(true);
    expect(existsSync(join(app, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
  });

  it('serves the sample registry when LACAK_DB is unset, and is healthy', async () => {
    server = await startServer(cli, {}, app);
    expect(existsSync(join(app, 'data', 'lacak.sqlite'))).toBe(true);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${server.baseUrl}/readyz`)).json()).toMatchObject({ status: 'ready' });
    expect(await server.stop()).toBe(0);
    server = undefined;
  });

  it("replays the README's Docker steps on a fresh volume: the imports, then the server, which answers", async () => {
    const steps = readmeDockerSteps();
    expect(steps[0]).toBe('docker build -t lacak .');
    expect(steps[1]).toBe('docker volume create lacak-data');
    const runs = steps.slice(2).map((line) => parseDockerRun(shellWords(line)));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    // Every step is a run of this image on the one volume, with the registry database in it.
    for (const run of runs) {
      expect(run.image).toBe('lacak');
      expect(run.volumes).toContainEqual({ source: 'lacak-data', target: '/data', readOnly: false });
      expect(run.env.LACAK_DB).toBe('/data/lacak.sqlite');
    }
    const serveStep = runs.at(-1)!;
    const importSteps = runs.slice(0, -1);
    // Imports first; the server last, detached, publishing HTTP and WHOIS (43 outside, 4343 inside).
    for (const run of importSteps) expect(run.args[0]).toBe('import');
    expect(serveStep.args).toEqual([]);
    expect(serveStep.detached).toBe(true);
    expect(serveStep.ports).toEqual(expect.arrayContaining(['8080:8080', '43:4343']));

    // The volume and the current folder as folders here; paths inside the container mapped onto them.
    const volume = join(tmp.dir, 'volume');
    const here = join(tmp.dir, 'here');
    mkdirSync(volume);
    mkdirSync(here);
    const hostPath = (run: DockerRun, value: string): string => {
      for (const v of run.volumes) {
        const source = v.source === 'lacak-data' ? volume : v.source === '$PWD' ? here : null;
        if (source === null) throw new Error(`volume ${v.source} is not replayed by this test`);
        if (value === v.target || value.startsWith(`${v.target}/`)) return source + value.slice(v.target.length);
      }
      return value;
    };
    const envOf = (run: DockerRun) => Object.fromEntries(Object.entries(run.env).map(([k, v]) => [k, hostPath(run, v)]));

    // What the steps guard against: on the empty volume, serving stops with a one-line reason
    // and never falls back to the sample (DESIGN §3).
    const early = spawnSync(process.execPath, [cli, 'serve'], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', HTTP_PORT: '0', WHOIS_PORT: '0', ...envOf(serveStep) },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(early.status).not.toBe(0);
    expect(early.stderr.trim()).toBe(`lacak: registry database ${join(volume, 'lacak.sqlite')} does not exist (create it with "lacak import")`);
    expect(existsSync(join(app, 'data', 'lacak.sqlite.building'))).toBe(false);

    for (const run of importSteps) {
      const args = run.args.map((a) => hostPath(run, a));
      for (const input of run.args.filter((a) => a.startsWith('/in/'))) {
        const name = input.slice('/in/'.length);
        const make = STAND_INS[name];
        if (!make) throw new Error(`the README imports ${input}, for which this test has no stand-in: add one to STAND_INS`);
        writeFileSync(join(here, name), make());
      }
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: app, env: { PATH: process.env.PATH ?? '', ...envOf(run) }, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, `${run.args.join(' ')}: ${r.stderr}`).toBe(0);
    }

    server = await startServer(cli, envOf(serveStep), app);
    expect(await (await fetch(`${server.baseUrl}/readyz`)).json()).toMatchObject({ status: 'ready', importId: importSteps.length });
    const health = (await (await fetch(`${server.baseUrl}/healthz`)).json()) as { sources: { source: string }[] };
    expect(health.sources.map((s) => s.source).sort()).toEqual(['APNIC', 'DELEGATED-APNIC', 'IDNIC', 'MEMBERS']);
    const rdap = await fetch(`${server.baseUrl}/ip/198.51.100.41`);
    expect(rdap.status).toBe(200);
    expect(JSON.stringify(await rdap.json())).toContain('PT Contoh Jaringan Nusantara');
    expect(await whoisQuery(server.whoisPort, '198.51.100.41')).toMatch(/^inetnum: +198\.51\.100\.40 - 198\.51\.100\.43$/m);
    // The keys and the audit key were made beside the registry database, in the volume.
    expect(existsSync(join(volume, 'lacak.state.sqlite'))).toBe(true);
    expect(existsSync(join(volume, 'lacak.state.audit-key'))).toBe(true);
    expect(await server.stop()).toBe(0);
    server = undefined;
  });
});
