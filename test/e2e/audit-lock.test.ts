// Issue 13, finding 1, as it happened: `lacak serve` with its state database write-locked by
// another process. An `lea` request for a person is withheld (503) instead of answered
// unaudited, and the process, HTTP and WHOIS alike, lives on after the audit row of the
// request's end could not be written (it used to exit with "database is locked").
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KeyStore } from '../../src/access/keys.js';
import { buildSampleRegistry } from '../../src/sample.js';
import { openStateDb } from '../../src/store/state-db.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const tmp = tempDir();
const db = join(tmp.dir, 'registry.sqlite');
const stateDb = join(tmp.dir, 'registry.state.sqlite');
const CASE_REFERENCE = 'LP/77/XII/2026/Siber';
let server: ServerProcess;
let lea: string;

function whois(port: number, query: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(`${query}\r\n`));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
  const state = openStateDb(stateDb);
  lea = new KeyStore(state).add({ role: 'lea', label: 'Direktorat Tindak Pidana Siber', now: Date.now() }).token;
  state.close();
  server = await startServer(CLI, { LACAK_DB: db, LACAK_AUDIT_WAIT_MS: '200' });
});
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

describe('lacak serve with its state database locked', () => {
  it('made its audit key file on first start, readable by its owner only', () => {
    expect(statSync(join(tmp.dir, 'registry.state.audit-key')).mode & 0o777).toBe(0o600);
  });

  it('withholds personal data it cannot audit, and goes on serving HTTP and WHOIS', async () => {
    const holder = new Database(stateDb);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const withheld = await fetch(`${server.baseUrl}/entity/RKS1-IDNIC`, { headers: { authorization: `Bearer ${lea}`, 'x-case-reference': CASE_REFERENCE } });
      expect(withheld.status).toBe(503);
      const body = await withheld.text();
      expect(body).not.toMatch(/Ratna|55501010|ratna\.savitri@/);
      // The row of the request's end is given up too: the process must outlive that.
      await vi.waitFor(() => expect(server.logs.filter((l) => l.includes('"audit row not written"'))).toHaveLength(2), { timeout: 10_000 });
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
      // WHOIS has no keys: it answers everyone anonymously, so it never waits for the audit log.
      const answer = await whois(server.whoisPort, 'RKS1-IDNIC');
      expect(answer).toMatch(/^nic-hdl:\s+RKS1-IDNIC$/m);
      expect(answer).not.toMatch(/Ratna|55501010/);
      expect(server.child.exitCode).toBeNull();
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const shown = await fetch(`${server.baseUrl}/entity/RKS1-IDNIC`, { headers: { authorization: `Bearer ${lea}`, 'x-case-reference': CASE_REFERENCE } });
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('Ratna Kusuma Savitri');
    const listed = spawnSync(process.execPath, [CLI, 'audit', '--db', db], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(listed.stdout.trim().split('\n')).toEqual([expect.stringMatching(/\tkey 1 lea case "LP\/77\/XII\/2026\/Siber"\t127\.0\.0\.1\tGET \/entity\/RKS1-IDNIC disclosed RKS1-IDNIC$/)]);
  });

  it('refuses to start, in one line, with a key file others may read', () => {
    const loose = join(tmp.dir, 'loose.audit-key');
    writeFileSync(loose, Buffer.alloc(32, 1), { mode: 0o644 });
    const r = spawnSync(process.execPath, [CLI, 'serve'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LACAK_DB: db, LACAK_AUDIT_KEY: loose, HTTP_PORT: '0', WHOIS_PORT: '0', HOST: '127.0.0.1' }, timeout: 20_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toBe(`lacak: audit key file ${loose} has mode 0644: others may read it; make it 0600 (chmod 600 ${loose}) (LACAK_AUDIT_KEY)\n`);
  });
});
