// No token reaches a log line or the audit log, wherever the client put it.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/access/audit.js';
import { KeyStore } from '../../src/access/keys.js';
import { buildApp } from '../../src/http/app.js';
import { LookupService } from '../../src/query/service.js';
import { buildSampleRegistry } from '../../src/sample.js';
import { openRegistryDb, type Db } from '../../src/store/db.js';
import { openStateDb } from '../../src/store/state-db.js';
import { SAMPLE_DIR, quietLog, tempDir, testConfig } from '../helpers/registry.js';

describe('tokens in logs', () => {
  const tmp = tempDir();
  const lines: string[] = [];
  let db: Db;
  let state: Db;
  let keys: KeyStore;
  let audit: AuditLog;
  let app: ReturnType<typeof buildApp>;

  beforeAll(async () => {
    const path = join(tmp.dir, 'sample.sqlite');
    await buildSampleRegistry(SAMPLE_DIR, path, quietLog);
    db = openRegistryDb(path);
    state = openStateDb(':memory:');
    keys = new KeyStore(state);
    audit = new AuditLog(state, randomBytes(32));
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const config = testConfig(path);
    app = buildApp({ config, service: new LookupService(db, config, quietLog), logger: pino({ level: 'debug' }, sink), keys, audit });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    db?.close();
    state?.close();
    tmp.cleanup();
  });

  it('logs every request without the token, in the header, the query string or the path', async () => {
    const { token } = keys.add({ role: 'lea', label: 'siber', now: Date.now() });
    const revoked = keys.add({ role: 'admin', label: 'old', now: Date.now() });
    keys.revoke(revoked.key.id, Date.now());
    const requests = [
      { url: '/ip/198.51.100.41', headers: { authorization: `Bearer ${token}` } },
      { url: '/ip/198.51.100.41', headers: { authorization: `Bearer ${revoked.token}` } },
      { url: `/ip/198.51.100.41?token=${token}` },
      { url: `/ip/198.51.100.41?access_token=${token}&at=2026-01-01T00:00:00Z` },
      { url: `/entity/${token}` },
      { url: `/ip/198.51.100.41?x=${token}` },
    ];
    const statuses = [];
    for (const r of requests) statuses.push((await app.inject(r)).statusCode);
    // In the path a token is only an odd handle (404); in the query string it is refused.
    expect(statuses).toEqual([200, 401, 400, 400, 404, 400]);
    expect(lines.filter((l) => l.includes('http request'))).toHaveLength(requests.length);
    const secrets = [token, revoked.token].map((t) => t.replace(/^lacak_\d+_/, ''));
    const everything = [...lines, ...audit.list().map((r) => JSON.stringify(r))].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(audit.verify().ok).toBe(true);
  });
});
