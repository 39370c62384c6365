// parseIpv4Fast is the hot path's own parser (and parseIp's for IPv4); its contract is
// "exactly what the ip-address library accepts as a strict dotted quad", the oracle here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIpv4Fast, parseIpv4Reference } from '../../../src/net/ip.js';

function oracle(text: string): number {
  return parseIpv4Reference(text);
}

const octet = fc.integer({ min: 0, max: 255 });
const quad = fc.tuple(octet, octet, octet, octet);

/** Octet text that parseIp may or may not accept: leading zeros, out of range, empty, signs. */
const looseOctet = fc.oneof(
  octet.map(String),
  fc.tuple(fc.integer({ min: 1, max: 3 }), octet).map(([zeros, n]) => '0'.repeat(zeros) + String(n)),
  fc.integer({ min: 256, max: 99_999 }).map(String),
  fc.constantFrom('', '-1', '+1', '1e2', '0x1', '٣', '１', ' 1', '1 '),
);
const looseQuad = fc
  .tuple(fc.array(looseOctet, { minLength: 1, maxLength: 6 }), fc.constantFrom('.', '..', ':', ','))
  .map(([octets, separator]) => octets.join(separator));

// Strings over the characters a dotted quad is made of, so that near misses are common.
const nearMiss = fc.string({
  unit: fc.constantFrom('0', '1', '2', '5', '9', '.', '.', ':', 'a', '/', '-', '%'),
  maxLength: 18,
});

/** Surrounding whitespace is the one difference: the fast parser expects trimmed text. */
const untrimmed = (text: string): boolean => text === text.trim();

function agrees(text: string): void {
  expect(parseIpv4Fast(text)).toBe(oracle(text));
}

describe('parseIpv4Fast agrees with parseIp', () => {
  it('on every valid dotted quad', () => {
    fc.assert(
      fc.property(quad, (octets) => {
        const text = octets.join('.');
        const [a, b, c, d] = octets;
        expect(parseIpv4Fast(text)).toBe(((a * 256 + b) * 256 + c) * 256 + d);
        agrees(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('on leading zeros, out-of-range octets, wrong octet counts and separators', () => {
    fc.assert(fc.property(looseQuad.filter(untrimmed), agrees), { numRuns: 3000 });
  });

  it('on near-miss strings', () => {
    fc.assert(fc.property(nearMiss.filter(untrimmed), agrees), { numRuns: 3000 });
  });

  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 24 }).filter(untrimmed), agrees), {
      numRuns: 2000,
    });
  });

  it('on IPv6 text, which is not IPv4', () => {
    for (const text of ['::', '::1', '2001:db8::1', '::ffff:192.0.2.1', '::192.0.2.1']) {
      expect(parseIpv4Fast(text)).toBe(-1);
      agrees(text);
    }
  });

  it.each([
    ['', -1],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffff_ffff],
    ['192.0.2.1', 0xc000_0201],
    ['192.0.2.01', -1],
    ['00.0.0.0', -1],
    ['256.0.0.0', -1],
    ['1.2.3', -1],
    ['1.2.3.4.', -1],
    ['.1.2.3.4', -1],
    ['1..2.3', -1],
    ['1.2.3.4.5', -1],
    ['1.2.3.4/32', -1],
    ['1.2.3.4:80', -1],
    ['1234.1.1.1', -1],
  ])('on %j', (text, value) => {
    expect(parseIpv4Fast(text)).toBe(value);
    agrees(text);
  });

  // The hot path gets trimmed text; padded text is left to parseIp (RangeIndex.lookupText
  // falls back to it on -1), so the fast parser rejects whitespace rather than pay to trim.
  it('rejects surrounding whitespace, which parseIp trims', () => {
    const padded = fc.tuple(quad, fc.constantFrom(' ', '\t', '\n', '\u00a0'), fc.boolean());
    fc.assert(
      fc.property(padded, ([octets, space, before]) => {
        const text = before ? space + octets.join('.') : octets.join('.') + space;
        expect(parseIpv4Fast(text)).toBe(-1);
        expect(parseIpv4Fast(text.trim())).toBe(oracle(text.trim()));
      }),
    );
  });
});
