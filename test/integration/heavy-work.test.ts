// Heavy questions and the event loop (issue 13, finding 3): a search or inverse query of
// hundreds of objects is answered in a worker thread, so the thread that serves everyone keeps
// turning; and what a question costs (rows read, bytes returned) is charged to its asker's
// budget, not counted as one request like a lookup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/access/audit.js';
import { KeyStore } from '../../src/access/keys.js';
import { BYTES_PER_POINT, queryCost, ROWS_PER_POINT } from '../../src/access/cost.js';
import { buildApp } from '../../src/http/app.js';
import { LookupService } from '../../src/query/service.js';
import { openRegistryDb, type Db } from '../../src/store/db.js';
import { openStateDb } from '../../src/store/state-db.js';
import { workerPoolRunner, type HeavyRunner } from '../../src/offload/runner.js';
import { BIG_ORGANISATION, bigMaintainerRegistry } from '../helpers/big-maintainer.js';
import { quietLog, testConfig } from '../helpers/registry.js';

/** The built worker: the pool runs compiled JavaScript (the global setup builds dist/). */
const WORKER = new URL('../../dist/src/offload/heavy-worker.js', import.meta.url);
// The heaviest search a client may ask since RFC 8977 paging (the server's pages of 50; `count`
// asks for the total, not a size): every network of the organisation counted and sorted by a
// date read from its attributes, for a page of some 200 KB.
const SEARCH = `/ips/reverse_search/entity?handle=${BIG_ORGANISATION}&count=true&sort=registrationDate:d`;

describe('heavy questions', () => {
  let registry: { path: string; cleanup: () => void };
  let db: Db;
  const state = openStateDb(':memory:');

  beforeAll(async () => {
    registry = await bigMaintainerRegistry(3000);
    db = openRegistryDb(registry.path);
  });
  afterAll(() => {
    db?.close();
    state.close();
    registry?.cleanup();
  });

  async function appWith(env: Record<string, string>, heavy?: HeavyRunner) {
    const config = testConfig(registry.path, env);
    const app = buildApp({ config, service: new LookupService(db, config, quietLog), logger: quietLog, keys: new KeyStore(state), audit: new AuditLog(state, Buffer.alloc(32, 7)), heavy });
    await app.ready();
    return app;
  }

  /** The longest the event loop went without running a 2 ms timer while `work` ran. */
  async function longestStall(work: () => Promise<unknown>): Promise<number> {
    let last = performance.now();
    let worst = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 2);
    await work();
    await new Promise((resolve) => setTimeout(resolve, 20));
    clearInterval(tick);
    return worst;
  }

  it('answers searches in a worker: the same answers, and the event loop keeps turning meanwhile', async () => {
    const pool = workerPoolRunner(testConfig(registry.path), 1, WORKER);
    const app = await appWith({ LACAK_RATE_EXEMPT: '127.0.0.0/8' }, pool);
    const local = await appWith({ LACAK_RATE_EXEMPT: '127.0.0.0/8' });
    try {
      const [fromPool, inThread] = await Promise.all([app.inject({ url: SEARCH }), local.inject({ url: SEARCH })]);
      expect(fromPool.statusCode).toBe(200);
      const results = (r: typeof fromPool) => (JSON.parse(r.body) as { ipSearchResults: { handle: string }[] }).ipSearchResults.map((n) => n.handle);
      expect(results(fromPool)).toHaveLength(50);
      expect(results(fromPool)).toEqual(results(inThread));
      // Three such searches: answered in the thread, each holds the event loop while it sorts
      // and renders; from the pool the loop is never held for long.
      const stall = await longestStall(() => Promise.all([1, 2, 3].map(() => app.inject({ url: SEARCH }))));
      expect(stall).toBeLessThan(150);
    } finally {
      await Promise.all([app.close(), local.close(), pool.close()]);
    }
  });

  it("charges a search what it read and returned, to its asker's budget only", async () => {
    const app = await appWith({ LACAK_RATE_ANONYMOUS: '1000' });
    try {
      const heavy = await app.inject({ url: SEARCH, remoteAddress: '192.0.2.10' });
      expect(heavy.statusCode).toBe(200);
      const bytes = Buffer.byteLength(heavy.body);
      // The sort read every one of the 3,000 networks, the page returned 50 of them.
      expect(queryCost({ rows: 3000, bytes })).toBeGreaterThan(40);
      // The next question from the same address finds its budget spent by the search's cost.
      const after = await app.inject({ url: '/ip/2001:db8:1000::1', remoteAddress: '192.0.2.10' });
      const remaining = Number(after.headers['ratelimit-remaining']);
      expect(remaining).toBeLessThanOrEqual(1000 - 2 - Math.floor(bytes / BYTES_PER_POINT) - Math.floor(3000 / ROWS_PER_POINT));
      // Another asker's budget is whole; a lookup costs one point.
      const other = await app.inject({ url: '/ip/2001:db8:1000::1', remoteAddress: '192.0.2.11' });
      expect(other.headers['ratelimit-remaining']).toBe('999');
      const again = await app.inject({ url: '/ip/2001:db8:1000::1', remoteAddress: '192.0.2.11' });
      expect(again.headers['ratelimit-remaining']).toBe('998');
      // The rule is published.
      const help = JSON.parse((await app.inject({ url: '/help', remoteAddress: '192.0.2.12' })).body) as { notices: { title: string; description: string[] }[] };
      expect(help.notices.find((n) => n.title === 'Rate limits')!.description.join(' ')).toContain(`1 for every ${ROWS_PER_POINT} registry rows it read and every ${BYTES_PER_POINT / 1024} KiB it returned`);
    } finally {
      await app.close();
    }
  });
});
