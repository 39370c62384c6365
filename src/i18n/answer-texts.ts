// What an answer says about authority, responsibility, ports, changes between snapshots and
// mistakes in a question, in the words every front end uses (RDAP descriptions, WHOIS `%`
// lines, bulk columns, the web page), in English and Bahasa Indonesia. One place, so that the
// front ends cannot disagree on what the same answer means.
import { formatRange } from '../net/prefix.js';
import type { Authority, IpAnswer, NoMember, NotFound, QueryProblem, SnapshotChange } from '../query/types.js';
import { formatInstant } from '../query/time.js';
import type { Language } from './accept-language.js';

type Texts = {
  readonly authority: (a: Exclude<Authority, { kind: 'this-registry' }>, registry: string) => string;
  readonly noMember: (n: NoMember, registry: string, holder: string) => string | null;
  readonly portMember: (port: number, member: string, desk: { name: string; email: string; phone: string } | null) => string;
  readonly portNoMember: (port: number, n: NoMember, holder: string, authority: string | null) => string;
  readonly notFound: (n: NotFound, registry: string) => string;
  readonly changeIntro: (instant: string, from: string, to: string) => string;
  readonly asOf: (when: string, holder: string) => string;
  readonly dates: (network: string, created: string | null, lastModified: string | null) => string;
  readonly previousDates: (network: string, lastModified: string) => string;
  readonly verdict: (c: SnapshotChange, instant: string, before: string, after: string) => string;
  readonly verdictWord: (c: SnapshotChange['verdict']) => string;
  readonly problem: (p: QueryProblem) => string;
};

function date(ms: number): string {
  return formatInstant(ms);
}

/** A holder as the change notice names it: its name and network, or why nobody held it. */
export function holderLabel(lang: Language, outcome: Found, registry: string): string {
  if (outcome.kind === 'notFound') return ANSWER_TEXT[lang].notFound(outcome.notFound, registry);
  const a = outcome.answer;
  return `${a.holderName?.text ?? a.holder.key} (${formatRange(a.holder.range!)})`;
}

