// The RDAP schema helper in its two layers.
// The project schema (test/fixtures/rdap-schema/, written from RFC 9083) must accept every kind
// of answer lacak sends and reject what RFC 9083 and the extensions lacak uses forbid. Its tests
// use bodies written here, in documentation address space, and run in every clone.
// ICANN's schemas are the stricter layer, present only with LACAK_TEST_SHARED_DATA (they state no
// licence, and the real RIR responses they are tested on carry RIR terms and personal data). The
// expectations for those responses follow the shared data's rdap-schemas/AJV-RESULTS.txt, which
// was produced with accept-all registry formats: where the real IANA registries catch more, the
// test says so.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EXTENSION_OF_MEMBER,
  ICANN_SCHEMAS_PRESENT,
  RFC_BEYOND_SCHEMA,
  RFC_OVER_SCHEMA,
  expectValidRdap,
  validateRdap,
  validateWithIcannSchemas,
  validateWithProjectSchema,
  type RdapKind,
} from '../helpers/rdap-schema.js';
import { SHARED_DATA, withoutSharedData } from '../helpers/shared-data.js';

type Json = Record<string, any>;

// ---- bodies of every kind, as lacak shapes them ----------------------------------------------

const BASE = 'https://rdap.registry.example/';
const PORT43 = 'whois.registry.example';

function link(rel: string, path: string, context = 'ip/192.0.2.7'): Json {
  return { value: `${BASE}${context}`, rel, href: `${BASE}${path}`, type: 'application/rdap+json' };
}

function events(): Json[] {
  return [
    { eventAction: 'registration', eventDate: '2019-03-12T04:15:51Z' },
    { eventAction: 'last changed', eventDate: '2021-09-30T12:02:08+07:00' },
  ];
}

function jcard(name: string, kind: string): unknown[] {
  return [
    'vcard',
    [
      ['version', {}, 'text', '4.0'],
      ['fn', {}, 'text', name],
      ['kind', {}, 'text', kind],
      ['adr', { label: 'Jl. Contoh Sudirman No. 1\nJakarta 10220' }, 'text', ['', '', '', '', '', '', '']],
      ['tel', { type: ['work', 'voice'], pref: '1' }, 'uri', 'tel:+62-21-555-0100'],
      ['email', {}, 'text', 'noc@registry.example'],
      ['lang', { pref: '1' }, 'language-tag', 'id'],
    ],
  ];
}

function entity(handle: string, roles: string[], kind = 'org'): Json {
  return {
    objectClassName: 'entity',
    handle,
    vcardArray: jcard(`${handle} holder`, kind),
    roles,
    remarks: [{ title: 'remarks', description: ['Abuse reports with full headers, please.'] }],
    links: [link('self', `entity/${handle}`)],
    events: events(),
    port43: PORT43,
  };
}

function notices(): Json[] {
  return [
    { title: 'Terms of Use', description: ['Registration data of the registry.'], links: [link('terms-of-service', 'help')] },
    { title: 'Source', description: ['IDNIC snapshot 2026-01-01T00:00:00Z, import 2.'] },
  ];
}

/** A topmost IPv4 network with everything lacak may put in one. */
function ipNetwork(): Json {
  return {
    rdapConformance: ['rdap_level_0', 'cidr0', 'rirSearch1', 'redacted'],
    objectClassName: 'ip network',
    handle: '192.0.2.0 - 192.0.2.255',
    startAddress: '192.0.2.0',
    endAddress: '192.0.2.255',
    ipVersion: 'v4',
    name: 'CONTOH-NET',
    type: 'ASSIGNED PORTABLE',
    country: 'ID',
    parentHandle: '192.0.0.0 - 192.0.3.255',
    status: ['active'],
    cidr0_cidrs: [{ v4prefix: '192.0.2.0', length: 24 }],
    entities: [entity('ORG-CT1-IDNIC', ['registrant']), entity('CT1-IDNIC', ['administrative', 'technical'], 'individual')],
    remarks: [{ title: 'description', description: ['Contoh network', 'Jakarta'] }],
    links: [link('self', 'ip/192.0.2.0/24'), link('up', 'ip/192.0.0.0/22'), link('rdap-top rdap-active', 'ips/rirSearch1/rdap-top/192.0.2.0/24')],
    events: events(),
    port43: PORT43,
    redacted: [
      {
        name: { type: 'Registrant Phone' },
        prePath: "$.entities[1].vcardArray[1][?(@[0]=='tel')]",
        method: 'removal',
        reason: { description: 'Personal data, shown only to those entitled to it' },
      },
      { name: { description: 'Registrant name' }, postPath: "$.entities[1].vcardArray[1][?(@[0]=='fn')][3]", pathLang: 'jsonpath', method: 'emptyValue' },
    ],
    notices: notices(),
    lang: 'en',
  };
}

function ipv6Network(): Json {
  return {
    rdapConformance: ['rdap_level_0', 'cidr0'],
    objectClassName: 'ip network',
    handle: '2001:db8::/32',
    startAddress: '2001:db8::',
    endAddress: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
    ipVersion: 'v6',
    name: 'CONTOH-V6',
    status: ['active'],
    cidr0_cidrs: [{ v6prefix: '2001:db8::', length: 32 }],
    links: [link('self', 'ip/2001:db8::/32', 'ip/2001:db8::1')],
    port43: '2001:db8::43',
  };
}

function autnum(): Json {
  return {
    rdapConformance: ['rdap_level_0'],
    objectClassName: 'autnum',
    handle: 'AS64496',
    startAutnum: 64496,
    endAutnum: 64496,
    name: 'CONTOH-AS',
    type: 'DIRECT ALLOCATION',
    status: ['active'],
    country: 'ID',
    entities: [entity('ORG-CT1-IDNIC', ['registrant'])],
    links: [link('self', 'autnum/64496', 'autnum/64496')],
    events: events(),
    port43: '192.0.2.43',
    notices: notices(),
  };
}

/** Strips what only a topmost object carries, as a nested or listed object must be. */
function nested(body: Json): Json {
  const { rdapConformance: _c, notices: _n, redacted: _r, lang: _l, ...rest } = body;
  return rest;
}

function entityLookup(): Json {
  return {
    rdapConformance: ['rdap_level_0', 'cidr0'],
    ...entity('ORG-CT1-IDNIC', ['registrant', 'sponsor']),
    publicIds: [{ type: 'IANA Registrar ID', identifier: '9999' }],
    asEventActor: [{ eventAction: 'last changed', eventDate: '2024-02-01T00:00:00Z' }],
    entities: [entity('CA1-IDNIC', ['abuse'], 'group')],
    networks: [nested(ipNetwork()), nested(ipv6Network())],
    autnums: [nested(autnum())],
    notices: notices(),
    lang: 'id',
  };
}

function reverseDomain(): Json {
  return {
    rdapConformance: ['rdap_level_0', 'cidr0'],
    objectClassName: 'domain',
    handle: '2.0.192.in-addr.arpa',
    ldhName: '2.0.192.in-addr.arpa',
    nameservers: [
      { objectClassName: 'nameserver', ldhName: 'ns1.registry.example', ipAddresses: { v4: ['192.0.2.53'], v6: ['2001:db8::53'] } },
      { objectClassName: 'nameserver', ldhName: 'ns2.registry.example.' },
    ],
    secureDNS: { zoneSigned: true, delegationSigned: true, maxSigLife: 604800, dsData: [{ keyTag: 12345, algorithm: 13, digestType: 2, digest: '0A1B2C3D4E5F' }] },
    network: nested(ipNetwork()),
    entities: [entity('ORG-CT1-IDNIC', ['registrant'])],
    links: [link('self', 'domain/2.0.192.in-addr.arpa', 'domain/2.0.192.in-addr.arpa')],
    events: events(),
    port43: PORT43,
  };
}

