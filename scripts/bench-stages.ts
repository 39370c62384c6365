// Bench child (issue 15): where the time of one current answer goes, stage by stage, in µs,
// measured in one process on the registry given: reading the address, the index, joining the
// packed pieces, rendering afresh (what a miss costs), the request path around the answer
// (caller, rate limit, audit decision, access log: the app's hooks), for RDAP and WHOIS.
//
//   node dist/scripts/bench-stages.js --db FILE   → one JSON line on stdout
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { openRegistryDb } from '../src/store/db.js';
import { openStateDb } from '../src/store/state-db.js';
import { LookupService } from '../src/query/service.js';
import { loadBootstrap } from '../src/referral/bootstrap.js';
import { buildApp } from '../src/http/app.js';
import { KeyStore } from '../src/access/keys.js';
import { AuditLog } from '../src/access/audit.js';
import { PackedAnswers } from '../src/encoded/packed.js';
import { CurrentIpAnswers, AnswerMarks } from '../src/rdap/current-ip.js';
import { packCurrentAnswers } from '../src/rdap/pack.js';
import { packInstant } from '../src/offload/pack-answers.js';
import { EntityCache } from '../src/rdap/render.js';
import { ANONYMOUS } from '../src/policy/access.js';
import { formatIp } from '../src/net/ip.js';
import { CurrentWhoisAnswers, packWhoisAnswers } from '../src/whois/current-answers.js';
import { whoisHandlerFor } from '../src/whois/handler.js';

export interface StagesResult {
  readonly addresses: number;
  readonly rdap: Readonly<Record<string, number>>;
  readonly whois: Readonly<Record<string, number>>;
  /** µs per malformed question against per good one (issue 15, "Bad input"). */
  readonly malformed: { readonly rdap: number; readonly rdapGood: number; readonly whois: number; readonly whoisGood: number };
  /** Packed answers compared with answers rendered afresh on this registry: how many, how many equal. */
  readonly compared: { readonly rdap: number; readonly rdapSame: number; readonly whois: number; readonly whoisSame: number };
}

const { values } = parseArgs({ options: { db: { type: 'string' }, count: { type: 'string' } } });
if (!values.db) throw new Error('usage: bench-stages --db FILE [--count N]');
const count = Number(values.count ?? 2000);

/** µs per call of `work` over `items`, the best of three passes after one warm-up pass. */
async function perItem<T>(items: readonly T[], work: (item: T) => unknown): Promise<number> {
  const [us] = await alternating(items, [work]);
  return us!;
}

/**
 * µs per call of each of `works` over `items`, passes taken in turn (so that what the machine
 * and the JIT do meanwhile falls on all alike): the best of five passes each, after one warm-up.
 */
async function alternating<T>(items: readonly T[], works: readonly ((item: T) => unknown)[], passes = 5): Promise<number[]> {
  const best = works.map(() => Infinity);
  for (let pass = 0; pass <= passes; pass++) {
    for (const [k, work] of works.entries()) {
      const started = performance.now();
      for (const item of items) await work(item);
      const us = ((performance.now() - started) * 1000) / items.length;
      if (pass > 0) best[k] = Math.min(best[k]!, us);
    }
  }
  return best;
}

// The rate limit counts every request (it is one of the stages) but refuses none.
const config = loadConfig({ ...process.env, LACAK_DB: values.db, LOG_LEVEL: 'silent', LACAK_RATE_EXEMPT: '', LACAK_RATE_ANONYMOUS: '1000000000' });
const db = openRegistryDb(values.db, { readonly: true });
const instant = packInstant(Date.now());
const service = new LookupService(db, config, undefined, { bootstrap: loadBootstrap(config.bootstrapDir) });
// A pack of the first chains of the registry (the stages cost the same for any chain).
const rdapPack = packCurrentAnswers(config, service, 24 * 1024 * 1024);
const packedIp = new CurrentIpAnswers(config, service, new EntityCache(), 0);
packedIp.usePack({ index: service.rangeIndex, answers: new PackedAnswers(rdapPack.data) });
const addresses: string[] = [];
for (const { node, address } of service.rangeIndex.nodeAddresses()) {
  if (addresses.length >= count) break;
  const text = formatIp(address.family, address.value);
  if (rdapPack.data.nodePiece[node]! >= 0 && !text.includes(':')) addresses.push(text);
}
if (addresses.length === 0) throw new Error('no packed IPv4 answer to measure');

const log = pino({ level: 'silent' });
const state = openStateDb(':memory:');
const app = buildApp({ config, service, logger: log, keys: new KeyStore(state), audit: new AuditLog(state, randomBytes(32)), currentIp: packedIp });
await app.ready();
const typical = (await app.inject({ method: 'GET', url: `/ip/${addresses[0]}` })).rawPayload;
// The same answer from a route with none of lacak's hooks: what Fastify itself costs.
const bare = Fastify({ logger: false });
bare.get('/ip/*', async (_request, reply) => reply.header('content-type', 'application/rdap+json; charset=utf-8').send(typical));
await bare.ready();

