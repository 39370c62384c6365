// Issue 15: a current address answer served pre-encoded is the answer rendered afresh, for
// every network of the sample registry, in every view of DESIGN §5 and both languages, and
// it tells the audit log the same disclosures, from the first ask (made) and the second (kept);
// and the pack made ahead of time gives every chain's anonymous answer as rendered afresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIp, type Family } from '../../../src/net/ip.js';
import { PackedAnswers } from '../../../src/encoded/packed.js';
import { CurrentIpAnswers } from '../../../src/rdap/current-ip.js';
import { packCurrentAnswers } from '../../../src/rdap/pack.js';
import { EntityCache } from '../../../src/rdap/render.js';
import { sampleApp, type SampleApp } from '../../helpers/sample-app.js';

const VIEWS = ['anonymous', 'member', 'other-member', 'lea-case', 'lea-no-case', 'admin'] as const;
type View = (typeof VIEWS)[number];
const CASE_REFERENCE = 'LP/77/XII/2026/Bareskrim';

let fresh: SampleApp;
let encoded: SampleApp;
let packed: SampleApp;
const headersOf = new Map<SampleApp, Record<View, Record<string, string>>>();

async function withKeys(app: SampleApp): Promise<void> {
  const now = Date.now();
  const token = (role: 'member' | 'lea' | 'admin', org: string | null) => app.keys.add({ role, label: `current answers ${role}`, org, expiresAt: now + 3_600_000, now }).token;
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const lea = token('lea', null);
  headersOf.set(app, {
    anonymous: {},
    member: bearer(token('member', 'ORG-CJN1-IDNIC')),
    'other-member': bearer(token('member', 'ORG-AKM1-IDNIC')),
    'lea-case': { ...bearer(lea), 'x-case-reference': CASE_REFERENCE },
    'lea-no-case': bearer(lea),
    admin: bearer(token('admin', null)),
  });
}

beforeAll(async () => {
  // Thousands of questions from one address: the rate limit is not what is tested here.
  fresh = await sampleApp({ LACAK_ANSWER_CACHE_MB: '0', LACAK_RATE_EXEMPT: '127.0.0.0/8' });
  encoded = await sampleApp({ LACAK_RATE_EXEMPT: '127.0.0.0/8' });
  // The pack made here in the thread, as the server's worker makes it; nothing else kept.
  packed = await sampleApp(
    { LACAK_RATE_EXEMPT: '127.0.0.0/8' },
    {
      currentIp: (config, service) => {
        const answers = new CurrentIpAnswers(config, service, new EntityCache(), 0);
        answers.usePack({ index: service.rangeIndex, answers: new PackedAnswers(packCurrentAnswers(config, service, 64 * 1024 * 1024).data) });
        return answers;
      },
    },
  );
  await withKeys(fresh);
  await withKeys(encoded);
  await withKeys(packed);
});
afterAll(async () => {
  await fresh?.close();
  await encoded?.close();
  await packed?.close();
});

/** The first and last address of every current network of the sample. */
function addresses(app: SampleApp): string[] {
  const rows = app.db
    .prepare<[], { family: Family; first: Buffer; last: Buffer }>(`SELECT family, first, last FROM objects WHERE valid_to IS NULL AND class IN ('inetnum', 'inet6num') ORDER BY id`)
    .all();
  const value = (b: Buffer) => BigInt(`0x${b.toString('hex')}`);
  return [...new Set(rows.flatMap((r) => [formatIp(r.family, value(r.first)), formatIp(r.family, value(r.last))]))];
}

/** The body with the two instants that differ from request to request (answered at, served at) made equal. */
function comparable(body: string): string {
  return body.replace(/stands at [0-9T:.\-]+Z/g, 'stands at T').replace(/pada [0-9T:.\-]+Z \(UTC\)/g, 'pada T (UTC)').replace(/(Served at|Dilayani pada) [0-9T:.\-]+Z/g, '$1 T');
}