export const ANSWER_TEXT: Record<Language, Texts> = {
  en: {
    authority(a, registry) {
      if (a.kind === 'other-registry') {
        const r = a.registry.name;
        if (a.via === 'rpsl') return `Registered with ${r}, not managed by ${registry}: ${r}'s server is authoritative.`;
        if (a.via === 'delegated') return `Registered with ${r}${a.account ? ` (account ${a.account})` : ''}, not managed by ${registry}: ${r}'s server is authoritative.`;
        return `Not managed by ${registry}: registered with ${r}, whose server is authoritative.`;
      }
      const why = a.why;
      if (why.kind === 'unknown-registry') {
        return `Authority unknown: the data names the registry "${why.name}"${why.account ? ` (account ${why.account})` : ''}, which this server does not know; this space is not managed by ${registry}.`;
      }
      if (why.kind === 'conflict') return `Authority unknown: the delegated statistics give this space to more than one account (${why.accounts.join(', ')}); ask ${registry} to correct its records.`;
      return `Authority unknown: no registry known to this server covers this resource; IANA's registries (https://www.iana.org/numbers) say which regional registry serves it.`;
    },
    noMember(n, registry, holder) {
      switch (n.kind) {
        case 'unassigned':
          return `Managed by ${registry}, not assigned.`;
        case 'direct':
          return `Assigned directly by ${registry} to ${holder}: no member ISP in between, contact the holder.`;
        case 'rir':
          return `Held by ${n.registry}.`;
        case 'outside':
          return null;
      }
    },
    portMember: (port, member, desk) =>
      `Port ${port}: which customer used this port at that time (carrier-grade NAT) is known only to the ISP, ${member}; ` +
      (desk ? `ask its legal-request desk: ${desk.name}, ${desk.email}, ${desk.phone}.` : 'it has no legal-request desk on file with the registry.'),
    portNoMember(port, n, holder, authority) {
      if (n.kind === 'unassigned') return `Port ${port}: this address is not assigned to anyone, so no ISP can say who used the port.`;
      if (n.kind === 'outside') return `Port ${port}: no member ISP of this registry is in between; ${authority ?? 'the authoritative registry'} can say who holds the address.`;
      if (n.kind === 'rir') return `Port ${port}: there is no ISP in between; the address is held by ${n.registry}.`;
      return `Port ${port}: there is no ISP in between; the holder, ${holder}, knows which of its users had the address and port.`;
    },
    notFound(n, registry) {
      switch (n.kind) {
        case 'special':
          return `${n.block.prefix} is special-purpose address space (${n.block.name}, ${n.block.rfc}); no registry assigns it.`;
        case 'not-assigned':
          return `Managed by ${n.registry}, not assigned.`;
        case 'foreign':
          return n.authority.kind === 'this-registry' ? `Not registered with ${registry}.` : ANSWER_TEXT.en.authority(n.authority, registry);
        case 'no-object':
          return 'No object with that key exists in this registry.';
      }
    },
    changeIntro: (instant, from, to) => `The time asked (${instant}) lies between the snapshots of ${from} and ${to}, and they answer differently.`,
    asOf: (when, holder) => `As of ${when}: ${holder}.`,
    dates: (network, created, lastModified) => `The later holder's network ${network}: created ${created ?? 'not given'}, last modified ${lastModified ?? 'not given'}.`,
    previousDates: (network, lastModified) => `The earlier holder's network ${network}: last modified ${lastModified}.`,
    verdict(c, instant, before, after) {
      const basis = c.decidedBy ? ` (${c.decidedBy.field} ${date(c.decidedBy.date)} of ${c.decidedBy.object.key})` : '';
      if (c.verdict === 'changed-after') return `Verdict: changed after ${instant}${basis}: ${before} held it at that time.`;
      if (c.verdict === 'changed-before') return `Verdict: changed before ${instant}${basis}: ${after} is the likelier holder at that time.`;
      return `Verdict: unknown: nothing in the data dates the change; either may have held it at ${instant}.`;
    },
    verdictWord: (v) => (v === 'changed-after' ? 'changed after' : v === 'changed-before' ? 'changed before' : 'unknown'),
    problem(p) {
      switch (p.code) {
        case 'bad-address':
          return `not an IP address: "${p.input}"`;
        case 'bad-range':
          return p.reason;
        case 'bad-asn':
          return `not an AS number: "${p.input}"`;
        case 'bad-key':
          return `not a valid key: "${p.input}"`;
        case 'not-reverse-zone':
          return `this registry serves reverse zones only (in-addr.arpa, ip6.arpa): "${p.input}"`;
        case 'no-data-at-time':
          return `no data for ${p.source} before ${p.first}`;
        case 'bad-time':
          switch (p.why) {
            case 'future':
              return `time ${p.input} is in the future: ask about a time up to now`;
            case 'no-zone':
              return `time "${p.input}" has no zone: add one (e.g. +07:00) or give a time zone such as Asia/Jakarta or WIB`;
            case 'unknown-zone':
              return `unknown time zone "${p.zone ?? ''}"`;
            case 'format':
              return `not an RFC 3339 time: "${p.input}" (e.g. 2017-04-29T20:14:00+07:00)`;
            case 'invalid':
              return `not a valid time: "${p.input}"`;
          }
      }
    },
  },
  id: {
    authority(a, registry) {
      if (a.kind === 'other-registry') {
        const r = a.registry.name;
        if (a.via === 'rpsl') return `Terdaftar di ${r}, tidak dikelola oleh ${registry}: server ${r} yang berwenang.`;
        if (a.via === 'delegated') return `Terdaftar di ${r}${a.account ? ` (akun ${a.account})` : ''}, tidak dikelola oleh ${registry}: server ${r} yang berwenang.`;
        return `Tidak dikelola oleh ${registry}: terdaftar di ${r}, yang servernya berwenang.`;
      }
      const why = a.why;
      if (why.kind === 'unknown-registry') {
        return `Kewenangan tidak diketahui: data menyebut registri "${why.name}"${why.account ? ` (akun ${why.account})` : ''}, yang tidak dikenal server ini; ruang ini tidak dikelola oleh ${registry}.`;
      }
      if (why.kind === 'conflict') return `Kewenangan tidak diketahui: statistik delegasi memberikan ruang ini kepada lebih dari satu akun (${why.accounts.join(', ')}); minta ${registry} memperbaiki catatannya.`;
      return `Kewenangan tidak diketahui: tidak ada registri yang dikenal server ini yang mencakup sumber daya ini; registri IANA (https://www.iana.org/numbers) menyebut registri regional yang melayaninya.`;
    },
    noMember(n, registry, holder) {
      switch (n.kind) {
        case 'unassigned':
          return `Dikelola oleh ${registry}, belum ditetapkan.`;
        case 'direct':
          return `Ditetapkan langsung oleh ${registry} kepada ${holder}: tidak ada ISP anggota di antaranya, hubungi pemegangnya.`;
        case 'rir':
          return `Dipegang oleh ${n.registry}.`;
        case 'outside':
          return null;
      }
    },
    portMember: (port, member, desk) =>
      `Port ${port}: pelanggan mana yang memakai port ini pada waktu itu (NAT skala operator) hanya diketahui oleh ISP, ${member}; ` +
      (desk ? `hubungi meja permintaan hukumnya: ${desk.name}, ${desk.email}, ${desk.phone}.` : 'ISP ini tidak memiliki meja permintaan hukum yang tercatat di registri.'),
    portNoMember(port, n, holder, authority) {
      if (n.kind === 'unassigned') return `Port ${port}: alamat ini belum ditetapkan kepada siapa pun, jadi tidak ada ISP yang dapat menyebut pemakai port itu.`;
      if (n.kind === 'outside') return `Port ${port}: tidak ada ISP anggota registri ini di antaranya; ${authority ?? 'registri yang berwenang'} dapat menyebut pemegang alamatnya.`;
      if (n.kind === 'rir') return `Port ${port}: tidak ada ISP di antaranya; alamat ini dipegang oleh ${n.registry}.`;
      return `Port ${port}: tidak ada ISP di antaranya; pemegangnya, ${holder}, mengetahui penggunanya yang memakai alamat dan port itu.`;
    },
    notFound(n, registry) {
      switch (n.kind) {
        case 'special':
          return `${n.block.prefix} adalah ruang alamat khusus (${n.block.name}, ${n.block.rfc}); tidak ada registri yang menetapkannya.`;
        case 'not-assigned':
          return `Dikelola oleh ${n.registry}, belum ditetapkan.`;
        case 'foreign':
          return n.authority.kind === 'this-registry' ? `Tidak terdaftar di ${registry}.` : ANSWER_TEXT.id.authority(n.authority, registry);
        case 'no-object':
          return 'Tidak ada objek dengan kunci tersebut di registri ini.';
      }
    },
    changeIntro: (instant, from, to) => `Waktu yang diminta (${instant}) berada di antara snapshot ${from} dan ${to}, dan keduanya menjawab berbeda.`,
    asOf: (when, holder) => `Per ${when}: ${holder}.`,
    dates: (network, created, lastModified) => `Jaringan pemegang yang kemudian, ${network}: dibuat ${created ?? 'tidak disebut'}, terakhir diubah ${lastModified ?? 'tidak disebut'}.`,
    previousDates: (network, lastModified) => `Jaringan pemegang yang sebelumnya, ${network}: terakhir diubah ${lastModified}.`,
    verdict(c, instant, before, after) {
      const field = c.decidedBy ? (c.decidedBy.field === 'created' ? 'created' : 'last-modified') : '';
      const basis = c.decidedBy ? ` (${field} ${date(c.decidedBy.date)} dari ${c.decidedBy.object.key})` : '';
      if (c.verdict === 'changed-after') return `Kesimpulan: berubah setelah ${instant}${basis}: ${before} memegangnya pada waktu itu.`;
      if (c.verdict === 'changed-before') return `Kesimpulan: berubah sebelum ${instant}${basis}: ${after} lebih mungkin pemegangnya pada waktu itu.`;
      return `Kesimpulan: tidak diketahui: tidak ada tanggal dalam data yang menunjukkan kapan berubah; keduanya mungkin memegangnya pada ${instant}.`;
    },
    verdictWord: (v) => (v === 'changed-after' ? 'berubah setelahnya' : v === 'changed-before' ? 'berubah sebelumnya' : 'tidak diketahui'),
    problem(p) {
      switch (p.code) {
        case 'bad-address':
          return `bukan alamat IP: "${p.input}"`;
        case 'bad-range':
          return `bukan rentang atau prefiks IP yang valid: "${p.input}"`;
        case 'bad-asn':
          return `bukan nomor AS: "${p.input}"`;
        case 'bad-key':
          return `bukan kunci yang valid: "${p.input}"`;
        case 'not-reverse-zone':
          return `registri ini hanya melayani zona balik (in-addr.arpa, ip6.arpa): "${p.input}"`;
        case 'no-data-at-time':
          return `tidak ada data ${p.source} sebelum ${p.first}`;
        case 'bad-time':
          switch (p.why) {
            case 'future':
              return `waktu ${p.input} ada di masa depan: tanyakan waktu sampai saat ini`;
            case 'no-zone':
              return `waktu "${p.input}" tidak memiliki zona: tambahkan (mis. +07:00) atau pilih zona waktu seperti Asia/Jakarta atau WIB`;
            case 'unknown-zone':
              return `zona waktu tidak dikenal: "${p.zone ?? ''}"`;
            case 'format':
              return `bukan waktu RFC 3339: "${p.input}" (mis. 2017-04-29T20:14:00+07:00)`;
            case 'invalid':
              return `bukan waktu yang valid: "${p.input}"`;
          }
      }
    },
  },
};

