// Every user-facing RDAP text, in English and Bahasa Indonesia (chosen by Accept-Language).
import { preferredLanguage } from '../i18n/accept-language.js';

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

export const TEXT = {
  en: {
    termsTitle: 'Terms of Use',
    terms: [
      'This is the registration data service of the national internet registry.',
      'Data is provided to identify who holds an IP address or AS number and how to reach them, for network operations, abuse handling and lawful requests.',
      'Personal data is disclosed only as Indonesian law (UU PDP No. 27/2022) allows; automated bulk collection outside the published limits is not permitted.',
    ],
    sourceTitle: 'Source',
    asOfRequested: (instant: string) => `Answer as the registry stood at ${instant} (requested instant, UTC).`,
    asOfNow: (instant: string) => `Answer as the registry stands at ${instant} (UTC).`,
    sourceLine: (source: string, snapshot: string, importId: number, next: string | null) =>
      `${source}: snapshot ${snapshot} (import ${importId}); next snapshot: ${next ?? 'none (current data)'}.`,
    served: (at: string, version: string) => `Served at ${at} by lacak ${version}.`,
    importFile: (importId: number, file: string, sha256: string) => `Import ${importId} read ${file} (SHA-256 ${sha256}).`,
    descriptionTitle: 'description',
    remarksTitle: 'remarks',
    countriesTitle: 'Other countries',
    countries: (list: string) => `Also registered for: ${list}.`,
    memberTitle: 'Responsible member',
    member: (name: string, network: string) => `The member ISP responsible for this space is ${name} (allocation ${network}).`,
    legalContact: (name: string, email: string, phone: string) => `Legal requests: ${name}, ${email}, ${phone}.`,
    heldByRegistryTitle: 'Not allocated',
    heldByRegistry: (registry: string) => `Held by ${registry}, not allocated to a member.`,
    subAllocationTitle: 'Sub-allocation',
    subAllocation: (network: string, name: string) => `Sub-allocated as ${network}${name ? ` to ${name}` : ''}.`,
    portTitle: 'Port-level attribution',
    port: (port: number) =>
      `The query named port ${port}. This answer is for the address; which customer used that port at that time (carrier-grade NAT) is known only to the ISP.`,
    portWho: (name: string, email: string, phone: string) => `Ask the ISP's legal-request desk: ${name}, ${email}, ${phone}.`,
    abuseTitle: 'Abuse contact',
    abuseInherited: (mailbox: string, network: string) => `Abuse contact ${mailbox}, inherited from ${network}.`,
    nameFromDescr: 'The holder has no organisation; its name is the first description line.',
    redactedPersonal: 'Personal data (UU PDP No. 27/2022)',
    redactedNotification: 'Notification e-mail addresses are not published',
    redactedSecret: 'Credentials are never published',
    redactedTitle: 'Redacted data',
    redactedNotice: 'Some data in this answer was withheld: see the "redacted" member (RFC 9537).',
    caseReferenceTitle: 'Case reference needed',
    caseReferenceNotice: 'Personal data is disclosed to law enforcement only for a case: send the case number in an X-Case-Reference header.',
    limitsTitle: 'Rate limits',
    limits: (l: RateLimitText) =>
      `Requests per minute: ${l.anonymous} per IPv4 address or IPv6 /64 without a key; ${l.member} per member key; ${l.lea} per law-enforcement key; ${l.admin} per admin key. Over the limit the answer is 429 with Retry-After; nobody is banned.`,
    authTitle: 'Unauthorized',
    forbiddenTitle: 'Forbidden',
    tooLargeTitle: 'Payload Too Large',
    unsupportedTypeTitle: 'Unsupported Media Type',
    tooManyTitle: 'Too Many Requests',
    tooMany: (seconds: number) => `Too many requests: try again in ${seconds} s.`,
    helpTitle: 'Help',
    help: [
      'Lookups: /ip/{address}, /ip/{address}:{port}, /ip/{prefix}/{length}, /autnum/{number}, /entity/{handle}, /domain/{reverse zone}.',
      'Every lookup accepts ?at=<RFC 3339 time with zone> to answer as the registry stood then; a time without a zone needs &tz=<IANA zone>, e.g. Asia/Jakarta.',
    ],
    errors: {
      badRequest: 'Bad Request',
      notFound: 'Not Found',
      notImplemented: 'Not Implemented',
      internal: 'Internal Server Error',
      notAssigned: (registry: string) => `This address is managed by ${registry} but not assigned to anyone.`,
      special: (name: string, prefix: string, rfc: string) => `${prefix} is special-purpose address space (${name}, ${rfc}); no registry assigns it.`,
      foreign: 'This resource is not managed by this registry.',
      noObject: 'No object with that key exists in this registry.',
      nameserver: 'Nameserver lookups are not provided by this registry.',
      unknownPath: 'Unknown RDAP path.',
    },
  },
  id: {
    termsTitle: 'Ketentuan Penggunaan',
    terms: [
      'Ini adalah layanan data registrasi dari registri internet nasional.',
      'Data disediakan untuk mengetahui siapa pemegang alamat IP atau nomor AS dan cara menghubunginya, untuk operasi jaringan, penanganan penyalahgunaan, dan permintaan yang sah menurut hukum.',
      'Data pribadi hanya diungkapkan sejauh diizinkan hukum Indonesia (UU PDP No. 27/2022); pengumpulan massal otomatis di luar batas yang diumumkan tidak diizinkan.',
    ],
    sourceTitle: 'Sumber',
    asOfRequested: (instant: string) => `Jawaban sesuai keadaan registri pada ${instant} (waktu yang diminta, UTC).`,
    asOfNow: (instant: string) => `Jawaban sesuai keadaan registri pada ${instant} (UTC).`,
    sourceLine: (source: string, snapshot: string, importId: number, next: string | null) =>
      `${source}: snapshot ${snapshot} (impor ${importId}); snapshot berikutnya: ${next ?? 'tidak ada (data terkini)'}.`,
    served: (at: string, version: string) => `Dilayani pada ${at} oleh lacak ${version}.`,
    importFile: (importId: number, file: string, sha256: string) => `Impor ${importId} membaca ${file} (SHA-256 ${sha256}).`,
    descriptionTitle: 'description',
    remarksTitle: 'remarks',
    countriesTitle: 'Negara lain',
    countries: (list: string) => `Juga terdaftar untuk: ${list}.`,
    memberTitle: 'Anggota penanggung jawab',
    member: (name: string, network: string) => `ISP anggota yang bertanggung jawab atas blok ini adalah ${name} (alokasi ${network}).`,
    legalContact: (name: string, email: string, phone: string) => `Permintaan hukum: ${name}, ${email}, ${phone}.`,
    heldByRegistryTitle: 'Belum dialokasikan',
    heldByRegistry: (registry: string) => `Dipegang oleh ${registry}, belum dialokasikan kepada anggota.`,
    subAllocationTitle: 'Sub-alokasi',
    subAllocation: (network: string, name: string) => `Disub-alokasikan sebagai ${network}${name ? ` kepada ${name}` : ''}.`,
    portTitle: 'Atribusi tingkat port',
    port: (port: number) =>
      `Kueri menyebut port ${port}. Jawaban ini untuk alamatnya; pelanggan mana yang memakai port itu pada waktu itu (NAT skala operator) hanya diketahui oleh ISP.`,
    portWho: (name: string, email: string, phone: string) => `Hubungi meja permintaan hukum ISP: ${name}, ${email}, ${phone}.`,
    abuseTitle: 'Kontak penyalahgunaan',
    abuseInherited: (mailbox: string, network: string) => `Kontak penyalahgunaan ${mailbox}, diwarisi dari ${network}.`,
    nameFromDescr: 'Pemegang tidak memiliki organisasi; namanya diambil dari baris deskripsi pertama.',
    redactedPersonal: 'Data pribadi (UU PDP No. 27/2022)',
    redactedNotification: 'Alamat e-mail notifikasi tidak dipublikasikan',
    redactedSecret: 'Kredensial tidak pernah dipublikasikan',
    redactedTitle: 'Data yang disunting',
    redactedNotice: 'Sebagian data dalam jawaban ini tidak ditampilkan: lihat anggota "redacted" (RFC 9537).',
    caseReferenceTitle: 'Nomor perkara diperlukan',
    caseReferenceNotice: 'Data pribadi hanya diungkapkan kepada penegak hukum untuk suatu perkara: kirim nomor perkara dalam header X-Case-Reference.',
    limitsTitle: 'Batas permintaan',
    limits: (l: RateLimitText) =>
      `Permintaan per menit: ${l.anonymous} per alamat IPv4 atau /64 IPv6 tanpa kunci; ${l.member} per kunci anggota; ${l.lea} per kunci penegak hukum; ${l.admin} per kunci admin. Jika melewati batas, jawabannya 429 dengan Retry-After; tidak ada yang diblokir permanen.`,
    authTitle: 'Tidak Berwenang',
    forbiddenTitle: 'Dilarang',
    tooLargeTitle: 'Muatan Terlalu Besar',
    unsupportedTypeTitle: 'Jenis Media Tidak Didukung',
    tooManyTitle: 'Terlalu Banyak Permintaan',
    tooMany: (seconds: number) => `Terlalu banyak permintaan: coba lagi dalam ${seconds} detik.`,
    helpTitle: 'Bantuan',
    help: [
      'Pencarian: /ip/{alamat}, /ip/{alamat}:{port}, /ip/{prefiks}/{panjang}, /autnum/{nomor}, /entity/{handle}, /domain/{zona balik}.',
      'Setiap pencarian menerima ?at=<waktu RFC 3339 dengan zona> untuk menjawab sesuai keadaan registri saat itu; waktu tanpa zona memerlukan &tz=<zona IANA>, mis. Asia/Jakarta.',
    ],
    errors: {
      badRequest: 'Permintaan Tidak Valid',
      notFound: 'Tidak Ditemukan',
      notImplemented: 'Tidak Tersedia',
      internal: 'Kesalahan Server',
      notAssigned: (registry: string) => `Alamat ini dikelola oleh ${registry} tetapi belum ditetapkan kepada siapa pun.`,
      special: (name: string, prefix: string, rfc: string) => `${prefix} adalah ruang alamat khusus (${name}, ${rfc}); tidak ada registri yang menetapkannya.`,
      foreign: 'Sumber daya ini tidak dikelola oleh registri ini.',
      noObject: 'Tidak ada objek dengan kunci tersebut di registri ini.',
      nameserver: 'Pencarian nameserver tidak disediakan oleh registri ini.',
      unknownPath: 'Jalur RDAP tidak dikenal.',
    },
  },
} as const;

export type Texts = (typeof TEXT)[Lang];
