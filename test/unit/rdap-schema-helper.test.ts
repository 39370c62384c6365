// The RDAP schema helper must accept what the ICANN schemas accept, reject what they reject for a
// real reason, and let through only the RFC 9083 cases listed in RFC_OVER_SCHEMA. Expectations
// for real responses follow ../shared/data/rdap-schemas/AJV-RESULTS.txt, which was produced with
// accept-all registry formats: where the real IANA registries now catch more, the test says so.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RFC_BEYOND_SCHEMA, RFC_OVER_SCHEMA, expectValidRdap, validateRdap, type RdapKind } from '../helpers/rdap-schema.js';

const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const RESPONSES = 'rdap-responses/';
const FIXTURES = 'rdap-schemas/icann-rdap-conformance-tool/validator-fixtures/';

type Json = Record<string, any>;

function load(path: string): Json {
  return JSON.parse(readFileSync(`${DATA}${path}`, 'utf8')) as Json;
}

function errorsOf(body: unknown, kind?: RdapKind): string[] {
  const result = validateRdap(body, kind);
  expect(result.valid).toBe(result.errors.length === 0);
  return result.errors;
}

/** RFC 9083 figure 20-like ip network, made a topmost response. */
function ipNetwork(): Json {
  return { rdapConformance: ['rdap_level_0'], ...load(`${RESPONSES}icann-rdap/srv-test-data/2001_db8__.json`) };
}

function entity(): Json {
  return { rdapConformance: ['rdap_level_0'], ...load(`${RESPONSES}icann-rdap/srv-test-data/entity-rfc9083-fig17.json`) };
}

function reverseDomain(): Json {
  return { rdapConformance: ['rdap_level_0'], ...load(`${RESPONSES}icann-rdap/srv-test-data/0_2_192_in-addr_arpa.json`) };
}

function errorBody(): Json {
  return { rdapConformance: ['rdap_level_0'], errorCode: 404, title: 'Not Found', description: ['No network covers 192.0.2.1'] };
}

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
    expect(errorsOf(body)).toEqual([]);
    expect(() => expectValidRdap(body, kind)).not.toThrow();
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
    expect(errorsOf(load(`${RESPONSES}${file}`))).toEqual([]);
  });

  it('a declared redacted member is no longer flagged (WA2477-RIPE); its unregistered link relation still is', () => {
    expect(errorsOf(load(`${RESPONSES}20c-rdap/entity/WA2477-RIPE.json`))).toEqual([
      '/notices/1/links/0/rel must match format "linkRelations", got "inaccuracy-report" [ICANN -10604]',
    ]);
  });
});

describe('AJV-RESULTS.txt failures for a real reason fail with that reason', () => {
  it('HH11825JP: errorCode is a string', () => {
    expect(errorsOf(load(`${RESPONSES}20c-rdap/entity/HH11825JP.json`))).toContain('/errorCode must be number, got "400" [ICANN -12103]');
  });

  it('53170 (NIC.br): unknown entity member and a remark without description', () => {
    const errors = errorsOf(load(`${RESPONSES}20c-rdap/autnum/53170.json`));
    expect(errors).toContain('/entities/0 must NOT have additional properties (legalRepresentative)');
    expect(errors).toContain("/remarks/0 must have required property 'description'");
  });

  it('20c.com: a forward domain with network, and a nameserver full of nulls', () => {
    const errors = errorsOf(load(`${RESPONSES}20c-rdap/domain/20c.com.json`));
    expect(errors).toContain('/ must NOT have additional properties (network)');
    expect(errors).toContain('/nameservers/0/unicodeName must be string, got null [ICANN -11603]');
    expect(errors).toContain("/nameservers/0/ipAddresses must have required property 'v4'");
    expect(errors).toContain('/nameservers/0/port43 must match exactly one schema in oneOf');
  });

  it.each(['AMS346-RIPE', 'CLUE1-RIPE', 'DJVG', 'JK11944-RIPE', 'MM47295-RIPE', 'MP31159-RIPE'])(
    '%s: a jCard adr whose value is null',
    (handle) => {
      expect(errorsOf(load(`${RESPONSES}20c-rdap/entity/${handle}.json`))).toContain('/vcardArray/1/3/3 must match exactly one schema in oneOf');
    },
  );

  it('ZG39-ARIN: jCard version is the number 4, not "4.0"', () => {
    expect(errorsOf(load(`${RESPONSES}ipwhois/entity-ZG39-ARIN.json`))).toEqual(['/vcardArray/1/0/3 must be equal to constant ("4.0"), got 4']);
  });

  it('whoisit entity: networks carry cidr0/arin_originas0 members the response never declares', () => {
    const errors = errorsOf(load(`${RESPONSES}whoisit/data_rdap_response_entity.json`));
    expect(errors).toEqual([
      '/networks/0 must NOT have additional properties (cidr0_cidrs)',
      '/networks/0 must NOT have additional properties (arin_originas0_originautnums)',
      '/networks/1 must NOT have additional properties (cidr0_cidrs)',
      '/networks/1 must NOT have additional properties (arin_originas0_originautnums)',
    ]);
  });

  it('the recipe keeps a topmost entity free of asEventActor (RFC 9083 figure 15 is flagged)', () => {
    expect(errorsOf(load(`${RESPONSES}icann-rdap/srv-test-data/entity-rfc9083-fig15.json`))).toEqual([
      '/ must NOT have additional properties (asEventActor)',
    ]);
  });
});

