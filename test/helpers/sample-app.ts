// The sample registry built once per test file: the query service over it, and an HTTP app
// over that for inject().
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import type { CurrentIpAnswers } from '../../src/rdap/current-ip.js';
import type { CurrentPageCards } from '../../src/web/current-cards.js';
import { loadBootstrap } from '../../src/referral/bootstrap.js';
import { LookupService } from '../../src/query/service.js';
import { buildSampleRegistry } from '../../src/sample.js';
import type { Config } from '../../src/config.js';
import { openRegistryDb, type Db } from '../../src/store/db.js';
import { openStateDb } from '../../src/store/state-db.js';
import { AuditLog } from '../../src/access/audit.js';
import { KeyStore } from '../../src/access/keys.js';
import { SAMPLE_DIR, quietLog, tempDir, testConfig } from './registry.js';

export interface SampleApp {
  readonly app: FastifyInstance;
  readonly service: LookupService;
  readonly config: Config;
  readonly db: Db;
  readonly dbPath: string;
  /** The state database's keys and audit log (in memory for each test file). */
  readonly keys: KeyStore;
  readonly audit: AuditLog;
  readonly state: Db;
  close(): Promise<void>;
}

export interface SampleService {
  readonly service: LookupService;
  readonly db: Db;
  readonly dbPath: string;
  readonly config: Config;
  close(): void;
}

/** The sample registry in a temporary file and the query service over it. */
export async function sampleService(options: { env?: Record<string, string>; now?: () => number } = {}): Promise<SampleService> {
  const tmp = tempDir();
  const dbPath = join(tmp.dir, 'sample.sqlite');
  await buildSampleRegistry(SAMPLE_DIR, dbPath, quietLog);
  const db = openRegistryDb(dbPath);
  const config = testConfig(dbPath, options.env);
  // The bootstrap files a server reads: who answers for space nothing in the sample covers.
  const service = new LookupService(db, config, quietLog, { bootstrap: loadBootstrap(config.bootstrapDir), ...(options.now ? { now: options.now } : {}) });
  return {
    service,
    db,
    dbPath,
    config,
    close() {
      if (db.open) db.close();
      tmp.cleanup();
    },
  };
}

/**
 * The app over the sample registry; a setting given as `undefined` is left unset (e.g.
 * LACAK_BASE_URL). `currentIp` and `currentCards` make the current address answers and page
 * cards the app serves (issue 15).
 */
export async function sampleApp(
  env: Record<string, string | undefined> = {},
  options: {
    currentIp?: (config: Config, service: LookupService) => CurrentIpAnswers;
    currentCards?: (config: Config, service: LookupService) => CurrentPageCards;
  } = {},
): Promise<SampleApp> {
  const settings = { LACAK_BASE_URL: 'https://rdap.lacak.example/', LACAK_PORT43: 'whois.lacak.example', ...env };
  const sample = await sampleService({ env: Object.fromEntries(Object.entries(settings).filter((kv): kv is [string, string] => kv[1] !== undefined)) });
  const { service, db, dbPath, config } = sample;
  const state = openStateDb(':memory:');
  const keys = new KeyStore(state);
  const audit = new AuditLog(state, randomBytes(32));
  const app = buildApp({ config, service, logger: quietLog, keys, audit, currentIp: options.currentIp?.(config, service), currentCards: options.currentCards?.(config, service) });
  await app.ready();
  return {
    app,
    service,
    config,
    db,
    dbPath,
    keys,
    audit,
    state,
    async close() {
      await app.close();
      state.close();
      sample.close();
    },
  };
}
