// DESIGN §5 "member (own objects)" on a registry built for it (issue #13, finding 5): a
// customer holding a sub-allocation that a member maintains is not that member, and a key
// made for it (before `lacak keys add` refused one) sees none of the member's staff. The
// member itself still sees its staff and its customers' contacts in full.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/access/audit.js';
import { KeyStore } from '../../../src/access/keys.js';
import { buildApp } from '../../../src/http/app.js';
import { importFiles } from '../../../src/importers/run-import.js';
import { LookupService } from '../../../src/query/service.js';
import { openStateDb } from '../../../src/store/state-db.js';
import type { Db } from '../../../src/store/db.js';
import { importText, quietLog, tempRegistry, testConfig } from '../../helpers/registry.js';

type Json = Record<string, any>;

const mntner = (name: string) => `mntner: ${name}\ndescr: ${name}\nadmin-c: NS1-IDNIC\nauth: BCRYPT-PW $2a$12$secretsecretsecret\nmnt-by: ${name}\nsource: IDNIC\n`;
const org = (handle: string, type: string, maintainer: string) =>
  `organisation: ${handle}\norg-name: ${handle} name\norg-type: ${type}\naddress: Jakarta\ne-mail: office@${handle.toLowerCase()}.example.id\nmnt-ref: ${maintainer}\nmnt-by: ${maintainer}\nsource: IDNIC\n`;
const person = (name: string, handle: string, maintainer: string) =>
  `person: ${name}\naddress: Jl. Contoh 1\nphone: +62 21 5550 0001\ne-mail: ${handle.toLowerCase()}@example.id\nnic-hdl: ${handle}\nmnt-by: ${maintainer}\nsource: IDNIC\n`;
const net = (range: string, netname: string, holder: string, status: string, contact: string, maintainers: string[]) =>
  [`inetnum: ${range}`, `netname: ${netname}`, 'country: ID', `org: ${holder}`, `admin-c: ${contact}`, `tech-c: ${contact}`, `status: ${status}`, ...maintainers, 'source: IDNIC', ''].join('\n');

const REGISTRY = [
  mntner('MAINT-NIR'),
  mntner('MAINT-MEMBER'),
  mntner('MAINT-MEMBER2'),
  // Members' organisations and allocations are the registry's to maintain (as in the sample).
  org('ORG-MEM1-IDNIC', 'LIR', 'MAINT-NIR'),
  org('ORG-MEM2-IDNIC', 'LIR', 'MAINT-NIR'),
  // The member made its customers' organisations and maintains them.
  org('ORG-OTH1-IDNIC', 'OTHER', 'MAINT-MEMBER'),
  org('ORG-CUST1-IDNIC', 'OTHER', 'MAINT-MEMBER'),
  person('Member Staff', 'MS1-IDNIC', 'MAINT-MEMBER'),
  person('Customer Contact', 'CC1-IDNIC', 'MAINT-MEMBER'),
  person('Registry Staff', 'NS1-IDNIC', 'MAINT-NIR'),
  net('192.0.2.0 - 192.0.2.127', 'MEMBER-ALLOC', 'ORG-MEM1-IDNIC', 'ALLOCATED PORTABLE', 'MS1-IDNIC', ['mnt-by: MAINT-NIR', 'mnt-lower: MAINT-MEMBER']),
  net('192.0.2.128 - 192.0.2.255', 'MEMBER2-ALLOC', 'ORG-MEM2-IDNIC', 'ALLOCATED PORTABLE', 'NS1-IDNIC', ['mnt-by: MAINT-NIR', 'mnt-lower: MAINT-MEMBER2']),
  // The sub-allocation to a non-member, kept in the member's hands: its maintainer on both lines.
  net('192.0.2.64 - 192.0.2.95', 'OTHER-SUB', 'ORG-OTH1-IDNIC', 'ALLOCATED NON-PORTABLE', 'MS1-IDNIC', ['mnt-by: MAINT-MEMBER', 'mnt-lower: MAINT-MEMBER']),
  net('192.0.2.16 - 192.0.2.31', 'CUSTOMER-NET', 'ORG-CUST1-IDNIC', 'ASSIGNED NON-PORTABLE', 'CC1-IDNIC', ['mnt-by: MAINT-MEMBER']),
].join('\n');

