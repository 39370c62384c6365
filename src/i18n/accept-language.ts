// Accept-Language (RFC 9110 §12.5.4) → the best of the languages lacak speaks.
// `in` is the withdrawn ISO 639 code for Indonesian that some old clients still send.

export type Language = 'id' | 'en';

export function preferredLanguage(header: string | undefined, fallback: Language): Language {
  if (!header) return fallback;
  let best: { lang: Language; q: number } = { lang: fallback, q: -1 };
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().split(';');
    const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? '1');
    const primary = tag.trim().toLowerCase().split('-')[0];
    const lang: Language | null = primary === 'id' || primary === 'in' ? 'id' : primary === 'en' ? 'en' : primary === '*' ? fallback : null;
    if (lang && Number.isFinite(q) && q > best.q) best = { lang, q };
  }
  return best.lang;
}
