// Every user-facing RDAP text, in English and Bahasa Indonesia (chosen by Accept-Language).
import { preferredLanguage } from '../i18n/accept-language.js';
import { BYTES_PER_POINT, ROWS_PER_POINT } from '../access/cost.js';

export type Lang = 'en' | 'id';

/** The published limits, as /help states them. */
export interface RateLimitText {
  readonly anonymous: number;
  readonly member: number;
  readonly lea: number;
  readonly admin: number;
}

/** The language of an Accept-Language header: Indonesian when preferred over English, else English. */
export function pickLang(header: string | undefined): Lang {
  return preferredLanguage(header, 'en');
}

/**
 * Titles of notices, remarks and errors: the same in every language, so that scripts can
 * find a notice by its title; descriptions (TEXT) follow Accept-Language.
 */
export const TITLE = {
  terms: 'Terms of Use',
  source: 'Source',
  description: 'description',
  remarks: 'remarks',
  countries: 'Other countries',
  member: 'Responsible member',
  noMember: 'No member',
  authority: 'Authority',
  change: 'Change between snapshots',
  subAllocation: 'Sub-allocation',
  port: 'Port-level attribution',
  abuse: 'Abuse contact',
  redacted: 'Redacted data',
  caseReference: 'Case reference needed',
  limits: 'Rate limits',
  help: 'Help',
  errors: {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    501: 'Not Implemented',
    503: 'Service Unavailable',
  } as Record<number, string>,
} as const;

