// The RFC 9224 bootstrap behind RDAP's 301 for space this registry does not manage.
// Which RIR serves each real address below is decided from IANA's own file text (a plain
// JSON read and a brute-force scan), never from the loader under test.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { normaliseBootstrap } from '../../../scripts/make-bootstrap.js';
import { LACAK_ERR, LacakError } from '../../../src/errors.js';
import { parseAsn } from '../../../src/net/asn.js';
import { parseIp, type IpAddress } from '../../../src/net/ip.js';
import { cidrToRange, parsePrefix } from '../../../src/net/prefix.js';
import { loadBootstrap, redirectUrl, type Bootstrap } from '../../../src/referral/bootstrap.js';

const PRODUCT_DIR = fileURLToPath(new URL('../../../data/bootstrap/', import.meta.url));
// IANA's own RFC 9224 files of 2015-2016, which data/bootstrap was made from (test/fixtures/README.md).
const IANA_DIR = fileURLToPath(new URL('../../fixtures/iana-bootstrap/', import.meta.url));
const KINDS = ['ipv4', 'ipv6', 'asn'] as const;

const RIR = {
  AFRINIC: 'rdap.afrinic.net',
  APNIC: 'rdap.apnic.net',
  ARIN: 'rdap.arin.net',
  LACNIC: 'rdap.lacnic.net',
  RIPE: 'rdap.db.ripe.net',
} as const;
type Rir = keyof typeof RIR;

interface RawFile {
  description?: string;
  publication: string;
  version: string;
  services: [string[], string[]][];
}

function raw(dir: string, kind: (typeof KINDS)[number]): RawFile {
  return JSON.parse(readFileSync(join(dir, `${kind}.json`), 'utf8')) as RawFile;
}

function ip(text: string): IpAddress {
  const a = parseIp(text);
  if (!a) throw new Error(`bad test address ${text}`);
  return a;
}

/** Every entry of a raw file as [first, last] numbers, independent of the loader's parsing. */
function rawSpan(kind: (typeof KINDS)[number], entry: string): [bigint, bigint] {
  if (kind === 'asn') {
    const [a, b] = entry.split('-');
    return [BigInt(a!), BigInt(b ?? a!)];
  }
  const p = parsePrefix(entry);
  if (!p.ok) throw new Error(p.reason);
  const r = cidrToRange(p.cidr);
  return [r.start, r.end];
}

/** Brute force over the raw file: every (entry, urls) whose span holds the value. */
function rawCovering(file: RawFile, kind: (typeof KINDS)[number], value: bigint): { entry: string; urls: string[] }[] {
  return file.services.flatMap(([entries, urls]) =>
    entries.filter((e) => {
      const [lo, hi] = rawSpan(kind, e);
      return lo <= value && value <= hi;
    }).map((entry) => ({ entry, urls })),
  );
}

function hostOf(url: string): string {
  return new URL(url).host;
}

const ADDRESSES: readonly [address: string, covering: string, rir: Rir][] = [
  ['1.1.1.1', '1.0.0.0/8', 'APNIC'],
  ['8.8.8.8', '8.0.0.0/8', 'ARIN'],
  ['193.0.0.1', '193.0.0.0/8', 'RIPE'],
  ['200.57.141.161', '200.0.0.0/8', 'LACNIC'],
  ['196.11.240.215', '196.0.0.0/8', 'AFRINIC'],
  ['210.107.73.73', '210.0.0.0/8', 'APNIC'],
  ['62.239.237.1', '62.0.0.0/8', 'RIPE'],
  ['2001:4860::8888', '2001:4800::/23', 'ARIN'],
  ['2a00:2381::1', '2a00::/12', 'RIPE'],
  ['2001:43f8:7b0::', '2001:4200::/23', 'AFRINIC'],
  ['2801:10:c000::', '2800::/12', 'LACNIC'],
  ['2001:240:10c:1::ca20:9d1d', '2001:200::/23', 'APNIC'],
];

