import { describe, expect, it } from 'vitest';
import type { RpslObject } from '../../../src/model/types.js';
import { parseRpslText } from '../../../src/rpsl/parse.js';
import { toRegistryObject } from '../../../src/rpsl/to-model.js';

function rpsl(text: string): RpslObject {
  const [parsed] = parseRpslText(text, 'fixture.db');
  expect(parsed!.issues).toEqual([]);
  return parsed!.object!;
}

function codes(text: string, defaultSource?: string): [string, number, string][] {
  return toRegistryObject(rpsl(text), defaultSource ? { defaultSource } : {}).issues.map((i) => [i.code, i.line, i.severity]);
}

const INETNUM_TAIL = `netname:        EXAMPLE-NET
country:        ID
admin-c:        EX1-TEST
tech-c:         EX1-TEST
status:         ASSIGNED PORTABLE
mnt-by:         MAINT-EX
source:         TEST
`;

function inetnum(key: string): string {
  return `inetnum:        ${key}\n${INETNUM_TAIL}`;
}

function inet6num(key: string): string {
  return `inet6num:       ${key}\n${INETNUM_TAIL}`;
}

describe('toRegistryObject: keys', () => {
  it('inetnum: any range form becomes `a - b` with its range', () => {
    const cases: [string, string][] = [
      ['192.0.2.0 - 192.0.2.255', '192.0.2.0 - 192.0.2.255'],
      ['192.0.2.0-192.0.2.255', '192.0.2.0 - 192.0.2.255'],
      ['192.0.2.0/24', '192.0.2.0 - 192.0.2.255'],
      ['192.0.2.0 - 192.0.2.191 # not CIDR', '192.0.2.0 - 192.0.2.191'],
      ['192.0.2.7', '192.0.2.7 - 192.0.2.7'],
    ];
    for (const [written, key] of cases) {
      const { object, issues } = toRegistryObject(rpsl(inetnum(written)), {});
      expect(issues).toEqual([]);
      expect(object!.key).toBe(key);
    }
    const { object } = toRegistryObject(rpsl(inetnum('192.0.2.0/24')), {});
    expect(object!.range).toEqual({ family: 4, start: 0xc0000200n, end: 0xc00002ffn });
    expect(object!.asns).toBeUndefined();
  });

  it('inet6num: the canonical compressed prefix', () => {
    const { object, issues } = toRegistryObject(rpsl(inet6num('2001:0DB8:0000::/32')), {});
    expect(issues).toEqual([]);
    expect(object!.key).toBe('2001:db8::/32');
    expect(object!.range!.family).toBe(6);
  });

  it('aut-num and as-block', () => {
    const aut = toRegistryObject(
      rpsl('aut-num: as64496\nas-name: EX\nadmin-c: A1\ntech-c: A1\nmnt-by: M\nsource: TEST\n'),
      {},
    );
    expect(aut.issues).toEqual([]);
    expect([aut.object!.key, aut.object!.asns]).toEqual(['AS64496', { first: 64496, last: 64496 }]);
    const block = toRegistryObject(rpsl('as-block: as64496-AS64511\nadmin-c: A1\ntech-c: A1\nmnt-by: M\nsource: TEST\n'), {});
    expect(block.issues).toEqual([]);
    expect([block.object!.key, block.object!.asns]).toEqual(['AS64496 - AS64511', { first: 64496, last: 64511 }]);
  });

  it('route and route6: prefix + origin, range from the prefix', () => {
    const route = toRegistryObject(rpsl('route: 192.0.2.0/24\norigin: as64496 # primary\nmnt-by: M\nsource: TEST\n'), {});
    expect(route.issues).toEqual([]);
    expect(route.object!.key).toBe('192.0.2.0/24AS64496');
    expect(route.object!.range).toEqual({ family: 4, start: 0xc0000200n, end: 0xc00002ffn });
    expect(route.object!.references).toEqual([
      { attribute: 'origin', target: 'AS64496' },
      { attribute: 'mnt-by', target: 'M' },
    ]);
    const route6 = toRegistryObject(rpsl('route6: 2001:DB8::/32\norigin: AS64496\nmnt-by: M\nsource: TEST\n'), {});
    expect(route6.object!.key).toBe('2001:db8::/32AS64496');
  });

  it('domain: lower-cased, no trailing dot', () => {
    const { object, issues } = toRegistryObject(
      rpsl('domain: 2.0.192.IN-ADDR.ARPA.\nadmin-c: A1\ntech-c: A1\nzone-c: A1\nnserver: ns1.example.net\nmnt-by: M\nsource: TEST\n'),
      {},
    );
    expect(issues).toEqual([]);
    expect(object!.key).toBe('2.0.192.in-addr.arpa');
  });

  it('handles: upper-cased; person and role are keyed by nic-hdl', () => {
    const person = toRegistryObject(rpsl('person: John Smith\nnic-hdl: js1-test # me\nmnt-by: M\nsource: test\n'), {});
    expect(person.issues).toEqual([]);
    expect([person.object!.key, person.object!.source]).toEqual(['JS1-TEST', 'TEST']);
    const org = toRegistryObject(rpsl('organisation: org-ex1-test\norg-name: Ex\norg-type: LIR\nmnt-ref: M\nmnt-by: M\nsource: TEST\n'), {});
    expect(org.issues).toEqual([]);
    expect(org.object!.key).toBe('ORG-EX1-TEST');
  });

  it('bad keys are errors on the key line and give no object', () => {
    const bad: [string, string][] = [
      [inetnum('garbage'), 'garbage'],
      [inetnum('192.0.2.255 - 192.0.2.0'), 'end before start'],
      [inetnum('24.232.16/24'), 'abbreviated'],
      [inetnum('2001:db8::/32'), 'IPv6 in inetnum'],
      [inet6num('2001:db8::1/32'), 'host bits set'],
      [inet6num('192.0.2.0/24'), 'IPv4 in inet6num'],
      [inet6num('2001:db8:: - 2001:db8::2'), 'not a prefix'],
      ['aut-num: ASX\nas-name: EX\nadmin-c: A1\ntech-c: A1\nmnt-by: M\nsource: TEST\n', 'bad AS'],
      ['as-block: AS2 - AS1\nadmin-c: A1\ntech-c: A1\nmnt-by: M\nsource: TEST\n', 'reversed as-block'],
      ['route: 192.0.2.1/24\norigin: AS1\nmnt-by: M\nsource: TEST\n', 'host bits in route'],
      ['route: 2001:db8::/32\norigin: AS1\nmnt-by: M\nsource: TEST\n', 'IPv6 in route'],
    ];
    for (const [text, why] of bad) {
      const { object, issues } = toRegistryObject(rpsl(text), {});
      expect(object, why).toBeNull();
      expect(issues.map((i) => [i.code, i.line, i.severity]), why).toEqual([['RPSL_BAD_KEY', 1, 'error']]);
    }
    const badOrigin = toRegistryObject(rpsl('route: 192.0.2.0/24\ndescr: x\norigin: none\nmnt-by: M\nsource: TEST\n'), {});
    expect(badOrigin.issues.map((i) => [i.code, i.line])).toEqual([['RPSL_BAD_KEY', 3]]);
  });
});

