// `lacak keys` and `lacak audit` as an operator runs them: a token shown once and never
// listed, refusals in one line, and a tampered audit log found by --verify.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/access/audit.js';
import { loadAuditKey } from '../../src/access/audit-key.js';
import { KeyStore } from '../../src/access/keys.js';
import { openStateDb } from '../../src/store/state-db.js';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const db = join(tmp.dir, 'registry.sqlite');
const stateDb = join(tmp.dir, 'registry.state.sqlite');

function lacak(args: string[], registry = db) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--db', registry], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lacak keys and audit', () => {
  // A member key must name a member of the registry (issue #13): the sample's, with CONTOHNET.
  beforeAll(() => buildSampleRegistry(SAMPLE_DIR, db, quietLog));

  it('prints a new token once; the list and the state database never show it', () => {
    const added = lacak(['keys', 'add', '--role', 'member', '--label', 'CONTOHNET NOC', '--org', 'ORG-CJN1-IDNIC']);
    expect(added.status).toBe(0);
    const [line, token] = added.stdout.trim().split('\n');
    expect(line).toMatch(/^key 1\tmember ORG-CJN1-IDNIC\t"CONTOHNET NOC"\tcreated .*\tactive$/);
    expect(token).toMatch(/^lacak_1_[A-Za-z0-9_-]{43}$/);
    // The key works: the state database recognises the printed token.
    const state = openStateDb(stateDb);
    expect(new KeyStore(state).check(token!, Date.now())).toMatchObject({ ok: true, key: { id: 1, role: 'member' } });
    state.close();
    const listed = lacak(['keys', 'list']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('key 1\tmember ORG-CJN1-IDNIC');
    expect(listed.stdout).not.toContain(token!.replace(/^lacak_\d+_/, ''));
  });

  it('expires and revokes keys, and refuses bad arguments in one line', () => {
    expect(lacak(['keys', 'add', '--role', 'lea', '--label', 'Direktorat Siber', '--expires', '2099-01-01T00:00:00+07:00']).status).toBe(0);
    expect(lacak(['keys', 'revoke', '2']).stdout).toBe('key 2 revoked\n');
    expect(lacak(['keys', 'list']).stdout).toMatch(/key 2\tlea\t"Direktorat Siber"\tcreated \S+ expires 2098-12-31T17:00:00Z\trevoked /);
    for (const [args, message] of [
      [['keys', 'add', '--role', 'member', '--label', 'x'], /needs --org/],
      [['keys', 'add', '--role', 'admin', '--label', 'x', '--org', 'ORG-X'], /member keys only/],
      [['keys', 'add', '--role', 'root', '--label', 'x'], /root/],
      [['keys', 'add', '--role', 'lea', '--label', 'x', '--expires', '2001-01-01T00:00:00Z'], /in the past/],
      [['keys', 'revoke', '2'], /no active key 2/],
      [['keys', 'revoke', 'abc'], /positive whole number/],
    ] as const) {
      const r = lacak([...args]);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('lists the audit log and finds a tampered row', () => {
    // The key `lacak serve` would have made on first start, where the CLI looks for it.
    const key = loadAuditKey(join(tmp.dir, 'registry.state.audit-key'), { create: true });
    const state = openStateDb(stateDb);
    const log = new AuditLog(state, key);
    for (let i = 1; i <= 4; i++) {
      log.append({ at: Date.parse('2026-06-01T00:00:00Z') + i, keyId: 1, role: 'member', caseReference: null, client: '198.51.100.7', query: `GET /entity/AWP${i}-IDNIC`, disclosed: [`AWP${i}-IDNIC`] });
    }
    state.close();
    const listed = lacak(['audit', '--key', '1']);
    expect(listed.status).toBe(0);
    expect(listed.stdout.trim().split('\n')).toHaveLength(4);
    expect(listed.stdout).toContain('GET /entity/AWP2-IDNIC disclosed AWP2-IDNIC');
    const intact = lacak(['audit', '--verify']);
    expect(intact.status).toBe(0);
    expect(intact.stdout).toMatch(/^audit log intact: 4 row\(s\); head 4:[0-9a-f]{64}\n$/);

    const raw = new Database(stateDb);
    raw.prepare("UPDATE audit SET disclosed = '[]' WHERE id = 2").run();
    raw.close();
    const broken = lacak(['audit', '--verify']);
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toMatch(/^lacak: audit log broken at row 2: /);
  });

  it('prints the head; --verify --head finds the newest rows removed, and a chain recomputed without the key', () => {
    const dir = join(tmp.dir, 'head');
    const registry = join(dir, 'registry.sqlite');
    const key = loadAuditKey(join(dir, 'registry.state.audit-key'), { create: true });
    const state = openStateDb(join(dir, 'registry.state.sqlite'));
    const log = new AuditLog(state, key);
    for (let i = 1; i <= 6; i++) {
      log.append({ at: Date.parse('2026-06-01T00:00:00Z') + i, keyId: 2, role: 'lea', caseReference: 'LP/1', client: '198.51.100.7', query: `GET /entity/AWP${i}-IDNIC`, disclosed: [`AWP${i}-IDNIC`] });
    }
    state.close();
    const head = lacak(['audit', 'head'], registry);
    expect(head.status).toBe(0);
    expect(head.stdout).toMatch(/^6:[0-9a-f]{64}\n$/);
    const saved = head.stdout.trim();
    expect(lacak(['audit', '--verify', '--head', saved], registry)).toMatchObject({ status: 0, stdout: `audit log intact: 6 row(s); head ${saved}; saved head ${saved} found\n` });

    const raw = new Database(join(dir, 'registry.state.sqlite'));
    raw.prepare('DELETE FROM audit WHERE id > 4').run();
    raw.close();
    // What is left still chains; the saved head is what shows the cut.
    expect(lacak(['audit', '--verify'], registry).status).toBe(0);
    const cut = lacak(['audit', '--verify', '--head', saved], registry);
    expect(cut.status).not.toBe(0);
    expect(cut.stderr).toBe('lacak: audit log broken at row 6: row 6 of the saved head is missing: the newest rows were removed\n');

    // Issue 13's rewrite: a disclosure row deleted, the rest renumbered and chained again by
    // the old (unkeyed) rule, every row marked as from before the key.
    const rewrite = new Database(join(dir, 'registry.state.sqlite'));
    rewrite.prepare('DELETE FROM audit WHERE id = 2').run();
    rewrite.prepare('UPDATE audit SET id = id - 1 WHERE id > 2').run();
    let prev = Buffer.alloc(32);
    for (const r of rewrite.prepare<[], Record<string, any>>('SELECT * FROM audit ORDER BY id').all()) {
      const fields = JSON.stringify([r.id, r.at, r.key_id, r.role, r.case_reference, r.client, r.query, JSON.parse(r.disclosed)]);
      const hash = createHash('sha256').update(prev).update(fields, 'utf8').digest();
      rewrite.prepare('UPDATE audit SET prev_hash = ?, hash = ?, chain = 0 WHERE id = ?').run(prev, hash, r.id);
      prev = hash;
    }
    rewrite.close();
    const rewritten = lacak(['audit', '--verify'], registry);
    expect(rewritten.status).not.toBe(0);
    expect(rewritten.stderr).toMatch(/^lacak: audit log broken at row 3: the log ends with unkeyed rows that no keyed row vouches for/);
    for (const [args, message] of [
      [['audit', '--head', saved], /--head goes with --verify/],
      [['audit', '--verify', '--head', '6:xyz'], /ID:MAC as "lacak audit head" prints it/],
    ] as const) {
      const r = lacak([...args], registry);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it('cannot verify without the key file, and never makes one to do so', () => {
    const dir = join(tmp.dir, 'no-key');
    const registry = join(dir, 'registry.sqlite');
    openStateDb(join(dir, 'registry.state.sqlite')).close();
    const r = lacak(['audit', '--verify'], registry);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toBe(`lacak: audit key file ${join(dir, 'registry.state.audit-key')} does not exist: "lacak serve" creates it on first start (LACAK_AUDIT_KEY)\n`);
    expect(existsSync(join(dir, 'registry.state.audit-key'))).toBe(false);
  });
});
