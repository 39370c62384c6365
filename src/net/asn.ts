// AS numbers: `AS64496`, `as64496` (Debian whois lower-cases), `64496`, and asdot `1.10`.
export interface AsnRange {
  readonly first: number;
  readonly last: number;
}

const ASPLAIN = /^(?:AS)?(\d{1,10})$/i;
const ASDOT = /^(?:AS)?(\d{1,5})\.(\d{1,5})$/i;
const MAX_ASN = 4294967295;

export function parseAsn(text: string): number | null {
  const t = text.trim();
  const plain = ASPLAIN.exec(t);
  if (plain) {
    const n = Number(plain[1]);
    return n <= MAX_ASN ? n : null;
  }
  const dot = ASDOT.exec(t);
  if (dot) {
    const hi = Number(dot[1]);
    const lo = Number(dot[2]);
    return hi <= 65535 && lo <= 65535 ? hi * 65536 + lo : null;
  }
  return null;
}

/** `AS64496 - AS64511` (as-block key) or a single AS. */
export function parseAsnRange(text: string): AsnRange | null {
  const parts = text.split('-');
  if (parts.length === 1) {
    const n = parseAsn(parts[0]!);
    return n === null ? null : { first: n, last: n };
  }
  if (parts.length !== 2) return null;
  const first = parseAsn(parts[0]!);
  const last = parseAsn(parts[1]!);
  if (first === null || last === null || last < first) return null;
  return { first, last };
}

export function formatAsn(n: number): string {
  return `AS${n}`;
}
