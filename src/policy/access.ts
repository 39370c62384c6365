// DESIGN §5 as one table: what each caller may see of an object. Every front end (RDAP,
// WHOIS, bulk, history, templates, errors) renders only what viewObject() returns, so no
// path can leak personal data on its own. UU PDP No. 27/2022 is why personal data exists
// as a category at all.
import { stripComment, type StoredObject } from '../model/types.js';

export type Role = 'anonymous' | 'member' | 'lea' | 'admin';

export interface Caller {
  readonly role: Role;
  /** A member's organisation handle (its "own objects"). */
  readonly org?: string;
  /** A member's maintainers (objects they maintain are its own). */
  readonly maintainers?: readonly string[];
  /** lea: the case reference that entitles it to personal data. */
  readonly caseReference?: string;
  /** WHOIS -B: lift the notification-e-mail filter, within what the caller may see. */
  readonly showNotifications?: boolean;
}

export const ANONYMOUS: Caller = Object.freeze({ role: 'anonymous' });

/** What makes one caller's view differ from another's: equal keys, equal views (for caches). */
export function viewKey(caller: Caller): string {
  if (caller === ANONYMOUS) return 'anonymous';
  return JSON.stringify([caller.role, caller.org ?? null, caller.maintainers ?? [], caller.caseReference !== undefined, caller.showNotifications === true]);
}

/** DESIGN §5 "bulk lines per request", by role (a member's other tier does not apply: it has one key). */
export const BULK_LINES: Readonly<Record<Role, number>> = Object.freeze({ anonymous: 100, member: 10_000, lea: 1_000_000, admin: 1_000_000 });

/** The personal data of a `person` object. */
export const PERSONAL_ATTRIBUTES: ReadonlySet<string> = new Set(['person', 'address', 'phone', 'fax-no', 'e-mail']);

/** Notification e-mail attributes (and the address part of `changed:`). */
export const NOTIFICATION_ATTRIBUTES: ReadonlySet<string> = new Set(['notify', 'upd-to', 'mnt-nfy', 'ref-nfy', 'irt-nfy']);

/** Never shown to anyone: maintainer and IRT credentials. */
export const SECRET_ATTRIBUTES: ReadonlySet<string> = new Set(['auth']);

export type RedactionReason = 'personal-data' | 'notification' | 'secret';

export interface Redaction {
  /** The attribute withheld or emptied. */
  readonly attribute: string;
  readonly reason: RedactionReason;
  /** `removal`: the value is gone; `emptyValue`: present but empty (a jCard needs `fn`). */
  readonly method: 'removal' | 'emptyValue';
}

export interface ObjectView {
  readonly object: StoredObject;
  /** The attributes this caller may see, in original order. */
  readonly attributes: readonly (readonly [string, string])[];
  readonly redactions: readonly Redaction[];
  /** Why personal data was withheld, when the caller could have had it with more (lea without a case). */
  readonly notice: string | null;
}

function isOwn(caller: Caller, object: StoredObject): boolean {
  if (caller.role !== 'member') return false;
  for (const [name, value] of object.attributes) {
    const v = stripComment(value).toUpperCase();
    if (name === 'org' && caller.org && v === caller.org.toUpperCase()) return true;
    if (name === 'organisation' && caller.org && v === caller.org.toUpperCase()) return true;
    if ((name === 'mnt-by' || name === 'mnt-lower') && caller.maintainers?.some((m) => v.split(/[\s,]+/).includes(m.toUpperCase()))) return true;
  }
  return false;
}

/** May this caller see the personal data of `object` (DESIGN §5 row 2)? */
export function mayDisclosePersonalData(caller: Caller, object: StoredObject): boolean {
  switch (caller.role) {
    case 'admin':
      return true;
    case 'lea':
      return Boolean(caller.caseReference);
    case 'member':
      return isOwn(caller, object);
    case 'anonymous':
      return false;
  }
}

/** May this caller see the version history of `object` (DESIGN §5 row 6; RIPE's error 116 otherwise)? */
export function mayListVersions(caller: Caller, object: StoredObject): boolean {
  if (object.className !== 'person' && object.className !== 'role') return true;
  return caller.role === 'member' ? isOwn(caller, object) : mayDisclosePersonalData(caller, object);
}

/** May this caller find `person` objects by name (DESIGN §5 row 5)? Members: their own only. */
export function maySearchPersons(caller: Caller): 'all' | 'own' | 'none' {
  if (caller.role === 'admin') return 'all';
  if (caller.role === 'lea') return caller.caseReference ? 'all' : 'none';
  return caller.role === 'member' ? 'own' : 'none';
}

/** May this caller see notification e-mails of `object` (DESIGN §5 row 3)? */
export function mayShowNotifications(caller: Caller, object: StoredObject): boolean {
  switch (caller.role) {
    case 'admin':
      return true;
    case 'lea':
      return Boolean(caller.caseReference) && Boolean(caller.showNotifications);
    case 'member':
      return isOwn(caller, object);
    case 'anonymous':
      return false;
  }
}

const EMAIL = /[^\s@]+@[^\s@]+/g;

/** What `caller` may see of `object`; the one place the access table is applied. */
export function viewObject(caller: Caller, object: StoredObject): ObjectView {
  const personal = object.className === 'person' && !mayDisclosePersonalData(caller, object);
  const notifications = !mayShowNotifications(caller, object);
  const attributes: (readonly [string, string])[] = [];
  const redactions: Redaction[] = [];
  const note = (attribute: string, reason: RedactionReason, method: Redaction['method']) => {
    if (!redactions.some((r) => r.attribute === attribute)) redactions.push({ attribute, reason, method });
  };
  for (const [name, value] of object.attributes) {
    if (SECRET_ATTRIBUTES.has(name)) {
      note(name, 'secret', 'removal');
      continue;
    }
    if (personal && PERSONAL_ATTRIBUTES.has(name)) {
      note(name, 'personal-data', name === 'person' ? 'emptyValue' : 'removal');
      continue;
    }
    if (notifications && NOTIFICATION_ATTRIBUTES.has(name)) {
      note(name, 'notification', 'removal');
      continue;
    }
    if (notifications && name === 'changed') {
      // RIPE-style `changed: who@example.net 20100101`: the date stays, the address goes.
      const date = value.replace(EMAIL, '').trim();
      if (date !== value.trim()) note(name, 'notification', 'removal');
      if (date) attributes.push([name, date]);
      continue;
    }
    attributes.push([name, value]);
  }
  const notice =
    caller.role === 'lea' && !caller.caseReference && object.className === 'person'
      ? 'personal data is disclosed to law enforcement only with an X-Case-Reference header'
      : null;
  return { object, attributes, redactions, notice };
}
