// /healthz for an operator (issue 14): each source's newest snapshot and its age, `stale` past
// LACAK_STALE_AFTER, and a warning when the RFC 9224 bootstrap files are older than
// LACAK_BOOTSTRAP_MAX_AGE. Liveness stays 200 either way: a restart makes no data newer.
//
// The sample registry's snapshots: APNIC, DELEGATED-APNIC and MEMBERS at 2025-06-01 (import
// ids 1-3), IDNIC at 2025-06-01 and again at 2026-01-01 (import 4). The product's bootstrap
// files were published 2015-2016, the newest on 2016-09-08T18:00:00Z.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/access/audit.js';
import { KeyStore } from '../../src/access/keys.js';
import { buildApp } from '../../src/http/app.js';
import { LookupService } from '../../src/query/service.js';
import { loadBootstrap } from '../../src/referral/bootstrap.js';
import { buildSampleRegistry } from '../../src/sample.js';
import { openRegistryDb, type Db } from '../../src/store/db.js';
import { openStateDb } from '../../src/store/state-db.js';
import { SAMPLE_DIR, importText, quietLog, tempDir, tempRegistry, testConfig } from '../helpers/registry.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-01-03T00:00:00Z');

interface Health {
  status: string;
  version: string;
  staleAfter: string;
  sources: { source: string; snapshotAt: string; importId: number; ageSeconds: number; stale: boolean; warning?: string }[];
  bootstrapMaxAge: string;
  bootstrap: { publication: string; ageSeconds: number; old: boolean; warning?: string } | null;
  warnings: string[];
}

