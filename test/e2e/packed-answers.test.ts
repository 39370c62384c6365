// `lacak serve` packs its current answers in a child process (issue 15): RDAP answers, the
// page's cards and WHOIS answers arrive through a file, are served from memory, and the file
// is kept beside the database; the next start reads it instead of packing again (issue 16),
// unless it is cut short, changed, or made for another import.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

type Packed = { answers: number; bytes: number; hits: number } | null;
type Kept = { rdap: { packed: Packed }; whois: { packed: Packed }; page: { packed: Packed } };

describe('answers packed by a child process', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'registry.sqlite');
  const scratch = join(tmp.dir, 'tmp');
  let server: ServerProcess;

  const kept = async () => ((await (await fetch(`${server.baseUrl}/healthz`)).json()) as { answersKept: Kept }).answersKept;
  const packsFile = `${db}.packs`;
  const indexFile = `${db}.index`;

  /** Starts the server and waits until its packs are in; the log lines about the packs file. */
  async function start(env: Record<string, string> = {}): Promise<string[]> {
    server = await startServer(CLI, { LACAK_DB: db, TMPDIR: scratch, LACAK_RATE_EXEMPT: '127.0.0.0/8', ...env });
    for (let i = 0; i < 600 && (await kept()).page.packed === null; i++) await new Promise((res) => setTimeout(res, 100));
    // The log line may trail the swap by a moment on its way through the pipe.
    for (let i = 0; i < 100 && !server.logs.some((l) => l.includes('current answers packed')); i++) await new Promise((res) => setTimeout(res, 50));
    return server.logs.filter((l) => l.includes('packs file') || l.includes('index file') || l.includes('current answers packed'));
  }

  beforeAll(async () => {
    await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
    mkdirSync(scratch);
    await start();
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('takes up every pack and leaves no file behind', async () => {
    const packs = await kept();
    for (const front of ['rdap', 'whois', 'page'] as const) expect(packs[front].packed?.answers, front).toBeGreaterThan(0);
    expect(readdirSync(scratch)).toEqual([]);
    // Kept beside the database for the next start, and nothing half-written left there.
    expect(existsSync(packsFile)).toBe(true);
    expect(existsSync(indexFile)).toBe(true);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(server.logs.some((l) => l.includes('"msg":"current answers packed"'))).toBe(true);
  });

  /** The page for `q`: answered, naming `holder`, with its holders over time. */
  async function page(q: string, holder: string): Promise<string> {
    const response = await fetch(`${server.baseUrl}/?q=${q}&lang=en`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(holder);
    expect(html).toContain('class="timeline"');
    return html;
  }

  it('serves the page and RDAP from the packs', async () => {
    const before = await kept();
    // PT Graha Data Sentosa's network: one holder since the sample's first snapshot.
    expect(await page('198.51.100.20', 'PT Graha Data Sentosa')).toContain('Answer as the registry stands at');
    const rdap = await fetch(`${server.baseUrl}/ip/198.51.100.20`);
    expect(rdap.status).toBe(200);
    const after = await kept();
    expect(after.page.packed!.hits).toBe(before.page.packed!.hits + 1);
    expect(after.rdap.packed!.hits).toBe(before.rdap.packed!.hits + 1);
  });

  it('makes the card as asked where the holders over time differ inside a chain', async () => {
    const before = await kept();
    // PT Lintas Khatulistiwa Media's chain: a network version since ended covered part of it only.
    await page('198.51.100.208', 'PT Lintas Khatulistiwa Media');
    expect((await kept()).page.packed!.hits).toBe(before.page.packed!.hits);
  });

  /** Restarts the server; the one log line that says where its packs came from. */
  async function restart(env: Record<string, string> = {}): Promise<string> {
    await server.stop();
    const lines = await start(env);
    expect((await kept()).page.packed?.answers).toBeGreaterThan(0);
    return lines.map((l) => JSON.parse(l) as { msg: string; reason?: string }).map((l) => (l.reason ? `${l.msg}: ${l.reason}` : l.msg)).join(' | ');
  }

  it('starts from the kept index and reads its packs from the file instead of packing again', async () => {
    expect(await restart()).toBe('index read from the index file | current answers read from the packs file | current answers packed');
  }, 60_000);

  it('reads them whatever the settings that change no answer, and not after one that does', async () => {
    // Limits and timeouts are no part of an answer; the WHOIS server named in every answer is.
    expect(await restart({ LACAK_RATE_ANONYMOUS: '1234', LACAK_WHOIS_IDLE_MS: '30000' })).toBe('index read from the index file | current answers read from the packs file | current answers packed');
    const otherSettings = 'index file not used: reading the networks: made with other settings | packs file not used: packing again: made with other settings | current answers packed';
    expect(await restart({ LACAK_PORT43: 'whois.elsewhere.example' })).toBe(otherSettings);
    // Back to the settings before: those files were replaced by the other settings' ones.
    expect(await restart()).toBe(otherSettings);
  }, 60_000);

  it('packs again when a file was changed or cut short, and keeps the new ones', async () => {
    const bytes = readFileSync(packsFile);
    bytes[Math.floor(bytes.length / 3)] ^= 0x20;
    writeFileSync(packsFile, bytes);
    expect(await restart()).toBe('index read from the index file | packs file not used: packing again: changed since it was written (SHA-256 differs) | current answers packed');
    truncateSync(packsFile, statSync(packsFile).size - 100);
    expect(await restart()).toMatch(/^index read from the index file \| packs file not used: packing again: cut short[^|]* \| current answers packed$/);
    const index = readFileSync(indexFile);
    index[Math.floor(index.length / 2)] ^= 0x01;
    writeFileSync(indexFile, index);
    expect(await restart()).toMatch(/^index file not used: reading the networks: changed since it was written \(SHA-256 differs\) \| packs file not used: packing again: changed[^|]* \| current answers packed$/);
    expect(await restart()).toBe('index read from the index file | current answers read from the packs file | current answers packed');
  }, 120_000);

  it('starts from the index the import kept, and packs again: the packs were made for another import', async () => {
    await server.stop();
    const more = join(tmp.dir, 'late.db');
    writeFileSync(more, 'inetnum: 203.0.113.200 - 203.0.113.201\nnetname: LATE-NET\ncountry: ID\nadmin-c: IH1-IDNIC\ntech-c: IH1-IDNIC\nstatus: ASSIGNED PORTABLE\nmnt-by: MAINT-IDNIC\nsource: LATE\n');
    const r = spawnSync(process.execPath, [CLI, 'import', '--db', db, '--at', '2026-06-01T00:00:00Z', more], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = await start();
    // `lacak import` kept the index of import 5: the server starts from it; the packs of import 4 do not serve import 5.
    expect(lines.map((l) => JSON.parse(l) as { msg: string; reason?: string }).map((l) => (l.reason ? `${l.msg}: ${l.reason}` : l.msg))).toEqual([
      'index read from the index file',
      'packs file not used: packing again: made for import 4, not 5',
      'current answers packed',
    ]);
    expect((await (await fetch(`${server.baseUrl}/readyz`)).json()) as { importId: number }).toMatchObject({ importId: 5 });
  }, 60_000);

  it('does not take the files of a database made anew for its own, though the import numbers match', async () => {
    await server.stop();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
    await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
    const r = spawnSync(process.execPath, [CLI, 'import', '--db', db, '--at', '2026-06-01T00:00:00Z', join(tmp.dir, 'late.db')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const reasons = (await start()).map((l) => (JSON.parse(l) as { reason?: string }).reason ?? '');
    // The index is the one `lacak import` kept for this database; the packs are the old database's.
    expect(reasons.filter((reason) => reason === "made for another database's import 5")).toHaveLength(1);
    expect(server.logs.some((l) => l.includes('"msg":"index read from the index file"'))).toBe(true);
  }, 60_000);
});
