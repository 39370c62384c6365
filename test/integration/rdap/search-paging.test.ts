// RDAP search answers as RFC 8977 (paging, sorting) and RFC 8982 (partial responses) write
// them, on a crafted registry big enough to page: `count` asks for the total, the page size is
// the server's, a cursor belongs to the query that issued it, `sort` orders every page and
// never by names withheld from the caller (DESIGN §5), and `fieldSet` trims each result.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/access/audit.js';
import { KeyStore } from '../../../src/access/keys.js';
import { buildApp } from '../../../src/http/app.js';
import { LookupService } from '../../../src/query/service.js';
import { encodeCursor } from '../../../src/rdap/search-params.js';
import { openStateDb } from '../../../src/store/state-db.js';
import type { Db } from '../../../src/store/db.js';
import type { FastifyInstance } from 'fastify';
import { expectValidRdap, type RdapKind } from '../../helpers/rdap-schema.js';
import { importText, quietLog, tempRegistry, testConfig } from '../../helpers/registry.js';

type Json = Record<string, any>;

const PAGE = 50;
const CASE_REFERENCE = 'LP/77/XII/2026/Bareskrim';

// ---- the registry: documentation space only ------------------------------------------------

// A few dates shared by many objects, so that sorted pages end in the middle of a run of
// equal values (the keyset must then continue by id, neither skipping nor repeating).
const DATES = ['2012-03-04T05:06:07Z', '2015-06-30T00:00:00Z', '2018-11-11T11:11:11Z', '2020-01-01T00:00:00Z', '2023-08-17T08:17:45Z'];
const COUNTRIES = ['ID', 'SG', 'MY', 'AU', 'JP'];
const WORDS = ['Nusantara', 'alam', 'Bintang', 'cahaya', 'Delta', 'elang', 'Fajar'];

/** Dates and country of the n-th object: some missing, some `changed:` only (DESIGN §2 dates). */
function common(n: number): string[] {
  const lines: string[] = [];
  if (n % 9 !== 4) lines.push(`created:        ${DATES[n % DATES.length]}`);
  if (n % 6 === 1) lines.push(`changed:        hostmaster@example.net 20${10 + (n % 12)}0${1 + (n % 9)}15`);
  else if (n % 9 !== 4) lines.push(`last-modified:  ${DATES[(n * 3) % DATES.length]}`);
  return lines;
}
const country = (n: number) => (n % 8 === 3 ? [] : [`country:        ${COUNTRIES[n % COUNTRIES.length]}`]);

/** Stable order unrelated to any sort key, so that registry (id) order is no sort's order. */
const shuffled = (n: number) => Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 37) % n) - ((b * 37) % n));

