#!/usr/bin/env node
// `lacak`: serve, import, check, export, replay, keys, audit, snapshot, evidence (DESIGN §3). Bad input ends with one line and a
// non-zero status; a stack trace only with LOG_LEVEL=debug.
import { createReadStream, existsSync } from 'node:fs';
import cluster from 'node:cluster';
import { Command, InvalidArgumentError, Option } from 'commander';
import { dbOption, type CliContext } from './cli/context.js';
import { addSnapshotCommand, republish } from './cli/snapshot.js';
import { addEvidenceCommand } from './cli/evidence.js';
import { superviseWorkers } from './workers.js';
import { configFromProcess, type Config } from './config.js';
import { LACAK_ERR, LacakError, isLacakError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import type { DataIssue } from './model/types.js';
import { checkFiles, importFiles, type ImportFormat, type ImportReport } from './importers/run-import.js';
import { ImportProgress, logProgress, terminalProgress } from './importers/progress.js';
import { DEFAULT_INPUT_LIMITS, parseMaxLine, parseMaxObject, type InputLimits } from './io/lines.js';
import { openRegistryDb, type Db } from './store/db.js';
import { openStateDb } from './store/state-db.js';
import { AuditLog, formatAuditHead, parseAuditHead, type AuditHead } from './access/audit.js';
import { loadAuditKey } from './access/audit-key.js';
import { replay } from './bulk/replay.js';
import { LookupService } from './query/service.js';
import { loadBootstrap } from './referral/bootstrap.js';
import { KEY_ROLES, KeyStore, type ApiKey, type KeyRole } from './access/keys.js';
import { ObjectStore } from './store/objects.js';
import { memberStanding } from './query/membership.js';
import { formatInstant, parseInstant } from './query/time.js';
import { exportRpsl } from './export/rpsl.js';
import { exportDelegated } from './export/delegated.js';
import { serve } from './main.js';
import { keepIndexOf } from './offload/kept-files.js';
import { lacakVersion } from './version.js';

function parseAt(value: string): number {
  const parsed = parseInstant(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.ms;
}

function parsePct(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('a percentage from 0 to 100');
  return n;
}

function parseLineLimit(value: string): number {
  const parsed = parseMaxLine(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.value;
}

function parseObjectLimit(value: string): Partial<InputLimits> {
  const parsed = parseMaxObject(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.value;
}

/** `--max-line` and `--max-object` over the defaults (issue #13: imports read files they did not write). */
function inputLimits(opts: { maxLine?: number; maxObject?: Partial<InputLimits> }): InputLimits {
  return { ...DEFAULT_INPUT_LIMITS, ...(opts.maxLine !== undefined ? { maxLineBytes: opts.maxLine } : {}), ...opts.maxObject };
}

const MAX_LINE_HELP = `a longer line is a defect: its object is rejected (default ${DEFAULT_INPUT_LIMITS.maxLineBytes / 1024}KiB)`;
const MAX_OBJECT_HELP =
  `lines and/or size (20000,2MiB); a larger object is a defect and rejected ` +
  `(default ${DEFAULT_INPUT_LIMITS.maxObjectLines},${DEFAULT_INPUT_LIMITS.maxObjectBytes / 1024 / 1024}MiB)`;

function printIssue(issue: DataIssue): void {
  process.stderr.write(`${issue.file}:${issue.line}: ${issue.severity} ${issue.code}: ${issue.message}\n`);
}

function summaryLine(r: ImportReport): string {
  const what = r.dryRun ? 'dry run (nothing written)' : `import ${r.importId}`;
  return (
    `${what}: snapshot ${new Date(r.at).toISOString()}; created ${r.created}, changed ${r.changed}, deleted ${r.deleted}, ` +
    `unchanged ${r.unchanged}, rejected ${r.rejected}; ${r.errors} error(s), ${r.warnings} warning(s); ${(r.durationMs / 1000).toFixed(2)} s`
  );
}

/**
 * The index of what was just imported, kept beside the database for the next server start.
 * The import stands whatever happens here: a server without the file reads the networks.
 */
function keepIndex(config: Config, db: Db, log: Logger): void {
  try {
    const kept = keepIndexOf(config, db, loadBootstrap(config.bootstrapDir).publication);
    if (kept) log.info(kept, 'index file written');
  } catch (err) {
    log.warn({ err }, 'index file not written: the next server start reads the networks');
  }
}

function buildProgram(ctx: CliContext): Command {
  const program = new Command('lacak')
    .description('IP address ownership lookup for a National Internet Registry')
    .version(lacakVersion())
    // Usage errors are one line like every other error; `--help` shows the rest.
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`lacak: ${s.replace(/^error: /, '').replace(/\n+$/, '')}\n`),
    });

  program
    .command('serve')
    .description('serve RDAP, the web page and health checks on HTTP_PORT')
    .addOption(dbOption())
    .option('--follow <source>', "serve as a replica of a primary's /snapshots/ URL or a published folder (default: LACAK_FOLLOW)")
    .action(async (opts: { db?: string; follow?: string }) => {
      const base = ctx.config(opts.db);
      const config: Config = opts.follow ? { ...base, follow: opts.follow } : base;
      const log = ctx.log(config);
      if (config.workers > 1 && cluster.isPrimary) return superviseWorkers(config, log);
      const server = await serve(config, log);
      const stop = (signal: string, how: 'drain' | 'close') => {
        log.info({ signal, ...(how === 'drain' ? { graceMs: config.shutdown.graceMs, withinMs: config.shutdown.totalMs } : {}) }, 'shutting down');
        if (how === 'drain') {
          // Whatever is still in flight then is cut: an orchestrator's own deadline must not be the one that ends it.
          setTimeout(() => {
            log.warn({ withinMs: config.shutdown.totalMs }, 'shutdown: answers still in flight at LACAK_SHUTDOWN_MS were cut');
            process.exit(0);
          }, Math.max(0, config.shutdown.totalMs - 250)).unref();
        }
        (how === 'drain' ? server.drain() : server.close()).then(
          () => {
            log.info({ signal }, 'stopped');
            process.exit(0);
          },
          (err: unknown) => {
            log.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      // SIGTERM is an orchestrator's or a load balancer's stop: drained. Ctrl-C is a person's: at once.
      process.once('SIGTERM', () => stop('SIGTERM', 'drain'));
      process.once('SIGINT', () => stop('SIGINT', 'close'));
    });

  program
    .command('import')
    .description('import files as one snapshot (replaces the (source, class) pairs they contain)')
    .addOption(dbOption())
    .addOption(new Option('--format <format>', 'input format').choices(['rpsl', 'delegated', 'members-csv']).default('rpsl'))
    .option('--source <name>', 'source for objects without a source: attribute')
    .option('--at <time>', 'snapshot time, RFC 3339 with a zone (default: the file\'s own date, else now)', parseAt)
    .option('--strict', 'refuse the whole run if any object has an error')
    .option('--dry-run', 'report what would change; write nothing')
    .option('--max-delete <pct>', 'refuse a run that deletes more than this share of a pair', parsePct, 20)
    .option('--allow-mass-delete', 'allow deleting more than --max-delete')
    .option('--max-line <size>', MAX_LINE_HELP, parseLineLimit)
    .option('--max-object <lines,size>', MAX_OBJECT_HELP, parseObjectLimit)
    .argument('<files...>', 'input files (.gz accepted; - for stdin)')
    .action(async (files: string[], opts: { db?: string; format: ImportFormat; source?: string; at?: number; strict?: boolean; dryRun?: boolean; maxDelete: number; allowMassDelete?: boolean; maxLine?: number; maxObject?: Partial<InputLimits> }) => {
      const config = ctx.config(opts.db);
      const log = ctx.log(config);
      const db = openRegistryDb(config.dbPath, { create: true });
      // On a terminal, a line redrawn four times a second; off one, a log line every few seconds.
      const terminal = process.stderr.isTTY ? terminalProgress(process.stderr) : null;
      const progress = new ImportProgress(terminal ?? logProgress(log), terminal ? 250 : config.importProgressMs);
      let imported = false;
      try {
        const report = await importFiles(
          db,
          {
            files,
            format: opts.format,
            at: opts.at,
            source: opts.source?.toUpperCase(),
            strict: opts.strict,
            dryRun: opts.dryRun,
            maxDeletePct: opts.maxDelete,
            allowMassDelete: opts.allowMassDelete,
            limits: inputLimits(opts),
            parseInWorker: true,
            // A defect's line is not written over the progress line: it is cleared first, drawn again later.
            onIssue: (issue) => {
              terminal?.clear();
              printIssue(issue);
            },
            progress,
          },
          log,
        );
        process.stdout.write(summaryLine(report) + '\n');
        if (!report.dryRun) keepIndex(config, db, log);
        imported = !report.dryRun;
      } finally {
        db.close();
      }
      if (imported) await republish(config, log, 'import');
    });

  program
    .command('check')
    .description('validate files and report every defect with file:line; writes nothing')
    .addOption(new Option('--format <format>', 'input format').choices(['rpsl', 'delegated', 'members-csv']).default('rpsl'))
    .option('--source <name>', 'source for objects without a source: attribute')
    .addOption(dbOption())
    .option('--max-line <size>', MAX_LINE_HELP, parseLineLimit)
    .option('--max-object <lines,size>', MAX_OBJECT_HELP, parseObjectLimit)
    .argument('<files...>', 'input files (.gz accepted; - for stdin)')
    .action(async (files: string[], opts: { db?: string; format: ImportFormat; source?: string; maxLine?: number; maxObject?: Partial<InputLimits> }) => {
      const config = ctx.config(opts.db);
      // Checked against the registry when there is one, so clashes with what it holds show.
      const db = existsSync(config.dbPath) ? openRegistryDb(config.dbPath) : null;
      let report;
      try {
        report = await checkFiles(db, files, opts.format, printIssue, ctx.log(config), opts.source?.toUpperCase(), inputLimits(opts));
      } finally {
        db?.close();
      }
      const valid = report.created + report.changed + report.unchanged;
      process.stdout.write(`checked ${files.length} file(s): ${valid} valid object(s), ${report.rejected} rejected; ${report.errors} error(s), ${report.warnings} warning(s)\n`);
      if (report.errors > 0) process.exitCode = 1;
    });

  program
    .command('export')
    .description('write the registry as it was at a time to stdout')
    .addOption(dbOption())
    .addOption(new Option('--format <format>', 'output format').choices(['rpsl', 'delegated']).default('rpsl'))
    .option('--at <time>', 'RFC 3339 time with a zone (default: now)', parseAt)
    // Without --full the dump is public-safe (DESIGN §5's anonymous view, never `auth:`).
    .option('--full', 'rpsl: every attribute, personal data and auth: hashes included (a backup, not for publishing)')
    .action(async (opts: { db?: string; format: 'rpsl' | 'delegated'; at?: number; full?: boolean }) => {
      const config = ctx.config(opts.db);
      const db = openRegistryDb(config.dbPath, { readonly: true });
      try {
        const objects = new ObjectStore(db);
        const at = opts.at ?? null;
        const instant = opts.at ?? Date.now();
        if (opts.format === 'rpsl') {
          const full = opts.full === true;
          const what = full
            ? '% Full export: personal data, notification e-mails and auth: hashes included. Do not publish it.\n'
            : '% Public export: personal data withheld, notification e-mails filtered, no auth: (lacak export --full writes everything).\n';
          const header = `% lacak ${lacakVersion()} export of ${config.registry} registry as of ${new Date(instant).toISOString()}\n${what}`;
          await exportRpsl(objects, at, process.stdout, header, { full });
        } else {
          await exportDelegated(objects, at, instant, process.stdout);
        }
      } finally {
        db.close();
      }
    });

  program
    .command('replay')
    .description('ask a saved bulk answer (NDJSON from POST /bulk/ip) again; report every line that now answers differently, and why')
    .addOption(dbOption())
    .argument('<file>', 'the saved answer, or - for standard input')
    .action(async (file: string, opts: { db?: string }) => {
      const config = ctx.config(opts.db);
      const db = openRegistryDb(config.dbPath, { readonly: true });
      try {
        // The bootstrap files the server reads: the same authority for space nothing here covers.
        const service = new LookupService(db, config, undefined, { bootstrap: loadBootstrap(config.bootstrapDir) });
        const input = file === '-' ? process.stdin : createReadStream(file);
        const report = await replay(service, input, config.registry).catch((err: unknown) => {
          throw new LacakError(LACAK_ERR.FILE, `cannot replay ${file}: ${(err as Error).message}`);
        });
        for (const d of report.differences) {
          process.stdout.write(`line ${d.line} (${d.input}): ${d.reason}\n`);
          for (const [field, then, now] of d.fields) process.stdout.write(`  ${field}: ${then ?? '-'} -> ${now ?? '-'}\n`);
        }
        process.stdout.write(`${report.lines} line(s) replayed, ${report.differences.length} answer(s) differ\n`);
        // Like diff(1): 1 when something differs, so scripts can tell.
        if (report.differences.length > 0) process.exitCode = 1;
      } finally {
        db.close();
      }
    });

  const keys = program.command('keys').description('API keys for members, law enforcement and admins (kept in the state database)');
  keys
    .command('add')
    .description('create a key and print its token once')
    .addOption(dbOption())
    .addOption(new Option('--role <role>', 'what the key may see (DESIGN §5)').choices([...KEY_ROLES]).makeOptionMandatory())
    .requiredOption('--label <text>', 'who holds the key, for the key list and the audit log')
    .option('--org <handle>', 'the member\'s organisation (role member only)')
    .option('--expires <time>', 'RFC 3339 time with a zone after which the key is refused', parseAt)
    .action(async (opts: { db?: string; role: KeyRole; label: string; org?: string; expires?: number }) => {
      if (opts.role === 'member' && !opts.org) throw new LacakError(LACAK_ERR.BAD_ARGUMENT, 'a member key needs --org ORG-HANDLE: it sees that organisation\'s objects in full');
      if (opts.role !== 'member' && opts.org) throw new LacakError(LACAK_ERR.BAD_ARGUMENT, '--org is for member keys only');
      if (opts.expires !== undefined && opts.expires <= Date.now()) throw new LacakError(LACAK_ERR.BAD_ARGUMENT, '--expires is in the past');
      const config = ctx.config(opts.db);
      if (opts.role === 'member') assertMember(config, opts.org!);
      withState(config, (state) => {
        const { key, token } = new KeyStore(state).add({ role: opts.role, label: opts.label, org: opts.org, expiresAt: opts.expires ?? null, now: Date.now() });
        process.stdout.write(`${describeKey(key)}\n${token}\n`);
        process.stderr.write('lacak: this token is shown once and stored only as a hash: keep it now.\n');
      });
      await republish(config, ctx.log(config), 'keys add');
    });
  keys
    .command('list')
    .description('every key, without secrets')
    .addOption(dbOption())
    .action((opts: { db?: string }) => {
      withState(ctx.config(opts.db), (state) => {
        for (const key of new KeyStore(state).list()) process.stdout.write(`${describeKey(key)}\n`);
      });
    });
  keys
    .command('revoke')
    .description('refuse a key from now on')
    .addOption(dbOption())
    .argument('<id>', 'the key id (from keys list)', parseId)
    .action(async (id: number, opts: { db?: string }) => {
      const config = ctx.config(opts.db);
      withState(config, (state) => {
        if (!new KeyStore(state).revoke(id, Date.now())) throw new LacakError(LACAK_ERR.BAD_ARGUMENT, `no active key ${id}`);
        process.stdout.write(`key ${id} revoked\n`);
      });
      // Replicas refuse it within their follow interval once this is published.
      await republish(config, ctx.log(config), 'keys revoke');
    });

  const audit = program
    .command('audit')
    .description('the audit log of authenticated requests and disclosures of personal data')
    .addOption(dbOption())
    .option('--since <time>', 'only entries from this RFC 3339 time on', parseAt)
    .option('--key <id>', 'only entries of this key', parseId)
    .option('--verify', 'check the keyed chain (needs the key file, LACAK_AUDIT_KEY); exit non-zero naming the first broken row')
    .option('--head <id:mac>', 'with --verify: a head saved earlier (lacak audit head), which must still be there', parseHead)
    .action((opts: { db?: string; since?: number; key?: number; verify?: boolean; head?: AuditHead }) => {
      if (opts.head && !opts.verify) throw new LacakError(LACAK_ERR.BAD_ARGUMENT, '--head goes with --verify');
      const config = ctx.config(opts.db);
      // Listing needs no key; verifying does, and never makes one (a new key would make every
      // keyed row look forged).
      const key = opts.verify ? loadAuditKey(config.auditKeyPath, { create: false }) : null;
      withState(config, (state) => {
        const log = new AuditLog(state, key);
        if (opts.verify) {
          const verdict = log.verify({ head: opts.head });
          if (!verdict.ok) throw new LacakError(LACAK_ERR.AUDIT_BROKEN, `audit log broken at row ${verdict.brokenId}: ${verdict.reason}`);
          const unkeyed = verdict.unkeyed > 0 ? ` (the first ${verdict.unkeyed} unkeyed, from before the chain was keyed)` : '';
          const head = opts.head ? `; saved head ${formatAuditHead(opts.head)} found` : '';
          process.stdout.write(`audit log intact: ${verdict.rows} row(s)${unkeyed}; head ${verdict.head ? formatAuditHead(verdict.head) : '(empty)'}${head}\n`);
          return;
        }
        for (const row of log.list({ since: opts.since, keyId: opts.key })) {
          const who = row.keyId === null ? 'no key' : `key ${row.keyId}`;
          const disclosed = row.disclosed.length > 0 ? ` disclosed ${row.disclosed.join(',')}` : '';
          const caseRef = row.caseReference ? ` case "${row.caseReference}"` : '';
          const node = row.node ? ` (replica ${row.node})` : '';
          process.stdout.write(`${row.id}\t${new Date(row.at).toISOString()}\t${who} ${row.role ?? '-'}${caseRef}\t${row.client ?? '-'}\t${row.query}${disclosed}${node}\n`);
        }
      });
    });
  audit
    .command('head')
    .description('print the newest row as ID:MAC, to keep outside this machine for --verify --head')
    .addOption(dbOption())
    // `lacak audit head --db X`: commander hands --db to `audit`, which declares it too.
    .action((_opts: { db?: string }, command: Command) => {
      withState(ctx.config(command.optsWithGlobals<{ db?: string }>().db), (state) => {
        const head = new AuditLog(state, null).head();
        if (!head) throw new LacakError(LACAK_ERR.BAD_ARGUMENT, 'the audit log is empty: it has no head yet');
        process.stdout.write(`${formatAuditHead(head)}\n`);
      });
    });

  addSnapshotCommand(program, ctx);
  addEvidenceCommand(program, ctx);

  return program;
}

function parseHead(value: string): AuditHead {
  const head = parseAuditHead(value);
  if (!head) throw new InvalidArgumentError('ID:MAC as "lacak audit head" prints it (a row id, a colon, 64 hex digits)');
  return head;
}

function parseId(value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new InvalidArgumentError('a positive whole number');
  return Number(value);
}

/**
 * A member key sees its organisation's objects in full (DESIGN §5), so it names one that is a
 * member in the registry as it is now: not a customer, not a handle nobody holds (issue #13).
 */
function assertMember(config: Config, org: string): void {
  const db = openRegistryDb(config.dbPath, { readonly: true });
  try {
    const standing = memberStanding(new ObjectStore(db), org, config.registry);
    if (!standing.member) throw new LacakError(LACAK_ERR.BAD_ARGUMENT, `--org: ${standing.reason}; member keys are for members (the members list, or org-type LIR)`);
  } finally {
    db.close();
  }
}

function withState(config: Config, work: (state: Db) => void): void {
  const state = openStateDb(config.stateDbPath);
  try {
    work(state);
  } finally {
    state.close();
  }
}

function describeKey(key: ApiKey): string {
  const state = key.revokedAt !== null ? `revoked ${formatInstant(key.revokedAt)}` : key.expiresAt !== null && key.expiresAt <= Date.now() ? `expired ${formatInstant(key.expiresAt)}` : 'active';
  const expiry = key.expiresAt !== null ? ` expires ${formatInstant(key.expiresAt)}` : '';
  return `key ${key.id}\t${key.role}${key.org ? ` ${key.org}` : ''}\t"${key.label}"\tcreated ${formatInstant(key.createdAt)}${expiry}\t${state}`;
}

async function main(argv: string[]): Promise<void> {
  // `lacak export | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  let debug = false;
  const ctx: CliContext = {
    config: (db) => {
      const config = configFromProcess({ db });
      debug = config.logLevel === 'debug' || config.logLevel === 'trace';
      return config;
    },
    log: (config) => createLogger(config.logLevel),
  };
  try {
    await buildProgram(ctx).parseAsync(argv);
  } catch (err) {
    // A worker of several (LACAK_WORKERS) that cannot serve: its channel to the supervisor would keep it alive.
    if (cluster.isWorker) process.disconnect();
    if (isLacakError(err)) {
      process.stderr.write(`lacak: ${err.message}\n`);
      if (debug && err.stack) process.stderr.write(err.stack + '\n');
      process.exitCode = err.code === LACAK_ERR.BAD_ARGUMENT ? 2 : 1;
      return;
    }
    const e = err as Error;
    process.stderr.write(`lacak: internal error: ${e.message}\n`);
    if (debug && e.stack) process.stderr.write(e.stack + '\n');
    process.exitCode = 70;
  }
}

await main(process.argv);
