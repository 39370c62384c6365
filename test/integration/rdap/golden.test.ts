// Golden RDAP answers for the sample registry. Review a diff before accepting it; rewrite
// with `npx vitest run test/integration/rdap/golden.test.ts -u` after an intended change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleApp, type SampleApp } from '../../helpers/sample-app.js';

let s: SampleApp;
beforeAll(async () => {
  s = await sampleApp();
});
afterAll(async () => s?.close());

// A fixed instant keeps the answers stable; only the serving time moves.
const AT = '?at=2026-06-01T00:00:00Z';
const CASES: readonly [string, string][] = [
  ['ip-198.51.100.41-port', `/ip/198.51.100.41:51234${AT}`],
  ['ip-198.51.100.90-unaligned', `/ip/198.51.100.90${AT}`],
  ['ip-198.51.100.165-suballocation', `/ip/198.51.100.165${AT}`],
  ['ip-203.0.113.100-overlap', `/ip/203.0.113.100${AT}`],
  ['ip-2001-db8-110-2a00--25', `/ip/2001:db8:110:2a00::25${AT}`],
  ['autnum-64497', `/autnum/64497${AT}`],
  ['entity-RKS1-IDNIC-redacted', `/entity/RKS1-IDNIC${AT}`],
  ['error-special-100.64.1.1', `/ip/100.64.1.1${AT}`],
  // DESIGN §2: another registry's data with its authority, and a change between snapshots.
  ['ip-192.0.2.70-other-registry', `/ip/192.0.2.70${AT}`],
  ['ip-198.51.100.70-between-snapshots', '/ip/198.51.100.70?at=2025-11-15T10:00:00&tz=WIB'],
  ['ip-198.51.100.100-direct-port', `/ip/198.51.100.100:1234${AT}`],
];

describe('golden RDAP answers', () => {
  it.each(CASES)('%s', async (name, url) => {
    const r = await s.app.inject({ url });
    const body = JSON.stringify(JSON.parse(r.body), null, 2).replace(/Served at [^ ]+ by lacak [^ "]+/g, 'Served at <time> by lacak <version>');
    await expect(`${r.statusCode}\n${body}\n`).toMatchFileSnapshot(`../../fixtures/golden/rdap/${name}.json.txt`);
  });
});
