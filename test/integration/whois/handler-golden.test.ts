// The WHOIS handler on plain strings (no socket) against golden answers for the sample
// registry: one file per query in test/fixtures/golden/whois/. The clock is fixed so that
// "served at" lines are stable; everything else is the registry's own data.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhoisHandler } from '../../../src/whois/handler.js';
import { ROOT, SAMPLE_DIR } from '../../helpers/registry.js';
import { sampleService, type SampleService } from '../../helpers/sample-app.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const GOLDEN = join(ROOT, 'test', 'fixtures', 'golden', 'whois');

/** name → query line, as a user would type it after `whois -h host`. */
const QUERIES: ReadonlyArray<readonly [string, string]> = [
  ['address', '198.51.100.41'],
  ['address-port', '198.51.100.41:51234'],
  ['address-v6-port', '[2001:db8:110:2a00::25]:443'],
  ['no-referenced-inetnum', '-r -T inetnum 198.51.100.41'],
  ['abuse-brief', '-b 198.51.100.41'],
  ['one-less', '-l 198.51.100.41'],
  ['all-less', '-L -r 198.51.100.41'],
  ['one-more', '-m -r 198.51.100.0 - 198.51.100.95'],
  ['all-more', '-M -r 198.51.100.0/24'],
  ['more-too-wide', '-M 0.0.0.0/0'],
  ['exact', '-x -r 198.51.100.128/26'],
  ['exact-none', '-x 198.51.100.128/27'],
  ['irt', '-c -r 203.0.113.100'],
  ['sources-apnic', '-s APNIC -r 198.51.100.41'],
  ['unknown-source', '-s RIPE 198.51.100.41'],
  ['inverse-mnt-by', '-r -i mnt-by MAINT-ID-CONTOHNET'],
  ['inverse-unknown-attribute', '-i colour MAINT-ID-CONTOHNET'],
  ['inverse-not-searchable', '-i descr MAINT-ID-CONTOHNET'],
  ['autnum', 'AS64497'],
  ['autnum-in-block', '-r AS64501'],
  ['handle-lower-case', 'org-cjn1-idnic'],
  ['person-withheld', 'RKS1-IDNIC'],
  ['mntner-no-auth', 'MAINT-ID-CONTOHNET'],
  ['name', 'PT Contoh Jaringan Nusantara'],
  ['reverse-zone', '-r 100.51.198.in-addr.arpa'],
  ['foreign-referral', '8.8.8.8'],
  ['special-purpose', '10.1.2.3'],
  ['no-such-handle', 'NOSUCH-IDNIC'],
  ['useless-ip-flag', '-x -r AS64497'],
  ['at-past', '-r --at 2025-07-01T00:00:00Z 198.51.100.70'],
  ['at-zoneless-jakarta', '-r --at 2025-07-01T07:00:00 --tz Asia/Jakarta 198.51.100.210'],
  ['at-zoneless-without-tz', '--at 2025-07-01T07:00:00 198.51.100.210'],
  ['at-before-data', '--at 2000-01-01T00:00:00Z 198.51.100.41'],
  ['list-versions', '--list-versions 198.51.100.64 - 198.51.100.79'],
  ['show-version', '--show-version 1 198.51.100.64 - 198.51.100.79'],
  ['show-version-out-of-range', '--show-version 9 198.51.100.64 - 198.51.100.79'],
  ['list-versions-person', '--list-versions RKS1-IDNIC'],
  ['brief-fast-raw', '-F -r 198.51.100.41'],
  ['primary-keys', '-K 198.51.100.41'],
  ['no-grouping', '-G -r 198.51.100.41'],
  ['query-version', '-q version'],
  ['query-sources', '-q sources'],
  ['query-types', '-q types'],
  ['template', '-t inetnum'],
  ['verbose-template', '-v aut-num'],
  ['unknown-type', '-t colour'],
  ['help', 'help'],
  ['duplicate-ip-flags', '-x -l 198.51.100.41'],
  // DESIGN §2: who answers for the space, and why no member where there is none.
  ['other-registry-rpsl', '192.0.2.70'],
  ['other-registry-account', '192.0.2.200'],
  ['rir-own-network', '192.0.2.40'],
  ['direct-assignment-port', '198.51.100.100:1234'],
  ['unassigned-pool-port', '198.51.100.110:1234'],
  ['between-snapshots-before', '-r --at 2025-11-15T10:00:00 --tz WIB 198.51.100.70'],
  ['not-an-address', '1.2.3.4.5'],
  ['address-and-port-with-space', '198.51.100.41 51234'],
  ['unknown-option', '-Z 198.51.100.41'],
  // The routing view (issue 14): the route after the network, under -r too; -T route alone.
  ['route-view-no-referenced', '-r 198.51.100.165'],
  ['route-type', '-T route 198.51.100.0/26'],
  ['route6-type', '-T route6 2001:db8:110:2a00::25'],
  // A lone -k is greeted with the banner, as RIPE's server greets it (issue 14).
  ['keep-alive-alone', '-k'],
];

