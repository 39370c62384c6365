// RPSL → store → `lacak export` → identical objects (attributes, order and repeats kept).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/importers/run-import.js';
import { parseRpslText } from '../../src/rpsl/parse.js';
import { toRegistryObject } from '../../src/rpsl/to-model.js';
import { CLI, SHARED_DATA, quietLog, tempRegistry } from '../helpers/registry.js';

/** Objects in file order, as comparable strings; only those the importer accepts. */
function objectsOf(text: string): string[] {
  const out: string[] = [];
  for (const parsed of parseRpslText(text)) {
    if (!parsed.object || parsed.issues.some((i) => i.severity === 'error')) continue;
    const converted = toRegistryObject(parsed.object, {});
    if (!converted.object || converted.issues.some((i) => i.severity === 'error')) continue;
    const o = converted.object;
    out.push(JSON.stringify([o.source, o.className, o.key, o.attributes]));
  }
  return out;
}

describe('export round trip', () => {
  const reg = tempRegistry();
  const files = ['TEST.db', 'TEST_BOOTSTRAP_LOAD_DUMP.db'].map((f) => join(SHARED_DATA, 'rpsl', f));
  beforeAll(async () => {
    await importFiles(reg.db, { files, format: 'rpsl', at: Date.parse('2026-01-01T00:00:00Z') }, quietLog);
    reg.db.close();
  });
  afterAll(() => reg.cleanup());

  it('exports every object exactly as it was imported', () => {
    const exported = execFileSync(process.execPath, [CLI, 'export', '--db', reg.path, '--format', 'rpsl', '--at', '2026-01-01T00:00:00Z'], {
      encoding: 'utf8',
    });
    // A key in both files is imported once (the first seen, TEST.db's); the rest one for one.
    const firstSeen = new Map<string, string>();
    for (const f of files) {
      for (const o of objectsOf(readFileSync(f, 'utf8'))) {
        const id = JSON.stringify((JSON.parse(o) as unknown[]).slice(0, 3));
        if (!firstSeen.has(id)) firstSeen.set(id, o);
      }
    }
    const back = objectsOf(exported);
    expect(back.length).toBeGreaterThan(200);
    expect(back.sort()).toEqual([...firstSeen.values()].sort());
  });

  it('exports nothing for a time before the first snapshot', () => {
    const exported = execFileSync(process.execPath, [CLI, 'export', '--db', reg.path, '--at', '2020-01-01T00:00:00Z'], { encoding: 'utf8' });
    expect(objectsOf(exported)).toEqual([]);
    expect(exported.startsWith('% lacak')).toBe(true);
  });
});
