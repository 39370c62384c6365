// Composition root for `lacak serve`: config → logger → database → query service → servers.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { buildApp } from './http/app.js';
import { workerIndexBuilder } from './index/build-from-db.js';
import { indexSettings } from './query/placeholders.js';
import { LookupService } from './query/service.js';
import { loadBootstrap } from './referral/bootstrap.js';
import { freshness } from './query/freshness.js';
import type { MigrationListener } from './store/migrations.js';
import { buildSampleRegistry } from './sample.js';
import { openRegistryDb, type Db } from './store/db.js';
import { openStateDb, SERVER_BUSY_TIMEOUT_MS } from './store/state-db.js';
import { generateSigningKey, SigningKeyProblem, SigningKeySource } from './evidence/signing-keys.js';
import { AuditLog } from './access/audit.js';
import { loadAuditKey } from './access/audit-key.js';
import { KeyStore } from './access/keys.js';
import { clientBudget } from './access/rate-limits.js';
import { workerPoolRunner } from './offload/runner.js';
import { BULK_LINES } from './policy/access.js';
import { whoisHandlerFor } from './whois/handler.js';
import { startWhoisServer } from './whois/server.js';
import { Lifecycle } from './lifecycle.js';
import { indexBuildSeconds, joinWorkerMetrics, replicaInfo, shuttingDown } from './metrics.js';
import { ReplicaFollower, folderSource, httpSource } from './replica/follow.js';
import { SharedConnectionCount, connectSharedCounts } from './access/shared-counts.js';
import { OutputGuard } from './net/output-guard.js';
import { CurrentIpAnswers } from './rdap/current-ip.js';
import { PreEncoder, keptOrPacked } from './offload/pack-answers.js';
import { keptFilesOf, packStamp, readKeptIndex } from './offload/kept-files.js';
import { ArrayFileRefused } from './offload/array-file.js';
import { ObjectStore } from './store/objects.js';
import type { BuiltIndex } from './index/build-from-db.js';
import { CurrentPageCards } from './web/current-cards.js';
import { CurrentWhoisAnswers } from './whois/current-answers.js';
import { EntityCache } from './rdap/render.js';

/** A primary that does not answer a replica's request within this is down for that check. */
const FOLLOW_TIMEOUT_MS = 10_000;