async function ask(app: SampleApp, view: View, lang: string, address: string) {
  const before = app.audit.list().length;
  const response = await app.app.inject({ method: 'GET', url: `/ip/${address}`, headers: { ...headersOf.get(app)![view], 'accept-language': lang } });
  const rows = app.audit.list().slice(before);
  return { status: response.statusCode, type: response.headers['content-type'], body: comparable(response.body), disclosed: rows.map((r) => r.disclosed) };
}

describe('current /ip answers, pre-encoded', () => {
  it('covers the sample: networks of both families answering 200', () => {
    const list = addresses(encoded);
    expect(list.some((a) => a.includes(':'))).toBe(true);
    expect(list.length).toBeGreaterThan(20);
  });

  for (const view of VIEWS) {
    for (const lang of ['en', 'id']) {
      it(`${view}, ${lang}: every network's first and last address answer as rendered afresh`, async () => {
        let served = 0;
        for (const address of addresses(encoded)) {
          const expected = await ask(fresh, view, lang, address);
          const made = await ask(encoded, view, lang, address);
          const kept = await ask(encoded, view, lang, address);
          expect(made, address).toEqual(expected);
          expect(kept, address).toEqual(expected);
          if (expected.status === 200) served++;
        }
        expect(served).toBeGreaterThan(20);
      });
    }
  }

  it('keeps answers: the second ask of a chain is served from memory, within the budget /healthz shows', async () => {
    const kept = async () => (await encoded.app.inject({ method: 'GET', url: '/healthz' })).json().answersKept.rdap as { hits: number; misses: number; entries: number; bytes: number };
    const held: string[] = [];
    for (const x of addresses(encoded)) if ((await ask(fresh, 'anonymous', 'en', x)).status === 200) held.push(x);
    const [a, b] = held;
    const before = await kept();
    for (const address of [a!, a!, b!]) expect((await ask(encoded, 'anonymous', 'en', address)).status).toBe(200);
    const after = await kept();
    expect(after.hits - before.hits).toBeGreaterThanOrEqual(1);
    expect(after.entries).toBeGreaterThan(0);
    expect(after.bytes).toBeGreaterThan(1000);
    expect((await fresh.app.inject({ method: 'GET', url: '/healthz' })).json().answersKept).toBeUndefined();
  });

  it('packs every chain of this registry ahead of time, each answering as rendered afresh', async () => {
    const kept = async () => (await packed.app.inject({ method: 'GET', url: '/healthz' })).json().answersKept.rdap.packed as { answers: number; hits: number; bytes: number };
    const before = await kept();
    // One address of every chain of the index, and every network's first and last address.
    const chains = [...packed.service.rangeIndex.nodeAddresses()].map(({ address }) => formatIp(address.family, address.value));
    const all = [...new Set([...chains, ...addresses(packed)])];
    expect(all.some((a) => a.includes(':'))).toBe(true);
    let served = 0;
    for (const lang of ['en', 'id']) {
      for (const address of all) {
        const expected = await ask(fresh, 'anonymous', lang, address);
        expect(await ask(packed, 'anonymous', lang, address), `${address} ${lang}`).toEqual(expected);
        if (expected.status === 200) served++;
      }
    }
    const after = await kept();
    expect(served).toBeGreaterThan(40);
    // Most chains' answers came from the pack: those of this registry's networks, in English.
    expect(before.answers).toBeGreaterThan(15);
    expect(after.hits - before.hits).toBeGreaterThan(15);
    expect(after.bytes).toBeGreaterThan(10_000);
  });

  it('answers a member from the pack only in the anonymous view: its own view is rendered for it', async () => {
    const before = (await packed.app.inject({ method: 'GET', url: '/healthz' })).json().answersKept.rdap.packed.hits as number;
    for (const view of ['member', 'lea-case'] as const) {
      for (const address of addresses(packed)) expect(await ask(packed, view, 'en', address), `${view} ${address}`).toEqual(await ask(fresh, view, 'en', address));
    }
    expect((await packed.app.inject({ method: 'GET', url: '/healthz' })).json().answersKept.rdap.packed.hits).toBe(before);
  });
});
