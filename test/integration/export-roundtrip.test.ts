// RPSL → store → `lacak export --full` → identical objects (attributes, order and repeats kept);
// `lacak export` without --full: what anyone may see (DESIGN §5), never `auth:`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/importers/run-import.js';
import { parseRpslText } from '../../src/rpsl/parse.js';
import { toRegistryObject } from '../../src/rpsl/to-model.js';
import { CLI, FIXTURES, quietLog, tempRegistry } from '../helpers/registry.js';

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
  // RIPE's whois test dumps (test/fixtures/README.md): hundreds of objects, auth:, notify:, persons.
  const files = ['TEST.db', 'TEST_BOOTSTRAP_LOAD_DUMP.db'].map((f) => join(FIXTURES, 'rpsl', 'ripe-test', f));
  beforeAll(async () => {
    await importFiles(reg.db, { files, format: 'rpsl', at: Date.parse('2026-01-01T00:00:00Z') }, quietLog);
    reg.db.close();
  });
  afterAll(() => reg.cleanup());

  it('exports every object exactly as it was imported', () => {
    // --full: every attribute as stored (the default export withholds personal data and auth:).
    const exported = execFileSync(process.execPath, [CLI, 'export', '--db', reg.path, '--format', 'rpsl', '--full', '--at', '2026-01-01T00:00:00Z'], {
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

  it('exports only what anyone may see unless --full: no auth:, no personal data, no notification e-mails', () => {
    const run = (...extra: string[]) => execFileSync(process.execPath, [CLI, 'export', '--db', reg.path, '--at', '2026-01-01T00:00:00Z', ...extra], { encoding: 'utf8' });
    const full = run('--full');
    const open = run();
    // The data holds them (else the rest proves nothing).
    expect(full).toMatch(/^auth:\s+MD5-PW \$1\$/m);
    expect(full).toMatch(/^notify:/m);
    expect(full).toMatch(/^person:\s+(?!\[personal)/m);
    expect(full.split('\n')[1]).toMatch(/^% Full export: .*Do not publish it\.$/);

    expect(open.split('\n')[1]).toMatch(/^% Public export: personal data withheld/);
    expect(open).not.toMatch(/^auth:/m);
    expect(open).not.toMatch(/^(?:notify|upd-to|mnt-nfy|ref-nfy|irt-nfy):/m);
    expect(open).not.toMatch(/^changed:.*@/m);
    expect(open).not.toContain('$1$N2zhyJ3g$');
    // Every object is still there, a person by its class line and handle, without its personal data.
    const objects = (text: string) => text.split(/\n\n+/).filter((o) => /^[a-z0-9-]+:/.test(o));
    expect(objects(open)).toHaveLength(objects(full).length);
    const persons = objects(open).filter((o) => o.startsWith('person:'));
    expect(persons.length).toBeGreaterThan(0);
    for (const person of persons) {
      expect(person).toMatch(/^person:\s+\[personal data withheld\]\n/);
      expect(person).toMatch(/^nic-hdl:/m);
      expect(person).not.toMatch(/^(?:address|phone|fax-no|e-mail):/m);
    }
  });

  it('exports nothing for a time before the first snapshot', () => {
    const exported = execFileSync(process.execPath, [CLI, 'export', '--db', reg.path, '--at', '2020-01-01T00:00:00Z'], { encoding: 'utf8' });
    expect(objectsOf(exported)).toEqual([]);
    expect(exported.startsWith('% lacak')).toBe(true);
  });
});
