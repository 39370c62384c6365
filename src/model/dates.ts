// The dates an object carries about itself (DESIGN §2 "Dates"): registration from `created:`,
// last change from `last-modified:` or else the newest `changed:` line. Never import times.
import { allValues, firstValue, stripComment, type RegistryObject } from './types.js';

const CANONICAL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

/** An RPSL date (`2019-03-12T04:21:09Z`, the `20100101` of `changed:`) as epoch ms, or null. */
export function parseRpslDate(text: string | undefined): number | null {
  if (!text) return null;
  const t = stripComment(text);
  if (CANONICAL_DATE.test(t)) return Date.parse(t);
  // `changed: hostmaster@example.net 20100101`: the date is the last word.
  const compact = /(\d{4})(\d{2})(\d{2})\s*$/.exec(t);
  if (compact && !t.includes('-')) return Date.UTC(Number(compact[1]), Number(compact[2]) - 1, Number(compact[3]));
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}

/** When the object says it was registered (`created:`). */
export function createdAt(object: Pick<RegistryObject, 'attributes'>): number | null {
  return parseRpslDate(firstValue(object, 'created'));
}

/** When the object says it last changed: `last-modified:`, else its newest `changed:` date. */
export function lastModifiedAt(object: Pick<RegistryObject, 'attributes'>): number | null {
  const stated = parseRpslDate(firstValue(object, 'last-modified'));
  if (stated !== null) return stated;
  const changed = allValues(object, 'changed').map(parseRpslDate).filter((d): d is number => d !== null);
  return changed.length > 0 ? Math.max(...changed) : null;
}
