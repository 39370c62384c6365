// DESIGN §5 through RDAP: the same questions asked by every kind of caller, and exactly what
// each one is shown, what is declared redacted (RFC 9537) and what reaches the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TITLE } from '../../../src/rdap/messages.js';
import type { RdapKind } from '../../helpers/rdap-schema.js';
import { expectValidRdap } from '../../helpers/rdap-schema.js';
import { sampleApp, type SampleApp } from '../../helpers/sample-app.js';
import { AUTH_VALUES, NOTIFICATION_ONLY_EMAILS, PERSON_HANDLES, personalData, sampleObject, sampleObjects, values, type PersonalData } from './sample-facts.js';

type Json = Record<string, any>;

const OWN_ORG = 'ORG-CJN1-IDNIC';
const OTHER_ORG = 'ORG-AKM1-IDNIC';
const CASE_REFERENCE = 'LP/123/XI/2026/Bareskrim';

/**
 * DESIGN §5 "member (own objects)": objects whose organisation is the member's, or that its
 * maintainers maintain; a member's maintainers are the `mnt-lower` of its allocations.
 */
function ownedBy(org: string): (personHandle: string) => boolean {
  const allocations = ['inetnum', 'inet6num'].flatMap((cls) => sampleObjects(cls)).filter((o) => values(o, 'org').some((v) => v.toUpperCase() === org));
  const maintainers = new Set(allocations.flatMap((o) => values(o, 'mnt-lower').flatMap((v) => v.toUpperCase().split(/[\s,]+/))));
  expect(maintainers.size).toBeGreaterThan(0);
  return (handle) => values(sampleObject('person', handle), 'mnt-by').some((m) => maintainers.has(m.toUpperCase()));
}

interface RoleCase {
  readonly name: string;
  readonly headers: () => Record<string, string>;
  /** null: anonymous, nothing is audited. */
  readonly audited: { keyId: () => number; role: string; caseReference: string | null } | null;
  readonly sees: (personHandle: string) => boolean;
  /** DESIGN §5 row 3 filters notification e-mails for this caller (RDAP has no -B). */
  readonly notificationsFiltered: boolean;
  readonly caseNotice: boolean;
}

let s: SampleApp;
const tokens: Record<string, { id: number; token: string }> = {};

beforeAll(async () => {
  s = await sampleApp();
  const now = Date.now();
  const add = (name: string, role: 'member' | 'lea' | 'admin', org?: string) => {
    const { key, token } = s.keys.add({ role, label: `access test ${name}`, org: org ?? null, expiresAt: now + 3_600_000, now });
    tokens[name] = { id: key.id, token };
  };
  add('member', 'member', OWN_ORG);
  add('other', 'member', OTHER_ORG);
  add('lea', 'lea');
  add('admin', 'admin');
});
afterAll(async () => s?.close());

const bearer = (name: string) => ({ authorization: `Bearer ${tokens[name]!.token}` });
let ownSees: (handle: string) => boolean = () => false;
let otherSees: (handle: string) => boolean = () => false;
beforeAll(() => {
  ownSees = ownedBy(OWN_ORG);
  otherSees = ownedBy(OTHER_ORG);
});

const ROLES: readonly RoleCase[] = [
  { name: 'anonymous', headers: () => ({}), audited: null, sees: () => false, notificationsFiltered: true, caseNotice: false },
  {
    name: `member of ${OWN_ORG}`,
    headers: () => bearer('member'),
    audited: { keyId: () => tokens.member!.id, role: 'member', caseReference: null },
    sees: (h) => ownSees(h),
    notificationsFiltered: false,
    caseNotice: false,
  },
  {
    name: `member of ${OTHER_ORG}`,
    headers: () => bearer('other'),
    audited: { keyId: () => tokens.other!.id, role: 'member', caseReference: null },
    sees: (h) => otherSees(h),
    notificationsFiltered: true,
    caseNotice: false,
  },
  {
    name: 'lea without X-Case-Reference',
    headers: () => bearer('lea'),
    audited: { keyId: () => tokens.lea!.id, role: 'lea', caseReference: null },
    sees: () => false,
    notificationsFiltered: true,
    caseNotice: true,
  },
  {
    name: 'lea with X-Case-Reference',
    headers: () => ({ ...bearer('lea'), 'x-case-reference': CASE_REFERENCE }),
    audited: { keyId: () => tokens.lea!.id, role: 'lea', caseReference: CASE_REFERENCE },
    sees: () => true,
    notificationsFiltered: true,
    caseNotice: false,
  },
  {
    name: 'admin',
    headers: () => bearer('admin'),
    audited: { keyId: () => tokens.admin!.id, role: 'admin', caseReference: null },
    sees: () => true,
    notificationsFiltered: false,
    caseNotice: false,
  },
];

