// What the access tests expect, read from the sample registry's own files rather than from
// lacak: a deliberately small RPSL reader, so the oracle does not share code with the server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_DIR } from '../../helpers/registry.js';

export type RpslObject = readonly (readonly [string, string])[];

/** The files of the last import of each source, as data/sample/manifest.json lists them. */
const CURRENT_FILES = ['2026-01-01/idnic.db', '2025-06-01/apnic.db'];
/** Every RPSL file in the sample, for values that must never leak from any snapshot. */
const ALL_FILES = ['2025-06-01/idnic.db', '2025-06-01/apnic.db', '2026-01-01/idnic.db'];

function readObjects(file: string): RpslObject[] {
  const text = readFileSync(join(SAMPLE_DIR, file), 'utf8');
  const objects: RpslObject[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const attributes: [string, string][] = [];
    for (const line of paragraph.split('\n')) {
      // Comments, and continuation lines (leading blank or '+'), which these tests never need.
      if (/^[%#]/.test(line) || /^[\s+]/.test(line)) continue;
      const m = /^([A-Za-z0-9-]+):\s*(.*?)\s*$/.exec(line);
      if (m) attributes.push([m[1]!.toLowerCase(), m[2]!]);
    }
    if (attributes.length > 0) objects.push(attributes);
  }
  return objects;
}

const current = CURRENT_FILES.flatMap(readObjects);
const everything = ALL_FILES.flatMap(readObjects);

export const values = (o: RpslObject, name: string): string[] => o.filter(([n]) => n === name).map(([, v]) => v);
export const first = (o: RpslObject, name: string): string | undefined => values(o, name)[0];

/** A current object by its class and primary key (`nic-hdl` for persons and roles). */
export function sampleObject(className: string, key: string): RpslObject {
  const keyAttribute = className === 'person' || className === 'role' ? 'nic-hdl' : className;
  const found = current.find((o) => o[0]![0] === className && first(o, keyAttribute)?.toUpperCase() === key.toUpperCase());
  if (!found) throw new Error(`no ${className} ${key} in the sample registry`);
  return found;
}

/** Every current object of a class. */
export function sampleObjects(className: string): RpslObject[] {
  return current.filter((o) => o[0]![0] === className);
}

/** Handles of every current `person` object. */
export const PERSON_HANDLES: ReadonlySet<string> = new Set(current.filter((o) => o[0]![0] === 'person').map((o) => first(o, 'nic-hdl')!.toUpperCase()));

/** The personal data of a person as its jCard carries it when shown (RFC 7095 property → values). */
export interface PersonalData {
  readonly handle: string;
  readonly fn: string;
  readonly adr: string | null;
  readonly tel: readonly string[];
  readonly email: readonly string[];
  /** The personal attributes the person has (what a redacted answer must declare). */
  readonly attributes: readonly string[];
}

export function personalData(handle: string): PersonalData {
  const o = sampleObject('person', handle);
  const address = values(o, 'address');
  return {
    handle: handle.toUpperCase(),
    fn: first(o, 'person')!,
    adr: address.length > 0 ? address.join('\n') : null,
    tel: [...values(o, 'phone'), ...values(o, 'fax-no')].map((v) => `tel:${v.replace(/\s+/g, '')}`),
    email: values(o, 'e-mail'),
    attributes: o.map(([n]) => n).filter((n, i, all) => ['person', 'address', 'phone', 'fax-no', 'e-mail'].includes(n) && all.indexOf(n) === i),
  };
}

const EMAIL = /[^\s@]+@[^\s@]+/g;
const NOTIFICATION_ATTRIBUTES = ['notify', 'upd-to', 'mnt-nfy', 'ref-nfy', 'irt-nfy'];

/**
 * Addresses that appear in the sample only as notification e-mails (DESIGN §5 row 3), in any
 * snapshot. Addresses that are also published elsewhere (a role's e-mail, an abuse mailbox,
 * the members list) are left out: seeing them proves nothing.
 */
export const NOTIFICATION_ONLY_EMAILS: readonly string[] = (() => {
  const notification = new Set<string>();
  const published = new Set<string>();
  for (const o of everything) {
    for (const [name, value] of o) {
      const found = value.match(EMAIL) ?? [];
      const target = NOTIFICATION_ATTRIBUTES.includes(name) || name === 'changed' ? notification : published;
      for (const e of found) target.add(e.toLowerCase());
    }
  }
  for (const e of readFileSync(join(SAMPLE_DIR, 'members.csv'), 'utf8').match(EMAIL) ?? []) published.add(e.toLowerCase());
  return [...notification].filter((e) => !published.has(e)).sort();
})();

/** The values of every `auth:` line in the sample (never shown to anyone). */
export const AUTH_VALUES: readonly string[] = [...new Set(everything.flatMap((o) => values(o, 'auth')))];

function ipv4(text: string): number {
  return text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Current IDNIC inetnums inside `outer` ("a - b"), not counting `outer` itself. */
export function inetnumsInside(outer: string): string[] {
  const [lo, hi] = outer.split(' - ').map(ipv4) as [number, number];
  return current
    .filter((o) => o[0]![0] === 'inetnum' && first(o, 'source') === 'IDNIC')
    .map((o) => first(o, 'inetnum')!)
    .filter((r) => {
      const [a, b] = r.split(' - ').map(ipv4) as [number, number];
      return lo <= a && b <= hi && !(a === lo && b === hi);
    });
}