function nameserver(): Json {
  return { rdapConformance: ['rdap_level_0'], objectClassName: 'nameserver', ldhName: 'ns1.registry.example', status: ['active'] };
}

function errorBody(): Json {
  return { rdapConformance: ['rdap_level_0'], errorCode: 404, title: 'Not Found', description: ['No network covers 198.51.100.1'], notices: notices(), lang: 'en' };
}

function help(): Json {
  return {
    rdapConformance: ['rdap_level_0', 'reverse_search'],
    notices: [...notices(), { title: 'Paging', description: ['Searches answer 50 objects a page.'] }],
    reverse_search_properties: [{ searchableResource: 'ips', relatedResource: 'entity', property: 'handle', propertyPath: '$.entities[*].handle' }],
    lang: 'en',
  };
}

/** A search answer with RFC 8977 paging and sorting and RFC 8982 field sets. */
function search(member: string, results: Json[], path: string): Json {
  const url = (query: string) => ({ ...link('next', `${path}?${query}`, `${path}?name=CONTOH*`) });
  return {
    rdapConformance: ['rdap_level_0', 'cidr0', 'paging', 'sorting', 'subsetting', 'redacted', 'rirSearch1', 'ips', 'ipSearchResults', 'autnums', 'autnumSearchResults'],
    [member]: results,
    paging_metadata: { totalCount: 3, pageSize: 2, pageNumber: 1, links: [url('name=CONTOH*&cursor=AbC1')] },
    sorting_metadata: {
      currentSort: 'name',
      availableSorts: [
        { property: 'name', jsonPath: `$.${member}[*].name`, default: true, links: [{ ...url('name=CONTOH*&sort=name'), rel: 'alternate' }] },
        { property: 'registrationDate', jsonPath: `$.${member}[*].events[?(@.eventAction=='registration')].eventDate`, default: false },
      ],
    },
    subsetting_metadata: {
      currentFieldSet: 'brief',
      availableFieldSets: [
        { name: 'id', default: false, description: 'Only the identifying members', links: [{ ...url('name=CONTOH*&fieldSet=id'), rel: 'alternate' }] },
        { name: 'brief', default: false },
        { name: 'full', default: true },
      ],
    },
    redacted: [{ name: { type: 'Registrant Phone' }, prePath: `$.${member}[0].entities[0].vcardArray[1][?(@[0]=='tel')]`, method: 'removal' }],
    notices: notices(),
    lang: 'en',
  };
}

const ipSearch = () => search('ipSearchResults', [nested(ipNetwork()), nested(ipv6Network())], 'ips');
const autnumSearch = () => search('autnumSearchResults', [nested(autnum())], 'autnums');
const entitySearch = () => search('entitySearchResults', [nested(entityLookup())], 'entities');
const domainSearch = () => search('domainSearchResults', [nested(reverseDomain())], 'domains');

function projectErrors(body: unknown, kind?: RdapKind): string[] {
  const result = validateWithProjectSchema(body, kind);
  expect(result.valid).toBe(result.errors.length === 0);
  return result.errors;
}

function mutated(make: () => Json, change: (body: Json) => void): Json {
  const body = make();
  change(body);
  return body;
}

// ---- the project schema ----------------------------------------------------------------------

describe('the project schema accepts every kind of answer', () => {
  it.each<[string, () => Json, RdapKind]>([
    ['IPv4 network', ipNetwork, 'ip network'],
    ['IPv6 network', ipv6Network, 'ip network'],
    ['autnum', autnum, 'autnum'],
    ['entity with networks, autnums and asEventActor', entityLookup, 'entity'],
    ['reverse domain with nameservers, DS data and its network', reverseDomain, 'domain'],
    ['nameserver', nameserver, 'nameserver'],
    ['error', errorBody, 'error'],
    ['help with reverse search properties', help, 'help'],
    ['ip search with paging, sorting and field sets', ipSearch, 'ip networks'],
    ['autnum search', autnumSearch, 'autnums'],
    ['entity search', entitySearch, 'entities'],
    ['domain search', domainSearch, 'domains'],
  ])('%s', (_what, make, kind) => {
    expect(projectErrors(make())).toEqual([]);
    expect(projectErrors(make(), kind)).toEqual([]);
  });

  it('lang on any object and in any data structure but jCard (RFC 9083 §4.4)', () => {
    const body = ipNetwork();
    body['remarks'][0].lang = 'id';
    body['links'][0].lang = 'en-US';
    body['events'][0].lang = 'zh-Hant-TW';
    body['entities'][0].lang = 'id';
    expect(projectErrors(body)).toEqual([]);
  });

  it('answers without the optional members', () => {
    expect(projectErrors({ rdapConformance: ['rdap_level_0'], objectClassName: 'ip network' })).toEqual([]);
    expect(projectErrors({ rdapConformance: ['rdap_level_0'], errorCode: 400 })).toEqual([]);
    expect(projectErrors({ rdapConformance: ['rdap_level_0'] }, 'help')).toEqual([]);
    expect(projectErrors({ rdapConformance: ['rdap_level_0'], entitySearchResults: [] })).toEqual([]);
    const { vcardArray: _v, ...withoutCard } = entity('X1-IDNIC', ['abuse']);
    expect(projectErrors({ rdapConformance: ['rdap_level_0'], ...withoutCard })).toEqual([]);
  });

  it('infers the kind from the body', () => {
    expect(projectErrors({ rdapConformance: ['rdap_level_0'], errorCode: 'x' })).toEqual(['/errorCode must be integer, got "x"']);
    expect(projectErrors({ rdapConformance: ['rdap_level_0'], domainSearchResults: [{ objectClassName: 'entity' }] })).toEqual([
      '/domainSearchResults/0/objectClassName must be equal to constant ("domain"), got "entity"',
    ]);
    expect(projectErrors({ rdapConformance: ['rdap_level_0'], surprise: 1 })).toEqual(['/ must NOT have additional properties (surprise)']);
  });
});