interface QueryCase {
  readonly url: string;
  readonly kind: RdapKind;
  /** The person entities the answer carries (handles as in the sample files). */
  readonly persons: readonly string[];
}

const QUERIES: readonly QueryCase[] = [
  { url: '/entity/AWP1-IDNIC', kind: 'entity', persons: ['AWP1-IDNIC'] },
  { url: '/entity/CAP1-IDNIC', kind: 'entity', persons: ['CAP1-IDNIC'] },
  // admin-c CAP1-IDNIC; technical and abuse contacts are roles.
  { url: '/ip/198.51.100.41', kind: 'ip network', persons: ['CAP1-IDNIC'] },
  // The allocation itself: admin-c AWP1-IDNIC, and a `notify:` address.
  { url: '/ip/198.51.100.0', kind: 'ip network', persons: ['AWP1-IDNIC'] },
  { url: '/entity/MAINT-ID-CONTOHNET', kind: 'entity', persons: [] },
  { url: '/entities?fn=CONTOHNET*', kind: 'entities', persons: [] },
  { url: '/entities?handle=AWP1-IDNIC', kind: 'entities', persons: ['AWP1-IDNIC'] },
];

async function get(url: string, headers: Record<string, string>) {
  const r = await s.app.inject({ method: 'GET', url, headers });
  return { status: r.statusCode, headers: r.headers, raw: r.body, body: JSON.parse(r.body) as Json };
}

/** Every entity in an answer, with its RFC 9537 JSONPath. */
function entitiesOf(body: Json): { path: string; entity: Json }[] {
  const out: { path: string; entity: Json }[] = [];
  const walk = (node: Json, path: string) => {
    if (node.objectClassName === 'entity') out.push({ path, entity: node });
    for (const member of ['entities', 'entitySearchResults']) {
      const list = node[member];
      if (Array.isArray(list)) list.forEach((child: Json, i: number) => walk(child, `${path}.${member}[${i}]`));
    }
  };
  walk(body, '$');
  return out;
}

function jcard(entity: Json, property: string): unknown[][] {
  return (entity.vcardArray[1] as unknown[][]).filter((p) => p[0] === property);
}

/** The personal properties of a person's jCard, as shown. */
function shown(entity: Json) {
  return {
    fn: jcard(entity, 'fn').map((p) => p[3]),
    adr: jcard(entity, 'adr').map((p) => (p[1] as Json).label),
    tel: jcard(entity, 'tel').map((p) => p[3]).sort(),
    email: jcard(entity, 'email').map((p) => p[3]),
  };
}

/** The jCard member each withheld attribute would have been; phone and fax both `tel`, told apart by type. */
const JCARD_FILTER: Record<string, string> = {
  person: "@[0]=='fn'",
  address: "@[0]=='adr'",
  phone: "@[0]=='tel' && @[1].type=='voice'",
  'fax-no': "@[0]=='tel' && @[1].type=='fax'",
  'e-mail': "@[0]=='email'",
};

/** The RFC 9537 entries a withheld person must produce at `path`, as "method path". */
function expectedRedactions(path: string, person: PersonalData): string[] {
  return person.attributes.map((a) => {
    const where = `${path}.vcardArray[1][?(${JCARD_FILTER[a]})]`;
    return a === 'person' ? `emptyValue ${where}[3]` : `removal ${where}`;
  });
}

function keysIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => keysIn(n, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      found.add(k);
      keysIn(v, found);
    }
  }
  return found;
}

