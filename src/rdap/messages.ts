// Every user-facing RDAP text, in English and Bahasa Indonesia (chosen by Accept-Language).
import { preferredLanguage } from '../i18n/accept-language.js';
import { BYTES_PER_POINT, ROWS_PER_POINT } from '../access/cost.js';
import { PAGE_SIZE } from './search-params.js';

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
  // Link titles of RFC 8977 §2.2.2 and §2.3.1, and RFC 8982 §2.2.
  pagingLink: 'Result Pagination Link',
  sortAscendingLink: 'Result Ascending Sort Link',
  sortDescendingLink: 'Result Descending Sort Link',
  subsetLink: 'Result Subset Link',
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
      'Searches: /entities?fn= or ?handle=, /domains?name=, /ips?name= or ?handle=, /autnums?name= or ?handle= (a trailing * matches any ending), /ips/reverse_search/entity?handle=[&role=] (RFC 9536), and the RFC 9910 relations /ips/rirSearch1/{rdap-up|rdap-down|rdap-top|rdap-bottom}/{address or prefix} and /autnums/rirSearch1/{relation}/{number}.',
      `Search answers come in pages of ${PAGE_SIZE} results, the server's page size (RFC 8977); the next page is the "next" link in paging_metadata. count=true adds the number of all results (paging_metadata.totalCount). sort=property, or property:d for descending, several separated by commas, orders the results; sorting_metadata lists each search's properties (handle, fn or name, registrationDate, lastChangedDate, country, startAddress, startAutnum).`,
      'Sorting entities by fn is offered on fn searches, and on a handle search unless it finds persons whose names are withheld from the caller (then sort=fn is refused).',
      'fieldSet=id, brief or full (RFC 8982) sets how much of each result is returned: id the handle and the link to the object, brief adds names, address range or AS numbers, status, country and dates, full (the default) the whole object.',
    ],
    searchParams: {
      count: (value: string) =>
        `count: "${value}" is neither true nor false. count=true asks for the number of all results (RFC 8977 §2.1: true, yes or 1; false, no or 0); it does not set the page size, which is the server's: ${PAGE_SIZE} results a page.`,
      sortSyntax: (value: string) =>
        `sort: "${value}" is not a sort item: give a property, optionally followed by :a (ascending) or :d (descending), several separated by commas (RFC 8977 §2.2), e.g. sort=registrationDate:d.`,
      sortUnknown: (property: string, available: readonly string[]) => `sort: this search cannot be sorted by "${property}"; its properties are ${available.join(', ')}.`,
      sortWithheld: (property: string, available: readonly string[]) =>
        `sort: this search finds persons whose names are withheld from you (UU PDP No. 27/2022), and sorting it by "${property}" would order them by those names. Search by fn instead, or narrow the handle; law enforcement sends X-Case-Reference. Available here: ${available.join(', ')}.`,
      sortRepeated: (property: string) => `sort: "${property}" is given more than once.`,
      sortNotOffered: 'sort: relation searches (rirSearch1) are not sorted: their results follow the tree of addresses or AS numbers.',
      fieldSet: (value: string, names: readonly string[]) => `fieldSet: "${value}" is not a field set of this server; they are ${names.join(', ')} (RFC 8982).`,
      cursor:
        'cursor: this is not a cursor this server issued for this search (the same path, search term and sort); follow the "next" link of the previous page, or start again without a cursor.',
    },
    fieldSets: {
      id: 'Only what identifies each result: objectClassName, handle (ldhName for domains) and the link to the object itself.',
      brief: 'A short form of each result: what id gives, plus names (fn, name), address range or AS numbers, type, status, country, registration and last-changed dates; no contacts, remarks or other links.',
      full: 'Each result in full, as a lookup of the object answers it (the default).',
    },
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
      'Pencarian: /entities?fn= atau ?handle=, /domains?name=, /ips?name= atau ?handle=, /autnums?name= atau ?handle= (tanda * di akhir cocok dengan akhiran apa pun), /ips/reverse_search/entity?handle=[&role=] (RFC 9536), serta relasi RFC 9910 /ips/rirSearch1/{rdap-up|rdap-down|rdap-top|rdap-bottom}/{alamat atau prefiks} dan /autnums/rirSearch1/{relasi}/{nomor}.',
      `Hasil pencarian dibagi per halaman berisi ${PAGE_SIZE} hasil, ukuran halaman server (RFC 8977); halaman berikutnya ada pada tautan "next" di paging_metadata. count=true menambahkan jumlah seluruh hasil (paging_metadata.totalCount). sort=properti, atau properti:d untuk urutan menurun, beberapa dipisahkan koma, mengurutkan hasil; sorting_metadata mencantumkan properti setiap pencarian (handle, fn atau name, registrationDate, lastChangedDate, country, startAddress, startAutnum).`,
      'Pengurutan entitas menurut fn tersedia pada pencarian fn, dan pada pencarian handle kecuali pencarian itu menemukan orang (person) yang namanya tidak diungkapkan kepada pemanggil (maka sort=fn ditolak).',
      'fieldSet=id, brief atau full (RFC 8982) menentukan seberapa banyak isi setiap hasil: id memberi handle dan tautan ke objeknya, brief menambahkan nama, rentang alamat atau nomor AS, status, negara dan tanggal, full (bawaan) objek lengkap.',
    ],
    searchParams: {
      count: (value: string) =>
        `count: "${value}" bukan true maupun false. count=true meminta jumlah seluruh hasil (RFC 8977 §2.1: true, yes atau 1; false, no atau 0); count tidak mengatur ukuran halaman, yang ditentukan server: ${PAGE_SIZE} hasil per halaman.`,
      sortSyntax: (value: string) =>
        `sort: "${value}" bukan butir pengurutan: berikan nama properti, boleh diikuti :a (menaik) atau :d (menurun), beberapa dipisahkan koma (RFC 8977 §2.2), mis. sort=registrationDate:d.`,
      sortUnknown: (property: string, available: readonly string[]) => `sort: pencarian ini tidak dapat diurutkan menurut "${property}"; propertinya: ${available.join(', ')}.`,
      sortWithheld: (property: string, available: readonly string[]) =>
        `sort: pencarian ini menemukan orang (person) yang namanya tidak diungkapkan kepada Anda (UU PDP No. 27/2022), dan pengurutan menurut "${property}" akan mengurutkan mereka menurut nama tersebut. Cari menurut fn, atau persempit handle; penegak hukum mengirim X-Case-Reference. Yang tersedia di sini: ${available.join(', ')}.`,
      sortRepeated: (property: string) => `sort: "${property}" diberikan lebih dari sekali.`,
      sortNotOffered: 'sort: pencarian relasi (rirSearch1) tidak diurutkan: hasilnya mengikuti pohon alamat atau nomor AS.',
      fieldSet: (value: string, names: readonly string[]) => `fieldSet: "${value}" bukan kumpulan field server ini; yang tersedia: ${names.join(', ')} (RFC 8982).`,
      cursor:
        'cursor: ini bukan cursor yang diterbitkan server ini untuk pencarian ini (jalur, kata pencarian, dan pengurutan yang sama); ikuti tautan "next" dari halaman sebelumnya, atau mulai lagi tanpa cursor.',
    },
    fieldSets: {
      id: 'Hanya yang mengidentifikasi setiap hasil: objectClassName, handle (ldhName untuk domain) dan tautan ke objek itu sendiri.',
      brief: 'Bentuk singkat setiap hasil: isi id, ditambah nama (fn, name), rentang alamat atau nomor AS, jenis, status, negara, tanggal registrasi dan perubahan terakhir; tanpa kontak, keterangan, atau tautan lain.',
      full: 'Setiap hasil secara lengkap, seperti jawaban pencarian objek itu (bawaan).',
    },
    errors: {
      noObject: 'Tidak ada objek dengan kunci tersebut di registri ini.',
      nameserver: 'Pencarian nameserver tidak disediakan oleh registri ini.',
      unknownPath: 'Jalur RDAP tidak dikenal.',
      auditUnavailable: 'Jawaban ini memuat data pribadi, dan log audit belum dapat mencatat pengungkapannya saat ini, sehingga jawaban ditahan. Silakan coba lagi sebentar lagi.',
    },
  },
} as const;

export type Texts = (typeof TEXT)[Lang];