describe('the project schema rejects what RFC 9083 forbids', () => {
  it('a body missing objectClassName (§4.9)', () => {
    expect(projectErrors(mutated(ipNetwork, (b) => delete b['objectClassName']), 'ip network')).toEqual([
      "/ must have required property 'objectClassName'",
    ]);
    expect(projectErrors(mutated(ipNetwork, (b) => delete b['entities'][0].objectClassName))).toEqual([
      "/entities/0 must have required property 'objectClassName'",
    ]);
  });

  it('a body of another class than asked for', () => {
    expect(projectErrors(autnum(), 'ip network')).toEqual([
      '/ must NOT have additional properties (startAutnum)',
      '/ must NOT have additional properties (endAutnum)',
      '/objectClassName must be equal to constant ("ip network"), got "autnum"',
    ]);
  });

  it('an event action outside the registry (§10.2.3), and an event without a date', () => {
    expect(projectErrors(mutated(ipNetwork, (b) => (b['events'][0].eventAction = 'created')))).toEqual([
      '/events/0/eventAction must be equal to one of the allowed values, got "created"',
    ]);
    expect(projectErrors(mutated(ipNetwork, (b) => delete b['events'][1].eventDate))).toEqual(["/events/1 must have required property 'eventDate'"]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['events'][1].eventDate = '2021-09-30')))).toEqual([
      '/events/1/eventDate must match format "date-time", got "2021-09-30"',
    ]);
  });

  it('asEventActor events name no actor: the entity is the actor (§5.1)', () => {
    expect(projectErrors(mutated(entityLookup, (b) => (b['asEventActor'][0].eventActor = 'someone')))).toEqual([
      '/asEventActor/0/eventActor must not appear here',
    ]);
  });

  it('a link without href, value or rel (§4.2), or of an unknown relation or media type', () => {
    expect(projectErrors(mutated(ipNetwork, (b) => delete b['links'][0].href))).toEqual(["/links/0 must have required property 'href'"]);
    expect(projectErrors(mutated(ipNetwork, (b) => delete b['notices'][0].links[0].value))).toEqual(["/notices/0/links/0 must have required property 'value'"]);
    expect(projectErrors(mutated(ipNetwork, (b) => delete b['entities'][0].links[0].rel))).toEqual(["/entities/0/links/0 must have required property 'rel'"]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['links'][1].rel = 'parent')))).toEqual([
      '/links/1/rel must be link relation types the schema lists (RFC 8288 §3.3, RFC 9910), got "parent"',
    ]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['links'][1].type = 'json')))).toEqual(['/links/1/type must be a media type (RFC 6838), got "json"']);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['links'][1].href = 'not a uri')))).toEqual(['/links/1/href must match format "uri", got "not a uri"']);
  });

  it('an error body whose errorCode is a string, or missing (§6)', () => {
    expect(projectErrors({ ...errorBody(), errorCode: '404' })).toEqual(['/errorCode must be integer, got "404"']);
    expect(projectErrors({ ...errorBody(), errorCode: 200 })).toEqual(['/errorCode must be >= 400']);
    const { errorCode: _dropped, ...noCode } = errorBody();
    expect(projectErrors(noCode, 'error')).toEqual(["/ must have required property 'errorCode'"]);
    expect(projectErrors({ ...errorBody(), description: 'Not found' })).toEqual(['/description must be array, got "Not found"']);
  });

  it('a notice or remark without description, or of an unregistered type (§4.3, §10.2.1)', () => {
    expect(projectErrors(mutated(ipNetwork, (b) => delete b['notices'][1].description))).toEqual(["/notices/1 must have required property 'description'"]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['remarks'][0].type = 'object truncated due to server policy')))).toEqual([
      '/remarks/0/type must be equal to one of the allowed values, got "object truncated due to server policy"',
    ]);
  });

  it('status values and roles outside the registries (§10.2.2, §10.2.4)', () => {
    expect(projectErrors(mutated(ipNetwork, (b) => (b['status'] = ['allocated'])))).toEqual([
      '/status/0 must be equal to one of the allowed values, got "allocated"',
    ]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['entities'][0].roles = ['owner'])))).toEqual([
      '/entities/0/roles/0 must be equal to one of the allowed values, got "owner"',
    ]);
  });

  it('rdapConformance: present, topmost only, naming rdap_level_0 and registered extensions (§4.1)', () => {
    const { rdapConformance: _dropped, ...none } = autnum();
    expect(projectErrors(none)).toEqual(["/ must have required property 'rdapConformance'"]);
    expect(projectErrors({ ...ipv6Network(), rdapConformance: ['cidr0'] })).toEqual(['/rdapConformance must contain at least 1 valid item(s)']);
    expect(projectErrors({ ...ipv6Network(), rdapConformance: ['rdap_level_0', 'cidr0', 'cidr_0'] })).toEqual([
      '/rdapConformance/2 must be equal to one of the allowed values, got "cidr_0"',
    ]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['entities'][0].rdapConformance = ['rdap_level_0'])))).toEqual([
      '/entities/0/rdapConformance must not appear here: only in the topmost object (RFC 9083 §4.1, §4.3; RFC 9537)',
    ]);
    expect(projectErrors(mutated(ipSearch, (b) => (b['ipSearchResults'][0].notices = notices())))).toEqual([
      '/ipSearchResults/0/notices must not appear here: only in the topmost object (RFC 9083 §4.1, §4.3; RFC 9537)',
    ]);
  });

  it('an unknown member, at the top or nested', () => {
    expect(projectErrors({ ...ipNetwork(), lacak_source: 'IDNIC' })).toEqual(['/ must NOT have additional properties (lacak_source)']);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['entities'][1].legalRepresentative = 'x')))).toEqual([
      '/entities/1 must NOT have additional properties (legalRepresentative)',
    ]);
    expect(projectErrors({ ...ipNetwork(), paging_metadata: { pageSize: 1 }, rdapConformance: ['rdap_level_0', 'cidr0', 'redacted', 'paging'] })).toEqual([
      '/ must NOT have additional properties (paging_metadata)',
    ]);
  });

  it('addresses of the wrong family, and country codes that are not ISO 3166 alpha-2 (§5.4)', () => {
    expect(projectErrors(mutated(ipNetwork, (b) => (b['endAddress'] = '2001:db8::ff')))).toEqual([
      '/endAddress must match format "ipv4", got "2001:db8::ff"',
    ]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['startAddress'] = '192.0.2.256')))).toContain(
      '/startAddress must match a schema in anyOf, got "192.0.2.256"',
    );
    expect(projectErrors(mutated(ipNetwork, (b) => (b['ipVersion'] = '4')))).toEqual([
      '/ipVersion must be equal to one of the allowed values (["v4","v6"]), got "4"',
    ]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['country'] = 'id')))).toEqual(['/country must match pattern "^[A-Z]{2}$", got "id"']);
    expect(projectErrors(mutated(autnum, (b) => (b['country'] = 'IDN')))).toEqual(['/country must match pattern "^[A-Z]{2}$", got "IDN"']);
  });

  it('AS numbers outside 32 bits (§5.5)', () => {
    expect(projectErrors(mutated(autnum, (b) => (b['endAutnum'] = 4294967296)))).toEqual(['/endAutnum must be <= 4294967295']);
    expect(projectErrors(mutated(autnum, (b) => (b['startAutnum'] = 'AS64496')))).toEqual(['/startAutnum must be integer, got "AS64496"']);
  });

  it('port43 that is neither a host name nor an IP address (§4.7)', () => {
    expect(projectErrors({ ...ipv6Network(), port43: 'whois registry' })).toEqual(['/port43 must match a schema in anyOf, got "whois registry"']);
  });

  it('lang that is not a language tag (§4.4)', () => {
    expect(projectErrors({ ...ipNetwork(), lang: 'en_US' })).toEqual(['/lang must be a language tag (RFC 5646), got "en_US"']);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['remarks'][0].lang = 7)))).toEqual(['/remarks/0/lang must be string, got 7']);
  });

  it('network only on a reverse DNS domain (§5.3)', () => {
    expect(projectErrors({ ...reverseDomain(), ldhName: 'registry.example' })).toEqual([
      '/ldhName must be under in-addr.arpa or ip6.arpa to carry "network" (RFC 9083 §5.3), got "registry.example"',
    ]);
    expect(projectErrors({ ...reverseDomain(), ldhName: '2.0.192.IN-ADDR.ARPA.' })).toEqual([]);
  });

  it('a body that is not a JSON object', () => {
    expect(projectErrors([ipNetwork()])).toEqual(['/ must be a JSON object (RFC 9083 §2)']);
    expect(projectErrors(null)).toEqual(['/ must be a JSON object (RFC 9083 §2)']);
  });
});

