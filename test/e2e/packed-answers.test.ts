// `lacak serve` packs its current answers in a child process (issue 15): RDAP answers, the
// page's cards and WHOIS answers arrive through a temporary file, are served from memory,
// and the file is gone once they are in.
import { mkdirSync, readdirSync } from 'node:fs';
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

  beforeAll(async () => {
    await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
    mkdirSync(scratch);
    server = await startServer(CLI, { LACAK_DB: db, TMPDIR: scratch, LACAK_RATE_EXEMPT: '127.0.0.0/8' });
    for (let i = 0; i < 600 && (await kept()).page.packed === null; i++) await new Promise((res) => setTimeout(res, 100));
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('takes up every pack and leaves no file behind', async () => {
    const packs = await kept();
    for (const front of ['rdap', 'whois', 'page'] as const) expect(packs[front].packed?.answers, front).toBeGreaterThan(0);
    expect(readdirSync(scratch)).toEqual([]);
    expect(server.logs.some((l) => l.includes('"msg":"current answers packed"'))).toBe(true);
  });

  it('serves the page and RDAP from the packs', async () => {
    const before = await kept();
    // PT Graha Data Sentosa's network: one holder since the sample's first snapshot.
    const page = await fetch(`${server.baseUrl}/?q=198.51.100.20&lang=en`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('PT Graha Data Sentosa');
    expect(html).toContain('class="timeline"');
    expect(html).toContain('Answer as the registry stands at');
    const rdap = await fetch(`${server.baseUrl}/ip/198.51.100.20`);
    expect(rdap.status).toBe(200);
    const after = await kept();
    expect(after.page.packed!.hits).toBe(before.page.packed!.hits + 1);
    expect(after.rdap.packed!.hits).toBe(before.rdap.packed!.hits + 1);
  });

  it('makes the card as asked where the holders over time differ inside a chain', async () => {
    const before = await kept();
    // PT Lintas Khatulistiwa Media's chain: a network version since ended covered part of it only.
    const page = await fetch(`${server.baseUrl}/?q=198.51.100.208&lang=en`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('PT Lintas Khatulistiwa Media');
    expect(html).toContain('class="timeline"');
    expect((await kept()).page.packed!.hits).toBe(before.page.packed!.hits);
  });
});
