// Every kind of body lacak's RDAP can emit, validated against the project's RDAP schema
// (test/fixtures/rdap-schema, from RFC 9083) and, when LACAK_TEST_SHARED_DATA is set, ICANN's RDAP
// JSON schemas too: lookups, searches, relations, errors and help.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRdap } from '../../helpers/rdap-schema.js';
import { sampleApp, type SampleApp } from '../../helpers/sample-app.js';

let s: SampleApp;
beforeAll(async () => {
  s = await sampleApp();
});
afterAll(async () => s?.close());

const URLS: readonly [string, number][] = [
  ['/ip/198.51.100.41', 200],
  ['/ip/198.51.100.41:51234', 200],
  ['/ip/198.51.100.90', 200],
  ['/ip/198.51.100.165', 200],
  ['/ip/203.0.113.100', 200],
  ['/ip/198.51.100.110', 200],
  ['/ip/192.0.2.200', 301],
  ['/ip/192.0.2.200?at=2025-09-01T00:00:00Z', 200],
  ['/ip/192.0.2.70', 200],
  ['/ip/192.0.2.40', 200],
  ['/ip/198.51.100.100:1234', 200],
  ['/ip/198.51.100.70?at=2025-11-15T10:00:00&tz=WIB', 200],
  ['/ip/198.51.100.210?at=2025-09-01T00:00:00Z', 200],
  ['/ip/2001:db8:110:2a00::25', 200],
  ['/ip/198.51.100.0/24', 200],
  ['/ip/198.51.100.70?at=2025-09-01T00:00:00Z', 200],
  ['/autnum/64497', 200],
  ['/autnum/64501', 200],
  ['/autnum/64510', 200],
  ['/entity/ORG-CJN1-IDNIC', 200],
  ['/entity/RKS1-IDNIC', 200],
  ['/entity/MAINT-IDNIC', 200],
  ['/entity/IRT-KABELLAUT-ID', 200],
  ['/domain/100.51.198.in-addr.arpa', 200],
  ['/help', 200],
  ['/entities?fn=PT*', 200],
  ['/entities?handle=ORG-*&count=true&sort=registrationDate:d&fieldSet=brief', 200],
  ['/ips?name=CONTOHNET*&fieldSet=id', 200],
  ['/entities?handle=ORG-*&count=2', 400],
  ['/domains?name=100.51.198.in-addr.arpa', 200],
  ['/ips?name=CONTOHNET*', 200],
  ['/autnums?handle=AS6449*', 200],
  ['/ips/rirSearch1/rdap-down/198.51.100.0/24', 200],
  ['/autnums/rirSearch1/rdap-up/64497', 200],
  ['/ips/reverse_search/entity?handle=ORG-CJN1-IDNIC', 200],
  ['/ip/10.1.2.3', 404],
  ['/ip/198.51.100.300', 400],
  ['/ip/198.51.100.70?at=2020-01-01T00:00:00Z', 400],
  ['/entity/NOPE', 404],
  ['/entities?fn=*', 400],
  ['/nameserver/ns1.example.id', 501],
  ['/no/such/path', 404],
];

describe('RDAP bodies against the ICANN schemas', () => {
  it.each(URLS)('%s', async (url, status) => {
    const r = await s.app.inject({ url, headers: { accept: 'application/rdap+json' } });
    expect(r.statusCode).toBe(status);
    if (status === 301) return;
    const result = validateRdap(JSON.parse(r.body));
    expect(result.errors).toEqual([]);
  });

  it('in Bahasa Indonesia too', async () => {
    const r = await s.app.inject({ url: '/ip/198.51.100.41', headers: { 'accept-language': 'id' } });
    expect(validateRdap(JSON.parse(r.body)).errors).toEqual([]);
  });
});
