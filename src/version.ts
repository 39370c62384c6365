import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './config.js';

let cached: string | undefined;

/** lacak's own version, recorded with every import and answer for provenance. */
export function lacakVersion(): string {
  cached ??= (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