describe('toRegistryObject: source', () => {
  it('upper-cases and strips the source comment', () => {
    expect(toRegistryObject(rpsl(inetnum('192.0.2.0/24').replace('source:         TEST', 'source: idnic # filtered')), {}).object!.source).toBe('IDNIC');
  });

  it('falls back to the default source, else reports RPSL_NO_SOURCE', () => {
    const text = 'mntner: M\nadmin-c: A1\nauth: x\nmnt-by: M\n';
    const withDefault = toRegistryObject(rpsl(text), { defaultSource: 'idnic' });
    expect(withDefault.issues).toEqual([]);
    expect(withDefault.object!.source).toBe('IDNIC');
    const without = toRegistryObject(rpsl(text), {});
    expect(without.object).toBeNull();
    expect(without.issues).toEqual([
      { file: 'fixture.db', line: 1, code: 'RPSL_NO_SOURCE', message: expect.any(String), severity: 'error' },
    ]);
  });

  it('the object source wins over the default', () => {
    expect(toRegistryObject(rpsl(inetnum('192.0.2.0/24')), { defaultSource: 'IDNIC' }).object!.source).toBe('TEST');
  });
});

describe('toRegistryObject: template checks', () => {
  it('reports missing mandatory attributes at the object line', () => {
    expect(codes('inetnum: 192.0.2.0/24\nnetname: X\nsource: TEST\n')).toEqual([
      ['RPSL_MISSING_ATTRIBUTE', 1, 'error'],
      ['RPSL_MISSING_ATTRIBUTE', 1, 'error'],
      ['RPSL_MISSING_ATTRIBUTE', 1, 'error'],
      ['RPSL_MISSING_ATTRIBUTE', 1, 'error'],
      ['RPSL_MISSING_ATTRIBUTE', 1, 'error'],
    ]);
    const messages = toRegistryObject(rpsl('inetnum: 192.0.2.0/24\nnetname: X\nsource: TEST\n'), {}).issues.map((i) => i.message);
    for (const a of ['country', 'admin-c', 'tech-c', 'status', 'mnt-by']) expect(messages.some((m) => m.includes(`"${a}"`))).toBe(true);
  });

  it('a person without nic-hdl has no key', () => {
    const { object, issues } = toRegistryObject(rpsl('person: John\nmnt-by: M\nsource: TEST\n'), {});
    expect(object).toBeNull();
    expect(issues.map((i) => i.code)).toEqual(['RPSL_MISSING_ATTRIBUTE']);
  });

  it('reports a repeated single-valued attribute at its second line; repeats of multiple ones are fine', () => {
    const text = inetnum('192.0.2.0/24').replace('status:', 'descr: a\ndescr: b\nnetname: AGAIN\nstatus:');
    expect(codes(text)).toEqual([['RPSL_DUPLICATE_ATTRIBUTE', 8, 'error']]);
    expect(codes(`${inetnum('192.0.2.0/24')}source: TEST\n`)).toEqual([['RPSL_DUPLICATE_ATTRIBUTE', 9, 'error']]);
  });

  it('warns once per unknown attribute name, keeps the object', () => {
    const text = `${inetnum('192.0.2.0/24')}x-local: 1\nx-local: 2\n`;
    expect(codes(text)).toEqual([['RPSL_UNKNOWN_ATTRIBUTE', 9, 'warning']]);
    const { object } = toRegistryObject(rpsl(text), {});
    expect(object!.attributes.slice(-2)).toEqual([
      ['x-local', '1'],
      ['x-local', '2'],
    ]);
  });

  it('keeps an unknown class as a plain object keyed by its first value', () => {
    const { object, issues } = toRegistryObject(rpsl('as-set: as-bogus\nmembers: AS1, AS2\nmnt-by: M\nsource: JPIRR\n'), {});
    expect(issues.map((i) => [i.code, i.line, i.severity])).toEqual([['RPSL_UNKNOWN_CLASS', 1, 'warning']]);
    expect(object).toMatchObject({ className: 'as-set', key: 'AS-BOGUS', source: 'JPIRR', references: [] });
  });

  it('accepts old-style objects with changed: and no created:/last-modified:', () => {
    expect(codes(`${inetnum('192.0.2.0/24')}changed: hm@example.net 20020926\nchanged: hm@example.net 20030101\n`)).toEqual([]);
  });
});