describe.each(ROLES)('$name', (role) => {
  it.each(QUERIES)('$url: sees exactly what DESIGN §5 allows', async (q) => {
    const before = s.audit.list().length;
    const r = await get(q.url, role.headers());
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/rdap\+json/);
    expectValidRdap(r.body, q.kind);

    const persons = entitiesOf(r.body).filter(({ entity }) => PERSON_HANDLES.has(String(entity.handle).toUpperCase()));
    expect(persons.map(({ entity }) => entity.handle).sort()).toEqual([...q.persons].sort());

    const redactions: string[] = [];
    const disclosed: string[] = [];
    for (const { path, entity } of persons) {
      const person = personalData(entity.handle as string);
      const got = shown(entity);
      if (role.sees(person.handle)) {
        disclosed.push(person.handle);
        expect(got).toEqual({ fn: [person.fn], adr: person.adr === null ? [] : [person.adr], tel: [...person.tel].sort(), email: person.email });
      } else {
        // The name is emptied (a jCard needs fn), everything else is removed.
        expect(got).toEqual({ fn: [''], adr: [], tel: [], email: [] });
        expect(r.raw).not.toContain(person.fn);
        for (const e of person.email) expect(r.raw).not.toContain(e);
        redactions.push(...expectedRedactions(path, person));
      }
    }

    // RFC 9537: `redacted` exactly when something was withheld, and then declared.
    if (redactions.length === 0) {
      expect(r.body.redacted).toBeUndefined();
      expect(r.body.rdapConformance).not.toContain('redacted');
    } else {
      expect(r.body.rdapConformance).toContain('redacted');
      const declared = (r.body.redacted as Json[]).map((x) => {
        expect(x).toMatchObject({ pathLang: 'jsonpath', name: { description: expect.any(String) }, reason: { description: expect.any(String) } });
        return `${x.method} ${x.prePath ?? x.postPath}`;
      });
      expect(declared.sort()).toEqual(redactions.sort());
    }

    // DESIGN §5: lea without a case gets the anonymous view and a notice saying why.
    const caseNotices = (r.body.notices as Json[]).filter((n) => n.title === TITLE.caseReference);
    expect(caseNotices).toHaveLength(role.caseNotice && redactions.length > 0 ? 1 : 0);
    if (caseNotices.length > 0) expect(caseNotices[0]!.description.join(' ')).toContain('X-Case-Reference');

    // DESIGN §5 row 4: credentials never, for anyone.
    expect(keysIn(r.body).has('auth')).toBe(false);
    for (const secret of AUTH_VALUES) expect(r.raw).not.toContain(secret);
    if (role.notificationsFiltered) for (const e of NOTIFICATION_ONLY_EMAILS) expect(r.raw).not.toContain(e);

    // One audit row per authenticated request, naming the persons it disclosed; none for anonymous.
    const added = s.audit.list().slice(before);
    if (role.audited === null) {
      expect(added).toEqual([]);
    } else {
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({
        keyId: role.audited.keyId(),
        role: role.audited.role,
        caseReference: role.audited.caseReference,
        client: '127.0.0.1',
        query: `GET ${q.url}`,
        disclosed: disclosed.sort(),
      });
    }
    expect(s.audit.verify().ok).toBe(true);
  });
});

describe('the sample facts these tests rely on', () => {
  it('has notification-only addresses and auth lines to look for', () => {
    expect(NOTIFICATION_ONLY_EMAILS.length).toBeGreaterThan(0);
    expect(AUTH_VALUES.length).toBeGreaterThan(0);
  });

  it(`lets the member of ${OWN_ORG} own AWP1-IDNIC but not CAP1-IDNIC`, () => {
    expect(ownSees('AWP1-IDNIC')).toBe(true);
    expect(ownSees('CAP1-IDNIC')).toBe(false);
    expect(otherSees('AWP1-IDNIC')).toBe(false);
    expect(otherSees('CAP1-IDNIC')).toBe(false);
  });
});

