// A synthetic IDNIC registry at production scale, written as the split RPSL files a
// real dump arrives in, so the bench drives the real importer with realistic input:
// nested allocations and assignments over the whole unicast space, a third of the
// IPv4 ranges not CIDR-aligned, and the organisations, contacts and maintainers they
// refer to. Everything follows from the seed; nothing reads Math.random or the clock.
//
//   node dist/scripts/generate-dataset.js --out DIR [--inetnum 1000000] [--inet6num 300000] [--seed 1] [--next-day]
import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export interface DatasetParams {
  readonly inetnum: number;
  readonly inet6num: number;
  readonly seed: number;
}

export const DEFAULT_PARAMS: DatasetParams = { inetnum: 1_000_000, inet6num: 300_000, seed: 1 };

/** Bumped whenever the output changes for the same params, so stale bench data is regenerated. */
export const GENERATOR_VERSION = 1;

export const DATASET_FILES = {
  mntner: 'idnic.db.mntner',
  person: 'idnic.db.person',
  role: 'idnic.db.role',
  organisation: 'idnic.db.organisation',
  inetnum: 'idnic.db.inetnum',
  inet6num: 'idnic.db.inet6num',
} as const;

// ---- randomness -------------------------------------------------------------------------

export type Rng = () => number;

/** mulberry32: tiny, fast and good enough to make data look irregular. Returns [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An independent stream per purpose: the network trees must not shift when, say, the
 * way organisation names are drawn changes, or the bench's ranges would stop matching
 * files generated before.
 */
export function streamRng(seed: number, stream: number): Rng {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 0x27d4eb2f, 0xc2b2ae35);
  h ^= h >>> 16;
  return mulberry32(h);
}

/** Inclusive on both ends; exact for bounds up to 2^53. */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

// ---- the shape of the registry ----------------------------------------------------------

export type Depth = 1 | 2 | 3 | 4;

/** One generated network; IPv4 bounds are plain numbers, IPv6 bounds bigints. */
export interface Network<T extends number | bigint> {
  readonly start: T;
  readonly end: T;
  /** IPv6 only: the prefix length (inet6num keys are always single prefixes). */
  readonly length: number;
  /** 1 allocation, 2 assignment, 3 sub-assignment, 4 sub-sub-assignment. */
  readonly depth: Depth;
  readonly status: string;
  /** Organisation number, 0 when the network names none (it then uses its parent's contacts). */
  readonly org: number;
  /** Whose roles and maintainer the network uses: `org`, else the nearest parent's. */
  readonly contactOrg: number;
  readonly abuseC: boolean;
}

/** Organisations: one per ~20 networks, as in the brief; the first quarter are LIRs. */
export function organisationCount(params: DatasetParams): number {
  return Math.max(1, Math.ceil((params.inetnum + params.inet6num) / 20));
}

export function lirCount(params: DatasetParams): number {
  return Math.max(1, Math.ceil(organisationCount(params) / 4));
}

/** A handful of people behind all the roles and maintainers. */
export function personCount(params: DatasetParams): number {
  return Math.max(5, Math.ceil(organisationCount(params) / 500));
}

// Children per node at each depth, and so the most networks a subtree rooted there can
// hold; an allocation (depth 1) takes any number of assignments.
const CHILD_CAP: readonly number[] = [0, Infinity, 6, 3, 0];
const SUBTREE_CAP: readonly number[] = [0, Infinity, 1 + 6 * (1 + 3), 1 + 3, 1];

/** Networks per allocation tree: many small holders, some LIRs with deep trees. Mean ≈ 24. */
function treeBudget(rng: Rng): number {
  const r = rng();
  if (r < 0.3) return randInt(rng, 1, 3);
  if (r < 0.8) return randInt(rng, 4, 30);
  return randInt(rng, 31, 120);
}

/** Budgets of the allocation trees, summing to `total`: a few tens of thousands of numbers. */
function treeBudgets(rng: Rng, total: number): number[] {
  const budgets: number[] = [];
  let left = total;
  while (left > 0) {
    const b = Math.min(left, treeBudget(rng));
    budgets.push(b);
    left -= b;
  }
  return budgets;
}

