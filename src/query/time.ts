// "As of T" (DESIGN §2): an RFC 3339 instant with a zone, or a zoneless local time
// with a zone given separately (`tz=Asia/Jakarta`, or Indonesia's own `tz=WIB`).
const WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$/;
const ZONELESS = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?$/;

/**
 * Why a time was refused, for front ends that word it themselves (the same names as
 * TimeProblem in types.ts, which adds `future`: only the service knows the clock).
 */
export type InstantProblem = 'invalid' | 'format' | 'no-zone' | 'unknown-zone';

export type InstantParse = { ok: true; ms: number } | { ok: false; why: InstantProblem; message: string };

function validFields(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

// Making an Intl.DateTimeFormat costs about 0.1 ms, more than the rest of a lookup: one per
// zone, kept (zone names are few; the cap keeps junk from a client from piling up).
const ZONE_FORMATTERS = new Map<string, Intl.DateTimeFormat | null>();

/** The formatter giving a zone's wall-clock fields, or null when the zone is unknown. */
function zoneFormatter(tz: string): Intl.DateTimeFormat | null {
  let formatter = ZONE_FORMATTERS.get(tz);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      formatter = null;
    }
    if (ZONE_FORMATTERS.size < 1000) ZONE_FORMATTERS.set(tz, formatter);
  }
  return formatter;
}

/**
 * Indonesia's three zone names (DESIGN §2), accepted wherever a zone is: investigators and
 * ISPs write "WIB", not "Asia/Jakarta". They are not IANA names (Intl rejects them), and
 * none of them observes daylight saving, so each is exactly one IANA zone.
 */
export const ZONE_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  WIB: 'Asia/Jakarta',
  WITA: 'Asia/Makassar',
  WIT: 'Asia/Jayapura',
});

/**
 * The IANA zone a name stands for: an alias of ZONE_ALIASES (any case), else the name itself
 * when Intl knows it; null when it names no zone. Every front end resolves a `tz` through
 * this, so that one name means the same zone everywhere.
 */
export function resolveZone(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return null;
  const key = trimmed.toUpperCase();
  if (Object.hasOwn(ZONE_ALIASES, key)) return ZONE_ALIASES[key]!;
  return zoneFormatter(trimmed) !== null ? trimmed : null;
}

/** Offset of `tz` (a valid zone) from UTC at the given UTC instant, in ms. */
function zoneOffset(utcMs: number, tz: string): number {
  const parts = zoneFormatter(tz)!.formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - Math.floor(utcMs / 1000) * 1000;
}

export function parseInstant(text: string, tz?: string): InstantParse {
  const t = text.trim();
  const z = WITH_ZONE.exec(t);
  if (z) {
    const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(z[i]));
    const s = Number(z[6] ?? 0);
    if (!validFields(y!, mo!, d!, h!, mi!, s)) return { ok: false, why: 'invalid', message: `not a valid time: "${t}"` };
    const ms = Date.parse(t.replace(' ', 'T'));
    if (Number.isNaN(ms)) return { ok: false, why: 'invalid', message: `not a valid time: "${t}"` };
    return { ok: true, ms };
  }
  const local = ZONELESS.exec(t);
  if (!local) return { ok: false, why: 'format', message: `not an RFC 3339 time: "${t}" (e.g. 2017-04-29T20:14:00+07:00)` };
  if (!tz) {
    return { ok: false, why: 'no-zone', message: `time "${t}" has no zone: add one (e.g. +07:00) or give a time zone such as Asia/Jakarta or WIB` };
  }
  const zone = resolveZone(tz);
  if (zone === null) return { ok: false, why: 'unknown-zone', message: `unknown time zone "${tz}"` };
  const [y, mo, d] = [1, 2, 3].map((i) => Number(local[i]));
  const h = Number(local[4] ?? 0);
  const mi = Number(local[5] ?? 0);
  const s = Number(local[6] ?? 0);
  if (!validFields(y!, mo!, d!, h, mi, s)) return { ok: false, why: 'invalid', message: `not a valid time: "${t}"` };
  const fraction = local[7] ? Math.round(Number(local[7]) * 1000) : 0;
  const wall = Date.UTC(y!, mo! - 1, d!, h, mi, s) + fraction;
  // Two passes settle the offset across a daylight-saving change.
  let ms = wall - zoneOffset(wall, zone);
  ms = wall - zoneOffset(ms, zone);
  return { ok: true, ms };
}

/** The UTC day of an instant as names and serials carry it: `20261207`. */
export function dayStamp(ms: number): string {
  return formatInstant(ms).slice(0, 10).replaceAll('-', '');
}

/** An instant as answers print it: RFC 3339 in UTC, without milliseconds when there are none. */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