describe('the project schema checks jCard as RFC 7095 and RFC 6350 fix it', () => {
  const withCard = (change: (properties: unknown[][]) => void) =>
    projectErrors(mutated(entityLookup, (b) => change(b['vcardArray'][1] as unknown[][])));

  it('FN present, VERSION present once and "4.0"', () => {
    expect(withCard((p) => p.splice(1, 1))).toEqual(['/vcardArray/1 must contain at least 1 valid item(s)']);
    expect(withCard((p) => p.splice(0, 1))).toEqual(['/vcardArray/1 must contain at least 1 and no more than 1 valid item(s)']);
    expect(withCard((p) => p.push(['version', {}, 'text', '4.0']))).toEqual(['/vcardArray/1 must contain at least 1 and no more than 1 valid item(s)']);
    expect(withCard((p) => (p[0]![3] = 4))).toEqual(['/vcardArray/1/0/3 must match a schema in anyOf, got 4', '/vcardArray/1/0/3 must be equal to constant ("4.0"), got 4']);
  });

  it('the jCard frame: "vcard" and one array of properties', () => {
    expect(projectErrors(mutated(entityLookup, (b) => (b['vcardArray'][0] = 'vcard4')))).toEqual([
      '/vcardArray/0 must be equal to constant ("vcard"), got "vcard4"',
    ]);
    expect(projectErrors(mutated(entityLookup, (b) => (b['vcardArray'][1] = {})))).toEqual(['/vcardArray/1 must be array, got {}']);
    expect(projectErrors(mutated(entityLookup, (b) => b['vcardArray'].push([])))).toEqual(['/vcardArray must NOT have more than 2 items']);
  });

  it('properties: lower-case names and parameters, a known value type, a value', () => {
    expect(withCard((p) => (p[5]![0] = 'EMAIL'))).toEqual(['/vcardArray/1/5/0 must match pattern "^[a-z0-9-]+$", got "EMAIL"']);
    expect(withCard((p) => (p[4]![1] = { TYPE: 'work' }))).toEqual([
      '/vcardArray/1/4/1 must match pattern "^[a-z0-9-]+$", got "TYPE"',
      '/vcardArray/1/4/1 property name must be valid',
    ]);
    expect(withCard((p) => (p[4]![1] = { pref: 1 }))).toEqual(['/vcardArray/1/4/1/pref must match a schema in anyOf, got 1']);
    expect(withCard((p) => p.push(['x-note', {}, 'string', 'a']))).toEqual(['/vcardArray/1/7/2 must be equal to one of the allowed values, got "string"']);
    expect(withCard((p) => (p[5]![2] = 'uri'))).toEqual(['/vcardArray/1/5/2 must be equal to constant ("text"), got "uri"']);
    expect(withCard((p) => p[5]!.splice(3, 1))).toEqual(['/vcardArray/1/5 must NOT have fewer than 4 items']);
  });

  it('values shaped as their property needs', () => {
    expect(withCard((p) => (p[2]![3] = 'person'))).toEqual([
      '/vcardArray/1/2/3 must be equal to one of the allowed values (["individual","group","org","location","application"]), got "person"',
    ]);
    expect(withCard((p) => (p[3]![3] = ['', '', '', '', '', '']))).toEqual(['/vcardArray/1/3/3 must NOT have fewer than 7 items']);
    expect(withCard((p) => (p[3]![3] = null))).toEqual(['/vcardArray/1/3/3 must match a schema in anyOf, got null', '/vcardArray/1/3/3 must be array, got null']);
    expect(withCard((p) => (p[5]![3] = 'noc at registry.example'))).toEqual([
      '/vcardArray/1/5/3 must match pattern "^[^@\\s]+@[^@\\s]+$", got "noc at registry.example"',
    ]);
    expect(withCard((p) => (p[1]![3] = ['Contoh', 'Holder']))).toEqual(['/vcardArray/1/1/3 must be string, got ["Contoh","Holder"]']);
    expect(withCard((p) => p.push(['x-count', {}, 'integer', 'three']))).toEqual(['/vcardArray/1/7/3 must be integer, got "three"']);
  });
});

describe('extension members only where the response declares the extension (RFC 9083 §4.1)', () => {
  it('covers every member the schema defines for an extension', () => {
    expect(Object.keys(EXTENSION_OF_MEMBER).sort()).toEqual([
      'cidr0_cidrs',
      'paging_metadata',
      'redacted',
      'reverse_search_properties',
      'reverse_search_properties_mapping',
      'sorting_metadata',
      'subsetting_metadata',
    ]);
  });

  it('cidr0_cidrs, wherever the network sits', () => {
    const undeclare = (b: Json) => (b['rdapConformance'] = b['rdapConformance'].filter((e: string) => e !== 'cidr0'));
    expect(projectErrors(mutated(ipNetwork, undeclare))).toEqual(['/cidr0_cidrs needs "cidr0" in rdapConformance (RFC 9083 §4.1)']);
    expect(projectErrors(mutated(entityLookup, undeclare))).toEqual([
      '/networks/0/cidr0_cidrs needs "cidr0" in rdapConformance (RFC 9083 §4.1)',
      '/networks/1/cidr0_cidrs needs "cidr0" in rdapConformance (RFC 9083 §4.1)',
    ]);
    expect(projectErrors(mutated(reverseDomain, undeclare))).toEqual(['/network/cidr0_cidrs needs "cidr0" in rdapConformance (RFC 9083 §4.1)']);
  });

  it.each([
    ['redacted', 'redacted'],
    ['paging_metadata', 'paging'],
    ['sorting_metadata', 'sorting'],
    ['subsetting_metadata', 'subsetting'],
  ])('%s needs %s', (member, extension) => {
    const body = mutated(ipSearch, (b) => (b['rdapConformance'] = b['rdapConformance'].filter((e: string) => e !== extension)));
    expect(projectErrors(body)).toEqual([`/${member} needs "${extension}" in rdapConformance (RFC 9083 §4.1)`]);
  });

  it('reverse_search_properties needs reverse_search', () => {
    expect(projectErrors({ ...help(), rdapConformance: ['rdap_level_0'] })).toEqual([
      '/reverse_search_properties needs "reverse_search" in rdapConformance (RFC 9083 §4.1)',
    ]);
  });

  it('a declared extension does not license its member on the wrong object', () => {
    expect(projectErrors(mutated(ipNetwork, (b) => (b['entities'][0].cidr0_cidrs = [{ v4prefix: '192.0.2.0', length: 24 }])))).toEqual([
      '/entities/0 must NOT have additional properties (cidr0_cidrs)',
    ]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['entities'][0].redacted = [])))).toEqual([
      '/entities/0/redacted must not appear here: only in the topmost object (RFC 9083 §4.1, §4.3; RFC 9537)',
    ]);
  });
});

describe('the shapes of the extension members', () => {
  it('cidr0_cidrs: one family per block, lengths in range', () => {
    expect(projectErrors(mutated(ipNetwork, (b) => (b['cidr0_cidrs'] = [{ v4prefix: '192.0.2.0', length: 33 }])))).toEqual([
      '/cidr0_cidrs/0 must match exactly one schema in oneOf, got {"v4prefix":"192.0.2.0","length":33}',
    ]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['cidr0_cidrs'] = [{ v6prefix: '2001:db8::', length: 32 }])))).toEqual([
      "/cidr0_cidrs/0 must have required property 'v4prefix'",
    ]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['cidr0_cidrs'] = [{ v4prefix: '192.0.2.0', v6prefix: '2001:db8::', length: 24 }])))).toContain(
      '/cidr0_cidrs/0 must match exactly one schema in oneOf, got {"v4prefix":"192.0.2.0","v6prefix":"2001:db8::","length":24}',
    );
  });

  it('redacted (RFC 9537): a name, a known method, JSONPath paths', () => {
    expect(projectErrors(mutated(ipNetwork, (b) => delete b['redacted'][0].name))).toEqual(["/redacted/0 must have required property 'name'"]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['redacted'][0].name = {})))).toEqual(['/redacted/0/name must match a schema in anyOf, got {}']);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['redacted'][0].method = 'blanked')))).toEqual([
      '/redacted/0/method must be equal to one of the allowed values (["removal","emptyValue","partialValue","replacementValue"]), got "blanked"',
    ]);
    expect(projectErrors(mutated(ipNetwork, (b) => (b['redacted'][1].postPath = 'entities[1]')))).toEqual([
      '/redacted/1/postPath must match pattern "^\\$", got "entities[1]"',
    ]);
  });

  it('paging_metadata (RFC 8977): counts are whole numbers, pages start at 1', () => {
    expect(projectErrors(mutated(ipSearch, (b) => (b['paging_metadata'].totalCount = '3')))).toEqual(['/paging_metadata/totalCount must be integer, got "3"']);
    expect(projectErrors(mutated(ipSearch, (b) => (b['paging_metadata'].pageNumber = 0)))).toEqual(['/paging_metadata/pageNumber must be >= 1']);
    expect(projectErrors(mutated(ipSearch, (b) => (b['paging_metadata'].cursor = 'AbC1')))).toEqual([
      '/paging_metadata must NOT have additional properties (cursor)',
    ]);
  });

  it('sorting_metadata (RFC 8977): each available sort has a property and says whether it is the default', () => {
    expect(projectErrors(mutated(ipSearch, (b) => delete b['sorting_metadata'].availableSorts[1].default))).toEqual([
      "/sorting_metadata/availableSorts/1 must have required property 'default'",
    ]);
    expect(projectErrors(mutated(ipSearch, (b) => (b['sorting_metadata'] = {})))).toEqual(['/sorting_metadata must match a schema in anyOf, got {}']);
  });

  it('subsetting_metadata (RFC 8982): the current field set, and named field sets on offer', () => {
    expect(projectErrors(mutated(ipSearch, (b) => delete b['subsetting_metadata'].currentFieldSet))).toEqual([
      "/subsetting_metadata must have required property 'currentFieldSet'",
    ]);
    expect(projectErrors(mutated(ipSearch, (b) => (b['subsetting_metadata'].availableFieldSets[0].default = 'no')))).toEqual([
      '/subsetting_metadata/availableFieldSets/0/default must be boolean, got "no"',
    ]);
  });
});

