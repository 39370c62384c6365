// Issue 15: a WHOIS answer to a plain address served from the pack is the answer the handler
// renders afresh, for every stretch of the sample registry with its own networks and routes,
// with and without -k; other queries and other callers are rendered as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIp, type Family } from '../../../src/net/ip.js';
import { ANONYMOUS } from '../../../src/policy/access.js';
import { packInstant } from '../../../src/offload/pack-answers.js';
import { CurrentWhoisAnswers, packWhoisAnswers } from '../../../src/whois/current-answers.js';
import { whoisHandlerFor, type WhoisHandler, type WhoisReply } from '../../../src/whois/handler.js';
import { sampleService, type SampleService } from '../../helpers/sample-app.js';

let serving: SampleService;
let packing: SampleService;
let fresh: WhoisHandler;
let packed: WhoisHandler;
let current: CurrentWhoisAnswers;
let answers = 0;

beforeAll(async () => {
  serving = await sampleService();
  // The worker's view: its own service, telling time by one instant.
  const instant = packInstant(Date.now());
  packing = await sampleService({ now: () => instant });
  const pack = packWhoisAnswers(packing.service, whoisHandlerFor(packing.config, packing.service, { now: () => instant }), packing.config.registry, instant, 64 * 1024 * 1024);
  answers = pack.answers;
  // As the pre-encoder does: the worker's index is served together with its pack.
  expect(serving.service.adoptIndex(packing.service.builtIndex)).toBe(true);
  current = new CurrentWhoisAnswers(serving.service);
  current.usePack({ index: packing.service.rangeIndex, data: pack.data });
  fresh = whoisHandlerFor(serving.config, serving.service);
  packed = whoisHandlerFor(serving.config, serving.service, { current });
});
afterAll(() => {
  serving?.close();
  packing?.close();
});

/** The text a client reads, the two instants of a current answer made equal. */
function text(reply: WhoisReply): string {
  const raw = reply.encoded ? reply.encoded.toString('utf8') : `${reply.lines.join('\n')}\n`;
  return raw.replace(/stands at [0-9T:.\-]+Z\./g, 'stands at T.').replace(/Served at [0-9T:.\-]+Z\./g, 'Served at T.');
}

/** The first and last address of every current network and route of the sample, and each pair's first address. */
function addresses(s: SampleService): string[] {
  const rows = s.db
    .prepare<[], { family: Family; first: Buffer; last: Buffer }>(`SELECT family, first, last FROM objects WHERE valid_to IS NULL AND class IN ('inetnum', 'inet6num', 'route', 'route6')`)
    .all();
  const value = (b: Buffer) => BigInt(`0x${b.toString('hex')}`);
  const spans = [...s.service.rangeIndex.spans(), ...s.service.builtIndex.routes.spans()].map((x) => formatIp(x.family, x.start));
  return [...new Set([...rows.flatMap((r) => [formatIp(r.family, value(r.first)), formatIp(r.family, value(r.last))]), ...spans])];
}

describe('WHOIS answers packed ahead of time', () => {
  it('packs a pair for each stretch with its own networks and routes: more than networks alone', () => {
    expect(answers).toBeGreaterThan(15);
    expect(serving.service.builtIndex.routes.networks).toBeGreaterThan(0);
  });

  it('answers every address as the handler renders it afresh, with and without -k, from the pack', () => {
    const before = current.stats.packed!.hits;
    let encoded = 0;
    for (const address of addresses(serving)) {
      for (const line of [address, `-k ${address}`]) {
        const expected = fresh.answer(line);
        const got = packed.answer(line);
        expect(text(got), line).toBe(text(expected));
        expect(got.keepAlive, line).toBe(expected.keepAlive);
        if (got.encoded) encoded++;
      }
    }
    expect(encoded).toBeGreaterThan(30);
    expect(current.stats.packed!.hits - before).toBe(encoded);
  });

  it('renders other questions and other callers as before: flags, ports, ranges, keys', () => {
    const before = current.stats.packed!.hits;
    for (const line of ['-r 198.51.100.41', '-B 198.51.100.41', '198.51.100.41:443', '198.51.100.0/24', 'AS64497', '-x 198.51.100.40 - 198.51.100.43']) {
      expect(text(packed.answer(line)), line).toBe(text(fresh.answer(line)));
    }
    const lea = { ...ANONYMOUS, role: 'lea' as const, caseReference: 'LP/1/XII/2026' };
    expect(text(packed.answer('198.51.100.41', lea))).toBe(text(fresh.answer('198.51.100.41', lea)));
    expect(current.stats.packed!.hits).toBe(before);
  });
});
