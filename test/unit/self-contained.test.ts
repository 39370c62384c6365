// `npm test` passes in a clone with nothing beside it (issue 14). Material outside the repository
// is read only through LACAK_TEST_SHARED_DATA (test/helpers/shared-data.ts), never by a path that
// climbs out of the checkout: such a test passes where ../shared happens to exist and fails in
// every clone. .ci/clone-check proves the whole in CI; this catches the usual slip before a commit.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/registry.js';

const SELF = fileURLToPath(import.meta.url);
/** The one place that may name the shared data, in the hint it prints. */
const ALLOWED = join(ROOT, 'test', 'helpers', 'shared-data.ts');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(?:ts|mjs|js)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const FILES = sources(join(ROOT, 'test')).filter((f) => f !== SELF && f !== ALLOWED);

describe('tests read nothing outside the repository', () => {
  it('finds the test files', () => {
    expect(FILES.length).toBeGreaterThan(50);
  });

  it('no code names ../shared (comments may: they point readers at the data)', () => {
    const hits = FILES.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${relative(ROOT, file)}:${i + 1}`, line }))
        .filter(({ line }) => !/^\s*(?:\/\/|\/?\*)/.test(line))
        .filter(({ line }) => /\.\.\/shared\b|['"]shared['"]\s*,\s*['"]data['"]/.test(line)),
    );
    expect(hits).toEqual([]);
  });

  it('no relative URL or join climbs above the project root', () => {
    const escapes: string[] = [];
    for (const file of FILES) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new URL\(\s*'(\.\.?\/[^']*)'\s*,\s*import\.meta\.url\s*\)/g)) {
        const target = resolve(dirname(file), m[1]!);
        if (relative(ROOT, target).startsWith('..')) escapes.push(`${relative(ROOT, file)}: ${m[1]}`);
      }
      for (const m of text.matchAll(/join\(\s*ROOT\s*,\s*'\.\.'/g)) escapes.push(`${relative(ROOT, file)}: ${m[0]}`);
    }
    expect(escapes).toEqual([]);
  });
});
