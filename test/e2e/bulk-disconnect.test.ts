// A bulk client that hangs up stops the work: the server reads no further than it needs to,
// says so in the audit row, and goes on answering everyone else.
import { request } from 'node:http';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/access/audit.js';
import { buildSampleRegistry } from '../../src/sample.js';
import { openStateDb } from '../../src/store/state-db.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const TOTAL = 200_000;
const tmp = tempDir();
let server: ServerProcess;
let token: string;
const db = join(tmp.dir, 'registry.sqlite');

beforeAll(async () => {
  await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
  const added = spawnSync(process.execPath, [CLI, 'keys', 'add', '--role', 'admin', '--label', 'test', '--db', db], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  token = added.stdout.trim().split('\n')[1]!;
  server = await startServer(CLI, { LACAK_DB: db });
});
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

describe('bulk and a client that hangs up', () => {
  it('stops reading and answering when the client goes away', async () => {
    let sent = 0;
    const body = new Readable({
      read() {
        // A slow, endless-looking upload: 1,000 lines at a time.
        if (sent >= TOTAL) return this.push(null);
        const lines = Array.from({ length: 1000 }, (_, i) => `198.51.100.${(sent + i) % 256}`).join('\n') + '\n';
        sent += 1000;
        setTimeout(() => this.push(lines), 5);
      },
    });
    const url = new URL('/bulk/ip', server.baseUrl);
    const rows = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` } }, (res) => {
        let count = 0;
        res.on('data', (chunk: Buffer) => {
          count += chunk.toString('utf8').split('\n').length - 1;
          // Enough seen: hang up mid-stream.
          if (count >= 2000) {
            req.destroy();
            resolve(count);
          }
        });
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      body.pipe(req);
      setTimeout(() => reject(new Error('no rows arrived')), 20_000);
    });
    expect(rows).toBeGreaterThanOrEqual(2000);

    // The server answers others at once, and its audit row says it stopped well short of the upload.
    const health = await fetch(new URL('/ip/198.51.100.41', server.baseUrl));
    expect(health.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const state = openStateDb(join(tmp.dir, 'registry.state.sqlite'));
    const row = new AuditLog(state, null).list().find((r) => r.query.startsWith('POST /bulk/ip'));
    state.close();
    expect(row?.query).toMatch(/^POST \/bulk\/ip \(\d+ line\(s\); client went away before the end\)$/);
    const answered = Number(/\((\d+) line\(s\)/.exec(row?.query ?? '')?.[1]);
    expect(answered).toBeGreaterThanOrEqual(2000);
    expect(answered).toBeLessThan(TOTAL / 2);
  });
});