export interface RunningServer {
  readonly httpPort: number;
  readonly whoisPort: number;
  /**
   * The stop SIGTERM asks for (issue 17): not ready at once, connections still taken for the
   * grace period, then none; answers in flight finish; then everything is closed.
   */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What is done once before anything serves: the sample registry built, the audit key made, both
 * databases migrated. With LACAK_WORKERS the supervisor does it before it starts the workers,
 * which would otherwise race to do it (workers.ts).
 */
export async function prepareStores(config: Config, log: Logger): Promise<{ db: Db; state: Db; auditKey: Buffer }> {
  if (config.usesSample && !existsSync(config.dbPath)) {
    await buildSampleRegistry(config.sampleDir, config.dbPath, log.child({ component: 'sample' }));
  }
  // Read (or made) first: a key file others may read stops the start before anything is open.
  const auditKey = loadAuditKey(config.auditKeyPath, { create: true });
  // An upgrade changes the files on first start: the log says which step ran and what it did.
  const storeLog = log.child({ component: 'store' });
  const onMigrate: MigrationListener = ({ path, version, summary, ms }) => storeLog.info({ db: path, version, migration: summary, ms }, 'database migrated');
  // A replica makes its database when there is none: empty, and not ready until its first snapshot is in.
  const db = openRegistryDb(config.dbPath, { onMigrate, create: config.follow !== null });
  const state = openStateDb(config.stateDbPath, { busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS, onMigrate });
  return { db, state, auditKey };
}

export async function serve(config: Config, rootLog: Logger): Promise<RunningServer> {
  // A replica names itself on every line it logs (issue 17), and so does each of several workers.
  const named = config.follow ? rootLog.child({ replica: config.replicaName }) : rootLog;
  const log = config.workerIndex !== null ? named.child({ worker: config.workerIndex }) : named;
  const { db, state, auditKey } = await prepareStores(config, log);
  // One worker of several: /metrics answers for all of them.
  if (config.workerIndex !== null) joinWorkerMetrics();
  const bootstrap = loadBootstrap(config.bootstrapDir);
  const indexStarted = performance.now();
  const startedFrom = await startingIndex(config, db, bootstrap.publication, log);
  const service = new LookupService(db, config, log.child({ component: 'query' }), {
    indexBuilder: workerIndexBuilder(config.dbPath, indexSettings(config)),
    bootstrap,
    built: startedFrom,
  });
  indexBuildSeconds.set((performance.now() - indexStarted) / 1000);
  const lifecycle = new Lifecycle();
  // One follower per replica, however many workers serve it: the first worker's (the others see its copies as imports).
  const follows = config.follow !== null && (config.workerIndex ?? 0) === 0;
  const shared = config.redisUrl ? connectSharedCounts(config.redisUrl, log.child({ component: 'limits' })) : null;
  const keys = new KeyStore(state);
  // A replica's rows name it: each replica keeps its own chain (issue 17).
  const audit = new AuditLog(state, auditKey, config.follow ? config.replicaName : null);
  // Rows from before the chain was keyed get their keyed successor now rather than with the
  // next authenticated request; a locked database is no reason to refuse to start.
  await audit.seal(Date.now(), config.auditWaitMs).then(
    (row) => row !== null && log.info({ row }, 'audit chain keyed from this row on'),
    (err: unknown) => log.warn({ err }, 'audit log: the unkeyed rows are sealed by the next row instead'),
  );
  // One bound on unread answers for both front ends: memory is one budget (issue 13).
  const output = new OutputGuard(config.output, log.child({ component: 'output' }));
  // Questions about many objects are answered in worker threads, off the loop that serves
  // everyone (issue 13).
  const heavy = workerPoolRunner(config, config.heavyWorkers);
  // Current address answers: packed ahead of time in a worker, the rest kept once asked (issue 15).
  // One cache of rendered entities for answers made as asked, kept or not.
  const entities = new EntityCache();
  const currentIp = new CurrentIpAnswers(config, service, entities, config.answerCacheBytes);
  const currentWhois = new CurrentWhoisAnswers(service);
  const currentCards = new CurrentPageCards(service);
  const answersLog = log.child({ component: 'answers' });
  const preEncoder = new PreEncoder(
    { dbPath: config.dbPath, config, maxBytes: config.answerPackBytes, keep: true },
    service,
    { rdap: currentIp, whois: currentWhois, pages: currentCards },
    answersLog,
    keptOrPacked(service, answersLog, startedFrom),
  );
  // Evidence (issue 18) is signed with the keys of LACAK_SIGNING_KEY; without them the server
  // serves everything else, and the evidence routes say why they cannot sign (503).
  const signing = new SigningKeySource(config.signingKeyPath);
  // The sample registry is fictional and for trying lacak out: it gets a key of its own, so its
  // evidence can be tried too. A real registry's key is made on purpose (`lacak evidence keygen`).
  if (config.usesSample && !existsSync(config.signingKeyPath)) {
    await generateSigningKey(config.signingKeyPath, { rotate: false, now: Date.now() }).catch((err: unknown) => log.warn({ err }, 'sample registry: no signing key made'));
  }
  const signingKeys = await signing.keys();
  if (signingKeys instanceof SigningKeyProblem) log.warn({ signingKey: config.signingKeyPath, detail: signingKeys.message }, 'evidence signing key unusable: evidence routes answer 503');
  else log.info({ signingKey: signingKeys.current.kid, published: signingKeys.published.length }, 'evidence signing key loaded');
  const app = buildApp({ config, service, logger: log, keys, audit, output, heavy, currentIp, currentWhois, currentCards, entities, lifecycle, shared, signing, replica: follows ? () => follower!.status() : undefined });

  const refresh = () => {
    service.refreshIfChanged().then(
      (changed) => {
        // A new import: its answers are packed next (the old pack no longer matches the index).
        if (changed) void preEncoder.run();
      },
      (err: unknown) => {
        log.error({ err }, 'index refresh failed; still serving the previous index');
      },
    );
  };
  const poll = setInterval(refresh, config.pollMs);
  poll.unref();
  const follower = follows && config.follow
    ? new ReplicaFollower({
        name: config.replicaName,
        source: /^https?:\/\//i.test(config.follow) ? httpSource(config.follow, { token: config.followKey ?? undefined, timeoutMs: FOLLOW_TIMEOUT_MS }) : folderSource(resolve(config.follow)),
        dbPath: config.dbPath,
        db,
        keys,
        intervalMs: config.followMs,
        log: log.child({ component: 'replica' }),
        // Served at once rather than at the next poll.
        onApplied: refresh,
      })
    : null;

  const whoisLog = log.child({ component: 'whois' });
  const handler = whoisHandlerFor(config, service, { current: currentWhois });

  const budget = clientBudget(config.rates.anonymous, config.rates.exempt, { name: 'whois', shared });
  const whois = await startWhoisServer(
    {
      handler,
      service,
      host: config.port43,
      limits: config.whois,
      log: whoisLog,
      admit: budget.admit,
      charge: budget.charge,
      heavy,
      bulkLines: BULK_LINES.anonymous,
      output,
      proxiesFrom: config.whoisProxiesFrom,
      // A count outlives a connection that stays idle as long as it may, and a little.
      sharedConnections: shared ? new SharedConnectionCount(shared, Math.ceil(config.whois.idleMs / 1000) + 60) : null,
    },
    config.host,
    config.whoisPort,
  );
  try {
    await app.listen({ host: config.host, port: config.httpPort });
  } catch (err) {
    // A half-started server must not linger (the WHOIS listener would keep the process up).
    shared?.redis.disconnect();
    await whois.close();
    await heavy.close();
    db.close();
    state.close();
    throw err;
  }
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address ? address.port : config.httpPort;
  log.info({ http: httpPort, whois: whois.port, db: config.dbPath, importId: service.importId, networks: service.rangeIndex.networks }, 'lacak serving');
  // In the background: until it is done, current answers are rendered as asked.
  void preEncoder.run();
  if (follower) {
    replicaInfo.set({ name: config.replicaName, following: follower.status().following }, 1);
    follower.start();
  }
  // What /healthz reports, said once where an operator watching a start looks (issue 14).
  const report = freshness({
    snapshots: service.latestSnapshots(),
    bootstrapPublication: bootstrap.publication,
    staleAfterMs: config.staleAfterMs,
    bootstrapMaxAgeMs: config.bootstrapMaxAgeMs,
    now: Date.now(),
  });
  for (const s of report.sources) {
    if (s.warning) log.warn({ source: s.source, snapshotAt: s.snapshotAt, importId: s.importId, staleAfter: report.staleAfter, detail: s.warning }, 'registry data stale');
  }
  if (report.bootstrap?.warning) {
    log.warn({ bootstrapDir: config.bootstrapDir, publication: report.bootstrap.publication, maxAge: report.bootstrapMaxAge, detail: report.bootstrap.warning }, 'RDAP bootstrap files old');
  }

  let closing: Promise<void> | null = null;
  let draining: Promise<void> | null = null;
  const running: RunningServer = {
    httpPort,
    whoisPort: whois.port,
    drain() {
      draining ??= (async () => {
        lifecycle.stop();
        shuttingDown.set(1);
        log.info({ graceMs: config.shutdown.graceMs }, 'stopping: not ready from now; connections still taken for the grace period');
        await sleep(config.shutdown.graceMs);
        lifecycle.close();
        log.info('stopping: no new connections; waiting for the answers in flight');
        clearInterval(poll);
        await follower?.stop();
        preEncoder.close();
        // Fastify's close stops listening, ends idle keep-alive connections and waits for requests in flight.
        closing ??= Promise.all([app.close(), whois.drain()]).then(release);
        await closing;
      })();
      return draining;
    },
    close() {
      closing ??= (async () => {
        clearInterval(poll);
        await follower?.stop();
        preEncoder.close();
        await Promise.all([app.close(), whois.close()]);
        await release();
      })();
      return closing;
    },
  };
  async function release(): Promise<void> {
    shared?.redis.disconnect();
    await heavy.close();
    output.close();
    db.close();
    state.close();
  }
  return running;
}

/**
 * The index kept beside the database by the last packing, when it is that of the newest
 * import and this build and settings made it: a start in moments instead of reading every
 * network (issue 16). Anything else is said in the log and the index is built as before.
 */
export async function startingIndex(config: Config, db: Db, bootstrapPublication: string | null, log: Logger): Promise<BuiltIndex | undefined> {
  const file = keptFilesOf(config.dbPath).index;
  if (config.answerPackBytes <= 0 || !existsSync(file)) return undefined;
  const started = Date.now();
  const objects = new ObjectStore(db);
  const importId = objects.lastImportId();
  try {
    const built = await readKeptIndex(config.dbPath, packStamp(config, bootstrapPublication), { importId, finishedAt: objects.importFinishedAt(importId) });
    log.info({ file, importId, ms: Date.now() - started }, 'index read from the index file');
    return built;
  } catch (err) {
    if (!(err instanceof ArrayFileRefused)) throw err;
    log.info({ file, reason: err.reason }, 'index file not used: reading the networks');
    return undefined;
  }
}
