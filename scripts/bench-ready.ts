// Bench child: how long a fresh process takes from its start until it can answer.
// `--mode service` opens the registry and takes its index as `lacak serve` does (from the
// index file `lacak import` kept, else from the networks); `--mode scan` is the floor under
// it: the same process start, then one bare scan of the current ranges. Modules load inside
// the timed span, as they do for a user.
//
//   node dist/scripts/bench-ready.js --mode service|scan --db FILE   → one JSON line on stdout
import { parseArgs } from 'node:util';

export interface ReadyChildResult {
  readonly mode: 'service' | 'scan';
  /** performance.now() is measured from the process's start (its time origin). */
  readonly loadedMs: number;
  readonly openedMs: number;
  readonly readyMs: number;
  readonly rows: number;
  readonly segments: number;
  readonly memoryBytes: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
  readonly maxRssBytes: number;
  /** Sum over the scanned values, printed so the scan's work is observably used. */
  readonly checksum: number;
  /** The service started from the index file kept beside the database (not from the networks). */
  readonly fromIndexFile: boolean;
}

const { values } = parseArgs({ options: { mode: { type: 'string' }, db: { type: 'string' } } });
const path = values.db;
if (!path || (values.mode !== 'service' && values.mode !== 'scan')) throw new Error('usage: bench-ready --mode service|scan --db FILE');

function heap(): number {
  const m = process.memoryUsage();
  // Typed arrays live outside the JS heap; the index is mostly typed arrays.
  return m.heapUsed + m.arrayBuffers;
}

let result: ReadyChildResult;
if (values.mode === 'service') {
  const [{ openRegistryDb }, { LookupService }, { loadConfig }, { startingIndex }, { loadBootstrap }, { pino }] = await Promise.all([
    import('../src/store/db.js'),
    import('../src/query/service.js'),
    import('../src/config.js'),
    import('../src/main.js'),
    import('../src/referral/bootstrap.js'),
    import('pino'),
  ]);
  const loadedMs = performance.now();
  const db = openRegistryDb(path);
  const openedMs = performance.now();
  const rssBeforeBytes = process.memoryUsage.rss();
  const heapBeforeBytes = heap();
  // As `lacak serve` starts: from the index kept beside the database when it is this import's.
  const config = loadConfig({ LACAK_DB: path }, { db: path });
  const bootstrap = loadBootstrap(config.bootstrapDir);
  const built = await startingIndex(config, db, bootstrap.publication, pino({ level: 'silent' }));
  const service = new LookupService(db, config, undefined, { bootstrap, built });
  const readyMs = performance.now();
  const index = service.rangeIndex;
  result = {
    mode: 'service',
    loadedMs,
    openedMs,
    readyMs,
    rows: index.networks,
    segments: index.segments,
    memoryBytes: index.memoryBytes,
    rssBeforeBytes,
    rssAfterBytes: process.memoryUsage.rss(),
    heapBeforeBytes,
    heapAfterBytes: heap(),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    checksum: 0,
    fromIndexFile: built !== undefined,
  };
  db.close();
} else {
  const { default: Database } = await import('better-sqlite3');
  const loadedMs = performance.now();
  const db = new Database(path, { readonly: true });
  const openedMs = performance.now();
  const rssBeforeBytes = process.memoryUsage.rss();
  const heapBeforeBytes = heap();
  const scan = db.prepare<[], { family: number; first: Buffer; last: Buffer }>(
    'SELECT family, first, last FROM objects WHERE valid_to IS NULL AND family IS NOT NULL',
  );
  // Touch every value so the scan cannot be cheaper than a consumer of the rows.
  let rows = 0;
  let checksum = 0;
  for (const row of scan.iterate()) {
    rows++;
    checksum += row.family + row.first[15]! + row.last[15]!;
  }
  const readyMs = performance.now();
  result = {
    mode: 'scan',
    loadedMs,
    openedMs,
    readyMs,
    rows,
    segments: 0,
    memoryBytes: 0,
    rssBeforeBytes,
    rssAfterBytes: process.memoryUsage.rss(),
    heapBeforeBytes,
    heapAfterBytes: heap(),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    checksum,
    fromIndexFile: false,
  };
  db.close();
}
process.stdout.write(`${JSON.stringify(result)}\n`);
