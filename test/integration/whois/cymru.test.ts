// Team Cymru's bulk protocol on plain strings (DESIGN §4): one answer line per address line,
// fields split by `|` as python3-cymruwhois reads them, options that change the columns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookupService } from '../../../src/query/service.js';
import { bulkBanner, CymruSession, isBulkBegin, isBulkEnd } from '../../../src/whois/cymru.js';
import { sampleService, type SampleService } from '../../helpers/sample-app.js';
import { importText, quietLog, tempRegistry, testConfig } from '../../helpers/registry.js';

const fields = (line: string | null) => (line ?? '').split('|').map((f) => f.trim());

/** A session with the given option lines already sent (each answers nothing). */
function session(service: LookupService, ...options: string[]): CymruSession {
  const s = new CymruSession(service);
  for (const option of options) expect(s.line(option, 2)).toBeNull();
  return s;
}

describe('Team Cymru bulk mode on the sample registry', () => {
  let sample: SampleService;
  let service: LookupService;

  beforeAll(async () => {
    sample = await sampleService();
    service = sample.service;
  });
  afterAll(() => sample?.close());

  it('recognises begin and end in any case, and starts with one banner line', () => {
    expect(isBulkBegin('BEGIN')).toBe(true);
    expect(isBulkBegin(' begin \r')).toBe(true);
    expect(isBulkEnd('End')).toBe(true);
    expect(bulkBanner('whois.example', Date.parse('2026-01-02T03:04:05Z'))).toBe('Bulk mode; whois.example [2026-01-02 03:04:05 +0000]');
  });

  it('answers an address with the five default fields: the covering route gives AS and prefix', () => {
    // What python3-cymruwhois sends.
    const s = session(service, 'PREFIX', 'ASNUMBER', 'COUNTRYCODE', 'NOTRUNC');
    // The most specific covering route is 198.51.100.0/26 (AS64497), not the holder's /30.
    expect(fields(s.line('198.51.100.41', 6))).toEqual(['64497', '198.51.100.41', '198.51.100.0/26', 'ID', 'CONTOHNET-AS-ID, ID']);
    // Upper-case IPv6 comes back exactly as typed; the route6 gives the prefix.
    expect(fields(s.line('2001:DB8:110:2A00::25', 7))).toEqual(['64497', '2001:DB8:110:2A00::25', '2001:db8:100::/40', 'ID', 'CONTOHNET-AS-ID, ID']);
    // The non-aligned holder 198.51.100.0 - 198.51.100.95: the route's prefix, never a range.
    expect(fields(s.line('198.51.100.0', 8))).toEqual(['64497', '198.51.100.0', '198.51.100.0/26', 'ID', 'CONTOHNET-AS-ID, ID']);
    expect(fields(s.line('198.51.100.165', 9))).toEqual(['64498', '198.51.100.165', '198.51.100.128/26', 'ID', 'AWANKILAT-AS-ID, ID']);
    expect(fields(s.line('203.0.113.100', 10))).toEqual(['64500', '203.0.113.100', '203.0.113.64/26', 'ID', 'KABELLAUT-AS-ID, ID']);
  });

  it('reads the covering routes of a current address from memory: no SQL range query per line (issue 15)', () => {
    const s = session(service, 'PREFIX', 'ASNUMBER');
    const covering = service.ranges.covering.bind(service.ranges);
    const asked: string[] = [];
    service.ranges.covering = (...args: Parameters<typeof covering>) => {
      asked.push(String(args[4] ?? 'networks'));
      return covering(...args);
    };
    try {
      for (let i = 0; i < 3; i++) expect(fields(s.line('198.51.100.41', 6 + i))).toEqual(['64497', '198.51.100.41', '198.51.100.0/26', 'ID', 'CONTOHNET-AS-ID, ID']);
      expect(fields(s.line('2001:DB8:110:2A00::25', 9))).toEqual(['64497', '2001:DB8:110:2A00::25', '2001:db8:100::/40', 'ID', 'CONTOHNET-AS-ID, ID']);
      expect(fields(s.line('198.51.100.165', 10))).toEqual(['64498', '198.51.100.165', '198.51.100.128/26', 'ID', 'AWANKILAT-AS-ID, ID']);
    } finally {
      service.ranges.covering = covering;
    }
    expect(asked.filter((a) => a === 'routes')).toEqual([]);
  });

  it('answers an address no route covers with AS NA, the holder block as prefix and AS Name NA', () => {
    // UCN-ID 198.51.100.96/29 lies between the routes .64/27 and .128/26; its organisation
    // has no aut-num, and none is guessed.
    const s = session(service);
    expect(fields(s.line('198.51.100.100', 2))).toEqual(['NA', '198.51.100.100', '198.51.100.96/29', 'ID', 'NA']);
  });

  it('answers space nobody here holds with NA fields, and a bad line with its number', () => {
    const s = session(service);
    expect(fields(s.line('8.8.8.8', 2))).toEqual(['NA', '8.8.8.8', 'NA', 'NA', 'NA']);
    expect(fields(s.line('10.1.2.3', 3))).toEqual(['NA', '10.1.2.3', 'NA', 'NA', 'NA']);
    expect(s.line('not-an-address', 4)).toBe('Error: no ASN or IP match on line 4.');
    expect(s.line('999.1.1.1', 5)).toBe('Error: no ASN or IP match on line 5.');
    expect(s.line('', 6)).toBeNull();
  });

  it('answers an AS number with AS | CC | AS Name, the name as on address lines', () => {
    const s = session(service);
    expect(fields(s.line('AS64497', 2))).toEqual(['64497', 'ID', 'CONTOHNET-AS-ID, ID']);
  });

  it('changes the columns with verbose, noasname and lacak', () => {
    const verbose = session(service, 'verbose');
    expect(fields(verbose.line('198.51.100.41', 3))).toEqual(['64497', '198.51.100.41', '198.51.100.0/26', 'ID', 'idnic', '2021-09-30', 'CONTOHNET-AS-ID, ID']);
    const bare = session(service, 'noasname');
    expect(fields(bare.line('198.51.100.41', 3))).toEqual(['64497', '198.51.100.41', '198.51.100.0/26', 'ID']);
  });

  it('adds four fields with lacak: holder, responsible member, abuse e-mail, status', () => {
    const lacak = session(service, 'LACAK');
    const line = fields(lacak.line('198.51.100.41', 3));
    expect(line).toHaveLength(9);
    expect(line.slice(0, 5)).toEqual(['64497', '198.51.100.41', '198.51.100.0/26', 'ID', 'CONTOHNET-AS-ID, ID']);
    expect(line.slice(5)).toEqual([
      'Koperasi Simpan Pinjam Contoh Makmur',
      'PT Contoh Jaringan Nusantara (ORG-CJN1-IDNIC)',
      'abuse@solusiweb.example.com',
      'ASSIGNED NON-PORTABLE',
    ]);
    // After the verbose columns, and without the AS Name when noasname drops it.
    expect(fields(session(service, 'verbose', 'lacak').line('198.51.100.41', 4))).toHaveLength(11);
    expect(fields(session(service, 'noasname', 'lacak').line('198.51.100.41', 4)).slice(4)).toEqual(line.slice(5));
    // Nobody here holds it: NA in every one of the four.
    expect(fields(lacak.line('8.8.8.8', 4))).toEqual(['NA', '8.8.8.8', 'NA', 'NA', 'NA', 'NA', 'NA', 'NA', 'NA']);
  });

  // 198.51.100.70: SINARLOG-ID (PT Sinar Logistik Contoh) in the 2025-06-01 snapshot,
  // MBAGRINDO-ID (PT Maju Bersama Agrindo) from the 2026-01-01T00:00:00Z snapshot on.
  const holderAt = (s: CymruSession, line: string, n = 3) => fields(s.line(line, n))[5];
  const OLD = 'PT Sinar Logistik Contoh';
  const NEW = 'PT Maju Bersama Agrindo';

  it('answers as the registry stood at a time with a zone given after the address', () => {
    const s = session(service, 'lacak');
    expect(holderAt(s, '198.51.100.70 2025-07-01T00:00:00Z')).toBe(OLD);
    expect(holderAt(s, '198.51.100.70')).toBe(NEW);
    expect(holderAt(s, '198.51.100.70 2026-01-01T06:30:00+07:00')).toBe(OLD);
    // Cymru's own way of writing it: date, time, GMT (UTC and Z too).
    expect(holderAt(s, '198.51.100.70 2025-07-01 00:00:00 GMT')).toBe(OLD);
    expect(holderAt(s, '198.51.100.70 2025-12-31 23:59:59 UTC')).toBe(OLD);
    expect(holderAt(s, '198.51.100.70 2026-01-01 00:00:00 Z')).toBe(NEW);
    // The same pattern with WIB or an IANA zone after the time.
    expect(holderAt(s, '198.51.100.70 2026-01-01 06:30:00 WIB')).toBe(OLD);
    expect(holderAt(s, '198.51.100.70 2026-01-01 06:30:00 Asia/Jakarta')).toBe(OLD);
    expect(holderAt(s, '198.51.100.70 2026-01-01 06:30:00 +07:00')).toBe(OLD);
    // The route and aut-num are read at that instant too.
    expect(fields(s.line('198.51.100.70 2025-07-01T00:00:00Z', 4)).slice(0, 5)).toEqual(['64497', '198.51.100.70', '198.51.100.64/27', 'ID', 'CONTOHNET-AS-ID, ID']);
  });

  it('refuses a zoneless time without a tz line, in the one error form clients skip', () => {
    const s = session(service, 'lacak');
    const error = s.line('198.51.100.70 2026-01-01 06:30:00', 5);
    // DESIGN §4: exactly the one error line, nothing after it.
    expect(error).toBe('Error: no ASN or IP match on line 5.');
    // Never silently GMT, whatever the form.
    expect(s.line('198.51.100.70 2026-01-01T06:30:00', 6)).toBe('Error: no ASN or IP match on line 6.');
    expect(s.line('198.51.100.70 2026-01-01', 7)).toBe('Error: no ASN or IP match on line 7.');
    expect(s.line('AS64497 2026-01-01 06:30:00', 8)).toBe('Error: no ASN or IP match on line 8.');
    // The next line is answered as usual.
    expect(holderAt(s, '198.51.100.70', 9)).toBe(NEW);
  });

  it('reads zoneless times in the zone of a tz line: WIB and an IANA zone change the holder', () => {
    // 2026-01-01 06:30 WIB is 2025-12-31T23:30Z, before the change; in UTC it is after.
    const wib = session(service, 'lacak', 'tz WIB');
    expect(holderAt(wib, '198.51.100.70 2026-01-01 06:30:00')).toBe(OLD);
    const jakarta = session(service, 'lacak', 'TZ Asia/Jakarta');
    expect(holderAt(jakarta, '198.51.100.70 2026-01-01T06:30:00')).toBe(OLD);
    const utc = session(service, 'lacak', 'TZ UTC');
    expect(holderAt(utc, '198.51.100.70 2026-01-01 06:30:00')).toBe(NEW);
    // WIT is +09: 2026-01-01 08:30 WIT is 2025-12-31T23:30Z; a later tz line replaces it.
    const s = session(service, 'lacak', 'tz wit');
    expect(holderAt(s, '198.51.100.70 2026-01-01 08:30:00')).toBe(OLD);
    expect(s.line('tz UTC', 4)).toBeNull();
    expect(holderAt(s, '198.51.100.70 2026-01-01 08:30:00', 5)).toBe(NEW);
    // A zone in the time itself wins over the tz line.
    expect(holderAt(s, '198.51.100.70 2026-01-01T08:30:00+09:00', 6)).toBe(OLD);
  });

  it('answers nothing to a tz line naming an unknown zone, and refuses the zoneless times after it', () => {
    const s = session(service, 'lacak');
    expect(s.line('tz Asia/Nowhere', 2)).toBeNull();
    expect(s.line('198.51.100.70 2026-01-01 06:30:00', 3)).toBe('Error: no ASN or IP match on line 3.');
    // Times with a zone are still answered.
    expect(holderAt(s, '198.51.100.70 2025-07-01T00:00:00Z', 4)).toBe(OLD);
    expect(s.line('198.51.100.70 2026-01-01 06:30:00 XYZ', 5)).toBe('Error: no ASN or IP match on line 5.');
  });

  it('answers a time the service refuses with the error line', () => {
    const s = session(service);
    expect(s.line('198.51.100.70 yesterday', 6)).toBe('Error: no ASN or IP match on line 6.');
    expect(s.line('198.51.100.70 2020-01-01T00:00:00Z', 7)).toBe('Error: no ASN or IP match on line 7.');
  });

  it('caps a session at its bulk lines, still answering every line once, in the form clients skip', () => {
    const s = new CymruSession(service, 2);
    expect(s.line('verbose', 2)).toBeNull();
    expect(s.line('tz WIB', 3)).toBeNull();
    expect(fields(s.line('198.51.100.41', 4))[0]).toBe('64497');
    expect(fields(s.line('198.51.100.41', 5))[0]).toBe('64497');
    expect(s.line('198.51.100.41', 6)).toBe('Error: no ASN or IP match on line 6. (limit: 2 lines per bulk session)');
    expect(s.line('', 7)).toBeNull();
  });

  it('answers an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    const s = session(service);
    expect(fields(s.line('::ffff:198.51.100.41', 2))).toEqual(['64497', '::ffff:198.51.100.41', '198.51.100.0/26', 'ID', 'CONTOHNET-AS-ID, ID']);
  });
});

