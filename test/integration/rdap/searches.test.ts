// RDAP searches on the sample registry: RFC 9082 §3.2, RFC 9910, RFC 9536, RFC 8977 paging
// (paging through many pages, sorting and RFC 8982 field sets: search-paging.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidRdap } from '../../helpers/rdap-schema.js';
import { sampleApp, type SampleApp } from '../../helpers/sample-app.js';

type Json = Record<string, any>;

let s: SampleApp;
beforeAll(async () => {
  s = await sampleApp();
});
afterAll(async () => s?.close());

async function get(url: string) {
  const r = await s.app.inject({ url });
  return { status: r.statusCode, body: JSON.parse(r.body) as Json };
}

const handles = (list: Json[]) => list.map((x) => x.handle as string);

describe('entity search', () => {
  it('finds organisations and roles by name with a trailing wildcard', async () => {
    const r = await get('/entities?fn=PT%20Contoh*');
    expect(r.status).toBe(200);
    expect(handles(r.body.entitySearchResults)).toEqual(['ORG-CJN1-IDNIC']);
    expectValidRdap(r.body, 'entities');
    // One page: nothing for paging_metadata to say (RFC 8977 §2); sorting and field sets apply.
    expect(r.body.rdapConformance).toEqual(expect.arrayContaining(['sorting', 'subsetting']));
    expect(r.body.rdapConformance).not.toContain('paging');
  });

  it('never matches person names for anonymous callers, but finds persons by handle', async () => {
    expect((await get('/entities?fn=Ratna*')).status).toBe(404);
    const byHandle = await get('/entities?handle=RKS1-IDNIC');
    expect(byHandle.status).toBe(200);
    expect(JSON.stringify(byHandle.body)).not.toContain('Ratna');
  });

  it('counts with count=true (RFC 8977 §2.1): the total, on one page of the server page size', async () => {
    const r = await get('/entities?handle=ORG-*&count=true');
    expect(r.status).toBe(200);
    expectValidRdap(r.body, 'entities');
    expect(r.body.paging_metadata).toEqual({ totalCount: r.body.entitySearchResults.length });
    expect(r.body.entitySearchResults.length).toBeGreaterThan(3);
    expect(r.body.rdapConformance).toContain('paging');
  });

  it('refuses bad patterns, cursors and counts with 400', async () => {
    for (const url of ['/entities', '/entities?fn=*', '/entities?fn=P*T', '/entities?fn=a&handle=b', '/entities?handle=X*&cursor=garbage', '/entities?handle=ORG-*&count=3', '/entities?handle=X*&count=-5']) {
      const r = await get(url);
      expect(r.status, url).toBe(400);
      expect(r.body.errorCode).toBe(400);
      expectValidRdap(r.body, 'error');
    }
  });
});

describe('network and autnum searches (RFC 9910)', () => {
  it('finds networks by name and by handle', async () => {
    expect(handles((await get('/ips?name=CONTOHNET*')).body.ipSearchResults)).toEqual(['198.51.100.0 - 198.51.100.95', '2001:db8:100::/40']);
    const r = await get('/ips?handle=198.51.100.32%20-%20198.51.100.47');
    expect(handles(r.body.ipSearchResults)).toEqual(['198.51.100.32 - 198.51.100.47']);
    expect(r.body.rdapConformance).toEqual(expect.arrayContaining(['rirSearch1', 'ips', 'ipSearchResults']));
  });

  it('walks the tree with rdap-up, rdap-down, rdap-top and rdap-bottom', async () => {
    const down = await get('/ips/rirSearch1/rdap-down/198.51.100.0/24');
    expect(handles(down.body.ipSearchResults)).toEqual([
      '198.51.100.0 - 198.51.100.95',
      '198.51.100.96 - 198.51.100.103',
      '198.51.100.128 - 198.51.100.191',
      '198.51.100.192 - 198.51.100.239',
    ]);
    expect(handles((await get('/ips/rirSearch1/rdap-up/198.51.100.32/28')).body.ipSearchResults)).toEqual(['198.51.100.16 - 198.51.100.63']);
    expect(handles((await get('/ips/rirSearch1/rdap-top/198.51.100.41')).body.ipSearchResults)).toEqual(['198.51.100.0 - 198.51.100.255']);
    expect(handles((await get('/ips/rirSearch1/rdap-bottom/198.51.100.41')).body.ipSearchResults)).toEqual(['198.51.100.40 - 198.51.100.43']);
    expect((await get('/ips/rirSearch1/rdap-sideways/198.51.100.41')).status).toBe(400);
    expect((await get('/ips/rirSearch1/rdap-down/198.51.100.40/30')).status).toBe(404);
  });

  it('finds aut-nums by name and walks AS blocks', async () => {
    expect(handles((await get('/autnums?name=CONTOHNET*')).body.autnumSearchResults)).toEqual(['AS64497']);
    expect(handles((await get('/autnums/rirSearch1/rdap-up/64497')).body.autnumSearchResults)).toEqual(['AS64496 - AS64503']);
    expect(handles((await get('/autnums/rirSearch1/rdap-top/64497')).body.autnumSearchResults)).toEqual(['AS64496 - AS64511']);
  });

  it('lists every network of an organisation (RFC 9536 reverse search)', async () => {
    const r = await get('/ips/reverse_search/entity?handle=ORG-CJN1-IDNIC&role=registrant');
    expect(handles(r.body.ipSearchResults)).toEqual(['198.51.100.0 - 198.51.100.95', '2001:db8:100::/40']);
    expect(r.body.rdapConformance).toContain('reverse_search');
    expect((await get('/ips/reverse_search/entity?handle=ORG-CJN1-IDNIC&role=owner')).status).toBe(400);
  });

  it('finds reverse domains by name', async () => {
    expect(handles((await get('/domains?name=100.51.198.in-addr.arpa')).body.domainSearchResults)).toEqual(['100.51.198.in-addr.arpa']);
  });

  it('answers a domain search in the id field set with the domain name as its key (RFC 8982 §4)', async () => {
    const r = await get('/domains?name=100.51.198.in-addr.arpa&fieldSet=id');
    expect(r.status).toBe(200);
    expectValidRdap(r.body, 'domains');
    expect(r.body.domainSearchResults).toEqual([
      { objectClassName: 'domain', ldhName: '100.51.198.in-addr.arpa', links: [expect.objectContaining({ rel: 'self', href: 'https://rdap.lacak.example/domain/100.51.198.in-addr.arpa' })] },
    ]);
    expect(r.body.sorting_metadata.availableSorts.map((x: Json) => x.property)).toEqual(['name', 'registrationDate', 'lastChangedDate']);
  });
});
