// Issue 13, finding 1: an answer that carries personal data leaves only once its audit row is
// committed. With the state database write-locked by another connection (BEGIN IMMEDIATE, as
// a CLI or a second server holding it), such an answer waits a bounded time and is then a 503
// carrying nothing personal; answers that disclose nothing are not held, and an audit row that
// cannot be written at the end of a request is logged, never thrown.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../../../src/access/audit.js';
import { KeyStore } from '../../../src/access/keys.js';
import { buildApp } from '../../../src/http/app.js';
import type { Db } from '../../../src/store/db.js';
import { openStateDb, SERVER_BUSY_TIMEOUT_MS } from '../../../src/store/state-db.js';
import { testConfig } from '../../helpers/registry.js';
import { sampleService, type SampleService } from '../../helpers/sample-app.js';

const PERSON = 'RKS1-IDNIC';
const CASE_REFERENCE = 'LP/77/XII/2026/Siber';
/** Ratna Kusuma Savitri's name, address, phone and e-mail in the sample registry. */
const PERSONAL = ['Ratna', 'Savitri', 'Gedung Contoh', '55501010', 'ratna.savitri@'];
const NOT_WRITTEN = 'audit row not written';

interface Rig {
  readonly app: FastifyInstance;
  readonly audit: AuditLog;
  readonly state: Db;
  /** Messages the app logged at error level. */
  readonly errors: string[];
}

let sample: SampleService;
let statePath: string;
let lea: string;
let admin: string;
let revoked: string;
const rigs: Rig[] = [];

/** An app on the real state file, as `lacak serve` opens it, waiting `waitMs` for audit rows. */
async function rig(waitMs: number): Promise<Rig> {
  const state = openStateDb(statePath, { busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS });
  const audit = new AuditLog(state, KEY);
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { level: number; msg: string };
        if (entry.level >= 50) errors.push(entry.msg);
      }
      done();
    },
  });
  const config = testConfig(sample.dbPath, { LACAK_AUDIT_WAIT_MS: String(waitMs) });
  const app = buildApp({ config, service: sample.service, logger: pino({ level: 'info' }, sink), keys: new KeyStore(state), audit });
  await app.ready();
  const r = { app, audit, state, errors };
  rigs.push(r);
  return r;
}

const KEY = randomBytes(32);
let holder: Database.Database | null = null;

/** Another connection takes the write lock and keeps it until `unlock()`. */
function lock(): void {
  holder = new Database(statePath);
  holder.exec('BEGIN IMMEDIATE');
}

function unlock(): void {
  if (holder?.inTransaction) holder.exec('ROLLBACK');
  holder?.close();
  holder = null;
}

const asLea = () => ({ authorization: `Bearer ${lea}`, 'x-case-reference': CASE_REFERENCE });
const rowsOf = (r: Rig) => r.audit.list();

beforeAll(async () => {
  sample = await sampleService();
  statePath = join(sample.dbPath, '..', 'sample.state.sqlite');
  const state = openStateDb(statePath);
  const keys = new KeyStore(state);
  const now = Date.now();
  lea = keys.add({ role: 'lea', label: 'Direktorat Tindak Pidana Siber', now }).token;
  admin = keys.add({ role: 'admin', label: 'registry staff', now }).token;
  const old = keys.add({ role: 'lea', label: 'revoked', now });
  keys.revoke(old.key.id, now);
  revoked = old.token;
  state.close();
});
afterEach(() => unlock());
afterAll(async () => {
  for (const r of rigs) {
    await r.app.close();
    r.state.close();
  }
  sample?.close();
});

