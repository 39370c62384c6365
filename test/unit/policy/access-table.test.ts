// DESIGN §5 as a table: for each kind of caller and each kind of attribute, whether
// viewObject lets it through. One row per cell of the policy, written out by hand from
// DESIGN, so that a change of policy has to change this table too.
import { describe, expect, it } from 'vitest';
import type { StoredObject } from '../../../src/model/types.js';
import { BULK_LINES, mayListVersions, maySearchPersons, viewObject, type Caller } from '../../../src/policy/access.js';

function object(className: string, attributes: [string, string][]): StoredObject {
  return { id: 1, source: 'IDNIC', className, key: attributes[0]![1], attributes, references: [], file: 'x', line: 1, validFrom: 0, validTo: null, importId: 1 };
}

// A member's own person (maintained by its maintainer) and someone else's.
const ownPerson = object('person', [
  ['person', 'Arif Wicaksono Pranoto'],
  ['address', 'Jl. Contoh 1'],
  ['phone', '+62 21 5550001'],
  ['fax-no', '+62 21 5550002'],
  ['e-mail', 'arif@contohnet.example.id'],
  ['nic-hdl', 'AWP1-IDNIC'],
  ['notify', 'noc@contohnet.example.id'],
  ['mnt-by', 'MAINT-ID-CONTOHNET'],
  ['changed', 'arif@contohnet.example.id 20210101'],
  ['source', 'IDNIC'],
]);
const otherPerson = object('person', ownPerson.attributes.map(([n, v]) => [n, n === 'mnt-by' ? 'MAINT-ID-OTHER' : v] as [string, string]));
const maintainer = object('mntner', [
  ['mntner', 'MAINT-ID-CONTOHNET'],
  ['auth', 'BCRYPT-PW $2a$12$abcdefghijklmnopqrstuv'],
  ['upd-to', 'noc@contohnet.example.id'],
  ['mnt-nfy', 'noc@contohnet.example.id'],
  ['mnt-by', 'MAINT-ID-CONTOHNET'],
  ['source', 'IDNIC'],
]);
const role = object('role', [
  ['role', 'CONTOHNET NOC'],
  ['address', 'Menara Contoh'],
  ['phone', '+62 21 5550100'],
  ['e-mail', 'noc@contohnet.example.id'],
  ['abuse-mailbox', 'abuse@contohnet.example.id'],
  ['nic-hdl', 'CN1-IDNIC'],
  ['mnt-by', 'MAINT-ID-OTHER'],
  ['source', 'IDNIC'],
]);

const CALLERS: Record<string, Caller> = {
  anonymous: { role: 'anonymous' },
  'member (own objects)': { role: 'member', org: 'ORG-CJN1-IDNIC', maintainers: ['MAINT-ID-CONTOHNET'] },
  'member (others)': { role: 'member', org: 'ORG-AKM1-IDNIC', maintainers: ['MAINT-ID-AWANKILAT'] },
  'lea without case': { role: 'lea' },
  'lea with case': { role: 'lea', caseReference: 'LP/123/XI/2026' },
  'lea with case, -B': { role: 'lea', caseReference: 'LP/123/XI/2026', showNotifications: true },
  admin: { role: 'admin' },
};

/** [caller, personal data of a person, notification e-mails, auth:] as DESIGN §5 says. */
const TABLE: ReadonlyArray<readonly [string, boolean, boolean, boolean]> = [
  ['anonymous', false, false, false],
  ['member (own objects)', true, true, false],
  ['member (others)', false, false, false],
  ['lea without case', false, false, false],
  ['lea with case', true, false, false],
  ['lea with case, -B', true, true, false],
  ['admin', true, true, false],
];

const shown = (caller: Caller, o: StoredObject, name: string) => viewObject(caller, o).attributes.some(([n]) => n === name);

describe('DESIGN §5, cell by cell', () => {
  it.each(TABLE)('%s: personal data %s, notification e-mails %s, auth %s', (name, personal, notifications, auth) => {
    const caller = CALLERS[name]!;
    // The member's "own" person is own only for the member whose maintainer keeps it.
    const person = name === 'member (others)' ? ownPerson : name.startsWith('member') ? ownPerson : otherPerson;
    for (const attribute of ['person', 'address', 'phone', 'fax-no', 'e-mail']) expect(shown(caller, person, attribute), `${name} ${attribute}`).toBe(personal);
    expect(shown(caller, person, 'notify')).toBe(notifications);
    expect(viewObject(caller, person).attributes.find(([n]) => n === 'changed')![1].includes('@')).toBe(notifications);
    const ownMaintainer = name.startsWith('member (own') ? maintainer : { ...maintainer, attributes: maintainer.attributes.map(([n, v]) => [n, n === 'mnt-by' ? 'MAINT-ID-OTHER' : v] as [string, string]) };
    expect(shown(caller, ownMaintainer, 'upd-to')).toBe(notifications);
    expect(shown(caller, ownMaintainer, 'mnt-nfy')).toBe(notifications);
    expect(shown(caller, maintainer, 'auth')).toBe(auth);
    // Roles, organisations and abuse mailboxes are public for everyone.
    for (const attribute of ['role', 'address', 'phone', 'e-mail', 'abuse-mailbox']) expect(shown(caller, role, attribute)).toBe(true);
  });

  it('says why law enforcement without a case reference got the anonymous view', () => {
    expect(viewObject(CALLERS['lea without case']!, otherPerson).notice).toMatch(/X-Case-Reference/);
    expect(viewObject(CALLERS['lea with case']!, otherPerson).notice).toBeNull();
    expect(viewObject(CALLERS.anonymous!, otherPerson).notice).toBeNull();
  });

  it('gates person-name searches, person and role history, and bulk sizes by role', () => {
    expect(Object.fromEntries(Object.entries(CALLERS).map(([name, c]) => [name, maySearchPersons(c)]))).toEqual({
      anonymous: 'none',
      'member (own objects)': 'own',
      'member (others)': 'own',
      'lea without case': 'none',
      'lea with case': 'all',
      'lea with case, -B': 'all',
      admin: 'all',
    });
    expect(mayListVersions(CALLERS.anonymous!, otherPerson)).toBe(false);
    expect(mayListVersions(CALLERS.anonymous!, role)).toBe(false);
    expect(mayListVersions(CALLERS['member (own objects)']!, ownPerson)).toBe(true);
    expect(mayListVersions(CALLERS['member (others)']!, ownPerson)).toBe(false);
    expect(mayListVersions(CALLERS['lea with case']!, role)).toBe(true);
    expect(mayListVersions(CALLERS.admin!, otherPerson)).toBe(true);
    expect(mayListVersions(CALLERS.anonymous!, maintainer)).toBe(true);
    expect(BULK_LINES).toEqual({ anonymous: 100, member: 10_000, lea: 1_000_000, admin: 1_000_000 });
  });
});