describe('WHOIS answers on the sample registry', () => {
  let sample: SampleService;
  let handler: WhoisHandler;

  beforeAll(async () => {
    sample = await sampleService({ now: () => NOW });
    const { service, config } = sample;
    handler = new WhoisHandler({
      service,
      server: { host: config.port43, registry: config.registry, version: 'TEST' },
      limits: { queriesPerMinute: config.rates.anonymous, bulkLines: 100 },
      now: () => NOW,
    });
  });
  afterAll(() => sample?.close());

  it.each(QUERIES)('%s: %s', async (name, query) => {
    const reply = handler.answer(query);
    await expect(`${reply.lines.join('\n')}\n`).toMatchFileSnapshot(join(GOLDEN, `${name}.txt`));
  });

  it('has a golden file for every query and no stale ones', () => {
    const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.txt')).sort();
    expect(files).toEqual(QUERIES.map(([name]) => `${name}.txt`).sort());
  });

  it('never sends personal data, notification e-mails or credentials to an anonymous caller', () => {
    // The person objects' personal values, read from the sample dump itself.
    const dump = readFileSync(join(SAMPLE_DIR, '2026-01-01', 'idnic.db'), 'utf8');
    const secrets = new Set<string>();
    const published = new Set<string>();
    for (const block of dump.split(/\n\s*\n/)) {
      const lines = block.split('\n');
      const isPerson = lines.some((l) => l.startsWith('person:'));
      for (const line of lines) {
        const m = /^([a-z-]+):\s*(.+)$/.exec(line);
        if (!m) continue;
        const [, attribute, value] = m;
        if ((isPerson && ['person', 'address', 'phone', 'fax-no', 'e-mail'].includes(attribute!)) || ['notify', 'upd-to', 'mnt-nfy', 'auth'].includes(attribute!)) {
          secrets.add(value!.trim());
        } else {
          published.add(value!.trim());
        }
      }
    }
    // A person may share an office address or switchboard with a public role: not a leak.
    for (const value of published) secrets.delete(value);
    expect(secrets.size).toBeGreaterThan(10);
    for (const [, query] of QUERIES) {
      const text = handler.answer(query).lines.join('\n');
      for (const secret of secrets) expect(text, `${query} leaks "${secret}"`).not.toContain(secret);
      expect(text).not.toMatch(/^auth:/m);
    }
  });

  it('never echoes control bytes of a query back to the terminal', () => {
    const text = handler.answer('\u001b[2J\u001b]0;owned\u0007X\u0000Y\u009b1m').lines.join('\n');
    expect(text).toContain('%ERROR:101');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('starts and ends a persistent connection with -k', () => {
    expect(handler.answer('-k 198.51.100.41').keepAlive).toBe('start');
    expect(handler.answer('-k').keepAlive).toBe('toggle');
    expect(handler.answer('198.51.100.41').keepAlive).toBe('unchanged');
  });
});
