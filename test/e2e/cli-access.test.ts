// `lacak keys` and `lacak audit` as an operator runs them: a token shown once and never
// listed, refusals in one line, and a tampered audit log found by --verify.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/access/audit.js';
import { KeyStore } from '../../src/access/keys.js';
import { openStateDb } from '../../src/store/state-db.js';
import { CLI, tempDir } from '../helpers/registry.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const db = join(tmp.dir, 'registry.sqlite');
const stateDb = join(tmp.dir, 'registry.state.sqlite');

function lacak(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--db', db], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lacak keys and audit', () => {
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
    const state = openStateDb(stateDb);
    const log = new AuditLog(state);
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
    expect(intact.stdout).toMatch(/^audit log intact: 4 row\(s\); head [0-9a-f]{64}\n$/);

    const raw = new Database(stateDb);
    raw.prepare("UPDATE audit SET disclosed = '[]' WHERE id = 2").run();
    raw.close();
    const broken = lacak(['audit', '--verify']);
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toMatch(/^lacak: audit log broken at row 2: /);
  });
});
