// Building the sample registry (data/sample/) when LACAK_DB is unset: imported once, in
// manifest order, into a temporary file that is renamed into place only when complete.
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from './logger.js';
import { importFiles } from './importers/run-import.js';
import { openRegistryDb } from './store/db.js';

const ManifestSchema = z.object({
  imports: z
    .array(
      z.object({
        at: z.iso.datetime({ offset: true }),
        format: z.enum(['rpsl', 'delegated', 'members-csv']),
        files: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1),
});

export type SampleManifest = z.infer<typeof ManifestSchema>;

export function readSampleManifest(sampleDir: string): SampleManifest {
  return ManifestSchema.parse(JSON.parse(readFileSync(join(sampleDir, 'manifest.json'), 'utf8')));
}

/** Imports every snapshot of the sample registry into `dbPath` (which must not exist yet). */
export async function buildSampleRegistry(sampleDir: string, dbPath: string, log: Logger): Promise<void> {
  const manifest = readSampleManifest(sampleDir);
  const building = `${dbPath}.building`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
  const db = openRegistryDb(building, { create: true });
  try {
    for (const step of manifest.imports) {
      await importFiles(
        db,
        { files: step.files.map((f) => join(sampleDir, f)), format: step.format, at: Date.parse(step.at), strict: true },
        log,
      );
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  renameSync(building, dbPath);
  log.info({ db: dbPath, imports: manifest.imports.length }, 'sample registry built');
}