function registryText(): string {
  const objects: string[][] = [
    ['mntner:         MAINT-PG-OWN', 'admin-c:        PGR1-IDNIC', 'auth:           CRYPT-PW dummy', 'mnt-by:         MAINT-PG-OWN', 'source:         IDNIC'],
    ['mntner:         MAINT-PG-OTHER', 'admin-c:        PGR1-IDNIC', 'auth:           CRYPT-PW dummy', 'mnt-by:         MAINT-PG-OTHER', 'source:         IDNIC'],
    ['organisation:   ORG-PGOWN1-IDNIC', 'org-name:       Paging Own Member', 'org-type:       LIR', 'country:        ID', 'mnt-ref:        MAINT-PG-OWN', 'mnt-by:         MAINT-PG-OWN', 'source:         IDNIC'],
    ['inetnum:        192.0.2.0 - 192.0.2.63', 'netname:        PGOWN-NET', 'country:        ID', 'org:            ORG-PGOWN1-IDNIC', 'admin-c:        PGR1-IDNIC', 'tech-c:         PGR1-IDNIC', 'status:         ALLOCATED PORTABLE', 'mnt-by:         MAINT-PG-OWN', 'mnt-lower:      MAINT-PG-OWN', 'source:         IDNIC'],
    ['organisation:   ORG-PGNET1-IDNIC', 'org-name:       Paging Networks Holder', 'org-type:       OTHER', 'country:        ID', 'mnt-ref:        MAINT-PG-OTHER', 'mnt-by:         MAINT-PG-OTHER', 'source:         IDNIC'],
  ];
  for (const n of shuffled(120)) {
    objects.push([`organisation:   ORG-PG${n + 1}-IDNIC`, `org-name:       Paging ${WORDS[n % WORDS.length]} ${n + 1}`, 'org-type:       OTHER', ...country(n), 'mnt-ref:        MAINT-PG-OTHER', 'mnt-by:         MAINT-PG-OTHER', ...common(n), 'source:         IDNIC']);
  }
  // Persons: the even ones maintained by the member's maintainer (its own), the odd ones not.
  for (const n of shuffled(60)) {
    const mnt = n % 2 === 0 ? 'MAINT-PG-OWN' : 'MAINT-PG-OTHER';
    objects.push([`person:         Paging Person ${WORDS[n % WORDS.length]} ${n + 1}`, `nic-hdl:        PGP${n + 1}-IDNIC`, 'address:        Jakarta', 'phone:          +62 21 555 0100', 'e-mail:         person@example.net', 'country:        ID', `mnt-by:         ${mnt}`, ...common(n), 'source:         IDNIC']);
  }
  for (const n of shuffled(30)) {
    objects.push([`role:           Paging NOC ${n + 1}`, `nic-hdl:        PGR${n + 1}-IDNIC`, 'address:        Jakarta', 'e-mail:         noc@example.net', 'mnt-by:         MAINT-PG-OTHER', ...common(n + 3), 'source:         IDNIC']);
  }
  // 60 IPv4 /30s and 60 IPv6 /48s, all of ORG-PGNET1-IDNIC, with contacts (`country:` is mandatory here).
  for (const n of shuffled(120)) {
    const key = n < 60 ? `inetnum:        198.51.100.${n * 4} - 198.51.100.${n * 4 + 3}` : `inet6num:       2001:db8:${(0x100 + n).toString(16)}::/48`;
    objects.push([key, `netname:        PAGENET-${WORDS[n % WORDS.length]!.toUpperCase()}-${n}`, `country:        ${COUNTRIES[n % COUNTRIES.length]}`, 'org:            ORG-PGNET1-IDNIC', `admin-c:        PGP${(n % 60) + 1}-IDNIC`, 'tech-c:         PGR1-IDNIC', 'status:         ASSIGNED PORTABLE', 'mnt-by:         MAINT-PG-OTHER', ...common(n), 'source:         IDNIC']);
  }
  // The 32 documentation AS numbers.
  const asns = [...Array.from({ length: 16 }, (_, i) => 64496 + i), ...Array.from({ length: 16 }, (_, i) => 65536 + i)];
  for (const i of shuffled(asns.length)) {
    objects.push([`aut-num:        AS${asns[i]}`, `as-name:        PAGEAS-${WORDS[i % WORDS.length]!.toUpperCase()}`, ...country(i), 'org:            ORG-PGNET1-IDNIC', 'admin-c:        PGR1-IDNIC', 'tech-c:         PGR1-IDNIC', 'mnt-by:         MAINT-PG-OTHER', ...common(i), 'source:         IDNIC']);
  }
  return `${objects.map((o) => o.join('\n')).join('\n\n')}\n`;
}

// ---- the app ---------------------------------------------------------------------------------

let app: FastifyInstance;
let registry: { db: Db; cleanup: () => void };
const state = openStateDb(':memory:');
const keys = new KeyStore(state);
const audit = new AuditLog(state, randomBytes(32));
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const r = tempRegistry();
  registry = r;
  await importText(r.db, r.dir, registryText(), '2026-01-01T00:00:00Z');
  const config = testConfig(r.path, { LACAK_BASE_URL: 'https://rdap.lacak.example/', LACAK_RATE_EXEMPT: '127.0.0.0/8' });
  app = buildApp({ config, service: new LookupService(r.db, config, quietLog), logger: quietLog, keys, audit });
  await app.ready();
  const now = Date.now();
  for (const [name, role, org] of [['member', 'member', 'ORG-PGOWN1-IDNIC'], ['lea', 'lea', null], ['admin', 'admin', null]] as const) {
    tokens[name] = keys.add({ role, label: `paging test ${name}`, org, expiresAt: now + 3_600_000, now }).token;
  }
});
afterAll(async () => {
  await app?.close();
  state.close();
  registry?.cleanup();
});

const as = (name: string): Record<string, string> =>
  name === 'anonymous' ? {} : { authorization: `Bearer ${tokens[name]}`, ...(name === 'lea' ? { 'x-case-reference': CASE_REFERENCE } : {}) };

async function get(url: string, headers: Record<string, string> = {}) {
  const r = await app.inject({ url, headers });
  return { status: r.statusCode, body: JSON.parse(r.body) as Json };
}