export const TEXT = {
  en: {
    terms: [
      'This is the registration data service of the national internet registry.',
      'Data is provided to identify who holds an IP address or AS number and how to reach them, for network operations, abuse handling and lawful requests.',
      'Personal data is disclosed only as Indonesian law (UU PDP No. 27/2022) allows; automated bulk collection outside the published limits is not permitted.',
    ],
    asOfRequested: (instant: string) => `Answer as the registry stood at ${instant} (requested instant, UTC).`,
    asOfNow: (instant: string) => `Answer as the registry stands at ${instant} (UTC).`,
    sourceLine: (source: string, snapshot: string, importId: number, next: string | null) =>
      `${source}: snapshot ${snapshot} (import ${importId}); next snapshot: ${next ?? 'none (current data)'}.`,
    served: (at: string, version: string) => `Served at ${at} by lacak ${version}.`,
    importFile: (importId: number, file: string, sha256: string) => `Import ${importId} read ${file} (SHA-256 ${sha256}).`,
    countries: (list: string) => `Also registered for: ${list}.`,
    member: (name: string, network: string) => `The member ISP responsible for this space is ${name} (allocation ${network}).`,
    legalContact: (name: string, email: string, phone: string) => `Legal requests: ${name}, ${email}, ${phone}.`,
    subAllocation: (network: string, name: string) => `Sub-allocated as ${network}${name ? ` to ${name}` : ''}.`,
    abuseInherited: (mailbox: string, network: string) => `Abuse contact ${mailbox}, inherited from ${network}.`,
    nameFromDescr: 'The holder has no organisation; its name is the first description line.',
    redactedPersonal: 'Personal data (UU PDP No. 27/2022)',
    redactedNotification: 'Notification e-mail addresses are not published',
    redactedSecret: 'Credentials are never published',
    redactedNotice: 'Some data in this answer was withheld: see the "redacted" member (RFC 9537).',
    caseReferenceNotice: 'Personal data is disclosed to law enforcement only for a case: send the case number in an X-Case-Reference header.',
    limits: (l: RateLimitText) =>
      `Points per minute: ${l.anonymous} per IPv4 address or IPv6 /64 without a key; ${l.member} per member key; ${l.lea} per law-enforcement key; ${l.admin} per admin key. An answer costs 1 point, plus 1 for every ${ROWS_PER_POINT} registry rows it read and every ${BYTES_PER_POINT / 1024} KiB it returned, so a lookup costs 1 and a search of hundreds of objects more. Over the limit the answer is 429 with Retry-After; nobody is banned.`,
    tooMany: (seconds: number) => `Too many requests: try again in ${seconds} s.`,
    help: [
      'Lookups: /ip/{address}, /ip/{address}:{port}, /ip/{prefix}/{length}, /autnum/{number}, /entity/{handle}, /domain/{reverse zone}.',
      'Every lookup accepts ?at=<RFC 3339 time with zone> to answer as the registry stood then; a time without a zone needs &tz=<IANA zone>, e.g. Asia/Jakarta, or WIB, WITA, WIT.',
      'Space this registry does not manage is labelled with the registry that is authoritative for it (remark "Authority"); a time between snapshots that answer differently carries a notice "Change between snapshots" with a verdict.',
    ],
    errors: {
      noObject: 'No object with that key exists in this registry.',
      nameserver: 'Nameserver lookups are not provided by this registry.',
      unknownPath: 'Unknown RDAP path.',
      auditUnavailable: 'This answer carries personal data, and the audit log could not record its disclosure just now, so it is withheld. Please try again shortly.',
    },
  },
  id: {
    terms: [
      'Ini adalah layanan data registrasi dari registri internet nasional.',
      'Data disediakan untuk mengetahui siapa pemegang alamat IP atau nomor AS dan cara menghubunginya, untuk operasi jaringan, penanganan penyalahgunaan, dan permintaan yang sah menurut hukum.',
      'Data pribadi hanya diungkapkan sejauh diizinkan hukum Indonesia (UU PDP No. 27/2022); pengumpulan massal otomatis di luar batas yang diumumkan tidak diizinkan.',
    ],
    asOfRequested: (instant: string) => `Jawaban sesuai keadaan registri pada ${instant} (waktu yang diminta, UTC).`,
    asOfNow: (instant: string) => `Jawaban sesuai keadaan registri pada ${instant} (UTC).`,
    sourceLine: (source: string, snapshot: string, importId: number, next: string | null) =>
      `${source}: snapshot ${snapshot} (impor ${importId}); snapshot berikutnya: ${next ?? 'tidak ada (data terkini)'}.`,
    served: (at: string, version: string) => `Dilayani pada ${at} oleh lacak ${version}.`,
    importFile: (importId: number, file: string, sha256: string) => `Impor ${importId} membaca ${file} (SHA-256 ${sha256}).`,
    countries: (list: string) => `Juga terdaftar untuk: ${list}.`,
    member: (name: string, network: string) => `ISP anggota yang bertanggung jawab atas blok ini adalah ${name} (alokasi ${network}).`,
    legalContact: (name: string, email: string, phone: string) => `Permintaan hukum: ${name}, ${email}, ${phone}.`,
    subAllocation: (network: string, name: string) => `Disub-alokasikan sebagai ${network}${name ? ` kepada ${name}` : ''}.`,
    abuseInherited: (mailbox: string, network: string) => `Kontak penyalahgunaan ${mailbox}, diwarisi dari ${network}.`,
    nameFromDescr: 'Pemegang tidak memiliki organisasi; namanya diambil dari baris deskripsi pertama.',
    redactedPersonal: 'Data pribadi (UU PDP No. 27/2022)',
    redactedNotification: 'Alamat e-mail notifikasi tidak dipublikasikan',
    redactedSecret: 'Kredensial tidak pernah dipublikasikan',
    redactedNotice: 'Sebagian data dalam jawaban ini tidak ditampilkan: lihat anggota "redacted" (RFC 9537).',
    caseReferenceNotice: 'Data pribadi hanya diungkapkan kepada penegak hukum untuk suatu perkara: kirim nomor perkara dalam header X-Case-Reference.',
    limits: (l: RateLimitText) =>
      `Poin per menit: ${l.anonymous} per alamat IPv4 atau /64 IPv6 tanpa kunci; ${l.member} per kunci anggota; ${l.lea} per kunci penegak hukum; ${l.admin} per kunci admin. Setiap jawaban berbiaya 1 poin, ditambah 1 untuk setiap ${ROWS_PER_POINT} baris registri yang dibaca dan setiap ${BYTES_PER_POINT / 1024} KiB yang dikirim, jadi satu pencarian alamat berbiaya 1 dan pencarian ratusan objek lebih banyak. Jika melewati batas, jawabannya 429 dengan Retry-After; tidak ada yang diblokir permanen.`,
    tooMany: (seconds: number) => `Terlalu banyak permintaan: coba lagi dalam ${seconds} detik.`,
    help: [
      'Pencarian: /ip/{alamat}, /ip/{alamat}:{port}, /ip/{prefiks}/{panjang}, /autnum/{nomor}, /entity/{handle}, /domain/{zona balik}.',
      'Setiap pencarian menerima ?at=<waktu RFC 3339 dengan zona> untuk menjawab sesuai keadaan registri saat itu; waktu tanpa zona memerlukan &tz=<zona IANA>, mis. Asia/Jakarta, atau WIB, WITA, WIT.',
      'Ruang yang tidak dikelola registri ini diberi label registri yang berwenang atasnya (remark "Authority"); waktu di antara snapshot yang menjawab berbeda disertai notice "Change between snapshots" dengan kesimpulannya.',
    ],
    errors: {
      noObject: 'Tidak ada objek dengan kunci tersebut di registri ini.',
      nameserver: 'Pencarian nameserver tidak disediakan oleh registri ini.',
      unknownPath: 'Jalur RDAP tidak dikenal.',
      auditUnavailable: 'Jawaban ini memuat data pribadi, dan log audit belum dapat mencatat pengungkapannya saat ini, sehingga jawaban ditahan. Silakan coba lagi sebentar lagi.',
    },
  },
} as const;

export type Texts = (typeof TEXT)[Lang];
