// No Docker engine runs here, so this runs what the Dockerfile runs, on a clean copy: the
// production install after a build, then `lacak serve` with LACAK_DB unset (the sample).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

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
});

describe('the Dockerfile steps on a clean copy', () => {
  const tmp = tempDir('lacak-image-');
  const app = join(tmp.dir, 'app');
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
    server = await startServer(join(app, 'dist', 'src', 'cli.js'), {}, app);
    expect(existsSync(join(app, 'data', 'lacak.sqlite'))).toBe(true);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${server.baseUrl}/readyz`)).json()).toMatchObject({ status: 'ready' });
    expect(await server.stop()).toBe(0);
  });
});
