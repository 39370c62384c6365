// Team Cymru's bulk protocol on plain strings (DESIGN §4): one answer line per address line,
// fields split by `|` as python3-cymruwhois reads them, options that change the columns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupService } from '../../../src/query/service.js';
import { bulkBanner, CymruSession, isBulkBegin, isBulkEnd } from '../../../src/whois/cymru.js';
import { sampleService, type SampleService } from '../../helpers/sample-app.js';

const fields = (line: string | null) => (line ?? '').split('|').map((f) => f.trim());

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

  it('answers an address with the five default fields, the address echoed as sent', () => {
    const session = new CymruSession(service);
    for (const option of ['PREFIX', 'ASNUMBER', 'COUNTRYCODE', 'NOTRUNC']) expect(session.line(option, 2)).toBeNull();
    expect(fields(session.line('198.51.100.41', 6))).toEqual(['64497', '198.51.100.41', '198.51.100.40/30', 'ID', 'Koperasi Simpan Pinjam Contoh Makmur']);
    // Upper-case IPv6 comes back exactly as typed; the prefix is the holder's.
    expect(fields(session.line('2001:DB8:110:2A00::25', 7))).toEqual(['64497', '2001:DB8:110:2A00::25', '2001:db8:110:2a00::/56', 'ID', 'PT Graha Data Sentosa']);
    // A non-aligned range has no single prefix: the range is given instead.
    expect(fields(session.line('198.51.100.0', 8))[2]).toBe('198.51.100.0 - 198.51.100.95');
  });

  it('answers space nobody here holds with NA fields, and a bad line with its number', () => {
    const session = new CymruSession(service);
    expect(fields(session.line('8.8.8.8', 2))).toEqual(['NA', '8.8.8.8', 'NA', 'NA', 'NA']);
    expect(fields(session.line('10.1.2.3', 3))).toEqual(['NA', '10.1.2.3', 'NA', 'NA', 'NA']);
    expect(session.line('not-an-address', 4)).toBe('Error: no ASN or IP match on line 4.');
    expect(session.line('999.1.1.1', 5)).toBe('Error: no ASN or IP match on line 5.');
    expect(session.line('', 6)).toBeNull();
  });

  it('answers an AS number with AS | CC | AS Name', () => {
    const session = new CymruSession(service);
    expect(fields(session.line('AS64497', 2))).toEqual(['64497', 'ID', 'CONTOHNET-AS-ID']);
  });

  it('changes the columns with verbose, noasname and lacak', () => {
    const verbose = new CymruSession(service);
    verbose.line('verbose', 2);
    expect(fields(verbose.line('198.51.100.41', 3))).toEqual(['64497', '198.51.100.41', '198.51.100.40/30', 'ID', 'idnic', '2021-09-30', 'Koperasi Simpan Pinjam Contoh Makmur']);
    const bare = new CymruSession(service);
    bare.line('noasname', 2);
    expect(fields(bare.line('198.51.100.41', 3))).toHaveLength(4);
    const lacak = new CymruSession(service);
    lacak.line('lacak', 2);
    expect(fields(lacak.line('198.51.100.41', 3)).slice(5)).toEqual(['PT Contoh Jaringan Nusantara (ORG-CJN1-IDNIC)', 'abuse@solusiweb.example.com', 'ASSIGNED NON-PORTABLE']);
  });

  it('answers as the registry stood at a time given after the address', () => {
    const session = new CymruSession(service);
    expect(fields(session.line('198.51.100.70 2025-07-01T00:00:00Z', 2))[4]).toBe('PT Sinar Logistik Contoh');
    expect(fields(session.line('198.51.100.70', 3))[4]).toBe('PT Maju Bersama Agrindo');
    // Cymru's own way of writing it: date, time, GMT (or no zone, which means GMT).
    expect(fields(session.line('198.51.100.70 2025-07-01 00:00:00 GMT', 4))[4]).toBe('PT Sinar Logistik Contoh');
    expect(fields(session.line('198.51.100.70 2025-07-01 00:00:00', 5))[4]).toBe('PT Sinar Logistik Contoh');
    expect(session.line('198.51.100.70 yesterday', 6)).toBe('Error: no ASN or IP match on line 6.');
  });

  it('caps a session at its bulk lines, still answering every line once, in the form clients skip', () => {
    const session = new CymruSession(service, 2);
    expect(session.line('verbose', 2)).toBeNull();
    expect(fields(session.line('198.51.100.41', 3))[0]).toBe('64497');
    expect(fields(session.line('198.51.100.41', 4))[0]).toBe('64497');
    expect(session.line('198.51.100.41', 5)).toBe('Error: no ASN or IP match on line 5. (limit: 2 lines per bulk session)');
    expect(session.line('', 6)).toBeNull();
  });

  it('answers an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    const session = new CymruSession(service);
    expect(fields(session.line('::ffff:198.51.100.41', 2))).toEqual(['64497', '::ffff:198.51.100.41', '198.51.100.40/30', 'ID', 'Koperasi Simpan Pinjam Contoh Makmur']);
  });
});