const KIND: Record<string, RdapKind> = { entitySearchResults: 'entities', ipSearchResults: 'ip networks', autnumSearchResults: 'autnums', domainSearchResults: 'domains' };

/** The results of a search answer, checked against the RDAP schemas. */
function resultsOf(body: Json): Json[] {
  const member = Object.keys(KIND).find((m) => m in body)!;
  expectValidRdap(body, KIND[member]);
  return body[member] as Json[];
}

/** Every page of a search, following `next` links; each page validated. */
async function allPages(url: string, headers: Record<string, string> = {}) {
  const pages: Json[] = [];
  let next: string | null = url;
  while (next && pages.length < 20) {
    const r = await get(next, headers);
    expect(r.status, next).toBe(200);
    resultsOf(r.body);
    pages.push(r.body);
    const link = ((r.body.paging_metadata?.links ?? []) as Json[]).find((l) => l.rel === 'next');
    next = link ? new URL(link.href as string).pathname + new URL(link.href as string).search : null;
  }
  const results = pages.flatMap((p) => resultsOf(p));
  return { pages, results, handles: results.map((x) => (x.handle ?? x.ldhName) as string) };
}

const cursorOf = (body: Json) => new URL(((body.paging_metadata.links as Json[]).find((l) => l.rel === 'next')!.href as string)).searchParams.get('cursor')!;

function expectBadParameter(r: { status: number; body: Json }, parameter: string, url: string): void {
  expect(r.status, url).toBe(400);
  expectValidRdap(r.body, 'error');
  expect(r.body.errorCode, url).toBe(400);
  expect((r.body.description as string[]).join(' '), url).toMatch(new RegExp(`^${parameter}: `));
}

// ---- sort values as the answers show them ------------------------------------------------------

const event = (o: Json, action: string) => ((o.events ?? []) as Json[]).find((e) => e.eventAction === action)?.eventDate ?? '';
const jcard = (o: Json, name: string) => (((o.vcardArray?.[1] ?? []) as unknown[][]).find((p) => p[0] === name)?.[3] as string | undefined) ?? '';
const addressKey = (o: Json) => `${o.ipVersion === 'v4' ? 4 : 6}${BigInt(o.ipVersion === 'v4' ? ipv4(o.startAddress) : ipv6(o.startAddress)).toString(16).padStart(32, '0')}`;
const ipv4 = (a: string) => a.split('.').reduce((n, p) => n * 256n + BigInt(p), 0n);
function ipv6(a: string): bigint {
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => n * 65536n + BigInt(parseInt(g, 16)), 0n);
}

/** What a result is sorted by, as text that compares as the server compares (RFC 8977 §2.2.1). */
const VALUE: Record<string, (o: Json) => string> = {
  handle: (o) => o.handle,
  fn: (o) => jcard(o, 'fn').toUpperCase(),
  name: (o) => (o.ldhName ?? o.name ?? o.handle).toUpperCase(),
  registrationDate: (o) => event(o, 'registration'),
  lastChangedDate: (o) => event(o, 'last changed'),
  country: (o) => (o.objectClassName === 'entity' ? jcard(o, 'country-name') : (o.country ?? '')),
  startAddress: addressKey,
  startAutnum: (o) => String(o.startAutnum).padStart(10, '0'),
};

/** Whether `results` follow the sort items (ties are left to the next item). */
function expectSorted(results: Json[], items: readonly string[], url: string): void {
  for (let i = 1; i < results.length; i++) {
    for (const item of items) {
      const [property, dir] = item.split(':') as [string, string | undefined];
      const a = VALUE[property]!(results[i - 1]!);
      const c = VALUE[property]!(results[i]!);
      if (a === c) continue;
      expect(dir === 'd' ? a > c : a < c, `${url}: ${results[i - 1]!.handle} (${a}) before ${results[i]!.handle} (${c})`).toBe(true);
      break;
    }
  }
}

// ---- RFC 8977 §2.1: count ---------------------------------------------------------------------

