// Issue 15: the page's card for a current answer, packed ahead of time, is the card made as
// asked, for every address of the sample registry that begins or ends a network version (the
// places where a chain's history could differ), in both languages; the pack is what answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIp, type Family } from '../../src/net/ip.js';
import { CurrentPageCards } from '../../src/web/current-cards.js';
import { packPageCards } from '../../src/web/pack.js';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';

let fresh: SampleApp;
let packed: SampleApp;
let cards: CurrentPageCards;
let packedCards = 0;

beforeAll(async () => {
  fresh = await sampleApp({ LACAK_RATE_EXEMPT: '127.0.0.0/8' });
  packed = await sampleApp(
    { LACAK_RATE_EXEMPT: '127.0.0.0/8' },
    {
      // Made here in the thread, as the server's worker makes it.
      currentCards: (config, service) => {
        cards = new CurrentPageCards(service);
        const made = packPageCards(config, service, 64 * 1024 * 1024);
        packedCards = made.cards;
        cards.usePack(service.rangeIndex, made.pack);
        return cards;
      },
    },
  );
});
afterAll(async () => {
  await fresh?.close();
  await packed?.close();
});

/** Around every network version, current or ended: its first and last address, one inside, and those just outside. */
function addresses(app: SampleApp): string[] {
  const rows = app.db.prepare<[], { family: Family; first: Buffer; last: Buffer }>(`SELECT family, first, last FROM objects WHERE class IN ('inetnum', 'inet6num') ORDER BY id`).all();
  const value = (b: Buffer) => BigInt(`0x${b.toString('hex')}`);
  return [...new Set(rows.flatMap((r) => [value(r.first) - 1n, value(r.first), (value(r.first) + value(r.last)) / 2n, value(r.last), value(r.last) + 1n].filter((v) => v >= 0n && v < 1n << (r.family === 4 ? 32n : 128n)).map((v) => formatIp(r.family, v))))];
}

/** The page with the instant it was answered at (text and citation link) made equal. */
function comparable(body: string): string {
  return body.replace(/(stands at|keadaan registri pada) [0-9T:.-]+Z/g, '$1 T').replace(/at=[0-9T%A-F-]+&amp;tz=UTC/g, 'at=T&amp;tz=UTC');
}

async function page(app: SampleApp, q: string, lang: string) {
  const response = await app.app.inject({ method: 'GET', url: `/?q=${encodeURIComponent(q)}&lang=${lang}` });
  return { status: response.statusCode, body: comparable(response.body) };
}

describe('page cards packed ahead of time', () => {
  it('packs the chains whose answer is the same for all their addresses', () => {
    expect(packedCards).toBeGreaterThan(10);
    expect(packedCards).toBeLessThanOrEqual(packed.service.rangeIndex.chainNodes);
  });

  it('gives every current answer as the page made as asked does, in both languages', async () => {
    const asked = addresses(fresh);
    expect(asked.length).toBeGreaterThan(80);
    let withHistory = 0;
    for (const q of asked) {
      for (const lang of ['id', 'en']) {
        const want = await page(fresh, q, lang);
        const got = await page(packed, q, lang);
        expect({ q, lang, ...got }).toEqual({ q, lang, ...want });
        if (want.body.includes('class="timeline"')) withHistory++;
      }
    }
    expect(withHistory).toBeGreaterThan(40);
    // Most of those answers came from the pack, not from the lookups.
    expect(cards.stats.packed!.hits).toBeGreaterThan(asked.length / 2);
  });

  it('answers a question with a time, or with a port, as asked', async () => {
    const hits = cards.stats.packed!.hits;
    const q = addresses(fresh)[0]!;
    for (const asked of [`/?q=${q}&at=2026-06-01T00:00&tz=UTC`, `/?q=${encodeURIComponent(`${q}:443`)}`]) {
      const want = await fresh.app.inject({ method: 'GET', url: asked });
      const got = await packed.app.inject({ method: 'GET', url: asked });
      expect(got.statusCode).toBe(want.statusCode);
      expect(comparable(got.body)).toBe(comparable(want.body));
    }
    expect(cards.stats.packed!.hits).toBe(hits);
  });
});
