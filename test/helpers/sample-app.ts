// The sample registry built once per test file, and an HTTP app over it for inject().
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { loadBootstrap } from '../../src/referral/bootstrap.js';
import { LookupService } from '../../src/query/service.js';
import { buildSampleRegistry } from '../../src/sample.js';
import { openRegistryDb, type Db } from '../../src/store/db.js';
import { openStateDb } from '../../src/store/state-db.js';
import { AuditLog } from '../../src/access/audit.js';
import { KeyStore } from '../../src/access/keys.js';
import { SAMPLE_DIR, quietLog, tempDir, testConfig } from './registry.js';

export interface SampleApp {
  readonly app: FastifyInstance;
  readonly service: LookupService;
  readonly db: Db;
  readonly dbPath: string;
  /** The state database's keys and audit log (in memory for each test file). */
  readonly keys: KeyStore;
  readonly audit: AuditLog;
  readonly state: Db;
  close(): Promise<void>;
}

export async function sampleApp(env: Record<string, string> = {}): Promise<SampleApp> {
  const tmp = tempDir();
  const dbPath = join(tmp.dir, 'sample.sqlite');
  await buildSampleRegistry(SAMPLE_DIR, dbPath, quietLog);
  const db = openRegistryDb(dbPath);
  const config = testConfig(dbPath, { LACAK_BASE_URL: 'https://rdap.lacak.example/', LACAK_PORT43: 'whois.lacak.example', ...env });
  const service = new LookupService(db, config, quietLog);
  const state = openStateDb(':memory:');
  const keys = new KeyStore(state);
  const audit = new AuditLog(state);
  const app = buildApp({ config, service, logger: quietLog, keys, audit, bootstrap: loadBootstrap(config.bootstrapDir) });
  await app.ready();
  return {
    app,
    service,
    db,
    dbPath,
    keys,
    audit,
    state,
    async close() {
      await app.close();
      db.close();
      state.close();
      tmp.cleanup();
    },
  };
}