// The sample routes cover every non-aligned holder, so the rules the sample cannot show are
// shown on a registry made for them.
describe('Team Cymru bulk mode: routes, holder blocks and AS names', () => {
  let reg: ReturnType<typeof tempRegistry>;
  let service: LookupService;

  const T1 = '2025-06-01T00:00:00Z';
  const T2 = '2026-01-01T00:00:00Z';

  const org = `organisation:   ORG-A1-IDNIC
org-name:       PT Alpha Nusantara
org-type:       OTHER
address:        Jakarta
e-mail:         noc@alpha.example
mnt-ref:        MAINT-IDNIC
mnt-by:         MAINT-IDNIC
source:         IDNIC
`;
  // 192.0.2.0 - 192.0.2.95 is 192.0.2.0/26 + 192.0.2.64/27.
  const inetnum = `inetnum:        192.0.2.0 - 192.0.2.95
netname:        ALPHA-NET
country:        ID
org:            ORG-A1-IDNIC
admin-c:        ADM1-IDNIC
tech-c:         ADM1-IDNIC
status:         ASSIGNED PORTABLE
mnt-by:         MAINT-IDNIC
source:         IDNIC
`;
  const autnum = (asName: string) => `aut-num:        AS64501
as-name:        ${asName}
descr:          PT Alpha Nusantara
country:        ID
org:            ORG-A1-IDNIC
admin-c:        ADM1-IDNIC
tech-c:         ADM1-IDNIC
mnt-by:         MAINT-IDNIC
source:         IDNIC
`;
  const autnumNoCountry = `aut-num:        AS64503
as-name:        GAMMA-AS
descr:          Gamma
admin-c:        ADM1-IDNIC
tech-c:         ADM1-IDNIC
mnt-by:         MAINT-IDNIC
source:         IDNIC
`;
  const route = (prefix: string, origin: string, source = 'IDNIC') => `route:          ${prefix}
descr:          route
origin:         ${origin}
mnt-by:         MAINT-IDNIC
source:         ${source}
`;

  beforeAll(async () => {
    reg = tempRegistry();
    // APNIC's route for the same /27 is imported first (a lower id): source order must decide.
    await importText(reg.db, reg.dir, route('192.0.2.32/27', 'AS64503', 'APNIC'), T1);
    await importText(
      reg.db,
      reg.dir,
      [
        org,
        inetnum,
        autnum('ALPHA-AS-ID'),
        autnumNoCountry,
        route('192.0.2.0/26', 'AS64502'),
        route('192.0.2.0/28', 'AS64501'),
        route('192.0.2.32/27', 'AS64501'),
        route('192.0.2.48/28', 'AS64503'),
      ].join('\n'),
      T1,
    );
    // Only the aut-num class changes at T2: the AS renamed itself.
    await importText(reg.db, reg.dir, [autnum('ALPHA-RENAMED-ID'), autnumNoCountry].join('\n'), T2);
    service = new LookupService(reg.db, testConfig(reg.path), quietLog);
  });
  afterAll(() => reg?.cleanup());

  it('gives a non-aligned holder no route covers as the CIDR block holding the address, and AS NA', () => {
    // ORG-A1-IDNIC has exactly one aut-num (AS64501): still NA, the AS is never guessed.
    const s = session(service, 'lacak');
    expect(fields(s.line('192.0.2.70', 3))).toEqual(['NA', '192.0.2.70', '192.0.2.64/27', 'ID', 'NA', 'PT Alpha Nusantara', 'NA', 'NA', 'ASSIGNED PORTABLE']);
    expect(fields(s.line('192.0.2.95', 4)).slice(0, 3)).toEqual(['NA', '192.0.2.95', '192.0.2.64/27']);
  });

  it('takes AS and prefix from the most specific covering route', () => {
    const s = session(service);
    expect(fields(s.line('192.0.2.5', 2))).toEqual(['64501', '192.0.2.5', '192.0.2.0/28', 'ID', 'ALPHA-RENAMED-ID, ID']);
    expect(fields(s.line('192.0.2.50', 3))).toEqual(['64503', '192.0.2.50', '192.0.2.48/28', 'ID', 'GAMMA-AS, NA']);
  });

  it('prints NA as AS Name for an AS with no aut-num object', () => {
    const s = session(service);
    expect(fields(s.line('192.0.2.20', 2))).toEqual(['64502', '192.0.2.20', '192.0.2.0/26', 'ID', 'NA']);
  });

  it('lets the earlier source win between equal routes', () => {
    const s = session(service);
    expect(fields(s.line('192.0.2.40', 2)).slice(0, 3)).toEqual(['64501', '192.0.2.40', '192.0.2.32/27']);
  });

  it('names the AS as its aut-num read at the instant of the answer', () => {
    const s = session(service, 'tz WIB');
    expect(fields(s.line('192.0.2.5 2025-07-01T00:00:00Z', 2))[4]).toBe('ALPHA-AS-ID, ID');
    expect(fields(s.line('192.0.2.5 2026-01-01 06:30:00', 3))[4]).toBe('ALPHA-AS-ID, ID');
    expect(fields(s.line('192.0.2.5 2026-01-01 07:30:00', 4))[4]).toBe('ALPHA-RENAMED-ID, ID');
    expect(fields(s.line('192.0.2.5', 5))[4]).toBe('ALPHA-RENAMED-ID, ID');
  });
});