const ASNS: readonly [asn: number, covering: string, rir: Rir][] = [
  [4608, '4608-4865', 'APNIC'],
  [4865, '4608-4865', 'APNIC'],
  [4866, '4866-4913', 'ARIN'],
  [3333, '3209-3353', 'RIPE'],
  [3208, '3208', 'AFRINIC'],
  [1, '1-6', 'ARIN'],
  [7, '7', 'RIPE'],
  [20362, '20362-20362', 'ARIN'],
  [263680, '263680-264604', 'LACNIC'],
  [397212, '396189-397212', 'ARIN'],
];

const product = loadBootstrap(PRODUCT_DIR);

describe('the product bootstrap files (data/bootstrap)', () => {
  it.each(ADDRESSES)('%s is in %s, served by %s', (address, covering, rir) => {
    const a = ip(address);
    const source = raw(IANA_DIR, a.family === 4 ? 'ipv4' : 'ipv6');
    const hits = rawCovering(source, a.family === 4 ? 'ipv4' : 'ipv6', a.value);
    expect(hits.map((h) => h.entry)).toEqual([covering]);
    expect(hits[0]!.urls.map(hostOf)).toContain(RIR[rir]);

    const urls = product.serviceForAddress(a);
    expect(urls).toEqual(hits[0]!.urls);
    expect(hostOf(urls![0]!)).toBe(RIR[rir]);
  });

  it.each(ASNS)('AS%i is in %s, served by %s', (asn, covering, rir) => {
    const hits = rawCovering(raw(IANA_DIR, 'asn'), 'asn', BigInt(asn));
    expect(hits.map((h) => h.entry)).toEqual([covering]);
    expect(hits[0]!.urls.map(hostOf)).toContain(RIR[rir]);

    const urls = product.serviceForAsn(asn);
    expect(urls).toEqual(hits[0]!.urls);
    expect(hostOf(urls![0]!)).toBe(RIR[rir]);
  });

  it.each(['10.0.0.1', '127.0.0.1', '0.1.2.3', '224.0.0.1', '255.255.255.255', 'fc00::1', '::1', '3000::1', 'ff02::1'])(
    'covers no %s',
    (address) => {
      const a = ip(address);
      expect(rawCovering(raw(IANA_DIR, a.family === 4 ? 'ipv4' : 'ipv6'), a.family === 4 ? 'ipv4' : 'ipv6', a.value)).toEqual([]);
      expect(product.serviceForAddress(a)).toBeNull();
    },
  );

  it.each([0, 64496, 64511, 65535, 397213, 4294967295])('covers no AS%i', (asn) => {
    expect(rawCovering(raw(IANA_DIR, 'asn'), 'asn', BigInt(asn))).toEqual([]);
    expect(product.serviceForAsn(asn)).toBeNull();
  });

  it('rejects AS numbers that are not integers instead of matching a range', () => {
    expect(product.serviceForAsn(4608.5)).toBeNull();
    expect(product.serviceForAsn(Number.NaN)).toBeNull();
  });

  // The server must rule out managed and special-purpose space before asking the bootstrap:
  // IANA lists whole /8s and /12s, so documentation space lands inside an RIR block.
  it.each([
    ['203.0.113.7', 'APNIC'],
    ['198.51.100.1', 'ARIN'],
    ['192.0.2.1', 'ARIN'],
    ['2001:db8::1', 'APNIC'],
  ] as const)('documentation address %s is inside %s space', (address, rir) => {
    expect(hostOf(product.serviceForAddress(ip(address))![0]!)).toBe(RIR[rir]);
  });

  it('reports the newest publication of the three files', () => {
    const dates = KINDS.map((k) => raw(IANA_DIR, k).publication);
    expect(dates).toEqual(['2015-08-11T00:09:31Z', '2016-03-22T15:40:01Z', '2016-09-08T18:00:00Z']);
    expect(product.publication).toBe('2016-09-08T18:00:00Z');
  });

  it.each(KINDS)('%s.json holds the same facts as IANA’s file', (kind) => {
    const source = raw(IANA_DIR, kind);
    const ours = raw(PRODUCT_DIR, kind);
    expect({ ...ours, services: [] }).toEqual({ ...source, services: [] });
    const facts = (f: RawFile) =>
      f.services
        .flatMap(([entries, urls]) => entries.map((e) => `${rawSpan(kind, e).join('-')} ${urls.join(' ')}`))
        .sort();
    expect(facts(ours)).toEqual(facts(source));
    expect(facts(ours).length).toBeGreaterThan(30);
  });

  it.each(KINDS)('%s.json is what scripts/make-bootstrap.ts writes from IANA’s file', (kind) => {
    const path = join(IANA_DIR, `${kind}.json`);
    expect(normaliseBootstrap(kind, readFileSync(path, 'utf8'), path)).toBe(readFileSync(join(PRODUCT_DIR, `${kind}.json`), 'utf8'));
  });

  it('hands out copies, so a caller cannot change the index', () => {
    product.serviceForAddress(ip('1.1.1.1'))!.push('https://evil.example/');
    expect(product.serviceForAddress(ip('1.1.1.1'))).toEqual(['https://rdap.apnic.net/']);
  });
});