describe('count (RFC 8977 §2.1) asks for the total, it is not a page size', () => {
  it('count=true gives paging_metadata.totalCount, the number of objects paged through, on every page', async () => {
    for (const url of ['/entities?handle=ORG-PG*&count=true', '/ips?name=PAGENET*&count=yes', '/ips/reverse_search/entity?handle=ORG-PGNET1-IDNIC&count=1', '/autnums?name=PAGEAS*&count=TRUE']) {
      const { pages, handles } = await allPages(url);
      expect(new Set(handles).size, url).toBe(handles.length);
      for (const p of pages) expect(p.paging_metadata.totalCount, url).toBe(handles.length);
      expect(pages[0]!.rdapConformance).toContain('paging');
    }
  });

  it('counts a relation search too: one page and no cursor, but the total says what the page left out', async () => {
    const r = await get('/ips/rirSearch1/rdap-down/198.51.100.0/24?count=true');
    expect(r.status).toBe(200);
    expect(resultsOf(r.body)).toHaveLength(PAGE);
    expect(r.body.paging_metadata).toEqual({ totalCount: 60, pageSize: PAGE, pageNumber: 1 });
    expect(r.body).not.toHaveProperty('sorting_metadata');
  });

  it('count=false, count=no, count=0 or no count give no totalCount', async () => {
    for (const url of ['/ips?name=PAGENET*', '/ips?name=PAGENET*&count=false', '/ips?name=PAGENET*&count=no', '/ips?name=PAGENET*&count=0']) {
      const r = await get(url);
      expect(r.status, url).toBe(200);
      resultsOf(r.body);
      expect(r.body.paging_metadata, url).not.toHaveProperty('totalCount');
    }
  });

  it('a count that is not a boolean is a 400 naming count; count=2 no longer sets a page size', async () => {
    for (const url of ['/ips?name=PAGENET*&count=maybe', '/ips?name=PAGENET*&count=2', '/ips?name=PAGENET*&count=', '/entities?handle=ORG-PG*&count=500']) {
      expectBadParameter(await get(url), 'count', url);
    }
  });

  it('totalCount counts only what the caller may find: a member its own persons, admin every person', async () => {
    const anonymous = await allPages('/entities?fn=Paging*&count=true');
    const member = await allPages('/entities?fn=Paging*&count=true', as('member'));
    const admin = await allPages('/entities?fn=Paging*&count=true', as('admin'));
    const persons = (handles: string[]) => handles.filter((h) => h.startsWith('PGP')).length;
    expect([persons(anonymous.handles), persons(member.handles), persons(admin.handles)]).toEqual([0, 30, 60]);
    expect(anonymous.pages[0]!.paging_metadata.totalCount).toBe(anonymous.handles.length);
    expect(member.pages[0]!.paging_metadata.totalCount).toBe(member.handles.length);
    expect(admin.pages[0]!.paging_metadata.totalCount).toBe(admin.handles.length);
  });
});

// ---- RFC 8977 §2.3: the server's pages and cursors -------------------------------------------------

