// Test material the repository may not carry (test/fixtures/README.md says what and why) is read
// from a folder laid out like the registry's shared test data, named by LACAK_TEST_SHARED_DATA.
// CI points it at ../shared/data; a plain clone has no such folder, and the tests that need it
// are skipped with one line saying so. Nothing here looks for the folder on its own: a test that
// found ../shared by itself would pass on the machines that build lacak and fail in every clone.
import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportSkip } from './skip.js';

export const SHARED_DATA_ENV = 'LACAK_TEST_SHARED_DATA';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The folder LACAK_TEST_SHARED_DATA names (relative to the project root), or undefined when unset. */
export const SHARED_DATA: string | undefined = (() => {
  const value = process.env[SHARED_DATA_ENV]?.trim();
  if (!value) return undefined;
  const dir = isAbsolute(value) ? value : resolve(ROOT, value);
  // Asked for and absent is a mistake to report, not a reason to skip quietly.
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`${SHARED_DATA_ENV}=${value}: ${dir} is not a directory`);
  }
  return dir;
})();

/** A path inside the shared data; only call it where the data is known to be present. */
export function sharedDataPath(...parts: string[]): string {
  if (SHARED_DATA === undefined) throw new Error(`${SHARED_DATA_ENV} is not set`);
  return join(SHARED_DATA, ...parts);
}

/** How to run a test that needs the shared data, for reportSkip. */
export const HOW_TO_RUN_WITH_SHARED_DATA = `set ${SHARED_DATA_ENV} to a folder laid out like the registry's shared test data (CI: ${SHARED_DATA_ENV}=../shared/data npm test)`;

/**
 * True when the shared data is absent, after printing the file's skip line; for describe.skipIf
 * and it.skipIf. `why` says what the tests read that the repository may not carry.
 */
export function withoutSharedData(what: string, why: string): boolean {
  if (SHARED_DATA !== undefined) return false;
  reportSkip(what, why, HOW_TO_RUN_WITH_SHARED_DATA);
  return true;
}