describe('an answer carrying personal data, with the state database locked', () => {
  it('is a 503 carrying nothing personal, and no audit row; once unlocked, the vCard and exactly one row', async () => {
    const r = await rig(100);
    const before = rowsOf(r).length;
    lock();
    const withheld = await r.app.inject({ url: `/entity/${PERSON}`, headers: asLea() });
    expect(withheld.statusCode).toBe(503);
    expect(withheld.headers['content-type']).toMatch(/^application\/rdap\+json/);
    const body = withheld.json() as { errorCode: number; title: string; description: string[] };
    expect(body).toMatchObject({ errorCode: 503, title: 'Service Unavailable' });
    expect(body.description.join(' ')).toMatch(/audit log could not record/);
    for (const value of PERSONAL) {
      expect(withheld.body).not.toContain(value);
      expect(JSON.stringify(withheld.headers)).not.toContain(value);
    }
    // The row for the request itself (it was authenticated) is tried once more at its end,
    // and given up as well while the lock is held.
    await vi.waitFor(() => expect(r.errors.filter((m) => m === NOT_WRITTEN)).toHaveLength(2), { timeout: 10_000 });
    expect(rowsOf(r)).toHaveLength(before);

    unlock();
    const shown = await r.app.inject({ url: `/entity/${PERSON}`, headers: asLea() });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Ratna Kusuma Savitri');
    expect(shown.body).toContain('55501010');
    const added = rowsOf(r).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ role: 'lea', caseReference: CASE_REFERENCE, disclosed: [PERSON], query: `GET /entity/${PERSON}` });
    expect(r.audit.verify()).toMatchObject({ ok: true });
  });

  it('waits for its audit row to be committed before it is sent', async () => {
    const r = await rig(60_000);
    const before = rowsOf(r).length;
    lock();
    const tries = vi.spyOn(r.audit, 'append');
    let settled = false;
    const pending = r.app.inject({ url: `/entity/${PERSON}`, headers: asLea() }).finally(() => {
      settled = true;
    });
    // Tried and tried again while the lock is held; the answer has not gone out meanwhile.
    await vi.waitFor(() => expect(tries.mock.calls.length).toBeGreaterThan(2), { timeout: 10_000 });
    expect(settled).toBe(false);
    expect(rowsOf(r)).toHaveLength(before);
    holder!.exec('COMMIT');
    const answer = await pending;
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('Ratna Kusuma Savitri');
    expect(rowsOf(r).slice(before)).toMatchObject([{ disclosed: [PERSON], caseReference: CASE_REFERENCE }]);
    tries.mockRestore();
  });

  it('is withheld on the web page too', async () => {
    const r = await rig(100);
    lock();
    const withheld = await r.app.inject({ url: `/?q=${PERSON}`, headers: asLea() });
    expect(withheld.statusCode).toBe(503);
    for (const value of PERSONAL) expect(withheld.body).not.toContain(value);
    unlock();
    const shown = await r.app.inject({ url: `/?q=${PERSON}`, headers: asLea() });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Ratna Kusuma Savitri');
    expect(rowsOf(r).at(-1)).toMatchObject({ disclosed: [PERSON], caseReference: CASE_REFERENCE });
  });
});

describe('audit rows that cannot be written at the start or end of a request', () => {
  it('are logged; answers that disclose nothing are not held, and the app goes on answering', async () => {
    const r = await rig(100);
    const before = rowsOf(r).length;
    lock();
    // Authenticated, nothing personal: answered at once, recorded (or not) afterwards.
    const ip = await r.app.inject({ url: '/ip/198.51.100.41', headers: { authorization: `Bearer ${lea}` } });
    expect(ip.statusCode).toBe(200);
    // A bulk answer carries no personal data (legal-request desks are public): streamed as usual.
    const bulk = await r.app.inject({ method: 'POST', url: '/bulk/ip', payload: '198.51.100.41\n203.0.113.7\n', headers: { 'content-type': 'text/plain', authorization: `Bearer ${admin}` } });
    expect(bulk.statusCode).toBe(200);
    expect(bulk.body.trim().split('\n')).toHaveLength(3);
    // A refused token is recorded at the start of the request: still a 401.
    const refused = await r.app.inject({ url: '/ip/198.51.100.41', headers: { authorization: `Bearer ${revoked}` } });
    expect(refused.statusCode).toBe(401);
    await vi.waitFor(() => expect(r.errors.filter((m) => m === NOT_WRITTEN)).toHaveLength(3), { timeout: 10_000 });
    expect(rowsOf(r)).toHaveLength(before);
    unlock();
    expect((await r.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const after = await r.app.inject({ url: '/ip/198.51.100.41', headers: { authorization: `Bearer ${lea}` } });
    expect(after.statusCode).toBe(200);
    expect(rowsOf(r).slice(before)).toMatchObject([{ role: 'lea', query: 'GET /ip/198.51.100.41', disclosed: [] }]);
  });
});
