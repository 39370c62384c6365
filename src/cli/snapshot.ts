// `lacak snapshot publish DIR`: the registry for replicas; replica/publish.ts does the work.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { publishSnapshot, type PublishReport } from '../replica/publish.js';
import { openRegistryDb } from '../store/db.js';
import { openStateDb } from '../store/state-db.js';
import { dbOption, type CliContext } from './context.js';

export function addSnapshotCommand(program: Command, ctx: CliContext): void {
  const snapshot = program.command('snapshot').description('copies of the registry for replicas, without the state database');
  snapshot
    .command('publish')
    .description('write a copy of the registry database, the key table (token hashes, no tokens) and manifest.json into DIR')
    .addOption(dbOption())
    .argument('<dir>', 'the folder replicas fetch from (created if missing); it must not hold the databases')
    .action(async (dir: string, opts: { db?: string }) => {
      const { manifest } = await publishWith(ctx.config(opts.db), dir);
      const { registry: copy, keys } = manifest;
      process.stdout.write(`published ${copy.file} (${copy.bytes} bytes, import ${manifest.importId}) and ${keys.file} (${keys.count} key(s)) in ${dir}\n`);
    });
}

/** Publishes the registry of `config` and its keys into `dir`. */
async function publishWith(config: Config, dir: string): Promise<PublishReport> {
  const registry = openRegistryDb(config.dbPath, { readonly: true });
  // No state database means no keys yet: publishing does not create one beside the registry.
  const state = existsSync(config.stateDbPath) ? openStateDb(config.stateDbPath) : null;
  try {
    return await publishSnapshot(registry, state, dir, { privatePaths: [config.dbPath, config.stateDbPath, config.auditKeyPath, config.signingKeyPath] });
  } finally {
    state?.close();
    registry.close();
  }
}

/**
 * With LACAK_PUBLISH_DIR set, what replicas follow is published again after each import and key
 * change (issue 17). A failure is logged, not thrown: the change itself has been made.
 */
export async function republish(config: Config, log: Logger, why: string): Promise<void> {
  if (!config.publishDir) return;
  try {
    const { manifest } = await publishWith(config, config.publishDir);
    log.info({ dir: config.publishDir, importId: manifest.importId, file: manifest.registry.file, keys: manifest.keys.count, after: why }, 'snapshot published for replicas');
  } catch (err) {
    log.error({ err, dir: config.publishDir, after: why }, 'snapshot not published: replicas keep the previous one until the next publication');
  }
}