describe('/healthz', () => {
  const tmp = tempDir();
  const dbPath = join(tmp.dir, 'sample.sqlite');
  let db: Db;
  const apps: FastifyInstance[] = [];
  const states: Db[] = [];

  /** An app over the sample registry whose clock reads `now`. */
  async function appWith(env: Record<string, string>, now = NOW, path = dbPath, registry = db): Promise<FastifyInstance> {
    const config = testConfig(path, env);
    const service = new LookupService(registry, config, quietLog, { bootstrap: loadBootstrap(config.bootstrapDir), now: () => now });
    const state = openStateDb(':memory:');
    states.push(state);
    const app = buildApp({ config, service, logger: quietLog, keys: new KeyStore(state), audit: new AuditLog(state, randomBytes(32)), now: () => now });
    await app.ready();
    apps.push(app);
    return app;
  }

  async function health(app: FastifyInstance): Promise<{ statusCode: number; body: Health }> {
    const r = await app.inject({ url: '/healthz' });
    return { statusCode: r.statusCode, body: r.json() as Health };
  }

  beforeAll(async () => {
    await buildSampleRegistry(SAMPLE_DIR, dbPath, quietLog);
    db = openRegistryDb(dbPath);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const state of states) state.close();
    db?.close();
    tmp.cleanup();
  });

  it('lists each source\'s newest snapshot with its age, in source order', async () => {
    const { statusCode, body } = await health(await appWith({ LACAK_STALE_AFTER: '365d', LACAK_BOOTSTRAP_MAX_AGE: '36500d' }));
    expect(statusCode).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.staleAfter).toBe('365d');
    expect(body.sources).toEqual([
      { source: 'IDNIC', snapshotAt: '2026-01-01T00:00:00Z', importId: 4, ageSeconds: 2 * 86_400, stale: false },
      { source: 'APNIC', snapshotAt: '2025-06-01T00:00:00Z', importId: 1, ageSeconds: 216 * 86_400, stale: false },
      { source: 'DELEGATED-APNIC', snapshotAt: '2025-06-01T00:00:00Z', importId: 2, ageSeconds: 216 * 86_400, stale: false },
      { source: 'MEMBERS', snapshotAt: '2025-06-01T00:00:00Z', importId: 3, ageSeconds: 216 * 86_400, stale: false },
    ]);
    expect(body.warnings).toEqual([]);
  });

  it('says `stale` past LACAK_STALE_AFTER (default 8 days), naming each stale source, and stays 200', async () => {
    const { statusCode, body } = await health(await appWith({ LACAK_BOOTSTRAP_MAX_AGE: '36500d' }));
    expect(statusCode).toBe(200);
    expect(body.status).toBe('stale');
    expect(body.staleAfter).toBe('8d');
    expect(body.sources.map((s) => [s.source, s.stale])).toEqual([
      ['IDNIC', false],
      ['APNIC', true],
      ['DELEGATED-APNIC', true],
      ['MEMBERS', true],
    ]);
    expect(body.sources[0]!.warning).toBeUndefined();
    expect(body.warnings).toHaveLength(3);
    expect(body.warnings[0]).toBe(
      'source APNIC: its newest snapshot (2025-06-01T00:00:00Z, import 1) is 216 days old, older than LACAK_STALE_AFTER (8d); answers may name holders that have changed since: check the scheduled imports',
    );
    expect(body.sources[1]!.warning).toBe(body.warnings[0]);
  });

  it('just past the limit is stale, at it is not', async () => {
    const at = Date.parse('2026-01-01T00:00:00Z');
    const idnic = async (now: number) => (await health(await appWith({ LACAK_STALE_AFTER: '36h', LACAK_BOOTSTRAP_MAX_AGE: '36500d' }, now))).body.sources[0]!;
    expect(await idnic(at + 36 * 3_600_000)).toMatchObject({ source: 'IDNIC', stale: false });
    expect(await idnic(at + 36 * 3_600_000 + 1000)).toMatchObject({ source: 'IDNIC', stale: true });
  });

  it('warns when the bootstrap files are older than LACAK_BOOTSTRAP_MAX_AGE (default 90 days), without calling the data stale', async () => {
    const { body } = await health(await appWith({ LACAK_STALE_AFTER: '365d' }));
    expect(body.status).toBe('ok');
    expect(body.bootstrapMaxAge).toBe('90d');
    const age = Math.floor((NOW - Date.parse('2016-09-08T18:00:00Z')) / 1000);
    expect(body.bootstrap).toMatchObject({ publication: '2016-09-08T18:00:00Z', ageSeconds: age, old: true });
    expect(body.bootstrap!.warning).toMatch(/^the RDAP bootstrap files were published 2016-09-08T18:00:00Z \(3403 days ago\), longer ago than LACAK_BOOTSTRAP_MAX_AGE \(90d\);/);
    expect(body.bootstrap!.warning).toMatch(/refresh them from IANA with scripts\/make-bootstrap\.ts$/);
    expect(body.warnings).toEqual([body.bootstrap!.warning]);
    // Younger than the limit: no warning.
    const fresh = (await health(await appWith({ LACAK_STALE_AFTER: '365d', LACAK_BOOTSTRAP_MAX_AGE: '3404d' }))).body;
    expect(fresh.bootstrap).toEqual({ publication: '2016-09-08T18:00:00Z', ageSeconds: age, old: false });
    expect(fresh.warnings).toEqual([]);
  });

  it('reads the newest import: a source made stale by a stopped import is fresh again after the next', async () => {
    const reg = tempRegistry();
    try {
      const net = (netname: string) =>
        `inetnum: 192.0.2.0 - 192.0.2.255\nnetname: ${netname}\ncountry: ID\nadmin-c: ADM1-IDNIC\ntech-c: ADM1-IDNIC\nstatus: ASSIGNED PORTABLE\nmnt-by: MAINT-IDNIC\nsource: IDNIC\n`;
      await importText(reg.db, reg.dir, net('FIRST'), '2026-01-01T00:00:00Z');
      let now = Date.parse('2026-01-10T00:00:00Z');
      const config = testConfig(reg.path, { LACAK_BOOTSTRAP_MAX_AGE: '36500d' });
      const service = new LookupService(reg.db, config, quietLog, { now: () => now });
      const state = openStateDb(':memory:');
      states.push(state);
      const app = buildApp({ config, service, logger: quietLog, keys: new KeyStore(state), audit: new AuditLog(state, randomBytes(32)), now: () => now });
      apps.push(app);
      await app.ready();
      const first = (await health(app)).body;
      expect(first).toMatchObject({ status: 'stale', sources: [{ source: 'IDNIC', importId: 1, ageSeconds: 9 * 86_400, stale: true }] });
      // Without bootstrap files there is nothing to say about them.
      expect(first.bootstrap).toBeNull();
      await importText(reg.db, reg.dir, net('SECOND'), '2026-01-09T12:00:00Z');
      now += DAY / 2;
      expect((await health(app)).body).toMatchObject({ status: 'ok', sources: [{ source: 'IDNIC', snapshotAt: '2026-01-09T12:00:00Z', importId: 2, stale: false }], warnings: [] });
    } finally {
      reg.cleanup();
    }
  });

  it('an empty registry (no import yet) is alive and not stale; /readyz says it is not ready', async () => {
    const reg = tempRegistry();
    try {
      const app = await appWith({}, NOW, reg.path, reg.db);
      const { statusCode, body } = await health(app);
      expect(statusCode).toBe(200);
      expect(body).toMatchObject({ status: 'ok', sources: [] });
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(503);
    } finally {
      reg.cleanup();
    }
  });
});