describe("pages of the server's size, and cursors bound to their query (RFC 8977 §2.3)", () => {
  it('pages hold 50 results; pageSize and pageNumber say so; the last page has no next link', async () => {
    const { pages, handles } = await allPages('/ips?name=PAGENET*');
    expect(handles).toHaveLength(120);
    expect(new Set(handles).size).toBe(120);
    expect(pages.map((p) => p.ipSearchResults.length)).toEqual([PAGE, PAGE, 20]);
    expect(pages.map((p) => [p.paging_metadata.pageSize, p.paging_metadata.pageNumber])).toEqual([
      [PAGE, 1],
      [PAGE, 2],
      [PAGE, 3],
    ]);
    const next = (pages[0]!.paging_metadata.links as Json[])[0]!;
    expect(next).toMatchObject({ rel: 'next', type: 'application/rdap+json', value: 'https://rdap.lacak.example/ips?name=PAGENET*' });
    expect(pages[2]!.paging_metadata).not.toHaveProperty('links');
  });

  it('an answer of one page carries no pageSize or pageNumber (RFC 8977 §2: only when results exceed a page); /help states the page size', async () => {
    const r = await get('/autnums?name=PAGEAS*');
    expect(r.status).toBe(200);
    expect(resultsOf(r.body)).toHaveLength(32);
    expect(r.body).not.toHaveProperty('paging_metadata');
    expect(r.body.rdapConformance).not.toContain('paging');
    const help = await get('/help');
    expectValidRdap(help.body, 'help');
    expect(JSON.stringify(help.body.notices)).toContain(`pages of ${PAGE} results`);
  });

  it('paging reaches every object exactly once, under every sort, also when a page ends inside a run of equal values', async () => {
    const whole = (await allPages('/entities?handle=ORG-PG*')).handles;
    expect(whole.length).toBeGreaterThan(2 * PAGE); // three pages
    for (const sort of ['registrationDate', 'registrationDate:d', 'country,lastChangedDate:d', 'fn:d', 'lastChangedDate,handle:d']) {
      const { pages, results, handles } = await allPages(`/entities?handle=ORG-PG*&sort=${sort}`);
      expect(pages).toHaveLength(3);
      expectSorted(results, sort.split(','), sort);
      expect([...handles].sort(), sort).toEqual([...whole].sort());
      expect(new Set(handles).size, sort).toBe(handles.length);
    }
  });

  it('refuses a cursor of another query: another route, search term or sort', async () => {
    const first = await get('/ips?name=PAGENET*');
    const cursor = cursorOf(first.body);
    for (const url of [
      `/ips?name=PAGENET*&cursor=${cursor}`, // its own query: accepted
      `/ips?name=PAGENET-*&cursor=${cursor}`,
      `/ips?handle=PAGENET*&cursor=${cursor}`,
      `/autnums?name=PAGENET*&cursor=${cursor}`,
      `/ips?name=PAGENET*&sort=name:d&cursor=${cursor}`,
      `/ips/reverse_search/entity?handle=ORG-PGNET1-IDNIC&cursor=${cursor}`,
      `/ips/rirSearch1/rdap-down/198.51.100.0/24?cursor=${cursor}`,
    ]) {
      const r = await get(url);
      if (url === `/ips?name=PAGENET*&cursor=${cursor}`) expect(r.status).toBe(200);
      else expectBadParameter(r, 'cursor', url);
    }
    // The field set and count change how a page is shown, not which page it is.
    const same = await get(`/ips?name=PAGENET*&fieldSet=id&count=true&cursor=${cursor}`);
    expect(same.status).toBe(200);
    expect(resultsOf(same.body).map((n) => n.handle)).toEqual((await get(`/ips?name=PAGENET*&cursor=${cursor}`)).body.ipSearchResults.map((n: Json) => n.handle));
  });

  it('refuses a tampered cursor, and a forged one naming an object outside the search', async () => {
    const first = await get('/ips/reverse_search/entity?handle=ORG-PGNET1-IDNIC');
    const cursor = cursorOf(first.body);
    const [binding, , page] = Buffer.from(cursor, 'base64url').toString('latin1').split('.') as [string, string, string];
    // The id of an object the reverse search does not find: the last of an entity page.
    const elsewhere = Number(Buffer.from(cursorOf((await get('/entities?handle=ORG-PG*')).body), 'base64url').toString('latin1').split('.')[1]);
    const flipped = cursor.slice(0, 5) + (cursor[5] === 'A' ? 'B' : 'A') + cursor.slice(6);
    for (const bad of [flipped, `${cursor}x`, 'garbage', '', Buffer.from(`${binding}.1.${page}.AAAAAAAAAAAA`).toString('base64url'), encodeCursor(binding, { id: elsewhere, page: 2 })]) {
      expectBadParameter(await get(`/ips/reverse_search/entity?handle=ORG-PGNET1-IDNIC&cursor=${encodeURIComponent(bad)}`), 'cursor', bad);
    }
  });

  it('never lets a member page onto a person it may not find, and pages its name search to what the caller may see', async () => {
    const member = await allPages('/entities?fn=Paging*', as('member'));
    expect(member.pages.length).toBeGreaterThan(2);
    const persons = member.handles.filter((h) => h.startsWith('PGP'));
    expect(persons.every((h) => Number(/PGP(\d+)/.exec(h)![1]) % 2 === 1)).toBe(true); // PGP(n+1) for even n: odd numbers
    // A cursor issued to the member names the object its page ended with: where that is one
    // of its persons, the cursor is no position in what anonymous finds, and is refused.
    let onPerson = 0;
    for (const sort of ['fn', 'fn:d', 'handle', 'handle:d', 'registrationDate', 'lastChangedDate:d', 'country']) {
      const pages = (await allPages(`/entities?fn=Paging*&sort=${sort}`, as('member'))).pages;
      for (const page of pages.slice(0, -1)) {
        const last = (page.entitySearchResults as Json[]).at(-1)!;
        const r = await get(`/entities?fn=Paging*&sort=${sort}&cursor=${cursorOf(page)}`);
        if (!last.handle.startsWith('PGP')) expect(r.status, `${sort} after ${last.handle}`).toBe(200);
        else {
          onPerson++;
          expectBadParameter(r, 'cursor', `${sort} after ${last.handle}`);
        }
      }
    }
    expect(onPerson).toBeGreaterThan(0);
  });
});

// ---- RFC 8977 §2.2: sort ------------------------------------------------------------------------

