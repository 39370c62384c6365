// Signed evidence with the real CLI and server (issue 18): `lacak evidence keygen` makes a
// private key file, a server without one warns and answers 503 until it exists, and
// `lacak evidence verify` checks a JWS and a report offline, with a saved JWK Set.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

describe('lacak evidence', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'registry.sqlite');
  const keyFile = join(tmp.dir, 'keys', 'signing-key');
  const env = { LACAK_DB: db, LACAK_SIGNING_KEY: keyFile };
  const lacak = (args: string[], extra: Record<string, string> = {}) =>
    spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env, ...extra } });
  let server: ServerProcess;
  let token: string;

  beforeAll(async () => {
    await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
    token = lacak(['keys', 'add', '--role', 'lea', '--label', 'Direktorat Siber']).stdout.trim().split('\n')[1]!;
    expect(token).toMatch(/^lacak_/);
    server = await startServer(CLI, env);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  const ask = (path: string) => fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, 'x-case-reference': 'LP/77/XII/2026' } });

  it('without a signing key the server warns at start and the evidence routes answer 503; keygen makes one it then uses', async () => {
    expect(server.logs.some((l) => /evidence signing key unusable/.test(l) && /does not exist/.test(l))).toBe(true);
    const before = await ask('/evidence/ip/203.0.113.7');
    expect(before.status).toBe(503);
    expect(((await before.json()) as { description: string[] }).description.join(' ')).toMatch(/lacak evidence keygen/);

    const made = lacak(['evidence', 'keygen']);
    expect(made.status).toBe(0);
    expect(made.stdout).toMatch(/^signing with key lacak-\d{8}-\S+ /);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const again = lacak(['evidence', 'keygen']);
    expect(again.status).not.toBe(0);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/^lacak: .*exists: "lacak evidence keygen --rotate"/);
    // The running server reads the new file: no restart.
    expect((await ask('/evidence/ip/203.0.113.7')).status).toBe(200);
  });

  it('verify checks a JWS and a report offline against the saved key set, and says whether the data still answers the same', async () => {
    const jws = await (await ask('/evidence/ip/203.0.113.7?at=2025-08-01T20:14:00%2B07:00')).text();
    const report = Buffer.from(await (await ask('/evidence/autnum/64496/report.pdf')).arrayBuffer());
    const jwks = await (await fetch(`${server.baseUrl}/.well-known/jwks.json`)).text();
    writeFileSync(join(tmp.dir, 'evidence.json'), jws);
    writeFileSync(join(tmp.dir, 'report.pdf'), report);
    writeFileSync(join(tmp.dir, 'jwks.json'), jwks);
    const serial = JSON.parse(Buffer.from(JSON.parse(jws).payload, 'base64url').toString()).serial as string;

    // Offline: the published keys only, no signing key file.
    const offline = { LACAK_SIGNING_KEY: join(tmp.dir, 'nothing-here') };
    const checked = lacak(['evidence', 'verify', join(tmp.dir, 'evidence.json'), '--jwks', join(tmp.dir, 'jwks.json')], offline);
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
    expect(checked.stdout).toMatch(/^valid: signed by key lacak-/);
    expect(checked.stdout).toContain(`serial: ${serial}`);
    expect(checked.stdout).toContain('instant: 2025-08-01T13:14:00Z');
    expect(checked.stdout).toContain('asked by: lea, case reference LP/77/XII/2026');
    expect(checked.stdout).toContain('current data: gives the same answer for that instant');

    const pdf = lacak(['evidence', 'verify', join(tmp.dir, 'report.pdf'), '--jwks', join(tmp.dir, 'jwks.json'), '--json'], offline);
    expect(pdf.status).toBe(0);
    expect(JSON.parse(pdf.stdout)).toMatchObject({ verdict: 'valid', states: { question: { kind: 'autnum', query: '64496' } } });

    // Without the registry at hand it still says valid, and that it did not compare.
    const noDb = lacak(['evidence', 'verify', join(tmp.dir, 'evidence.json'), '--jwks', join(tmp.dir, 'jwks.json'), '--db', join(tmp.dir, 'absent.sqlite')], offline);
    expect(noDb.status).toBe(0);
    expect(noDb.stdout).toContain('current data: not compared');
  });

  it('a tampered or truncated file is "invalid" with the reason, status 1, never a stack trace', () => {
    const jws = JSON.parse(readFileSync(join(tmp.dir, 'evidence.json'), 'utf8')) as { payload: string };
    const payload = JSON.parse(Buffer.from(jws.payload, 'base64url').toString());
    payload.facts[0].holder = 'Someone Else';
    writeFileSync(join(tmp.dir, 'tampered.json'), JSON.stringify({ ...jws, payload: Buffer.from(JSON.stringify(payload)).toString('base64url') }));
    const report = readFileSync(join(tmp.dir, 'report.pdf'));
    writeFileSync(join(tmp.dir, 'truncated.pdf'), report.subarray(0, Math.floor(report.length / 2)));
    for (const [file, reason] of [
      ['tampered.json', /^invalid: the signature does not match the content/],
      ['truncated.pdf', /^invalid: /],
    ] as const) {
      const result = lacak(['evidence', 'verify', join(tmp.dir, file)]);
      expect(result.status, file).toBe(1);
      expect(result.stdout).toMatch(reason);
      expect(result.stderr).toBe('');
    }
  });

  it('refuses a signing key file others may read, in one line', () => {
    chmodSync(keyFile, 0o644);
    try {
      const result = lacak(['evidence', 'verify', join(tmp.dir, 'evidence.json')]);
      expect(result.status).not.toBe(0);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^lacak: signing key file .* has mode 0644: others may read it/);
    } finally {
      chmodSync(keyFile, 0o600);
    }
  });
});