/** Splits `rest` networks over `children` subtrees, each at least 1 and at most `cap`. */
function distribute(rng: Rng, rest: number, children: number, cap: number): number[] {
  const out = new Array<number>(children).fill(1);
  let extra = rest - children;
  while (extra > 0) {
    let i = randInt(rng, 0, children - 1);
    // Callers keep children * cap >= rest, so a probe always finds room.
    while (out[i]! >= cap) i = (i + 1) % children;
    out[i]!++;
    extra--;
  }
  return out;
}

function childCount(rng: Rng, depth: Depth, rest: number): number {
  const low = Math.ceil(rest / SUBTREE_CAP[depth + 1]!);
  const high = Math.min(rest, CHILD_CAP[depth]!);
  return randInt(rng, low, high);
}

function v4Status(rng: Rng, depth: Depth): string {
  if (depth === 1) return 'ALLOCATED PORTABLE';
  if (depth > 2) return 'ASSIGNED NON-PORTABLE';
  const r = rng();
  return r < 0.15 ? 'ALLOCATED NON-PORTABLE' : r < 0.45 ? 'ASSIGNED PORTABLE' : 'ASSIGNED NON-PORTABLE';
}

function v6Status(rng: Rng, depth: Depth): string {
  if (depth === 1) return 'ALLOCATED PORTABLE';
  if (depth > 2) return 'ASSIGNED NON-PORTABLE';
  const r = rng();
  return r < 0.3 ? 'ALLOCATED NON-PORTABLE' : r < 0.5 ? 'ASSIGNED PORTABLE' : 'ASSIGNED NON-PORTABLE';
}

interface Holder {
  org: number;
  contactOrg: number;
  abuseC: boolean;
}

/** Allocations go to LIRs; below them 3 in 4 networks name a customer organisation. */
function holder(rng: Rng, params: DatasetParams, depth: Depth, parentContact: number): Holder {
  if (depth === 1) {
    const org = randInt(rng, 1, lirCount(params));
    return { org, contactOrg: org, abuseC: true };
  }
  const org = rng() < 0.75 ? randInt(rng, 1, organisationCount(params)) : 0;
  // Half the customers leave abuse-c to be inherited, which the SQL path must then walk up for.
  return { org, contactOrg: org || parentContact, abuseC: rng() < 0.5 };
}

// ---- IPv4 -------------------------------------------------------------------------------

/** IANA special-purpose blocks inside 1.0.0.0-223.255.255.255 that no registry allocates. */
const V4_RESERVED: readonly (readonly [string, number])[] = [
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
];