/** The port/CGNAT note (DESIGN §2 "Ports and CGNAT"): the member's legal-request desk where it has one, else who can tell. */
export function portText(lang: Language, answer: IpAnswer, registry: string): string {
  const t = ANSWER_TEXT[lang];
  const port = answer.query.port ?? 0;
  const member = answer.member;
  if (member) return t.portMember(port, member.name ?? member.orgHandle, member.legalContact);
  const authority = answer.authority.kind === 'other-registry' ? answer.authority.registry.name : null;
  return t.portNoMember(port, answer.noMember ?? { kind: 'direct' }, answer.holderName?.text ?? answer.holder.key, authority ?? (answer.authority.kind === 'this-registry' ? registry : null));
}

/** What an answer found: a holder, or why none. */
export type Found = { readonly kind: 'ok'; readonly answer: IpAnswer } | { readonly kind: 'notFound'; readonly notFound: NotFound };

/** The lines of a "Change between snapshots" notice (RDAP description, WHOIS `%` lines, the page). */
export function changeLines(lang: Language, c: SnapshotChange, then: Found, instant: number, registry: string): string[] {
  const t = ANSWER_TEXT[lang];
  const before = holderLabel(lang, then, registry);
  const after = holderLabel(lang, c.next, registry);
  const at = formatInstant(instant);
  const lines = [t.changeIntro(at, date(c.snapshotAt), date(c.nextAt)), t.asOf(date(c.snapshotAt), before), t.asOf(date(c.nextAt), after)];
  if (c.next.kind === 'ok') {
    lines.push(t.dates(c.next.answer.holder.key, c.nextCreated === null ? null : date(c.nextCreated), c.nextLastModified === null ? null : date(c.nextLastModified)));
  }
  if (then.kind === 'ok' && c.previousLastModified !== null) lines.push(t.previousDates(then.answer.holder.key, date(c.previousLastModified)));
  lines.push(t.verdict(c, at, before, after));
  return lines;
}