describe('what the IANA registries catch that AJV-RESULTS.txt (accept-all formats) did not', () => {
  it('inaccuracy-report is not a registered link relation (most NRO-profile responses)', () => {
    expect(errorsOf(load(`${RESPONSES}20c-rdap/autnum/2914.json`))).toEqual([
      '/notices/1/links/0/rel must match format "linkRelations", got "inaccuracy-report" [ICANN -10604]',
    ]);
  });

  it('unregistered roles: ARIN routing, AFRINIC organisation', () => {
    expect(errorsOf(load(`${RESPONSES}icann-rdap/common-test-files/autnum_16509.json`))).toContain(
      '/entities/0/entities/0/roles/0 must match format "role", got "routing" [ICANN -11802]',
    );
    expect(errorsOf(load(`${RESPONSES}20c-rdap/rdap/entity/WOL-AFRINIC.json`))).toContain(
      '/entities/1/roles/0 must match format "role", got "organisation" [ICANN -11802]',
    );
  });

  it('GJM3 (NIC.br): unregistered conformance identifier and remark type', () => {
    const errors = errorsOf(load(`${RESPONSES}20c-rdap/entity/GJM3.json`));
    expect(errors).toContain('/rdapConformance/1 must match format "rdapExtensions", got "nicbr_level_0" [ICANN -10502]');
    expect(errors).toContain(
      '/remarks/0/type must match format "noticeAndRemark", got "object truncated due to server policy" [ICANN -10706]',
    );
  });

  it('RFC 9083 §4.2: links in RIR error bodies that lack "value"', () => {
    expect(errorsOf(load(`${RESPONSES}icann-rdap/common-test-files/error_ripe_net.json`))).toEqual([
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
    expect(errorsOf(load(`${FIXTURES}${file}`), kind)).toEqual([]);
  });

  it('ipNetwork/valid.json fails only on its unregistered inaccuracy-report relation', () => {
    const body = load(`${FIXTURES}ipNetwork/valid.json`);
    expect(errorsOf(body)).toEqual(['/notices/0/links/0/rel must match format "linkRelations", got "inaccuracy-report" [ICANN -10604]']);
    body['notices'][0].links[0].rel = 'help';
    expect(errorsOf(body)).toEqual([]);
  });

  it('entity/invalid-roles.json: role not in the registry', () => {
    expect(errorsOf(load(`${FIXTURES}entity/invalid-roles.json`))).toEqual([
      '/roles/0 must match format "role", got "invalid-roles" [ICANN -11802]',
    ]);
  });

  it('entity/invalid-vcard.json: a vcard that is not an array', () => {
    expect(errorsOf(load(`${FIXTURES}entity/invalid-vcard.json`))).toContain('/vcardArray/1 must be array, got {}');
  });

  it('fragments placed into a valid ip network', () => {
    const withFragment = (patch: (b: Json) => void) => {
      const body = ipNetwork();
      patch(body);
      return errorsOf(body);
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
      const body = entity();
      patch(body);
      return errorsOf(body);
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
    const domain = reverseDomain();
    domain['variants'] = [{ ...load(`${FIXTURES}relation/valid.json`), variantNames: [{ ldhName: '0.2.192.in-addr.arpa' }] }];
    domain['nameservers'][0].ipAddresses = load(`${FIXTURES}ipAddress/valid.json`)['ipAddress'];
    expect(errorsOf(domain)).toEqual([]);
    domain['variants'][0].relation.push('cousin');
    expect(errorsOf(domain)).toEqual(['/variants/0/relation/2 must match format "variantRelation", got "cousin" [ICANN -11505]']);
  });

  it('invalid_handle.json and wrong_objectClassName.json', () => {
    const handle = load(`${FIXTURES}invalid_handle.json`);
    handle['objectClassName'] = 'entity';
    expect(errorsOf(handle)).toContain('/handle must be string, got {"key":"value"} [ICANN -12304]');
    const wrong = load(`${FIXTURES}wrong_objectClassName.json`);
    expect(errorsOf(wrong, 'ip network')).toContain('/objectClassName must be equal to constant ("ip network"), got "wrong" [ICANN -12303]');
    expect(errorsOf(wrong)).toEqual(['/ must NOT have additional properties (objectClassName)']);
  });
});

describe('synthetic mutations of a valid body are caught', () => {
  it('the unmutated bodies are valid', () => {
    expect(errorsOf(ipNetwork())).toEqual([]);
    expect(errorsOf(entity())).toEqual([]);
    expect(errorsOf(reverseDomain())).toEqual([]);
    expect(errorsOf(errorBody())).toEqual([]);
  });

  it('errorCode of the wrong type', () => {
    expect(errorsOf({ ...errorBody(), errorCode: '404' })).toEqual(['/errorCode must be number, got "404" [ICANN -12103]']);
    const { errorCode: _dropped, ...noCode } = errorBody();
    expect(errorsOf(noCode, 'error')).toEqual(["/ must have required property 'errorCode'"]);
  });

  it('an unknown top-level member', () => {
    expect(errorsOf({ ...ipNetwork(), lacak_source: 'IDNIC' })).toEqual(['/ must NOT have additional properties (lacak_source)']);
  });

  it('cidr0_cidrs only with cidr0 declared, wherever the network sits', () => {
    const cidrs = [{ v6prefix: '2001:db8::', length: 32 }];
    expect(errorsOf({ ...ipNetwork(), cidr0_cidrs: cidrs })).toEqual(['/ must NOT have additional properties (cidr0_cidrs)']);
    expect(errorsOf({ ...ipNetwork(), rdapConformance: ['rdap_level_0', 'cidr0'], cidr0_cidrs: cidrs })).toEqual([]);
    const holder = { ...entity(), networks: [{ ...load(`${RESPONSES}icann-rdap/srv-test-data/2001_db8__.json`), cidr0_cidrs: cidrs }] };
    expect(errorsOf(holder)).toEqual(['/networks/0 must NOT have additional properties (cidr0_cidrs)']);
    expect(errorsOf({ ...holder, rdapConformance: ['rdap_level_0', 'cidr0'] })).toEqual([]);
  });

  it('a declared extension does not license its member on the wrong object', () => {
    const body: Json = { ...ipNetwork(), rdapConformance: ['rdap_level_0', 'cidr0', 'redacted'] };
    body['entities'][0].cidr0_cidrs = [];
    body['entities'][0].redacted = [];
    expect(errorsOf(body)).toEqual([
      '/entities/0 must NOT have additional properties (cidr0_cidrs)',
      '/entities/0 must NOT have additional properties (redacted)',
    ]);
  });

  it('redacted, paging_metadata and reverse_search_properties only when declared', () => {
    expect(errorsOf({ ...entity(), redacted: [] })).toEqual(['/ must NOT have additional properties (redacted)']);
    expect(errorsOf({ ...entity(), rdapConformance: ['rdap_level_0', 'redacted'], redacted: [] })).toEqual([]);
    const search = { rdapConformance: ['rdap_level_0'], ipSearchResults: [load(`${RESPONSES}icann-rdap/srv-test-data/2001_db8__.json`)] };
    expect(errorsOf({ ...search, paging_metadata: { totalCount: 1 } })).toEqual(['/ must NOT have additional properties (paging_metadata)']);
    expect(errorsOf({ ...search, rdapConformance: ['rdap_level_0', 'paging'], paging_metadata: { totalCount: 1 } })).toEqual([]);
    const help = { rdapConformance: ['rdap_level_0'], reverse_search_properties: [] };
    expect(errorsOf(help)).toEqual(['/ must NOT have additional properties (reverse_search_properties)']);
    expect(errorsOf({ ...help, rdapConformance: ['rdap_level_0', 'reverse_search'] })).toEqual([]);
  });

  it('a status value outside the registry', () => {
    const body = ipNetwork();
    body['status'] = ['allocated'];
    expect(errorsOf(body)).toEqual(['/status/0 must match format "status", got "allocated" [ICANN -11002]']);
  });

  it('a role outside the registry', () => {
    const body = ipNetwork();
    body['entities'][0].roles = ['owner'];
    expect(errorsOf(body)).toEqual(['/entities/0/roles/0 must match format "role", got "owner" [ICANN -11802]']);
  });

  it('an event action outside the registry', () => {
    const body = ipNetwork();
    body['events'][0].eventAction = 'created';
    expect(errorsOf(body)).toEqual(['/events/0/eventAction must match format "eventAction", got "created" [ICANN -10905]']);
  });

  it('port43: IP literals and host names pass, anything else fails', () => {
    const port43 = (value: unknown) => errorsOf({ ...ipNetwork(), port43: value });
    expect(port43('whois.idnic.example')).toEqual([]);
    expect(port43('192.0.2.43')).toEqual([]);
    expect(port43('2001:db8::43')).toEqual([]);
    expect(port43('whois idnic')).toContain('/port43 must match exactly one schema in oneOf');
    expect(port43('999.1.1.1')).toContain('/port43 must match exactly one schema in oneOf');
    expect(port43('localhost')).toContain('/port43 must match exactly one schema in oneOf');
  });

  it('rdapConformance: rdap_level_0 present and every identifier registered', () => {
    expect(errorsOf({ ...ipNetwork(), rdapConformance: ['rdap_level_0', 'cidr_0'] })).toEqual([
      '/rdapConformance/1 must match format "rdapExtensions", got "cidr_0" [ICANN -10502]',
    ]);
    expect(errorsOf({ ...ipNetwork(), rdapConformance: ['cidr0'] })).toContain('/rdapConformance must contain at least 1 valid item(s)');
    expect(errorsOf({ ...ipNetwork(), rdapConformance: ['rdap_level_0', 'nro_rdap_profile_0', 'rirSearch1', 'ips'] })).toEqual([]);
  });

  it('link relations: registered, RFC 9910, space-separated lists', () => {
    const rel = (value: string) => {
      const body = ipNetwork();
      body['links'][1].rel = value;
      return errorsOf(body);
    };
    expect(rel('rdap-up')).toEqual([]);
    expect(rel('rdap-top rdap-active')).toEqual([]);
    expect(rel('parent')).toEqual(['/links/1/rel must match format "linkRelations", got "parent" [ICANN -10604]']);
  });

  it('links must be http(s) URIs with a valid host', () => {
    const href = (value: string) => {
      const body = ipNetwork();
      body['links'][0].href = value;
      return errorsOf(body);
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
    const body: Json = { ...ipNetwork(), lang: 'id' };
    body['remarks'][0].lang = 'en-US';
    body['entities'][0].lang = 'zh-Hant-TW';
    expect(errorsOf(body)).toEqual([]);
    expect(errorsOf({ ...ipNetwork(), lang: 'en_US' })).toEqual(['/lang must be a BCP 47 language tag (RFC 5646), got "en_US"']);
    expect(errorsOf({ ...ipNetwork(), lang: 7 })).toEqual(['/lang must be a BCP 47 language tag (RFC 5646), got 7']);
  });

  it('the jCard language parameter is left to the jCard schema', () => {
    const body = entity();
    body['vcardArray'][1][1][1] = { lang: 42 };
    const errors = errorsOf(body);
    expect(errors).toContain('/vcardArray/1 must contain at least 1 valid item(s)');
    expect(errors.filter((e) => e.includes('BCP 47'))).toEqual([]);
  });

  it('a reverse domain may carry a network, which is validated as an ip network', () => {
    const network = load(`${RESPONSES}icann-rdap/srv-test-data/2001_db8__.json`);
    expect(errorsOf({ ...reverseDomain(), network })).toEqual([]);
    expect(errorsOf({ ...reverseDomain(), network: { ...network, status: ['assigned'] } })).toEqual([
      '/network/status/0 must match format "status", got "assigned" [ICANN -11002]',
    ]);
    expect(errorsOf({ ...reverseDomain(), ldhName: 'idnic.example', network })).toEqual(['/ must NOT have additional properties (network)']);
  });
});

describe('kinds', () => {
  it('are inferred from the body', () => {
    const network = load(`${RESPONSES}icann-rdap/srv-test-data/2001_db8__.json`);
    const autnum = load(`${RESPONSES}icann-rdap/srv-test-data/as65541.json`);
    const person = load(`${RESPONSES}icann-rdap/srv-test-data/entity-rfc9083-fig17.json`);
    const domain = load(`${RESPONSES}icann-rdap/srv-test-data/0_2_192_in-addr_arpa.json`);
    const base = { rdapConformance: ['rdap_level_0'] };
    expect(errorsOf({ ...base, ipSearchResults: [network, network] })).toEqual([]);
    expect(errorsOf({ ...base, autnumSearchResults: [autnum] })).toEqual([]);
    expect(errorsOf({ ...base, entitySearchResults: [person] })).toEqual([]);
    expect(errorsOf({ ...base, domainSearchResults: [domain] })).toEqual([]);
    expect(errorsOf({ ...base, ipSearchResults: [network, { ...network, status: ['up'] }] })).toEqual([
      '/ipSearchResults/1/status/0 must match format "status", got "up" [ICANN -11002]',
    ]);
    expect(errorsOf({ ...base, ipSearchResults: [network], autnumSearchResults: [] })).toEqual([
      '/ must NOT have additional properties (autnumSearchResults)',
    ]);
  });

  it('an explicit kind must match objectClassName', () => {
    const autnum = { rdapConformance: ['rdap_level_0'], ...load(`${RESPONSES}icann-rdap/srv-test-data/as65541.json`) };
    expect(errorsOf(autnum, 'ip network')).toContain('/objectClassName must be "ip network", got "autnum"');
    const { objectClassName: _dropped, ...anonymous } = ipNetwork();
    expect(errorsOf(anonymous, 'ip network')).toEqual(['/objectClassName must be "ip network", got undefined']);
    expect(errorsOf(ipNetwork(), 'ip networks')).toContain("/ must have required property 'ipSearchResults'");
  });

  it('a body that is not an object is invalid', () => {
    expect(errorsOf([ipNetwork()])).toEqual(['/ must be a JSON object (RFC 9083 §2)']);
    expect(errorsOf(null)).toEqual(['/ must be a JSON object (RFC 9083 §2)']);
  });
});

describe('expectValidRdap', () => {
  it('throws with every instancePath and message', () => {
    const body = ipNetwork();
    body['status'] = ['allocated'];
    body['bogus'] = true;
    expect(() => expectValidRdap(body)).toThrow(/^RDAP ip network response fails the ICANN RDAP schemas:\n/);
    expect(() => expectValidRdap(body)).toThrow('\n  / must NOT have additional properties (bogus)');
    expect(() => expectValidRdap(body)).toThrow('\n  /status/0 must match format "status", got "allocated" [ICANN -11002]');
  });

  it('does not modify the body it checks', () => {
    const body = { ...ipNetwork(), lang: 'en', rdapConformance: ['rdap_level_0', 'cidr0'], cidr0_cidrs: [] };
    const before = structuredClone(body);
    expectValidRdap(body, 'ip network');
    expect(body).toEqual(before);
  });
});