describe('sort (RFC 8977 §2.2)', () => {
  it('orders every page of entities, networks, autnums and reverse searches by each offered property, both ways', async () => {
    const cases: [string, readonly string[]][] = [
      ['/entities?handle=ORG-PG*', ['handle', 'fn', 'registrationDate', 'lastChangedDate', 'country']],
      ['/ips?name=PAGENET*', ['handle', 'name', 'startAddress', 'registrationDate', 'lastChangedDate', 'country']],
      ['/ips/reverse_search/entity?handle=ORG-PGNET1-IDNIC', ['startAddress', 'lastChangedDate']],
      ['/autnums?name=PAGEAS*', ['handle', 'name', 'startAutnum', 'registrationDate', 'country']],
    ];
    for (const [search, properties] of cases) {
      for (const property of properties) {
        for (const sort of [property, `${property}:a`, `${property}:d`]) {
          const url = `${search}&sort=${sort}&fieldSet=brief`;
          const { pages, results } = await allPages(url);
          expectSorted(results, [sort.replace(':a', '')], url);
          expect(pages[0]!.sorting_metadata.currentSort, url).toBe(sort);
          expect(pages[0]!.rdapConformance, url).toEqual(expect.arrayContaining(['sorting', 'subsetting']));
        }
      }
    }
  });

  it('sorts by several properties, each in its own direction', async () => {
    const url = '/ips?name=PAGENET*&sort=country:d,registrationDate,startAddress:d&fieldSet=brief';
    const { results } = await allPages(url);
    expect(results).toHaveLength(120);
    expectSorted(results, ['country:d', 'registrationDate', 'startAddress:d'], url);
  });

  it('sorts addresses by number, IPv4 before IPv6, where the handle sorts as text', async () => {
    const byAddress = (await allPages('/ips?name=PAGENET*&sort=startAddress&fieldSet=id')).handles;
    expect(byAddress.slice(0, 4)).toEqual(['198.51.100.0 - 198.51.100.3', '198.51.100.4 - 198.51.100.7', '198.51.100.8 - 198.51.100.11', '198.51.100.12 - 198.51.100.15']);
    expect(byAddress.at(59)).toBe('198.51.100.236 - 198.51.100.239');
    expect(byAddress.at(60)).toBe('2001:db8:13c::/48');
    const byHandle = (await allPages('/ips?name=PAGENET*&sort=handle&fieldSet=id')).handles;
    expect(byHandle.slice(0, 3)).toEqual(['198.51.100.0 - 198.51.100.3', '198.51.100.100 - 198.51.100.103', '198.51.100.104 - 198.51.100.107']);
  });

  it('describes the sorts in sorting_metadata: currentSort, and each property with default, jsonPath and links back to page 1', async () => {
    const r = await get('/ips?name=PAGENET*&count=true');
    const cursor = cursorOf(r.body);
    const page2 = await get(`/ips?name=PAGENET*&count=true&cursor=${cursor}`);
    const meta = page2.body.sorting_metadata;
    expect(meta.currentSort).toBe('name'); // the default of a name search
    expect(meta.availableSorts.map((s: Json) => s.property)).toEqual(['handle', 'name', 'startAddress', 'registrationDate', 'lastChangedDate', 'country']);
    expect(meta.availableSorts.filter((s: Json) => s.default).map((s: Json) => s.property)).toEqual(['name']);
    const start = meta.availableSorts.find((s: Json) => s.property === 'startAddress');
    expect(start.jsonPath).toBe('$.ipSearchResults[*].startAddress');
    const hrefs = (start.links as Json[]).map((l) => new URL(l.href as string));
    expect(hrefs.map((u) => u.searchParams.get('sort'))).toEqual(['startAddress', 'startAddress:d']);
    expect(hrefs.every((u) => !u.searchParams.has('cursor') && u.searchParams.get('name') === 'PAGENET*' && u.searchParams.get('count') === 'true')).toBe(true);
    expect((start.links as Json[]).every((l) => l.rel === 'alternate' && l.value === `https://rdap.lacak.example/ips?name=PAGENET*&count=true&cursor=${cursor}`)).toBe(true);
    // The reverse search has no default order but registry order: no currentSort until asked.
    const reverse = await get('/ips/reverse_search/entity?handle=ORG-PGNET1-IDNIC');
    expect(reverse.body.sorting_metadata).not.toHaveProperty('currentSort');
    expect(reverse.body.sorting_metadata.availableSorts.every((s: Json) => s.default === false)).toBe(true);
  });

  it('refuses an unknown property, a bad direction and a malformed or repeated sort with a 400 naming sort', async () => {
    for (const url of [
      '/entities?handle=ORG-PG*&sort=nope',
      '/entities?handle=ORG-PG*&sort=handle:x',
      '/entities?handle=ORG-PG*&sort=',
      '/entities?handle=ORG-PG*&sort=handle,',
      '/entities?handle=ORG-PG*&sort=handle,handle:d',
      '/entities?handle=ORG-PG*&sort=startAddress',
      '/ips?name=PAGENET*&sort=fn',
      '/autnums?name=PAGEAS*&sort=startAddress',
      '/ips/rirSearch1/rdap-down/198.51.100.0/24?sort=handle',
    ]) {
      expectBadParameter(await get(url), 'sort', url);
    }
  });

  // DESIGN §5 "entity search matching person names, sorting by redacted fields: anonymous no,
  // member own only, lea/admin yes". A handle search finds every person (handles are public):
  // ordering it by fn would order persons by names withheld from the caller.
  it('sorts a handle search by fn only for callers who may see every name; an fn search by fn for everyone', async () => {
    for (const caller of ['anonymous', 'member']) {
      const r = await get('/entities?handle=PG*&sort=fn', as(caller));
      expectBadParameter(r, 'sort', caller);
      const plain = await get('/entities?handle=PG*', as(caller));
      expect(plain.body.sorting_metadata.availableSorts.map((s: Json) => s.property), caller).not.toContain('fn');
    }
    // Where a handle search finds no person whose name is withheld, nothing is ranked by one.
    const organisations = await allPages('/entities?handle=ORG-PG*&sort=fn&fieldSet=brief');
    expectSorted(organisations.results, ['fn'], 'ORG-PG* by fn');
    expect((await get('/entities?handle=PGP3-IDNIC&sort=fn', as('member'))).status).toBe(200); // its own person
    // Law enforcement without a case gets the anonymous view (DESIGN §5).
    expectBadParameter(await get('/entities?handle=PG*&sort=fn', { authorization: `Bearer ${tokens.lea}` }), 'sort', 'lea without a case');
    for (const caller of ['lea', 'admin']) {
      const url = '/entities?handle=PG*&sort=fn:d&fieldSet=brief';
      const { results } = await allPages(url, as(caller));
      expect(results).toHaveLength(90);
      expectSorted(results, ['fn:d'], `${url} as ${caller}`);
      expect(results.every((e) => jcard(e, 'fn') !== '')).toBe(true);
    }
    for (const caller of ['anonymous', 'member']) {
      const url = '/entities?fn=Paging*&sort=fn:d&fieldSet=brief';
      const { results } = await allPages(url, as(caller));
      expectSorted(results, ['fn:d'], `${url} as ${caller}`);
      expect(results.every((e) => jcard(e, 'fn') !== ''), caller).toBe(true);
    }
  });
});

