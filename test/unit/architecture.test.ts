// The dependency rules of STYLE §6, checked on the import statements of src/.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/registry.js';

const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

interface Edge {
  readonly from: string;
  readonly to: string;
}

const edges: Edge[] = sourceFiles(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  const from = relative(SRC, file);
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => {
    const spec = m[1]!;
    const to = spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') : spec;
    return { from, to };
  });
});

const inside = (path: string, folder: string) => path.startsWith(`${folder}/`);

describe('architecture', () => {
  it('reads the import graph', () => {
    expect(edges.length).toBeGreaterThan(50);
  });

  it('only the composition roots reach into the front ends (rdap/, whois/)', () => {
    // http/app.ts and main.ts assemble the server; offload/answerer.ts the same answer code for
    // a worker thread; offload/pack-answers.ts and pack-child.ts both front ends' packs (issue 15).
    const roots = ['http/app.ts', 'main.ts', 'offload/answerer.ts', 'offload/pack-answers.ts', 'offload/pack-child.ts'];
    const bad = edges.filter((e) => (inside(e.to, 'rdap') || inside(e.to, 'whois')) && !inside(e.from, 'rdap') && !inside(e.from, 'whois') && !roots.includes(e.from));
    expect(bad).toEqual([]);
  });

  it('front ends never import each other: what both need lives below them', () => {
    const bad = edges.filter((e) => (inside(e.from, 'rdap') && inside(e.to, 'whois')) || (inside(e.from, 'whois') && inside(e.to, 'rdap')));
    expect(bad).toEqual([]);
  });

  it('parsers and the model never touch the store or SQLite', () => {
    const bad = edges.filter(
      (e) => ['rpsl', 'delegated', 'members', 'model', 'net'].some((f) => inside(e.from, f)) && (inside(e.to, 'store') || e.to === 'better-sqlite3'),
    );
    expect(bad).toEqual([]);
  });

  it('the query service never imports fastify', () => {
    expect(edges.filter((e) => inside(e.from, 'query') && e.to.startsWith('fastify'))).toEqual([]);
  });

  it('only config.ts reads process.env', () => {
    const readers = sourceFiles(SRC)
      .filter((f) => /process\.env\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(readers).toEqual(['config.ts']);
  });
});