const MEMBERS_CSV = [
  'member_id,org_handle,org_name,legal_contact_name,legal_contact_email,legal_contact_phone',
  'IDNIC-0001,ORG-MEM1-IDNIC,PT Anggota Satu,Legal Desk,legal@mem1.example.id,+62 21 5550 1000',
  'IDNIC-0002,ORG-MEM2-IDNIC,PT Anggota Dua,Legal Desk,legal@mem2.example.id,+62 21 5550 2000',
].join('\n');

const AT = '2026-01-01T00:00:00Z';
const reg = tempRegistry();
let state: Db;
let app: ReturnType<typeof buildApp>;
let service: LookupService;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  await importText(reg.db, reg.dir, REGISTRY, AT, { strict: true });
  const csv = join(reg.dir, 'members.csv');
  writeFileSync(csv, MEMBERS_CSV + '\n');
  await importFiles(reg.db, { files: [csv], format: 'members-csv', at: Date.parse(AT), strict: true }, quietLog);
  const config = testConfig(reg.path);
  state = openStateDb(':memory:');
  const keys = new KeyStore(state);
  service = new LookupService(reg.db, config, quietLog);
  app = buildApp({ config, service, logger: quietLog, keys, audit: new AuditLog(state, randomBytes(32)) });
  await app.ready();
  // Made through the key store, as a key made before `lacak keys add` checked --org was.
  for (const org of ['ORG-MEM1-IDNIC', 'ORG-OTH1-IDNIC']) tokens[org] = keys.add({ role: 'member', label: org, org, now: Date.now() }).token;
});
afterAll(async () => {
  await app?.close();
  state?.close();
  reg.cleanup();
});

async function get(url: string, org: string, status = 200): Promise<Json> {
  const r = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[org]}` } });
  expect(r.statusCode, r.body).toBe(status);
  return r.json() as Json;
}

/** What a person's jCard shows: its e-mail addresses (empty when the personal data was withheld). */
async function emailsOf(handle: string, org: string): Promise<string[]> {
  const body = await get(`/entity/${handle}`, org);
  return (body.vcardArray[1] as unknown[][]).filter((p) => p[0] === 'email').map((p) => p[3] as string);
}

describe('a member key of a non-member holding a sub-allocation inside a member allocation', () => {
  it('owns no maintainer of the member and sees its staff redacted; the member sees its own staff and customers in full', async () => {
    // Its key owns no maintainer (the caller identify() makes), and GET /me, for members only
    // (issue 14), refuses it.
    expect(service.memberMaintainers('ORG-OTH1-IDNIC')).toEqual([]);
    expect((await get('/me', 'ORG-OTH1-IDNIC', 403)).description.join(' ')).toContain('not a member');
    expect(await emailsOf('MS1-IDNIC', 'ORG-OTH1-IDNIC')).toEqual([]);
    expect(await emailsOf('CC1-IDNIC', 'ORG-OTH1-IDNIC')).toEqual([]);
    // RFC 9537: the withheld e-mail is declared.
    const staff = await get('/entity/MS1-IDNIC', 'ORG-OTH1-IDNIC');
    expect(staff.redacted.map((r: Json) => `${r.method} ${r.prePath}`)).toContain("removal $.vcardArray[1][?(@[0]=='email')]");

    // The member: its maintainer, never the registry's, which maintains its allocation too.
    const member = await get('/me', 'ORG-MEM1-IDNIC');
    expect(member.maintainers).toEqual(['MAINT-MEMBER']);
    expect(await emailsOf('MS1-IDNIC', 'ORG-MEM1-IDNIC')).toEqual(['ms1-idnic@example.id']);
    expect(await emailsOf('CC1-IDNIC', 'ORG-MEM1-IDNIC')).toEqual(['cc1-idnic@example.id']);
    expect(await emailsOf('NS1-IDNIC', 'ORG-MEM1-IDNIC')).toEqual([]);
  });
});
