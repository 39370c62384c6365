// "As of T" (DESIGN §2): times with a zone stand as written; zoneless times need a zone,
// an IANA name or one of Indonesia's WIB/WITA/WIT.
import { describe, expect, it } from 'vitest';
import { formatInstant, parseInstant, resolveZone, ZONE_ALIASES } from '../../../src/query/time.js';

const instant = (text: string, tz?: string): string => {
  const parsed = parseInstant(text, tz);
  if (!parsed.ok) throw new Error(parsed.message);
  return formatInstant(parsed.ms);
};

describe('parseInstant', () => {
  it('takes a time with a zone as written, whatever tz is given', () => {
    expect(instant('2017-04-29T20:14:00+07:00')).toBe('2017-04-29T13:14:00Z');
    expect(instant('2017-04-29T20:14:00+07:00', 'WIT')).toBe('2017-04-29T13:14:00Z');
  });

  it('reads a zoneless time in WIB, WITA and WIT as +07, +08 and +09', () => {
    expect(instant('2026-01-01 06:30:00', 'WIB')).toBe('2025-12-31T23:30:00Z');
    expect(instant('2026-01-01 06:30:00', 'WITA')).toBe('2025-12-31T22:30:00Z');
    expect(instant('2026-01-01 06:30:00', 'WIT')).toBe('2025-12-31T21:30:00Z');
    // The same instants as the IANA zones they name.
    expect(instant('2026-01-01T06:30', 'WIB')).toBe(instant('2026-01-01T06:30', 'Asia/Jakarta'));
    expect(instant('2026-01-01T06:30', 'WITA')).toBe(instant('2026-01-01T06:30', 'Asia/Makassar'));
    expect(instant('2026-01-01T06:30', 'WIT')).toBe(instant('2026-01-01T06:30', 'Asia/Jayapura'));
  });

  it('accepts the names in any case', () => {
    expect(instant('2026-01-01 06:30:00', 'wib')).toBe('2025-12-31T23:30:00Z');
    expect(instant('2026-01-01 06:30:00', 'Wita')).toBe('2025-12-31T22:30:00Z');
    expect(instant('2026-01-01 06:30:00', 'wIt')).toBe('2025-12-31T21:30:00Z');
  });

  it('still refuses an unknown zone, and a zoneless time without one', () => {
    expect(parseInstant('2026-01-01 06:30:00', 'WITB')).toEqual({ ok: false, why: 'unknown-zone', message: 'unknown time zone "WITB"' });
    expect(parseInstant('2026-01-01 06:30:00', 'Asia/Nowhere')).toEqual({ ok: false, why: 'unknown-zone', message: 'unknown time zone "Asia/Nowhere"' });
    expect(parseInstant('2026-01-01 06:30:00')).toMatchObject({ ok: false, why: 'no-zone', message: expect.stringMatching(/has no zone/) });
  });

  it('says why a time is refused', () => {
    expect(parseInstant('yesterday', 'WIB')).toMatchObject({ ok: false, why: 'format' });
    expect(parseInstant('2026-02-30 06:30:00', 'WIB')).toMatchObject({ ok: false, why: 'invalid' });
    expect(parseInstant('2026-02-30T06:30:00+07:00')).toMatchObject({ ok: false, why: 'invalid' });
  });
});

describe('resolveZone', () => {
  it('maps the aliases to their IANA zones and leaves IANA names as they are', () => {
    expect(ZONE_ALIASES).toEqual({ WIB: 'Asia/Jakarta', WITA: 'Asia/Makassar', WIT: 'Asia/Jayapura' });
    expect(resolveZone('WIB')).toBe('Asia/Jakarta');
    expect(resolveZone(' wita ')).toBe('Asia/Makassar');
    expect(resolveZone('wit')).toBe('Asia/Jayapura');
    expect(resolveZone('Asia/Jakarta')).toBe('Asia/Jakarta');
    expect(resolveZone('UTC')).toBe('UTC');
  });

  it('gives null for a name that is no zone', () => {
    expect(resolveZone('')).toBeNull();
    expect(resolveZone('WITB')).toBeNull();
    expect(resolveZone('Asia/Nowhere')).toBeNull();
    // Only the table's own keys: inherited object properties are no zones.
    expect(resolveZone('constructor')).toBeNull();
    expect(resolveZone('__proto__')).toBeNull();
  });
});