// ---- synthetic files ----------------------------------------------------------------------

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

type Services = [string[], string[]][];

function fileText(services: Services, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: '1.0', publication: '2024-01-01T00:00:00Z', description: 'test', services, ...extra });
}

/** A bootstrap directory: valid one-service files unless a kind's text is given. */
function bootstrapDir(texts: Partial<Record<(typeof KINDS)[number], string>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lacak-bootstrap-'));
  temps.push(dir);
  const defaults = {
    ipv4: fileText([[['1.0.0.0/8'], ['https://v4.example/rdap/']]]),
    ipv6: fileText([[['2400::/12'], ['https://v6.example/rdap/']]]),
    asn: fileText([[['1-10'], ['https://asn.example/rdap/']]]),
  };
  for (const kind of KINDS) writeFileSync(join(dir, `${kind}.json`), texts[kind] ?? defaults[kind]);
  return dir;
}

const A = 'https://a.example/';
const B = 'https://b.example/';
const C = 'https://c.example/';
const D = 'https://d.example/';

describe('longest-prefix match', () => {
  const boot: Bootstrap = loadBootstrap(
    bootstrapDir({
      ipv4: fileText([
        [['10.1.2.0/24', '172.16.0.0/12'], [C]],
        [['10.0.0.0/8'], [A]],
        [['10.200.0.0/16', '10.1.0.0/16'], [B]],
        [['10.1.3.0/24', '10.1.3.128/25'], [D]],
        [['10.1.3.192/26'], [A]],
      ]),
      ipv6: fileText([
        [['2001:c00::/23'], [A]],
        [['2001:db8::/32'], [B]],
        [['2001:db8:1::/48'], [C]],
      ]),
    }),
  );

  it.each([
    ['10.1.2.3', C],
    ['10.1.2.255', C],
    ['10.1.3.3', D],
    ['10.1.3.130', D],
    ['10.1.3.200', A],
    ['10.1.3.255', A],
    ['10.1.4.1', B],
    ['10.1.255.255', B],
    ['10.2.0.0', A],
    // The nearest entry starting below is 10.1.3.192/26, three levels down from the match.
    ['10.5.0.0', A],
    ['10.200.1.1', B],
    ['10.255.255.255', A],
    ['10.0.0.0', A],
    ['172.31.255.255', C],
    ['9.255.255.255', null],
    ['11.0.0.0', null],
    ['172.32.0.0', null],
    ['0.0.0.0', null],
    ['2001:db8:1::5', C],
    ['2001:db8:2::5', B],
    ['2001:db9::', A],
    ['2001:dff:ffff:ffff:ffff:ffff:ffff:ffff', A],
    ['2001:e00::', null],
  ] as const)('%s → %s', (address, expected) => {
    expect(boot.serviceForAddress(ip(address))).toEqual(expected === null ? null : [expected]);
  });

  it('keeps the families apart', () => {
    // ::a01:203 has the same integer value as 10.1.2.3.
    expect(boot.serviceForAddress(ip('::a01:203'))).toBeNull();
  });

  it('agrees with a brute-force longest match on random nested prefixes', () => {
    const prefix = fc
      .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 8, max: 24 }))
      .map(([bits, length]) => {
        // Everything inside 10.0.0.0/8 so that nesting is the rule, not the exception.
        const start = ((10 << 24) | (bits << 8)) >>> 0;
        const mask = length === 0 ? 0 : (~0 << (32 - length)) >>> 0;
        return { start: BigInt((start & mask) >>> 0), length };
      });
    const setup = fc.uniqueArray(fc.tuple(prefix, fc.constantFrom(A, B, C, D)), {
      minLength: 1,
      maxLength: 25,
      selector: ([p]) => `${p.start}/${p.length}`,
    });
    const probe = fc.integer({ min: (9 << 24) + 0xfff000, max: (11 << 24) + 0xfff }).map((n) => BigInt(n));
    fc.assert(
      fc.property(setup, fc.array(probe, { minLength: 1, maxLength: 20 }), (prefixes, probes) => {
        const text = (start: bigint) => [24, 16, 8, 0].map((s) => Number((start >> BigInt(s)) & 255n)).join('.');
        const services: Services = prefixes.map(([p, url]) => [[`${text(p.start)}/${p.length}`], [url]]);
        const b = loadBootstrap(bootstrapDir({ ipv4: fileText(services) }));
        const spans = prefixes.map(([p, url]) => ({ ...cidrToRange({ family: 4, start: p.start, length: p.length }), length: p.length, url }));
        const edges = spans.flatMap((s) => [s.start - 1n, s.start, s.end, s.end + 1n]);
        for (const value of [...probes, ...edges]) {
          const best = spans
            .filter((s) => s.start <= value && value <= s.end)
            .sort((x, y) => y.length - x.length)[0];
          expect(b.serviceForAddress({ family: 4, value })).toEqual(best ? [best.url] : null);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('AS number ranges', () => {
  const boot = loadBootstrap(
    bootstrapDir({
      asn: fileText([
        [['100-199', '5'], [A]],
        [['200', '4200000000-4294967295'], [B]],
        [['201-201'], [C]],
      ]),
    }),
  );

  it.each([
    [4, null],
    [5, A],
    [6, null],
    [99, null],
    [100, A],
    [150, A],
    [199, A],
    [200, B],
    [201, C],
    [202, null],
    [4199999999, null],
    [4200000000, B],
    [4294967295, B],
  ] as const)('AS%i → %s', (asn, expected) => {
    expect(boot.serviceForAsn(asn)).toEqual(expected === null ? null : [expected]);
  });

  it('parses AS numbers the way the CLI does before asking', () => {
    expect(boot.serviceForAsn(parseAsn('AS150')!)).toEqual([A]);
  });
});

describe('malformed bootstrap files', () => {
  function failure(dir: string): LacakError {
    try {
      loadBootstrap(dir);
    } catch (err) {
      if (err instanceof LacakError) return err;
      throw err;
    }
    throw new Error('loadBootstrap accepted a bad file');
  }

  const valid4 = [[['1.0.0.0/8'], [A]]] as Services;
  const cases: [string, (typeof KINDS)[number], string, RegExp][] = [
    ['not JSON', 'ipv4', '{"version": "1.0",', /not JSON/],
    ['an empty file', 'asn', '', /not JSON/],
    ['a JSON array', 'ipv6', '[]', /top level/],
    ['no services', 'ipv6', JSON.stringify({ version: '1.0', publication: '2024-01-01T00:00:00Z' }), /services/],
    ['a service without URLs', 'asn', fileText([[['1-10']]] as unknown as Services), /services\[0\]/],
    ['an empty URL list', 'ipv4', fileText([[['1.0.0.0/8'], []]]), /services\[0\]\[1\]/],
    ['an empty entry list', 'ipv4', fileText([[[], [A]]]), /services\[0\]\[0\]/],
    ['an ftp URL', 'ipv4', fileText([[['1.0.0.0/8'], ['ftp://rdap.example/']]]), /services\[0\]\[1\]\[0\]: not an http or https URL/],
    ['a URL that is not one', 'ipv6', fileText([[['2400::/12'], ['rdap.example']]]), /services\[0\]\[1\]\[0\]/],
    ['version 2.0', 'ipv4', fileText(valid4, { version: '2.0' }), /version/],
    ['a publication that is no date', 'asn', fileText([[['1'], [A]]], { publication: 'yesterday' }), /publication/],
    ['host bits in a prefix', 'ipv4', fileText([[['1.0.0.0/8', '41.0.0.1/8'], [A]]]), /services\[0\]\[0\]\[1\].*41\.0\.0\.1\/8/],
    ['a bare address', 'ipv4', fileText([[['1.0.0.0'], [A]]]), /1\.0\.0\.0/],
    ['an IPv6 prefix in ipv4.json', 'ipv4', fileText([[['2400::/12'], [A]]]), /IPv6 prefix/],
    ['an IPv4 prefix in ipv6.json', 'ipv6', fileText([[['1.0.0.0/8'], [A]]]), /IPv4 prefix/],
    ['a prefix listed twice', 'ipv4', fileText([[['1.0.0.0/8'], [A]], [['1.0.0.0/8'], [B]]]), /listed twice: 1\.0\.0\.0\/8/],
    ['a reversed AS range', 'asn', fileText([[['10-5'], [A]]]), /10-5/],
    ['an AS prefix', 'asn', fileText([[['AS10'], [A]]]), /AS10/],
    ['an AS number past 32 bits', 'asn', fileText([[['4294967296'], [A]]]), /4294967296/],
    ['overlapping AS ranges', 'asn', fileText([[['1-10'], [A]], [['10-20'], [B]]]), /overlap/],
  ];

  it.each(cases)('%s in %s.json → LacakError naming the file', (_what, kind, text, detail) => {
    const dir = bootstrapDir({ [kind]: text });
    const err = failure(dir);
    expect(err.code).toBe(LACAK_ERR.CONFIG);
    expect(err.message).toContain(join(dir, `${kind}.json`));
    expect(err.message).toMatch(detail);
    expect(err.message).not.toContain('\n');
  });

  it('a missing file → LacakError naming it', () => {
    const dir = bootstrapDir();
    rmSync(join(dir, 'ipv6.json'));
    const err = failure(dir);
    expect(err.code).toBe(LACAK_ERR.CONFIG);
    expect(err.message).toContain(join(dir, 'ipv6.json'));
    expect(err.message).toMatch(/no such file/);
  });

  it('ignores members RFC 9224 does not define, and a missing description', () => {
    const dir = bootstrapDir({
      ipv4: JSON.stringify({ version: '1.0', publication: '2024-01-01T00:00:00+07:00', services: [[['1.0.0.0/8'], [A]]], extra: 1 }),
    });
    expect(loadBootstrap(dir).serviceForAddress(ip('1.2.3.4'))).toEqual([A]);
  });
});

describe('redirectUrl', () => {
  it('joins a base that ends in "/" with the RDAP path', () => {
    expect(redirectUrl(['https://rdap.apnic.net/'], 'ip/1.1.1.1')).toBe('https://rdap.apnic.net/ip/1.1.1.1');
    expect(redirectUrl(['https://rdap.lacnic.net/rdap/'], 'autnum/263680')).toBe('https://rdap.lacnic.net/rdap/autnum/263680');
  });

  it('adds the "/" a base is missing (IANA long listed ARIN without one)', () => {
    expect(redirectUrl(['https://rdap.arin.net/registry'], 'ip/8.8.8.8')).toBe('https://rdap.arin.net/registry/ip/8.8.8.8');
  });

  it('never doubles the "/"', () => {
    expect(redirectUrl(['https://rdap.apnic.net/'], '/ip/1.1.1.1')).toBe('https://rdap.apnic.net/ip/1.1.1.1');
  });

  it('prefers https wherever it is in the list, else takes the first', () => {
    expect(redirectUrl(['http://rdap.example/', 'https://rdap.example/'], 'ip/2001:db8::1')).toBe('https://rdap.example/ip/2001:db8::1');
    expect(redirectUrl(['http://one.example/', 'http://two.example/'], 'autnum/1')).toBe('http://one.example/autnum/1');
  });

  it('uses the product files end to end', () => {
    expect(redirectUrl(product.serviceForAddress(ip('8.8.8.8'))!, 'ip/8.8.8.8')).toBe('https://rdap.arin.net/registry/ip/8.8.8.8');
    expect(redirectUrl(product.serviceForAddress(ip('196.11.240.215'))!, 'ip/196.11.240.215')).toBe(
      'https://rdap.afrinic.net/rdap/ip/196.11.240.215',
    );
    expect(redirectUrl(product.serviceForAsn(3333)!, 'autnum/3333')).toBe('https://rdap.db.ripe.net/autnum/3333');
  });

  it('returns null for no bases', () => {
    expect(redirectUrl([], 'ip/1.1.1.1')).toBeNull();
  });

  describe('never redirects to this server itself', () => {
    it.each([
      ['the same URL', 'https://rdap.apnic.net/'],
      ['without the trailing "/"', 'https://rdap.apnic.net'],
      ['in other letter case', 'HTTPS://RDAP.APNIC.NET/'],
      ['over http', 'http://rdap.apnic.net/'],
      ['with the default port', 'https://rdap.apnic.net:443/'],
    ])('own base URL %s', (_what, own) => {
      expect(redirectUrl(product.serviceForAddress(ip('1.1.1.1'))!, 'ip/1.1.1.1', own)).toBeNull();
    });

    it('when its own URL is any of the bases, not only the chosen one', () => {
      expect(redirectUrl(['https://rdap.afrinic.net/rdap/', 'http://rdap.afrinic.net/rdap/'], 'ip/41.0.0.1', 'http://rdap.afrinic.net/rdap')).toBeNull();
    });

    it('when its own URL is a base other than the chosen one', () => {
      expect(redirectUrl(['https://mirror.example/rdap/', 'https://rdap.example/rdap/'], 'autnum/1', 'https://rdap.example/rdap/')).toBeNull();
    });

    it('but redirects when only the host or only the path matches', () => {
      const bases = ['https://rdap.example/rdap/'];
      expect(redirectUrl(bases, 'ip/1.1.1.1', 'https://rdap.example/')).toBe('https://rdap.example/rdap/ip/1.1.1.1');
      expect(redirectUrl(bases, 'ip/1.1.1.1', 'https://rdap.example:8443/rdap/')).toBe('https://rdap.example/rdap/ip/1.1.1.1');
      expect(redirectUrl(bases, 'ip/1.1.1.1', 'https://other.example/rdap/')).toBe('https://rdap.example/rdap/ip/1.1.1.1');
    });

    it('for a registry whose own base URL is in the bootstrap, on its own space only', () => {
      const own = 'https://rdap.apnic.net/';
      expect(redirectUrl(product.serviceForAddress(ip('2001:240:10c:1::ca20:9d1d'))!, 'ip/2001:240:10c:1::ca20:9d1d', own)).toBeNull();
      expect(redirectUrl(product.serviceForAsn(4608)!, 'autnum/4608', own)).toBeNull();
      expect(redirectUrl(product.serviceForAddress(ip('193.0.0.1'))!, 'ip/193.0.0.1', own)).toBe('https://rdap.db.ripe.net/ip/193.0.0.1');
    });
  });
});
