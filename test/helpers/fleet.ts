// A primary and its replicas as processes (issue 17): what the replica and fleet tests share.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog } from './registry.js';
import { startServer, type ServerProcess } from './server.js';

/** A network no sample object covers: an import that adds it is visible in every answer for it. */
export const LATE_NETWORK =
  'inetnum: 203.0.113.200 - 203.0.113.201\nnetname: LATE-NET\ncountry: ID\nadmin-c: IH1-IDNIC\ntech-c: IH1-IDNIC\nstatus: ASSIGNED PORTABLE\nmnt-by: MAINT-IDNIC\nsource: LATE\n';

/** The built CLI with `env`; its stdout, or an error with its stderr. */
export function lacakWith(env: Record<string, string>, ...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  if (r.status !== 0) throw new Error(`lacak ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Polls `probe` until `ok` (a probe that throws counts as not yet); the last value in the error otherwise. */
export async function eventually<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, withinMs: number): Promise<T> {
  const until = Date.now() + withinMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && ok(value)) return value;
    if (Date.now() > until) throw new Error(`${what}: not within ${withinMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Fleet {
  readonly primary: ServerProcess;
  readonly replicas: ServerProcess[];
  stop(): Promise<void>;
}

/**
 * The sample registry as a primary publishing into `published`, and one replica per name
 * following its /snapshots/ every `followMs`, each with `replicaEnv` too. `beforeStart` runs on
 * the primary's database first (keys to add).
 */
export async function startFleet(
  dir: string,
  options: { readonly names: readonly string[]; readonly followMs: number; readonly replicaEnv?: Record<string, string>; readonly beforeStart?: (primaryDb: string) => void },
): Promise<Fleet & { readonly primaryDb: string; readonly published: string }> {
  const primaryDb = join(dir, 'primary.sqlite');
  const published = join(dir, 'published');
  await buildSampleRegistry(SAMPLE_DIR, primaryDb, quietLog);
  options.beforeStart?.(primaryDb);
  lacakWith({}, 'snapshot', 'publish', published, '--db', primaryDb);
  const primary = await startServer(CLI, { LACAK_DB: primaryDb, LACAK_PUBLISH_DIR: published });
  const replicas: ServerProcess[] = [];
  for (const name of options.names) {
    replicas.push(
      await startServer(CLI, {
        LACAK_DB: join(dir, `${name}.sqlite`),
        LACAK_FOLLOW: `${primary.baseUrl}/snapshots/`,
        LACAK_FOLLOW_MS: String(options.followMs),
        LACAK_REPLICA_NAME: name,
        ...options.replicaEnv,
      }),
    );
  }
  return {
    primary,
    replicas,
    primaryDb,
    published,
    async stop() {
      await Promise.all([primary, ...replicas].map((s) => s.stop()));
    },
  };
}