describe('entity search by person name (DESIGN §5 row 5)', () => {
  const byName = (handle: string, extra = '') => `/entities?fn=${encodeURIComponent(personalData(handle).fn.split(' ')[0]!)}*${extra}`;
  const found = async (url: string, headers: Record<string, string>) => {
    const r = await get(url, headers);
    return r.status === 200 ? (r.body.entitySearchResults as Json[]).map((e) => e.handle as string) : [];
  };

  it('finds no person by name for anonymous, another member, lea without a case, or a member outside its own', async () => {
    for (const headers of [{}, bearer('other'), bearer('lea')]) {
      expect(await found(byName('AWP1-IDNIC'), headers)).not.toContain('AWP1-IDNIC');
    }
    expect(await found(byName('CAP1-IDNIC'), bearer('member'))).not.toContain('CAP1-IDNIC');
  });

  it('finds a person by name for admin, lea with a case, and the member that owns it, showing its data', async () => {
    const awp = personalData('AWP1-IDNIC');
    for (const headers of [bearer('admin'), { ...bearer('lea'), 'x-case-reference': CASE_REFERENCE }, bearer('member')]) {
      const before = s.audit.list().length;
      const r = await get(byName('AWP1-IDNIC'), headers);
      expect(r.status).toBe(200);
      expectValidRdap(r.body, 'entities');
      const hit = (r.body.entitySearchResults as Json[]).find((e) => e.handle === awp.handle)!;
      expect(shown(hit).fn).toEqual([awp.fn]);
      expect(s.audit.list().slice(before)).toMatchObject([{ disclosed: [awp.handle] }]);
    }
  });

  /** Every page of a name search as this caller, following `next` links; cursors decoded. */
  async function allPages(url: string, headers: Record<string, string>) {
    const handles: string[] = [];
    const cursors: string[] = [];
    const statuses: number[] = [];
    let next: string | null = url;
    for (let i = 0; next && i < 50; i++) {
      const r = await get(next, headers);
      statuses.push(r.status);
      if (r.status !== 200) break;
      handles.push(...(r.body.entitySearchResults as Json[]).map((e) => e.handle as string));
      const link = ((r.body.paging_metadata?.links ?? []) as Json[]).find((l) => l.rel === 'next');
      next = link ? new URL(link.href as string).pathname + new URL(link.href as string).search : null;
      if (next) cursors.push(Buffer.from(new URL(link!.href as string).searchParams.get('cursor')!, 'base64url').toString('utf8'));
    }
    return { handles, cursors, statuses };
  }

  /** Search prefixes that match the name of some person the member of OWN_ORG may not see. */
  const othersPersons = () => [...PERSON_HANDLES].filter((h) => !ownSees(h)).map(personalData);
  const prefixes = () => [...new Set(othersPersons().map((p) => p.fn[0]!.toUpperCase()))];

  // A cursor names the object a page ended with, never its sort value: it must never carry the
  // name of a person the member may not see (e.g. /entities?fn=Y* for ORG-CJN1-IDNIC). Pages
  // are the server's 50 results (RFC 8977); paging over many pages as a member, with its own
  // persons only: rdap/search-paging.test.ts.
  it('never puts the name of a person the member may not see into a paging cursor', async () => {
    const hidden = othersPersons().map((p) => p.fn.toUpperCase());
    for (const letter of prefixes()) {
      for (const sort of ['fn', 'fn:d', 'registrationDate']) {
        const { cursors } = await allPages(`/entities?fn=${letter}*&sort=${sort}`, bearer('member'));
        for (const cursor of cursors) for (const name of hidden) expect(cursor.toUpperCase(), `fn=${letter}* sort=${sort}`).not.toContain(name);
      }
    }
  });

  // Persons the member may not see are skipped before paging: a page is never empty (and so
  // never a 404) while matches remain, and every order gives the same entities.
  it('pages a member name search to the same entities in every order, never answering 404 while matches exist', async () => {
    for (const letter of prefixes()) {
      const whole = await allPages(`/entities?fn=${letter}*`, bearer('member'));
      for (const sort of ['fn:d', 'handle', 'lastChangedDate:d']) {
        const paged = await allPages(`/entities?fn=${letter}*&sort=${sort}`, bearer('member'));
        expect([...paged.handles].sort(), `fn=${letter}* sort=${sort}`).toEqual([...whole.handles].sort());
        if (whole.handles.length > 0) expect(paged.statuses.every((st) => st === 200), `fn=${letter}* sort=${sort}`).toBe(true);
      }
    }
  });
});

describe('the audit log after all of the above', () => {
  it('holds one row per authenticated request and still verifies', () => {
    const rows = s.audit.list();
    const ofQueries = (name: string) => rows.filter((r) => r.keyId === tokens[name]!.id && QUERIES.some((q) => r.query === `GET ${q.url}`));
    for (const name of ['member', 'other', 'admin']) expect(ofQueries(name)).toHaveLength(QUERIES.length);
    // The lea key was used with and without a case reference.
    const lea = ofQueries('lea');
    expect(lea.filter((r) => r.caseReference === CASE_REFERENCE)).toHaveLength(QUERIES.length);
    expect(lea.filter((r) => r.caseReference === null)).toHaveLength(QUERIES.length);
    expect(rows.every((r) => r.keyId !== null)).toBe(true);
    expect(s.audit.verify()).toMatchObject({ ok: true, rows: rows.length });
  });
});