// ---- RFC 8982: fieldSet -----------------------------------------------------------------------

describe('fieldSet (RFC 8982)', () => {
  const SEARCHES = ['/entities?handle=ORG-PG*', '/ips?name=PAGENET*', '/autnums?name=PAGEAS*', '/ips/reverse_search/entity?handle=ORG-PGNET1-IDNIC', '/ips/rirSearch1/rdap-down/198.51.100.0/24'];

  it('id gives only objectClassName, the handle and the self link, on every search', async () => {
    for (const search of SEARCHES) {
      const url = `${search}${search.includes('?') ? '&' : '?'}fieldSet=id`;
      const r = await get(url);
      expect(r.status, url).toBe(200);
      for (const o of resultsOf(r.body)) {
        expect(Object.keys(o).sort(), url).toEqual(['handle', 'links', 'objectClassName']);
        expect(o.links, url).toEqual([expect.objectContaining({ rel: 'self', type: 'application/rdap+json' })]);
      }
      expect(r.body.subsetting_metadata.currentFieldSet).toBe('id');
      expect(r.body.rdapConformance, url).toContain('subsetting');
      expect(r.body.rdapConformance, url).not.toContain('cidr0');
    }
  });

  it('brief gives the short form documented in subsetting_metadata: names, range or numbers, status, country, dates; no contacts or remarks', async () => {
    const networks = resultsOf((await get('/ips?name=PAGENET*&fieldSet=brief')).body);
    for (const n of networks) {
      expect(Object.keys(n).every((k) => ['objectClassName', 'handle', 'startAddress', 'endAddress', 'ipVersion', 'name', 'type', 'country', 'parentHandle', 'status', 'events', 'links'].includes(k))).toBe(true);
      expect(n).toHaveProperty('startAddress');
      expect(n).toHaveProperty('name');
      expect(n).not.toHaveProperty('entities');
    }
    const autnums = resultsOf((await get('/autnums?name=PAGEAS*&fieldSet=brief')).body);
    expect(autnums.every((a) => typeof a.startAutnum === 'number' && typeof a.name === 'string' && !('entities' in a))).toBe(true);
    const entities = resultsOf((await get('/entities?handle=ORG-PG*&fieldSet=brief')).body);
    for (const e of entities) {
      expect(Object.keys(e).sort()).toEqual(expect.arrayContaining(['handle', 'links', 'objectClassName', 'vcardArray']));
      expect((e.vcardArray[1] as unknown[][]).map((p) => p[0]).every((p) => ['version', 'fn', 'kind', 'country-name'].includes(p as string))).toBe(true);
    }
  });

  it('full, the default, is the answer without fieldSet', async () => {
    for (const search of SEARCHES) {
      const url = `${search}${search.includes('?') ? '&' : '?'}fieldSet=full`;
      const plain = await get(search);
      const full = await get(url);
      // Every link's value is the answer's own URL (RFC 9083 §4.2), which differs by the parameter.
      const own = (r: { body: Json }, u: string) => JSON.stringify(resultsOf(r.body)).replaceAll(JSON.stringify(`https://rdap.lacak.example${u}`).slice(1, -1), 'URL');
      expect(own(full, url), url).toBe(own(plain, search));
      expect(plain.body.subsetting_metadata.currentFieldSet).toBe('full');
    }
  });

  it('describes the field sets in subsetting_metadata, with links to this page in each', async () => {
    const first = await get('/ips?name=PAGENET*&fieldSet=brief');
    const cursor = cursorOf(first.body);
    const r = await get(`/ips?name=PAGENET*&fieldSet=brief&cursor=${cursor}`);
    const meta = r.body.subsetting_metadata;
    expect(meta.currentFieldSet).toBe('brief');
    expect(meta.availableFieldSets.map((f: Json) => [f.name, f.default])).toEqual([
      ['id', false],
      ['brief', false],
      ['full', true],
    ]);
    for (const f of meta.availableFieldSets as Json[]) {
      expect(typeof f.description).toBe('string');
      const href = new URL(f.links[0].href as string);
      expect([f.links[0].rel, href.searchParams.get('fieldSet'), href.searchParams.get('cursor')]).toEqual(['alternate', f.name, cursor]);
    }
  });

  it('refuses an unknown or empty field set with a 400 naming fieldSet', async () => {
    for (const url of ['/ips?name=PAGENET*&fieldSet=nope', '/ips?name=PAGENET*&fieldSet=', '/entities?handle=ORG-PG*&fieldSet=ID', '/ips/rirSearch1/rdap-up/198.51.100.5?fieldSet=summary']) {
      expectBadParameter(await get(url), 'fieldSet', url);
    }
  });

  it('keeps the access policy: a brief person shows its name only to whom may see it, declares the redaction, and audits what it shows', async () => {
    const anonymous = await get('/entities?handle=PGP1*&fieldSet=brief');
    const persons = resultsOf(anonymous.body);
    expect(persons.length).toBeGreaterThan(0);
    expect(persons.every((p) => jcard(p, 'fn') === '')).toBe(true);
    expect(JSON.stringify(anonymous.body)).not.toContain('Paging Person');
    expect((anonymous.body.redacted as Json[]).map((e) => e.name.description)).toEqual(persons.map(() => 'Person name'));
    const none = await get('/entities?handle=PGP1*&fieldSet=id');
    expect(none.body).not.toHaveProperty('redacted');

    const before = audit.list().length;
    const admin = await get('/entities?handle=PGP1*&fieldSet=brief', as('admin'));
    expect(resultsOf(admin.body).every((p) => jcard(p, 'fn').startsWith('Paging Person'))).toBe(true);
    expect(audit.list().slice(before).flatMap((e) => e.disclosed).sort()).toEqual(persons.map((p) => p.handle).sort());
    const afterBrief = audit.list().length;
    await get('/entities?handle=PGP1*&fieldSet=id', as('admin'));
    await get('/ips?name=PAGENET*&fieldSet=brief', as('admin'));
    expect(audit.list().slice(afterBrief).flatMap((e) => e.disclosed)).toEqual([]);
  });
});