describe('expectValidRdap', () => {
  it('throws with every instancePath and message', () => {
    const body = ipNetwork();
    body['status'] = ['allocated'];
    body['bogus'] = true;
    expect(() => expectValidRdap(body)).toThrow(/^RDAP ip network response fails the (project|project and ICANN) RDAP schemas?:\n/);
    expect(() => expectValidRdap(body)).toThrow('\n  / must NOT have additional properties (bogus)');
    expect(() => expectValidRdap(body)).toThrow('\n  /status/0 must be equal to one of the allowed values, got "allocated"');
  });

  it('does not modify the body it checks', () => {
    const body = { ...ipNetwork(), lang: 'en' };
    const before = structuredClone(body);
    expectValidRdap(body, 'ip network');
    expect(body).toEqual(before);
  });

  it('applies ICANN’s schemas too exactly when the shared data is present', () => {
    // An unregistered role fails both layers; ICANN's errors are the ones carrying its codes.
    const body = mutated(ipNetwork, (b) => (b['entities'][0].roles = ['owner']));
    const errors = validateRdap(body).errors;
    expect(errors).toContain('/entities/0/roles/0 must be equal to one of the allowed values, got "owner"');
    expect(errors.some((e) => e.includes('[ICANN '))).toBe(ICANN_SCHEMAS_PRESENT);
  });
});

// ---- ICANN's schemas (the stricter layer, with the shared data only) -------------------------

const NO_ICANN = withoutSharedData(
  "the ICANN-schema half of this file (real RIR responses and ICANN's validator fixtures); RDAP bodies in every test are still checked against the project schema",
  "ICANN's RDAP schemas state no licence and the RIR responses carry RIR terms and personal data, so the repository does not carry them",
);

const DATA = SHARED_DATA ?? '';
const RESPONSES = 'rdap-responses/';
const FIXTURES = 'rdap-schemas/icann-rdap-conformance-tool/validator-fixtures/';

function load(path: string): Json {
  return JSON.parse(readFileSync(join(DATA, path), 'utf8')) as Json;
}

function icannErrors(body: unknown, kind?: RdapKind): string[] {
  const result = validateWithIcannSchemas(body, kind);
  expect(result.valid).toBe(result.errors.length === 0);
  return result.errors;
}

/** RFC 9083 figure 20-like ip network, made a topmost response. */
function rfcIpNetwork(): Json {
  return { rdapConformance: ['rdap_level_0'], ...load(`${RESPONSES}icann-rdap/srv-test-data/2001_db8__.json`) };
}

function rfcEntity(): Json {
  return { rdapConformance: ['rdap_level_0'], ...load(`${RESPONSES}icann-rdap/srv-test-data/entity-rfc9083-fig17.json`) };
}

function rfcReverseDomain(): Json {
  return { rdapConformance: ['rdap_level_0'], ...load(`${RESPONSES}icann-rdap/srv-test-data/0_2_192_in-addr_arpa.json`) };
}

function rfcErrorBody(): Json {
  return { rdapConformance: ['rdap_level_0'], errorCode: 404, title: 'Not Found', description: ['No network covers 192.0.2.1'] };
}