function v4Number(text: string): number {
  return text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Allocatable IPv4 space as sorted disjoint [start, end] pairs. */
export function usableIpv4(): [number, number][] {
  const reserved = V4_RESERVED.map(([a, len]) => [v4Number(a), v4Number(a) + 2 ** (32 - len) - 1] as const).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  let cursor = v4Number('1.0.0.0');
  const last = v4Number('223.255.255.255');
  for (const [s, e] of reserved) {
    if (s > cursor) out.push([cursor, s - 1]);
    cursor = Math.max(cursor, e + 1);
  }
  if (cursor <= last) out.push([cursor, last]);
  return out;
}

/**
 * A sub-range of [lo, hi] of roughly 30-90% of it (never less than `minSize` when it
 * fits), CIDR-aligned or deliberately not, and never equal to the parent's range.
 */
function pickV4(rng: Rng, lo: number, hi: number, minSize: number, aligned: boolean, parent: readonly [number, number]): [number, number] | null {
  const room = hi - lo + 1;
  if (room < 1) return null;
  let want = Math.max(minSize, Math.floor(room * (0.3 + 0.6 * rng())));
  if (want > room) want = room;
  let start: number;
  let end: number;
  if (aligned) {
    let k = Math.floor(Math.log2(want));
    for (;;) {
      const size = 2 ** k;
      const first = Math.ceil(lo / size) * size;
      if (first + size - 1 <= hi) {
        const positions = Math.floor((hi - size + 1 - first) / size) + 1;
        start = first + randInt(rng, 0, positions - 1) * size;
        end = start + size - 1;
        break;
      }
      k--;
    }
  } else {
    // Odd sizes at odd offsets: `a - b` ranges that no single prefix describes.
    let size = want;
    if (size > 2 && size % 2 === 0) size--;
    start = lo + randInt(rng, 0, room - size);
    end = start + size - 1;
  }
  if (start === parent[0] && end === parent[1]) {
    if (end > start) end--;
    else return null;
  }
  return [start, end];
}

/**
 * Every inetnum, in address order (each parent just before its children), with all
 * the choices the text writer needs, so the bench can replay the same ranges as numbers.
 */
export function* ipv4Networks(params: DatasetParams): Generator<Network<number>> {
  const budgets = treeBudgets(streamRng(params.seed, 1), params.inetnum);
  const rng = streamRng(params.seed, 2);
  const usable = usableIpv4();
  const total = usable.reduce((acc, [s, e]) => acc + (e - s + 1), 0);
  const stride = total / Math.max(1, budgets.length);
  let piece = 0;
  let pieceOffset = 0; // virtual offset of usable[piece][0]
  // A tree that does not fit its room hands its unplaced networks to the next one.
  let carry = 0;

  function* subtree(start: number, end: number, depth: Depth, budget: number, parentContact: number): Generator<Network<number>, number> {
    const h = holder(rng, params, depth, parentContact);
    yield { start, end, length: 0, depth, status: v4Status(rng, depth), ...h };
    let placed = 1;
    if (budget <= 1 || depth === 4) return placed;
    const size = end - start + 1;
    const rest = budget - 1;
    const children = Math.min(childCount(rng, depth, rest), Math.floor(size / 4));
    if (children < 1) return placed;
    const shares = distribute(rng, Math.min(rest, children * SUBTREE_CAP[depth + 1]!), children, SUBTREE_CAP[depth + 1]!);
    const slot = Math.floor(size / children);
    for (let i = 0; i < children; i++) {
      const lo = start + i * slot;
      const share = shares[i]!;
      const range = pickV4(rng, lo, lo + slot - 1, share > 1 ? 8 * share : 1, rng() < 2 / 3, [start, end]);
      if (range) placed += yield* subtree(range[0], range[1], (depth + 1) as Depth, share, h.contactOrg);
    }
    return placed;
  }

  for (let i = 0; i < budgets.length; i++) {
    const from = i * stride;
    while (piece < usable.length - 1 && from >= pieceOffset + (usable[piece]![1] - usable[piece]![0] + 1)) {
      pieceOffset += usable[piece]![1] - usable[piece]![0] + 1;
      piece++;
    }
    const [pieceStart, pieceEnd] = usable[piece]!;
    const lo = pieceStart + Math.floor(from - pieceOffset);
    // A slot cut by a reserved block simply ends there.
    const hi = Math.min(pieceEnd, lo + Math.floor(stride) - 1);
    const budget = budgets[i]! + carry;
    const range = pickV4(rng, lo, hi, 8 * budget, rng() < 2 / 3, [-1, -1]);
    const placed = range ? yield* subtree(range[0], range[1], 1, budget, 0) : 0;
    carry = budget - placed;
  }
}

// ---- IPv6 -------------------------------------------------------------------------------

const V6_GLOBAL = 0x2000n << 112n;
const V6_BITS = 128;
/** Prefix lengths each depth aims for; children are always longer than their parent. */
const V6_TARGET: readonly (readonly [number, number])[] = [
  [0, 0],
  [29, 32],
  [36, 48],
  [48, 56],
  [56, 64],
];
/** 2001::/16 (TEREDO, documentation, IETF), 2002::/16 (6to4), 3fff::/16 (documentation). */
const V6_RESERVED_TOP16 = new Set([0x2001, 0x2002, 0x3fff]);

/** Every inet6num in address order, prefixes /29../64 nested like the IPv4 trees. */
export function* ipv6Networks(params: DatasetParams): Generator<Network<bigint>> {
  const budgets = treeBudgets(streamRng(params.seed, 3), params.inet6num);
  const rng = streamRng(params.seed, 4);
  // 2000::/3 as 2^26 /29 units, dealt out in equal slots.
  const units = 2 ** 26;
  const stride = Math.max(1, Math.floor(units / Math.max(1, budgets.length)));
  let carry = 0;

  function* subtree(start: bigint, length: number, depth: Depth, budget: number, parentContact: number): Generator<Network<bigint>, number> {
    const h = holder(rng, params, depth, parentContact);
    const end = start + (1n << BigInt(V6_BITS - length)) - 1n;
    yield { start, end, length, depth, status: v6Status(rng, depth), ...h };
    let placed = 1;
    if (budget <= 1 || depth === 4) return placed;
    const next = (depth + 1) as Depth;
    const [targetLo, targetHi] = V6_TARGET[next]!;
    const rest = budget - 1;
    let children = childCount(rng, depth, rest);
    // Twice as many slots as children leaves gaps the parent still answers for.
    while (children > 0 && length + Math.ceil(Math.log2(2 * children)) > targetHi) children--;
    if (children < 1) return placed;
    const childLength = Math.min(targetHi, Math.max(length + Math.ceil(Math.log2(2 * children)), randInt(rng, targetLo, targetHi)));
    const shares = distribute(rng, Math.min(rest, children * SUBTREE_CAP[next]!), children, SUBTREE_CAP[next]!);
    const slots = 2 ** (childLength - length);
    const zone = Math.floor(slots / children);
    const shift = BigInt(V6_BITS - childLength);
    for (let i = 0; i < children; i++) {
      const index = i * zone + randInt(rng, 0, zone - 1);
      placed += yield* subtree(start + (BigInt(index) << shift), childLength, next, shares[i]!, h.contactOrg);
    }
    return placed;
  }

  for (let i = 0; i < budgets.length; i++) {
    const unit = i * stride + randInt(rng, 0, stride - 1);
    const length = randInt(rng, 29, 32);
    const start = V6_GLOBAL + (BigInt(unit) << 99n) + (BigInt(randInt(rng, 0, 2 ** (length - 29) - 1)) << BigInt(V6_BITS - length));
    const budget = budgets[i]! + carry;
    if (V6_RESERVED_TOP16.has(Number(start >> 112n))) {
      carry = budget;
      continue;
    }
    carry = budget - (yield* subtree(start, length, 1, budget, 0));
  }
}

// ---- text -------------------------------------------------------------------------------

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as `::`. */
export function formatIpv6(value: bigint): string {
  const groups = new Array<number>(8);
  let v = value;
  for (let i = 7; i >= 0; i--) {
    groups[i] = Number(v & 0xffffn);
    v >>= 16n;
  }
  let bestStart = -1;
  let bestLength = 0;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (groups[i] !== 0) {
      runStart = -1;
      continue;
    }
    if (runStart < 0) runStart = i;
    if (i - runStart + 1 > bestLength) {
      bestStart = runStart;
      bestLength = i - runStart + 1;
    }
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestLength < 2) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

const SYLLABLES = ['ka', 'ra', 'ta', 'ma', 'na', 'sa', 'ja', 'ba', 'da', 'wi', 'lu', 'nu', 'si', 'ri', 'pu', 'gi', 'to', 'ko', 'me', 'se', 'an', 'ar', 'in', 'ung'];
const SUFFIXES = ['Data', 'Net', 'Media', 'Telekom', 'Solusi', 'Digital', 'Jaringan', 'Cloud', 'Link', 'Nusantara'];
const CITIES = ['Jakarta 10110', 'Surabaya 60271', 'Bandung 40115', 'Medan 20112', 'Semarang 50132', 'Makassar 90111', 'Denpasar 80361', 'Batam 29461'];
const FIRST_NAMES = ['Ratna', 'Arif', 'Hendra', 'Nyoman', 'Dewi', 'Yusuf', 'Siti', 'Budi', 'Wulan', 'Agus'];
const LAST_NAMES = ['Savitri', 'Pranoto', 'Adinegoro', 'Laksana', 'Kusuma', 'Hidayat', 'Rahayu', 'Santoso', 'Wibowo', 'Lestari'];

interface OrgNames {
  /** `Sinarko`: used for domains, netnames and role names. */
  readonly word: string;
  readonly name: string;
}

/** Names follow from the organisation number alone, so a network can name its holder without a table. */
function orgNames(seed: number, n: number): OrgNames {
  const rng = streamRng(seed, 1_000_000 + n);
  let word = '';
  for (let i = randInt(rng, 2, 3); i > 0; i--) word += SYLLABLES[randInt(rng, 0, SYLLABLES.length - 1)];
  word = word[0]!.toUpperCase() + word.slice(1) + n.toString(36);
  return { word, name: `PT ${word} ${SUFFIXES[randInt(rng, 0, SUFFIXES.length - 1)]}` };
}

function domainOf(names: OrgNames): string {
  return `${names.word.toLowerCase()}.example.id`;
}

const EPOCH_2005 = Date.UTC(2005, 0, 1);
const SPAN_20Y = 20 * 365 * 86_400_000;

function stamp(ms: number): string {
  return `${new Date(ms - (ms % 1000)).toISOString().slice(0, 19)}Z`;
}

/** `created:` and a later `last-modified:`. */
function trailer(rng: Rng): string {
  const created = EPOCH_2005 + Math.floor(rng() * SPAN_20Y);
  const modified = created + Math.floor(rng() * (EPOCH_2005 + SPAN_20Y - created));
  return `created:        ${stamp(created)}\nlast-modified:  ${stamp(modified)}\nsource:         IDNIC\n\n`;
}

function pad(name: string): string {
  return `${name}:`.padEnd(16, ' ');
}

const orgHandle = (n: number) => `ORG-G${n}-IDNIC`;
const nocHandle = (n: number) => `NOC${n}-IDNIC`;
const abuseHandle = (n: number) => `ABU${n}-IDNIC`;
const personHandle = (n: number) => `PRS${n}-IDNIC`;
const mntHandle = (n: number) => `MAINT-ID-G${n}`;

function personOf(params: DatasetParams, n: number): number {
  return (n % personCount(params)) + 1;
}

function networkText(params: DatasetParams, rng: Rng, net: Network<number> | Network<bigint>, key: string, className: string, serial: number): string {
  const names = net.contactOrg > 0 ? orgNames(params.seed, net.contactOrg) : null;
  const holderNames = net.org > 0 ? orgNames(params.seed, net.org) : null;
  let t = `${pad(className)}${key}\n`;
  t += `netname:        ${holderNames ? holderNames.word.toUpperCase() : 'CUST' + serial.toString(36).toUpperCase()}-ID\n`;
  t += `descr:          ${holderNames ? holderNames.name : 'Customer network'}\n`;
  if (net.depth === 1) t += `descr:          ${className === 'inetnum' ? 'IPv4' : 'IPv6'} allocation\n`;
  t += 'country:        ID\n';
  if (net.org > 0) t += `org:            ${orgHandle(net.org)}\n`;
  const contact = net.contactOrg > 0 ? net.contactOrg : 1;
  t += `admin-c:        ${net.depth === 1 ? personHandle(personOf(params, contact)) : nocHandle(contact)}\n`;
  t += `tech-c:         ${nocHandle(contact)}\n`;
  if (net.abuseC) t += `abuse-c:        ${abuseHandle(contact)}\n`;
  t += `status:         ${net.status}\n`;
  if (names && rng() < 0.2) t += `remarks:        Report network problems to noc@${domainOf(names)}\n`;
  t += `mnt-by:         ${net.depth === 1 ? 'MAINT-IDNIC' : mntHandle(contact)}\n`;
  if (net.depth === 1) t += `mnt-lower:      ${mntHandle(contact)}\nmnt-routes:     ${mntHandle(contact)}\n`;
  return t + trailer(rng);
}

function organisationText(params: DatasetParams, rng: Rng, n: number): string {
  const names = orgNames(params.seed, n);
  const domain = domainOf(names);
  return (
    `organisation:   ${orgHandle(n)}\n` +
    `org-name:       ${names.name}\n` +
    `org-type:       ${n <= lirCount(params) ? 'LIR' : 'OTHER'}\n` +
    'country:        ID\n' +
    `address:        Jl. Contoh ${names.word} No. ${randInt(rng, 1, 200)}\n` +
    `address:        ${CITIES[randInt(rng, 0, CITIES.length - 1)]}\n` +
    `phone:          +62 21 ${randInt(rng, 5_000_000, 5_999_999)}\n` +
    `e-mail:         ipadmin@${domain}\n` +
    `admin-c:        ${personHandle(personOf(params, n))}\n` +
    `tech-c:         ${nocHandle(n)}\n` +
    `abuse-c:        ${abuseHandle(n)}\n` +
    'mnt-ref:        MAINT-IDNIC\n' +
    `mnt-ref:        ${mntHandle(n)}\n` +
    'mnt-by:         MAINT-IDNIC\n' +
    trailer(rng)
  );
}

/** Two roles per organisation, sharing its address: the NOC, and the abuse desk with its abuse-mailbox. */
function rolesText(params: DatasetParams, rng: Rng, n: number): [string, string] {
  const names = orgNames(params.seed, n);
  const domain = domainOf(names);
  const person = personHandle(personOf(params, n));
  const address = `address:        Jl. Contoh ${names.word} No. ${randInt(rng, 1, 200)}\naddress:        ${CITIES[randInt(rng, 0, CITIES.length - 1)]}\n`;
  const phone = `phone:          +62 21 ${randInt(rng, 5_000_000, 5_999_999)}\n`;
  const noc =
    `role:           ${names.word.toUpperCase()} NOC\n${address}country:        ID\n${phone}` +
    `e-mail:         noc@${domain}\nadmin-c:        ${person}\ntech-c:         ${person}\n` +
    `nic-hdl:        ${nocHandle(n)}\nmnt-by:         ${mntHandle(n)}\n` +
    trailer(rng);
  const abuse =
    `role:           ${names.word.toUpperCase()} ABUSE\n${address}country:        ID\n${phone}` +
    `e-mail:         abuse@${domain}\nabuse-mailbox:  abuse@${domain}\nadmin-c:        ${person}\ntech-c:         ${nocHandle(n)}\n` +
    `nic-hdl:        ${abuseHandle(n)}\nmnt-by:         ${mntHandle(n)}\n` +
    trailer(rng);
  return [noc, abuse];
}

function mntnerText(params: DatasetParams, rng: Rng, n: number): string {
  const names = orgNames(params.seed, n);
  return (
    `mntner:         ${mntHandle(n)}\n` +
    `descr:          ${names.name}\n` +
    'country:        ID\n' +
    `admin-c:        ${personHandle(personOf(params, n))}\n` +
    `tech-c:         ${nocHandle(n)}\n` +
    `upd-to:         noc@${domainOf(names)}\n` +
    'auth:           CRYPT-PW dummyhash\n' +
    `mnt-by:         ${mntHandle(n)}\n` +
    'referral-by:    MAINT-IDNIC\n' +
    trailer(rng)
  );
}

function personText(rng: Rng, n: number): string {
  const first = FIRST_NAMES[randInt(rng, 0, FIRST_NAMES.length - 1)]!;
  const last = LAST_NAMES[randInt(rng, 0, LAST_NAMES.length - 1)]!;
  return (
    `person:         ${first} ${last}\n` +
    `address:        ${CITIES[randInt(rng, 0, CITIES.length - 1)]}\n` +
    'country:        ID\n' +
    `phone:          +62 21 ${randInt(rng, 5_000_000, 5_999_999)}\n` +
    `e-mail:         ${first.toLowerCase()}.${last.toLowerCase()}${n}@idnic.example.id\n` +
    `nic-hdl:        ${personHandle(n)}\n` +
    'mnt-by:         MAINT-IDNIC\n' +
    trailer(rng)
  );
}

/**
 * Batches objects into ~64 KiB writes and waits for `drain` when the stream's buffer is
 * full, so memory stays flat however large the file (never more than one batch queued).
 */
class TextFile {
  private readonly stream: WriteStream;
  private parts: string[] = [];
  private size = 0;
  objects = 0;

  constructor(path: string, header: string) {
    this.stream = createWriteStream(path);
    this.parts.push(header);
  }

  /** True when the caller must `await flush()` before adding more. */
  add(text: string): boolean {
    this.parts.push(text);
    this.size += text.length;
    this.objects++;
    return this.size >= 65_536;
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const ok = this.stream.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
    if (!ok) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export interface DatasetSummary {
  readonly files: readonly string[];
  /** Objects per file; for a next day also the networks gone, changed and added. */
  readonly counts: Readonly<Record<keyof typeof DATASET_FILES, number>> & { readonly gone?: number; readonly changed?: number; readonly added?: number };
}

/**
 * The next day's dump of the same registry (issue 16's daily re-import): of the networks, 0.2 %
 * are gone, 1 % changed (a remark added) and 0.2 % get a new customer assignment in their first
 * half; everything else reads exactly as the day before.
 */
class NextDay {
  private readonly rng: Rng;
  /** Every network key of the day before: a new assignment must not repeat one. */
  private readonly keys = new Set<string>();
  gone = 0;
  changed = 0;
  added = 0;

  constructor(params: DatasetParams) {
    this.rng = streamRng(params.seed, 13);
    for (const net of ipv4Networks(params)) this.keys.add(`${formatIpv4(net.start)} - ${formatIpv4(net.end)}`);
    for (const net of ipv6Networks(params)) this.keys.add(`${formatIpv6(net.start)}/${net.length}`);
  }

  /** The texts one network of the day before becomes on the next day. */
  next(text: string, key: string, half: string | null, assigned: string): string[] {
    const draw = this.rng();
    if (draw < 0.002) {
      this.gone++;
      return [];
    }
    if (draw < 0.012) {
      this.changed++;
      return [text.replace('\n', '\nremarks:        Contact details updated\n')];
    }
    if (draw < 0.014 && half !== null && !this.keys.has(half)) {
      this.keys.add(half);
      this.added++;
      const child = text
        .replace(key, half)
        .replace(/^netname:( +)(\S+)/m, (_, pad: string, name: string) => `netname:${pad}${name}-NEW`)
        .replace(/^status:( +).*$/m, (_, pad: string) => `status:${pad}${assigned}`);
      return [text, child];
    }
    return [text];
  }
}

/** Writes the six files into `out`; returns their paths (in import order) and object counts. */
export async function generateDataset(out: string, params: DatasetParams, nextDay = false): Promise<DatasetSummary> {
  mkdirSync(out, { recursive: true });
  const header = `% Synthetic IDNIC registry for lacak's bench (seed ${params.seed}, ${params.inetnum} inetnum, ${params.inet6num} inet6num).\n% Fictional data; addresses are spread over real unicast space.\n\n`;
  const open = (name: keyof typeof DATASET_FILES) => new TextFile(join(out, DATASET_FILES[name]), header);
  const orgs = organisationCount(params);
  const counts = {} as Record<keyof typeof DATASET_FILES, number> & { gone?: number; changed?: number; added?: number };

  const mntner = open('mntner');
  mntner.add(
    'mntner:         MAINT-IDNIC\ndescr:          IDNIC hostmaster maintainer\ncountry:        ID\nadmin-c:        PRS1-IDNIC\n' +
      'auth:           CRYPT-PW dummyhash\nmnt-by:         MAINT-IDNIC\n' +
      trailer(streamRng(params.seed, 10)),
  );
  const people = open('person');
  const roles = open('role');
  const organisations = open('organisation');
  const rng = streamRng(params.seed, 11);
  for (let n = 1; n <= personCount(params); n++) if (people.add(personText(rng, n))) await people.flush();
  for (let n = 1; n <= orgs; n++) {
    if (mntner.add(mntnerText(params, rng, n))) await mntner.flush();
    const [noc, abuse] = rolesText(params, rng, n);
    roles.add(noc);
    if (roles.add(abuse)) await roles.flush();
    if (organisations.add(organisationText(params, rng, n))) await organisations.flush();
  }
  for (const [name, file] of [['mntner', mntner], ['person', people], ['role', roles], ['organisation', organisations]] as const) {
    await file.close();
    counts[name] = file.objects;
  }

  const inetnum = open('inetnum');
  const textRng = streamRng(params.seed, 12);
  const churn = nextDay ? new NextDay(params) : null;
  let serial = 0;
  for (const net of ipv4Networks(params)) {
    const key = `${formatIpv4(net.start)} - ${formatIpv4(net.end)}`;
    // The text is drawn whatever the network's fate, so every other network reads as the day before.
    const text = networkText(params, textRng, net, key, 'inetnum', ++serial);
    const half = net.end > net.start ? `${formatIpv4(net.start)} - ${formatIpv4(net.start + Math.floor((net.end - net.start + 1) / 2) - 1)}` : null;
    for (const t of churn ? churn.next(text, key, half, 'ASSIGNED PA') : [text]) if (inetnum.add(t)) await inetnum.flush();
  }
  await inetnum.close();
  counts.inetnum = inetnum.objects;

  const inet6num = open('inet6num');
  for (const net of ipv6Networks(params)) {
    const key = `${formatIpv6(net.start)}/${net.length}`;
    const text = networkText(params, textRng, net, key, 'inet6num', ++serial);
    const half = net.length < 128 ? `${formatIpv6(net.start)}/${net.length + 1}` : null;
    for (const t of churn ? churn.next(text, key, half, 'ASSIGNED') : [text]) if (inet6num.add(t)) await inet6num.flush();
  }
  await inet6num.close();
  counts.inet6num = inet6num.objects;
  if (churn) Object.assign(counts, { gone: churn.gone, changed: churn.changed, added: churn.added });

  const order = ['mntner', 'person', 'role', 'organisation', 'inetnum', 'inet6num'] as const;
  return { files: order.map((name) => join(out, DATASET_FILES[name])), counts };
}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${text}"`);
  return n;
}

export function datasetParamsFromArgs(values: { inetnum?: string; inet6num?: string; seed?: string }): DatasetParams {
  return {
    inetnum: positiveInt('inetnum', values.inetnum, DEFAULT_PARAMS.inetnum),
    inet6num: positiveInt('inet6num', values.inet6num, DEFAULT_PARAMS.inet6num),
    seed: positiveInt('seed', values.seed, DEFAULT_PARAMS.seed),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      inetnum: { type: 'string' },
      inet6num: { type: 'string' },
      seed: { type: 'string' },
      'next-day': { type: 'boolean' },
    },
  });
  if (!values.out) throw new Error('usage: generate-dataset --out DIR [--inetnum 1000000] [--inet6num 300000] [--seed 1] [--next-day]');
  const params = datasetParamsFromArgs(values);
  const started = performance.now();
  const summary = await generateDataset(resolve(values.out), params, values['next-day'] ?? false);
  const seconds = (performance.now() - started) / 1000;
  for (const [name, count] of Object.entries(summary.counts)) console.log(`${name.padEnd(13)} ${count}`);
  console.log(`written to ${resolve(values.out)} in ${seconds.toFixed(1)} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