const marks = new AnswerMarks();
const packedAnswers = new PackedAnswers(rdapPack.data);
const values16 = [Buffer.from('https://rdap.example/ip/192.0.2.1'), Buffer.from('2026-12-07T00:00:00.123Z'), Buffer.from('2026-12-07T00:00:00.123Z'), Buffer.from('https://rdap.example/')];
const nodes = addresses.map((a) => service.currentNode(a)!);
const entities = new EntityCache();
const rdap = {
  'parse and index': await perItem(addresses, (a) => service.currentNode(a)),
  'join packed pieces': await perItem(nodes, (n) => packedAnswers.fill(n, values16)),
  'render afresh (a miss)': await perItem(addresses, (a) => JSON.stringify(marks.render(config, service, entities, a, 'en', ANONYMOUS, new Set()))),
  ...(await alternating(addresses, [(a) => app.inject({ method: 'GET', url: `/ip/${a}` }), (a) => bare.inject({ method: 'GET', url: `/ip/${a}` })]).then(([lacak, bareRoute]) => ({
    'request in lacak (inject)': lacak!,
    'same answer, bare route (inject)': bareRoute!,
  }))),
};
const rdapStages = { ...rdap, 'hooks and routing': rdap['request in lacak (inject)'] - rdap['same answer, bare route (inject)'] - rdap['parse and index'] - rdap['join packed pieces'] };

// The packed answers are the answers rendered afresh, on this registry too (the tests check the sample's).
const freshApp = buildApp({ config: { ...config, answerCacheBytes: 0 }, service, logger: log, keys: new KeyStore(state), audit: new AuditLog(state, randomBytes(32)) });
await freshApp.ready();
const instants = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z/g, 'T');
let rdapSame = 0;
for (const a of addresses) {
  const [x, y] = await Promise.all([app.inject({ method: 'GET', url: `/ip/${a}` }), freshApp.inject({ method: 'GET', url: `/ip/${a}` })]);
  if (x.statusCode === y.statusCode && instants(x.body) === instants(y.body)) rdapSame++;
}
await freshApp.close();

const packingService = new LookupService(db, config, undefined, { bootstrap: loadBootstrap(config.bootstrapDir), now: () => instant });
const whoisPack = packWhoisAnswers(packingService, whoisHandlerFor(config, packingService, { now: () => instant }), config.registry, instant, 24 * 1024 * 1024);
service.adoptIndex(packingService.builtIndex);
const current = new CurrentWhoisAnswers(service);
current.usePack({ index: packingService.rangeIndex, data: whoisPack.data });
const packedHandler = whoisHandlerFor(config, service, { current });
const freshHandler = whoisHandlerFor(config, service);
const whoisAddresses = addresses.filter((a) => current.answer(a) !== null);
const whois = {
  'read the line': await perItem(whoisAddresses, (a) => packedHandler.read(a)),
  'parse, index and join': await perItem(whoisAddresses, (a) => current.answer(a)),
  'answer from the pack': await perItem(whoisAddresses, (a) => packedHandler.answer(a)),
  'render afresh (a miss)': await perItem(whoisAddresses, (a) => freshHandler.answer(a)),
};

// Malformed questions, each a different mistake as a flood would send them: five octets, an
// octet out of range, and for RDAP a prefix length out of range, for WHOIS an unknown flag
// (WHOIS reads `a.b.c.d/99` as a name to search, which is a question, not a mistake).
const badAddresses = addresses.map((a, i) => (i % 3 === 0 ? `${a}.7` : i % 3 === 1 ? a.replace(/\.\d+$/, '.256') : `${a}/99`));
const badLines = badAddresses.map((a, i) => (i % 3 === 2 ? `-Y ${addresses[i]}` : a));
const malformed = {
  rdap: await perItem(badAddresses, (a) => app.inject({ method: 'GET', url: `/ip/${a}` })),
  rdapGood: rdap['request in lacak (inject)'],
  whois: await perItem(badLines, (a) => packedHandler.answer(a)),
  whoisGood: whois['answer from the pack'],
};

let whoisSame = 0;
for (const a of whoisAddresses) if (instants(packedHandler.answer(a).encoded!.toString('utf8')) === instants(`${freshHandler.answer(a).lines.join('\n')}\n`)) whoisSame++;

const result: StagesResult = {
  addresses: addresses.length,
  rdap: rdapStages,
  whois,
  malformed,
  compared: { rdap: addresses.length, rdapSame, whois: whoisAddresses.length, whoisSame },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
await app.close();
await bare.close();
state.close();
db.close();