describe('toRegistryObject: attributes and references', () => {
  it('keeps [name, value] pairs in order, values as written', () => {
    const text = 'mntner: M\ndescr: one\n  two\nadmin-c: A1 # boss\nauth: x\nmnt-by: M\nsource: TEST\n';
    expect(toRegistryObject(rpsl(text), {}).object!.attributes).toEqual([
      ['mntner', 'M'],
      ['descr', 'one\ntwo'],
      ['admin-c', 'A1 # boss'],
      ['auth', 'x'],
      ['mnt-by', 'M'],
      ['source', 'TEST'],
    ]);
  });

  it('splits lists on commas and whitespace, upper-cases, strips comments, drops repeats', () => {
    const text = inetnum('192.0.2.0/24')
      .replace('mnt-by:         MAINT-EX', 'mnt-by: maint-a, MAINT-B # two\nmnt-by: MAINT-A\nmnt-irt: irt-ex\norg: org-ex1-test\nabuse-c: ab1-test')
      .replace('tech-c:         EX1-TEST', 'tech-c: EX1-TEST EX2-TEST\n   EX3-TEST');
    const { object, issues } = toRegistryObject(rpsl(text), {});
    expect(issues).toEqual([]);
    expect(object!.references).toEqual([
      { attribute: 'admin-c', target: 'EX1-TEST' },
      { attribute: 'tech-c', target: 'EX1-TEST' },
      { attribute: 'tech-c', target: 'EX2-TEST' },
      { attribute: 'tech-c', target: 'EX3-TEST' },
      { attribute: 'mnt-by', target: 'MAINT-A' },
      { attribute: 'mnt-by', target: 'MAINT-B' },
      { attribute: 'mnt-irt', target: 'IRT-EX' },
      { attribute: 'org', target: 'ORG-EX1-TEST' },
      { attribute: 'abuse-c', target: 'AB1-TEST' },
    ]);
  });

  it('mnt-routes names only the maintainer, not its prefix list or ANY', () => {
    const text = `${inetnum('192.0.2.0/24')}mnt-routes: MAINT-R {192.0.2.0/24^+, 192.0.2.128/25}\nmnt-routes: MAINT-S ANY\n`;
    const refs = toRegistryObject(rpsl(text), {}).object!.references.filter((r) => r.attribute === 'mnt-routes');
    expect(refs.map((r) => r.target)).toEqual(['MAINT-R', 'MAINT-S']);
  });

  it('carries file and line', () => {
    const [, second] = parseRpslText(`mntner: X\n\n${inetnum('192.0.2.0/24')}`, 'f.db');
    expect(toRegistryObject(second!.object!, {}).object).toMatchObject({ file: 'f.db', line: 3 });
  });
});