describe.skipIf(NO_ICANN)("ICANN's schemas", () => {
  it('the real responses ICANN passes pass the project schema too', () => {
    for (const file of [
      'ipwhois/ip-apnic-210.107.73.73.json',
      'ipwhois/ip-apnic-2001_240_10c_1__ca20_9d1d.json',
      'ipwhois/ip-arin-2001_4860_4860__8888.json',
      'ipwhois/ip-lacnic-200.57.141.161.json',
      'whoisit/data_rdap_response_ip_v4_2.json',
      'icann-rdap/srv-test-data/2001_db8__.json',
      'whoisit/data_rdap_response_asn.json',
      'icann-rdap/srv-test-data/as65541.json',
      'icann-rdap/srv-test-data/entity-rfc9083-fig17.json',
      '20c-rdap/registry/entity/PEERI-ARIN.json',
      'icann-rdap/common-test-files/lookup_with_redaction.json',
      '20c-rdap/entity/HKBN-HK.json',
    ]) {
      const body = load(`${RESPONSES}${file}`);
      expect(validateWithProjectSchema({ rdapConformance: ['rdap_level_0'], ...body }).errors, file).toEqual([]);
    }
  });

  it('and the project schema fails what ICANN fails for a real reason, for the same reason', () => {
    const errors = (file: string) => validateWithProjectSchema(load(`${RESPONSES}${file}`)).errors;
    expect(errors('20c-rdap/entity/HH11825JP.json')).toContain('/errorCode must be integer, got "400"');
    expect(errors('20c-rdap/autnum/53170.json')).toContain("/remarks/0 must have required property 'description'");
    expect(errors('ipwhois/entity-ZG39-ARIN.json')).toContain('/vcardArray/1/0/3 must be equal to constant ("4.0"), got 4');
    expect(errors('20c-rdap/entity/AMS346-RIPE.json')).toContain('/vcardArray/1/3/3 must be array, got null');
    expect(errors('whoisit/data_rdap_response_entity.json')).toContain('/networks/0/cidr0_cidrs needs "cidr0" in rdapConformance (RFC 9083 §4.1)');
  });

  describe('real RIR responses that AJV-RESULTS.txt passes', () => {
    it.each<[string, RdapKind]>([
      ['ipwhois/ip-apnic-210.107.73.73.json', 'ip network'],
      ['ipwhois/ip-apnic-2001_240_10c_1__ca20_9d1d.json', 'ip network'],
      ['ipwhois/ip-arin-2001_4860_4860__8888.json', 'ip network'],
      ['ipwhois/ip-lacnic-200.57.141.161.json', 'ip network'],
      ['whoisit/data_rdap_response_ip_v4_2.json', 'ip network'],
      ['icann-rdap/srv-test-data/2001_db8__.json', 'ip network'],
      ['whoisit/data_rdap_response_asn.json', 'autnum'],
      ['icann-rdap/srv-test-data/as65541.json', 'autnum'],
      ['20c-rdap/registry/entity/PEERI-ARIN.json', 'entity'],
      ['icann-rdap/srv-test-data/entity-rfc9083-fig17.json', 'entity'],
      ['20c-rdap/entity/AS5496JP.json', 'error'],
      ['20c-rdap/entity/HKBN-HK.json', 'error'],
      ['20c-rdap/entity/YK11438JP.json', 'error'],
    ])('%s is a valid %s', (file, kind) => {
      const body = load(`${RESPONSES}${file}`);
      expect(icannErrors(body)).toEqual([]);
      // Some are bare objects from RFC 9083's figures: a response adds rdapConformance (§4.1).
      expect(() => expectValidRdap({ rdapConformance: ['rdap_level_0'], ...body }, kind)).not.toThrow();
    });
  });

  describe('AJV-RESULTS.txt failures that are schema strictness or declared extensions', () => {
    it.each([
      ['ipwhois/ip-afrinic-196.11.240.215.json', 'lang on an ip network (RFC 9083 §4.4)'],
      ['ipwhois/ip-afrinic-2001_43f8_7b0__.json', 'lang on an ip network (RFC 9083 §4.4)'],
      ['icann-rdap/srv-test-data/0_2_192_in-addr_arpa.json', 'network on a reverse domain (RFC 9083 §5.3)'],
      ['whoisit/data_rdap_response_cidr_v6.json', 'cidr0_cidrs and arin_originas0_originautnums, both declared'],
      ['whoisit/data_rdap_response_ip_v6.json', 'cidr0_cidrs and arin_originas0_originautnums, both declared'],
      ['icann-rdap/common-test-files/lookup_with_redaction.json', 'redacted, declared'],
    ])('%s passes: %s', (file) => {
      expect(icannErrors(load(`${RESPONSES}${file}`))).toEqual([]);
    });

    it('a declared redacted member is no longer flagged (WA2477-RIPE); its unregistered link relation still is', () => {
      expect(icannErrors(load(`${RESPONSES}20c-rdap/entity/WA2477-RIPE.json`))).toEqual([
        '/notices/1/links/0/rel must match format "linkRelations", got "inaccuracy-report" [ICANN -10604]',
      ]);
    });
  });

  describe('AJV-RESULTS.txt failures for a real reason fail with that reason', () => {
    it('HH11825JP: errorCode is a string', () => {
      expect(icannErrors(load(`${RESPONSES}20c-rdap/entity/HH11825JP.json`))).toContain('/errorCode must be number, got "400" [ICANN -12103]');
    });

    it('53170 (NIC.br): unknown entity member and a remark without description', () => {
      const errors = icannErrors(load(`${RESPONSES}20c-rdap/autnum/53170.json`));
      expect(errors).toContain('/entities/0 must NOT have additional properties (legalRepresentative)');
      expect(errors).toContain("/remarks/0 must have required property 'description'");
    });

    it('20c.com: a forward domain with network, and a nameserver full of nulls', () => {
      const errors = icannErrors(load(`${RESPONSES}20c-rdap/domain/20c.com.json`));
      expect(errors).toContain('/ must NOT have additional properties (network)');
      expect(errors).toContain('/nameservers/0/unicodeName must be string, got null [ICANN -11603]');
      expect(errors).toContain("/nameservers/0/ipAddresses must have required property 'v4'");
      expect(errors).toContain('/nameservers/0/port43 must match exactly one schema in oneOf');
    });

    it.each(['AMS346-RIPE', 'CLUE1-RIPE', 'DJVG', 'JK11944-RIPE', 'MM47295-RIPE', 'MP31159-RIPE'])(
      '%s: a jCard adr whose value is null',
      (handle) => {
        expect(icannErrors(load(`${RESPONSES}20c-rdap/entity/${handle}.json`))).toContain('/vcardArray/1/3/3 must match exactly one schema in oneOf');
      },
    );

    it('ZG39-ARIN: jCard version is the number 4, not "4.0"', () => {
      expect(icannErrors(load(`${RESPONSES}ipwhois/entity-ZG39-ARIN.json`))).toEqual(['/vcardArray/1/0/3 must be equal to constant ("4.0"), got 4']);
    });

    it('whoisit entity: networks carry cidr0/arin_originas0 members the response never declares', () => {
      const errors = icannErrors(load(`${RESPONSES}whoisit/data_rdap_response_entity.json`));
      expect(errors).toEqual([
        '/networks/0 must NOT have additional properties (cidr0_cidrs)',
        '/networks/0 must NOT have additional properties (arin_originas0_originautnums)',
        '/networks/1 must NOT have additional properties (cidr0_cidrs)',
        '/networks/1 must NOT have additional properties (arin_originas0_originautnums)',
      ]);
    });

    it('the recipe keeps a topmost entity free of asEventActor (RFC 9083 figure 15 is flagged)', () => {
      expect(icannErrors(load(`${RESPONSES}icann-rdap/srv-test-data/entity-rfc9083-fig15.json`))).toEqual([
        '/ must NOT have additional properties (asEventActor)',
      ]);
    });
  });

  describe('what the IANA registries catch that AJV-RESULTS.txt (accept-all formats) did not', () => {
    it('inaccuracy-report is not a registered link relation (most NRO-profile responses)', () => {
      expect(icannErrors(load(`${RESPONSES}20c-rdap/autnum/2914.json`))).toEqual([
        '/notices/1/links/0/rel must match format "linkRelations", got "inaccuracy-report" [ICANN -10604]',
      ]);
    });

    it('unregistered roles: ARIN routing, AFRINIC organisation', () => {
      expect(icannErrors(load(`${RESPONSES}icann-rdap/common-test-files/autnum_16509.json`))).toContain(
        '/entities/0/entities/0/roles/0 must match format "role", got "routing" [ICANN -11802]',
      );
      expect(icannErrors(load(`${RESPONSES}20c-rdap/rdap/entity/WOL-AFRINIC.json`))).toContain(
        '/entities/1/roles/0 must match format "role", got "organisation" [ICANN -11802]',
      );
    });

    it('GJM3 (NIC.br): unregistered conformance identifier and remark type', () => {
      const errors = icannErrors(load(`${RESPONSES}20c-rdap/entity/GJM3.json`));
      expect(errors).toContain('/rdapConformance/1 must match format "rdapExtensions", got "nicbr_level_0" [ICANN -10502]');
      expect(errors).toContain(
        '/remarks/0/type must match format "noticeAndRemark", got "object truncated due to server policy" [ICANN -10706]',
      );
    });

    it('RFC 9083 §4.2: links in RIR error bodies that lack "value"', () => {
      expect(icannErrors(load(`${RESPONSES}icann-rdap/common-test-files/error_ripe_net.json`))).toEqual([
        "/notices/0/links/0 must have required property 'value' (RFC 9083 §4.2)",
      ]);
    });
  });

  describe('ICANN validator fixtures', () => {
    it.each<[string, RdapKind]>([
      ['autnum/valid.json', 'autnum'],
      ['entity/valid.json', 'entity'],
      ['error/valid.json', 'error'],
      ['help/valid.json', 'help'],
      ['lang/valid.json', 'help'],
      ['notices/valid.json', 'help'],
      ['rdapConformance/valid.json', 'help'],
    ])('%s is a valid %s', (file, kind) => {
      expect(icannErrors(load(`${FIXTURES}${file}`), kind)).toEqual([]);
    });

    it('ipNetwork/valid.json fails only on its unregistered inaccuracy-report relation', () => {
      const body = load(`${FIXTURES}ipNetwork/valid.json`);
      expect(icannErrors(body)).toEqual(['/notices/0/links/0/rel must match format "linkRelations", got "inaccuracy-report" [ICANN -10604]']);
      body['notices'][0].links[0].rel = 'help';
      expect(icannErrors(body)).toEqual([]);
    });

    it('entity/invalid-roles.json: role not in the registry', () => {
      expect(icannErrors(load(`${FIXTURES}entity/invalid-roles.json`))).toEqual([
        '/roles/0 must match format "role", got "invalid-roles" [ICANN -11802]',
      ]);
    });

    it('entity/invalid-vcard.json: a vcard that is not an array', () => {
      expect(icannErrors(load(`${FIXTURES}entity/invalid-vcard.json`))).toContain('/vcardArray/1 must be array, got {}');
    });

    it('fragments placed into a valid ip network', () => {
      const withFragment = (patch: (b: Json) => void) => {
        const body = rfcIpNetwork();
        patch(body);
        return icannErrors(body);
      };
      expect(withFragment((b) => (b['events'] = load(`${FIXTURES}events/valid.json`)['events']))).toEqual([]);
      expect(withFragment((b) => (b['links'] = load(`${FIXTURES}links/valid.json`)['links']))).toEqual([]);
      expect(withFragment((b) => (b['status'] = load(`${FIXTURES}status/valid.json`)['status']))).toEqual([]);
      expect(withFragment((b) => (b['port43'] = load(`${FIXTURES}port43/valid.json`)['port43']))).toEqual([]);
      expect(withFragment((b) => (b['port43'] = load(`${FIXTURES}ipv4/valid.json`)['ipv4']))).toEqual([]);
      expect(withFragment((b) => (b['port43'] = load(`${FIXTURES}ipv6/valid.json`)['ipv6']))).toEqual([]);
      expect(withFragment((b) => (b['links'][0].href = load(`${FIXTURES}webUri/valid.json`)['webUri']))).toEqual([]);
      expect(withFragment((b) => (b['entities'][0].asEventActor = load(`${FIXTURES}asEventActor/valid.json`)['asEventActor']))).toEqual([]);
      expect(withFragment((b) => (b['links'] = load(`${FIXTURES}links/invalid_missing_rel_and_value.json`)['links']))).toEqual([
        "/links/0 must have required property 'value' (RFC 9083 §4.2)",
        "/links/1 must have required property 'rel' (RFC 9083 §4.2)",
        "/links/2 must have required property 'value' (RFC 9083 §4.2)",
        "/links/2 must have required property 'rel' (RFC 9083 §4.2)",
      ]);
    });

    it('fragments placed into a valid entity', () => {
      const withFragment = (patch: (b: Json) => void) => {
        const body = rfcEntity();
        patch(body);
        return icannErrors(body);
      };
      expect(withFragment((b) => (b['roles'] = load(`${FIXTURES}roles/valid.json`)['roles']))).toEqual([]);
      expect(withFragment((b) => (b['publicIds'] = load(`${FIXTURES}publicIds/valid.json`)['publicIds']))).toEqual([]);
      expect(withFragment((b) => (b['vcardArray'] = load(`${FIXTURES}vcardArray/contactUriValid.json`)['vcardArray']))).toEqual([]);
      expect(withFragment((b) => (b['vcardArray'] = load(`${FIXTURES}vcardArray/fnMissing.json`)['vcardArray']))).toContain(
        '/vcardArray/1 must contain at least 1 valid item(s)',
      );
      expect(withFragment((b) => (b['vcardArray'] = load(`${FIXTURES}vcardArray/trivialArray.json`)['vcardArray']))).toContain(
        '/vcardArray/0 must be equal to constant ("vcard"), got ["vcard"]',
      );
      expect(withFragment((b) => (b['asEventActor'] = load(`${FIXTURES}asEventActor/valid.json`)['asEventActor']))).toEqual([
        '/ must NOT have additional properties (asEventActor)',
      ]);
    });

    it('fragments placed into a valid reverse domain', () => {
      const domain = rfcReverseDomain();
      domain['variants'] = [{ ...load(`${FIXTURES}relation/valid.json`), variantNames: [{ ldhName: '0.2.192.in-addr.arpa' }] }];
      domain['nameservers'][0].ipAddresses = load(`${FIXTURES}ipAddress/valid.json`)['ipAddress'];
      expect(icannErrors(domain)).toEqual([]);
      domain['variants'][0].relation.push('cousin');
      expect(icannErrors(domain)).toEqual(['/variants/0/relation/2 must match format "variantRelation", got "cousin" [ICANN -11505]']);
    });

    it('invalid_handle.json and wrong_objectClassName.json', () => {
      const handle = load(`${FIXTURES}invalid_handle.json`);
      handle['objectClassName'] = 'entity';
      expect(icannErrors(handle)).toContain('/handle must be string, got {"key":"value"} [ICANN -12304]');
      const wrong = load(`${FIXTURES}wrong_objectClassName.json`);
      expect(icannErrors(wrong, 'ip network')).toContain('/objectClassName must be equal to constant ("ip network"), got "wrong" [ICANN -12303]');
      expect(icannErrors(wrong)).toEqual(['/ must NOT have additional properties (objectClassName)']);
    });
  });

  describe('synthetic mutations of a valid body are caught', () => {
    it('the unmutated bodies are valid', () => {
      expect(icannErrors(rfcIpNetwork())).toEqual([]);
      expect(icannErrors(rfcEntity())).toEqual([]);
      expect(icannErrors(rfcReverseDomain())).toEqual([]);
      expect(icannErrors(rfcErrorBody())).toEqual([]);
    });

    it('errorCode of the wrong type', () => {
      expect(icannErrors({ ...rfcErrorBody(), errorCode: '404' })).toEqual(['/errorCode must be number, got "404" [ICANN -12103]']);
      const { errorCode: _dropped, ...noCode } = rfcErrorBody();
      expect(icannErrors(noCode, 'error')).toEqual(["/ must have required property 'errorCode'"]);
    });

    it('an unknown top-level member', () => {
      expect(icannErrors({ ...rfcIpNetwork(), lacak_source: 'IDNIC' })).toEqual(['/ must NOT have additional properties (lacak_source)']);
    });

    it('cidr0_cidrs only with cidr0 declared, wherever the network sits', () => {
      const cidrs = [{ v6prefix: '2001:db8::', length: 32 }];
      expect(icannErrors({ ...rfcIpNetwork(), cidr0_cidrs: cidrs })).toEqual(['/ must NOT have additional properties (cidr0_cidrs)']);
      expect(icannErrors({ ...rfcIpNetwork(), rdapConformance: ['rdap_level_0', 'cidr0'], cidr0_cidrs: cidrs })).toEqual([]);
      const holder = { ...rfcEntity(), networks: [{ ...load(`${RESPONSES}icann-rdap/srv-test-data/2001_db8__.json`), cidr0_cidrs: cidrs }] };
      expect(icannErrors(holder)).toEqual(['/networks/0 must NOT have additional properties (cidr0_cidrs)']);
      expect(icannErrors({ ...holder, rdapConformance: ['rdap_level_0', 'cidr0'] })).toEqual([]);
    });

    it('a declared extension does not license its member on the wrong object', () => {
      const body: Json = { ...rfcIpNetwork(), rdapConformance: ['rdap_level_0', 'cidr0', 'redacted'] };
      body['entities'][0].cidr0_cidrs = [];
      body['entities'][0].redacted = [];
      expect(icannErrors(body)).toEqual([
        '/entities/0 must NOT have additional properties (cidr0_cidrs)',
        '/entities/0 must NOT have additional properties (redacted)',
      ]);
    });

    it('redacted, paging_metadata and reverse_search_properties only when declared', () => {
      expect(icannErrors({ ...rfcEntity(), redacted: [] })).toEqual(['/ must NOT have additional properties (redacted)']);
      expect(icannErrors({ ...rfcEntity(), rdapConformance: ['rdap_level_0', 'redacted'], redacted: [] })).toEqual([]);
      const search = { rdapConformance: ['rdap_level_0'], ipSearchResults: [load(`${RESPONSES}icann-rdap/srv-test-data/2001_db8__.json`)] };
      expect(icannErrors({ ...search, paging_metadata: { totalCount: 1 } })).toEqual(['/ must NOT have additional properties (paging_metadata)']);
      expect(icannErrors({ ...search, rdapConformance: ['rdap_level_0', 'paging'], paging_metadata: { totalCount: 1 } })).toEqual([]);
      const help = { rdapConformance: ['rdap_level_0'], reverse_search_properties: [] };
      expect(icannErrors(help)).toEqual(['/ must NOT have additional properties (reverse_search_properties)']);
      expect(icannErrors({ ...help, rdapConformance: ['rdap_level_0', 'reverse_search'] })).toEqual([]);
    });

    it('a status value outside the registry', () => {
      const body = rfcIpNetwork();
      body['status'] = ['allocated'];
      expect(icannErrors(body)).toEqual(['/status/0 must match format "status", got "allocated" [ICANN -11002]']);
    });

    it('a role outside the registry', () => {
      const body = rfcIpNetwork();
      body['entities'][0].roles = ['owner'];
      expect(icannErrors(body)).toEqual(['/entities/0/roles/0 must match format "role", got "owner" [ICANN -11802]']);
    });

    it('an event action outside the registry', () => {
      const body = rfcIpNetwork();
      body['events'][0].eventAction = 'created';
      expect(icannErrors(body)).toEqual(['/events/0/eventAction must match format "eventAction", got "created" [ICANN -10905]']);
    });

    it('port43: IP literals and host names pass, anything else fails', () => {
      const port43 = (value: unknown) => icannErrors({ ...rfcIpNetwork(), port43: value });
      expect(port43('whois.idnic.example')).toEqual([]);
      expect(port43('192.0.2.43')).toEqual([]);
      expect(port43('2001:db8::43')).toEqual([]);
      expect(port43('whois idnic')).toContain('/port43 must match exactly one schema in oneOf');
      expect(port43('999.1.1.1')).toContain('/port43 must match exactly one schema in oneOf');
      expect(port43('localhost')).toContain('/port43 must match exactly one schema in oneOf');
    });

    it('rdapConformance: rdap_level_0 present and every identifier registered', () => {
      expect(icannErrors({ ...rfcIpNetwork(), rdapConformance: ['rdap_level_0', 'cidr_0'] })).toEqual([
        '/rdapConformance/1 must match format "rdapExtensions", got "cidr_0" [ICANN -10502]',
      ]);
      expect(icannErrors({ ...rfcIpNetwork(), rdapConformance: ['cidr0'] })).toContain('/rdapConformance must contain at least 1 valid item(s)');
      expect(icannErrors({ ...rfcIpNetwork(), rdapConformance: ['rdap_level_0', 'nro_rdap_profile_0', 'rirSearch1', 'ips'] })).toEqual([]);
    });

    it('link relations: registered, RFC 9910, space-separated lists', () => {
      const rel = (value: string) => {
        const body = rfcIpNetwork();
        body['links'][1].rel = value;
        return icannErrors(body);
      };
      expect(rel('rdap-up')).toEqual([]);
      expect(rel('rdap-top rdap-active')).toEqual([]);
      expect(rel('parent')).toEqual(['/links/1/rel must match format "linkRelations", got "parent" [ICANN -10604]']);
    });

    it('links must be http(s) URIs with a valid host', () => {
      const href = (value: string) => {
        const body = rfcIpNetwork();
        body['links'][0].href = value;
        return icannErrors(body);
      };
      expect(href('https://[2001:db8::1]/ip/2001:db8::/32')).toEqual([]);
      expect(href('https://198.51.100.7/ip/2001:db8::/32')).toEqual([]);
      expect(href('ftp://rdap.idnic.example/ip')).toContain("/links/0/href must match pattern \"^(https?|http?)://\", got \"ftp://rdap.idnic.example/ip\" [ICANN -10401]");
      expect(href('https://rdap_idnic/ip')).toContain('/links/0/href must match format "hostname-in-uri", got "https://rdap_idnic/ip" [ICANN -10402]');
    });
  });

  describe('RFC 9083 over the schemas: the explicit exceptions', () => {
    it('is exactly two entries', () => {
      expect(RFC_OVER_SCHEMA.map((e) => e.id)).toEqual(['lang-anywhere', 'reverse-domain-network']);
      expect(RFC_BEYOND_SCHEMA.map((e) => e.id)).toEqual(['link-value-rel-href']);
    });

    it('lang is allowed on any object but must be a BCP 47 tag', () => {
      const body: Json = { ...rfcIpNetwork(), lang: 'id' };
      body['remarks'][0].lang = 'en-US';
      body['entities'][0].lang = 'zh-Hant-TW';
      expect(icannErrors(body)).toEqual([]);
      expect(icannErrors({ ...rfcIpNetwork(), lang: 'en_US' })).toEqual(['/lang must be a BCP 47 language tag (RFC 5646), got "en_US"']);
      expect(icannErrors({ ...rfcIpNetwork(), lang: 7 })).toEqual(['/lang must be a BCP 47 language tag (RFC 5646), got 7']);
    });

    it('the jCard language parameter is left to the jCard schema', () => {
      const body = rfcEntity();
      body['vcardArray'][1][1][1] = { lang: 42 };
      const errors = icannErrors(body);
      expect(errors).toContain('/vcardArray/1 must contain at least 1 valid item(s)');
      expect(errors.filter((e) => e.includes('BCP 47'))).toEqual([]);
    });

    it('a reverse domain may carry a network, which is validated as an ip network', () => {
      const network = load(`${RESPONSES}icann-rdap/srv-test-data/2001_db8__.json`);
      expect(icannErrors({ ...rfcReverseDomain(), network })).toEqual([]);
      expect(icannErrors({ ...rfcReverseDomain(), network: { ...network, status: ['assigned'] } })).toEqual([
        '/network/status/0 must match format "status", got "assigned" [ICANN -11002]',
      ]);
      expect(icannErrors({ ...rfcReverseDomain(), ldhName: 'idnic.example', network })).toEqual(['/ must NOT have additional properties (network)']);
    });
  });

  describe('kinds', () => {
    it('are inferred from the body', () => {
      const network = load(`${RESPONSES}icann-rdap/srv-test-data/2001_db8__.json`);
      const autnum = load(`${RESPONSES}icann-rdap/srv-test-data/as65541.json`);
      const person = load(`${RESPONSES}icann-rdap/srv-test-data/entity-rfc9083-fig17.json`);
      const domain = load(`${RESPONSES}icann-rdap/srv-test-data/0_2_192_in-addr_arpa.json`);
      const base = { rdapConformance: ['rdap_level_0'] };
      expect(icannErrors({ ...base, ipSearchResults: [network, network] })).toEqual([]);
      expect(icannErrors({ ...base, autnumSearchResults: [autnum] })).toEqual([]);
      expect(icannErrors({ ...base, entitySearchResults: [person] })).toEqual([]);
      expect(icannErrors({ ...base, domainSearchResults: [domain] })).toEqual([]);
      expect(icannErrors({ ...base, ipSearchResults: [network, { ...network, status: ['up'] }] })).toEqual([
        '/ipSearchResults/1/status/0 must match format "status", got "up" [ICANN -11002]',
      ]);
      expect(icannErrors({ ...base, ipSearchResults: [network], autnumSearchResults: [] })).toEqual([
        '/ must NOT have additional properties (autnumSearchResults)',
      ]);
    });

    it('an explicit kind must match objectClassName', () => {
      const autnum = { rdapConformance: ['rdap_level_0'], ...load(`${RESPONSES}icann-rdap/srv-test-data/as65541.json`) };
      expect(icannErrors(autnum, 'ip network')).toContain('/objectClassName must be "ip network", got "autnum"');
      const { objectClassName: _dropped, ...anonymous } = rfcIpNetwork();
      expect(icannErrors(anonymous, 'ip network')).toEqual(['/objectClassName must be "ip network", got undefined']);
      expect(icannErrors(rfcIpNetwork(), 'ip networks')).toContain("/ must have required property 'ipSearchResults'");
    });

    it('a body that is not an object is invalid', () => {
      expect(icannErrors([rfcIpNetwork()])).toEqual(['/ must be a JSON object (RFC 9083 §2)']);
      expect(icannErrors(null)).toEqual(['/ must be a JSON object (RFC 9083 §2)']);
    });
  });
});
