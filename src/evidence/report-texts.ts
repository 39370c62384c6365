// The printable report's words, in English and Bahasa Indonesia (issue 18).
import type { Language } from '../i18n/accept-language.js';
import type { QuestionKind } from './statement.js';

export interface ReportTexts {
  readonly title: string;
  readonly subtitle: (registry: string) => string;
  readonly serial: string;
  readonly question: string;
  readonly ask: Readonly<Record<QuestionKind, (q: string) => string>>;
  readonly instant: string;
  readonly now: string;
  readonly servedAt: string;
  readonly answer: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly chain: string;
  readonly caller: string;
  readonly role: string;
  readonly caseReference: string;
  readonly none: string;
  readonly provenance: string;
  readonly snapshot: (source: string, at: string, importId: number, next: string | null) => string;
  readonly file: (importId: number, name: string, sha256: string) => string;
  readonly signature: string;
  readonly signedWith: (kid: string) => string;
  readonly embedded: string;
  readonly verifyAt: (url: string) => string;
  readonly page: (n: number, of: number) => string;
  /** Why an lea key without a case reference got the anonymous view (the statement's `caller.viewNote`). */
  readonly noCaseReference: string;
}

const FIELDS_EN: Record<string, string> = {
  address: 'Address',
  network: 'Network',
  prefixes: 'Prefixes',
  netname: 'Network name',
  holder: 'Holder',
  member: 'Responsible member',
  member_note: 'Member note',
  legal_contact: 'Legal-request desk',
  sub_allocation: 'Sub-allocation',
  abuse: 'Abuse contact',
  abuse_from: 'Abuse contact from',
  authority: 'Authority',
  authority_note: 'Authority note',
  country: 'Country',
  status: 'Status',
  next_holder: 'Next snapshot\'s holder',
  changed: 'Change between snapshots',
  likely_holder: 'Likely holder',
  error: 'Answer',
  class: 'Object class',
  key: 'Key',
  name: 'Name',
  abuse_mailbox: 'Abuse contact',
  source: 'Source',
  'last-modified': 'Last modified',
  'version-from': 'Version valid from',
};

const FIELDS_ID: Record<string, string> = {
  ...FIELDS_EN,
  address: 'Alamat',
  network: 'Jaringan',
  prefixes: 'Prefiks',
  netname: 'Nama jaringan',
  holder: 'Pemegang',
  member: 'Anggota penanggung jawab',
  member_note: 'Catatan anggota',
  legal_contact: 'Meja permintaan hukum',
  sub_allocation: 'Sub-alokasi',
  abuse: 'Kontak abuse',
  abuse_from: 'Kontak abuse dari',
  authority: 'Otoritas',
  authority_note: 'Catatan otoritas',
  country: 'Negara',
  next_holder: 'Pemegang pada snapshot berikutnya',
  changed: 'Perubahan antar-snapshot',
  likely_holder: 'Pemegang yang lebih mungkin',
  error: 'Jawaban',
  class: 'Kelas objek',
  key: 'Kunci',
  name: 'Nama',
  source: 'Sumber',
  'last-modified': 'Terakhir diubah',
  'version-from': 'Versi berlaku sejak',
};

export const REPORT_TEXT: Record<Language, ReportTexts> = {
  en: {
    title: 'Registry evidence',
    subtitle: (registry) => `A signed answer of the ${registry} registration data service`,
    serial: 'Serial number',
    question: 'Question',
    ask: {
      ip: (q) => `Who held the IP address ${q}?`,
      autnum: (q) => `Who held AS${q}?`,
      entity: (q) => `What does the registry hold for ${q}?`,
      domain: (q) => `Who holds the reverse zone ${q}?`,
      bulk: (q) => `Who held each of ${q} address line(s)?`,
    },
    instant: 'Instant',
    now: 'now (the time served)',
    servedAt: 'Served at',
    answer: 'Answer',
    fields: FIELDS_EN,
    chain: 'Allocation chain (least specific first)',
    caller: 'Asked by',
    role: 'Role',
    caseReference: 'Case reference',
    none: '(none)',
    provenance: 'Where the answer came from',
    snapshot: (source, at, importId, next) => `${source}: snapshot ${at} (import ${importId}); next snapshot ${next ?? 'none: current'}`,
    file: (importId, name, sha256) => `import ${importId}: ${name} SHA-256 ${sha256}`,
    signature: 'Signature',
    signedWith: (kid) => `Signed with Ed25519 key ${kid} (JWS, RFC 7515; payload canonicalised by RFC 8785). The public keys are at /.well-known/jwks.json.`,
    embedded: 'The signed statement is embedded in this PDF as the attachment evidence.jws.json: "lacak evidence verify" checks this file offline.',
    verifyAt: (url) => `Verify at ${url}`,
    page: (n, of) => `page ${n} of ${of}`,
    noCaseReference: 'No X-Case-Reference was sent: personal data is disclosed to law enforcement only for a case, so this is the view anyone has.',
  },
  id: {
    title: 'Bukti registri',
    subtitle: (registry) => `Jawaban bertanda tangan dari layanan data registrasi ${registry}`,
    serial: 'Nomor seri',
    question: 'Pertanyaan',
    ask: {
      ip: (q) => `Siapa pemegang alamat IP ${q}?`,
      autnum: (q) => `Siapa pemegang AS${q}?`,
      entity: (q) => `Apa yang dicatat registri untuk ${q}?`,
      domain: (q) => `Siapa pemegang zona balik ${q}?`,
      bulk: (q) => `Siapa pemegang setiap ${q} baris alamat?`,
    },
    instant: 'Waktu',
    now: 'sekarang (saat dilayani)',
    servedAt: 'Dilayani pada',
    answer: 'Jawaban',
    fields: FIELDS_ID,
    chain: 'Rantai alokasi (dari yang paling umum)',
    caller: 'Ditanyakan oleh',
    role: 'Peran',
    caseReference: 'Nomor perkara',
    none: '(tidak ada)',
    provenance: 'Asal jawaban',
    snapshot: (source, at, importId, next) => `${source}: snapshot ${at} (impor ${importId}); snapshot berikutnya ${next ?? 'tidak ada: terkini'}`,
    file: (importId, name, sha256) => `impor ${importId}: ${name} SHA-256 ${sha256}`,
    signature: 'Tanda tangan',
    signedWith: (kid) => `Ditandatangani dengan kunci Ed25519 ${kid} (JWS, RFC 7515; payload dikanonikalisasi menurut RFC 8785). Kunci publik ada di /.well-known/jwks.json.`,
    embedded: 'Pernyataan bertanda tangan tersemat dalam PDF ini sebagai lampiran evidence.jws.json: "lacak evidence verify" memeriksa berkas ini secara luring.',
    verifyAt: (url) => `Verifikasi di ${url}`,
    page: (n, of) => `halaman ${n} dari ${of}`,
    noCaseReference: 'Tidak ada X-Case-Reference yang dikirim: data pribadi hanya diungkapkan kepada penegak hukum untuk suatu perkara, jadi ini tampilan yang dimiliki siapa pun.',
  },
};
