// What the page's answer card says about an address, as plain values: the one step between
// the query service's answer and the card's HTML (page.ts). Every card is made through it,
// so that the cards packed ahead of time (pack.ts) and those made as asked are made alike.
// Values are raw text (page.ts escapes them); the few parts worded per language are made
// in both languages here, as they are rare (another registry's space, a port, a change
// between snapshots).
import type { StoredObject } from '../model/types.js';
import { firstValue, stripComment } from '../model/types.js';
import { formatRange } from '../net/prefix.js';
import type { HistoryRecord } from '../query/service.js';
import type { IpAnswer } from '../query/types.js';
import { ANSWER_TEXT, portText } from '../i18n/answer-texts.js';
import { createdAt, lastModifiedAt, parseRpslDate } from '../model/dates.js';
import { formatInstant } from '../query/time.js';
import type { WebLang } from './messages.js';

/** A text in each of the page's languages. */
export type Worded = Readonly<Record<WebLang, string>>;

export interface CardNetwork {
  readonly range: string;
  readonly netname: string;
  readonly status: string;
  readonly source: string;
}

export interface CardHolder {
  readonly name: string;
  readonly netname: string;
  readonly from: number;
  readonly until: number | null;
  readonly created: number | null;
  readonly modified: number | null;
  /** Whether the answer's instant lies in [from, until). */
  readonly current: boolean;
}

export interface IpCard {
  readonly holderName: string;
  readonly range: string;
  readonly netname: string;
  /** HTML: who answers for the space, with where to ask there (null: this registry). */
  readonly authority: Worded | null;
  readonly member: { readonly name: string; readonly handle: string; readonly legal: { readonly name: string; readonly email: string; readonly phone: string } | null } | null;
  /** Why no member answers for it (text; null in a language: nothing to say). */
  readonly noMember: Readonly<Record<WebLang, string | null>> | null;
  readonly abuse: { readonly mailbox: string; readonly inheritedFrom: string | null } | null;
  readonly subAllocation: string | null;
  readonly country: string | null;
  readonly status: string | null;
  readonly registered: string | null;
  readonly changed: string | null;
  /** Text: who to ask about a port (questions with one only). */
  readonly port: Worded | null;
  /** HTML: the change between snapshots (DESIGN §2). */
  readonly change: Worded | null;
  /** From the registry down to the holder. */
  readonly chain: readonly CardNetwork[];
  readonly history: readonly CardHolder[];
}

/** The HTML of the parts worded per language, made by page.ts. */
export interface CardWording {
  authority(lang: WebLang): string;
  change(lang: WebLang): string;
}

function value(o: StoredObject, name: string): string | null {
  const v = firstValue(o, name);
  return v === undefined ? null : stripComment(v) || null;
}

function worded(say: (lang: WebLang) => string): Worded {
  return { id: say('id'), en: say('en') };
}

/** The card of `a`, with the holders over time `history`; `wording` is asked only for the rare parts. */
export function ipCardOf(a: IpAnswer, history: readonly HistoryRecord<IpAnswer>[], registry: string, wording: CardWording): IpCard {
  const h = a.holder;
  const holderName = a.holderName?.text ?? h.key;
  const legal = a.member?.legalContact;
  const instant = a.asOf.instant;
  return {
    holderName,
    range: formatRange(h.range!),
    netname: value(h, 'netname') ?? '',
    authority: a.authority.kind === 'this-registry' ? null : worded(wording.authority),
    member: a.member ? { name: a.member.name ?? a.member.orgHandle, handle: a.member.orgHandle, legal: legal ? { name: legal.name, email: legal.email, phone: legal.phone } : null } : null,
    noMember: !a.member && a.noMember ? { id: ANSWER_TEXT.id.noMember(a.noMember, registry, holderName), en: ANSWER_TEXT.en.noMember(a.noMember, registry, holderName) } : null,
    abuse: a.abuse ? { mailbox: a.abuse.mailbox, inheritedFrom: a.abuse.inherited ? a.abuse.network.key : null } : null,
    subAllocation: a.subAllocation && a.subAllocation.id !== h.id ? a.subAllocation.key : null,
    country: value(h, 'country')?.toUpperCase() ?? null,
    status: value(h, 'status')?.toUpperCase() ?? null,
    registered: value(h, 'created'),
    changed: value(h, 'last-modified'),
    port: a.query.port !== null ? worded((lang) => portText(lang, a, registry)) : null,
    change: a.change ? worded(wording.change) : null,
    chain: [...a.chain].reverse().map((o) => ({ range: formatRange(o.range!), netname: value(o, 'netname') ?? o.key, status: value(o, 'status') ?? '', source: o.source })),
    history: history.map((r) => ({
      name: r.value.holderName?.text ?? r.value.holder.key,
      netname: value(r.value.holder, 'netname') ?? '',
      from: r.from,
      until: r.until,
      created: createdAt(r.value.holder),
      modified: lastModifiedAt(r.value.holder),
      current: r.from <= instant && (r.until === null || instant < r.until),
    })),
  };
}

// ---- packed form: arrays, not keyed objects (a pack holds hundreds of thousands) ----------
// A history record or a network of the chain that repeats the card's own holder (the usual
// case: the holder is the last network of its chain and the one holder over time) writes
// SAME in place of the repeated value.

/** Where each part sits in a card's packed form; member, abuse and each network are shared pieces. */
export const CARD_AT = { member: 4, abuse: 6, chain: 15 } as const;

/** Neither a string, a number nor null: no value it stands in for can be taken for it. */
const SAME = true;

type Tuple = readonly unknown[];

/** `value`, or SAME when it is the card's own `own`. */
function unlessSame<T>(value: T, own: T): T | typeof SAME {
  return value === own ? SAME : value;
}

function orOwn<T>(value: T | typeof SAME, own: T): T {
  return value === SAME ? own : value;
}

/** The card as arrays of values, for JSON in a pack. */
export function cardTuple(c: IpCard): Tuple {
  const status = c.status ?? '';
  const [created, modified] = ownDates(c);
  return [
    c.holderName,
    c.range,
    c.netname,
    c.authority,
    c.member ? [c.member.name, c.member.handle, c.member.legal ? [c.member.legal.name, c.member.legal.email, c.member.legal.phone] : null] : null,
    c.noMember,
    c.abuse ? [c.abuse.mailbox, c.abuse.inheritedFrom] : null,
    c.subAllocation,
    c.country,
    c.status,
    dateTuple(c.registered),
    dateTuple(c.changed),
    c.port,
    c.change,
    c.history.map((r) => [unlessSame(r.name, c.holderName), unlessSame(r.netname, c.netname), r.from, r.until, unlessSame(r.created, created), unlessSame(r.modified, modified), r.current ? 1 : 0]),
    c.chain.map((n) => [unlessSame(n.range, c.range), unlessSame(n.netname, c.netname), unlessSame(n.status, status), n.source]),
  ];
}

/** A date as its instant when that gives back the same text (`2019-03-12T04:21:09Z`), else the text. */
function dateTuple(text: string | null): string | number | null {
  const ms = text === null ? null : parseRpslDate(text);
  return ms !== null && formatInstant(ms) === text ? ms : text;
}

function dateFromTuple(value: string | number | null): string | null {
  return typeof value === 'number' ? formatInstant(value) : value;
}

/** The holder's own dates as instants, as its history record has them when it is the holder over time. */
function ownDates(c: Pick<IpCard, 'registered' | 'changed'>): [number | null, number | null] {
  return [parseRpslDate(c.registered ?? undefined), parseRpslDate(c.changed ?? undefined)];
}

/** The inverse of cardTuple. */
export function cardFromTuple(t: Tuple): IpCard {
  const member = t[CARD_AT.member] as [string, string, [string, string, string] | null] | null;
  const abuse = t[CARD_AT.abuse] as [string, string | null] | null;
  const holderName = t[0] as string;
  const range = t[1] as string;
  const netname = t[2] as string;
  const status = t[9] as string | null;
  const registered = dateFromTuple(t[10] as string | number | null);
  const changed = dateFromTuple(t[11] as string | number | null);
  const [created, modified] = ownDates({ registered, changed });
  type Same = typeof SAME;
  return {
    holderName,
    range,
    netname,
    authority: t[3] as Worded | null,
    member: member ? { name: member[0], handle: member[1], legal: member[2] ? { name: member[2][0], email: member[2][1], phone: member[2][2] } : null } : null,
    noMember: t[5] as IpCard['noMember'],
    abuse: abuse ? { mailbox: abuse[0], inheritedFrom: abuse[1] } : null,
    subAllocation: t[7] as string | null,
    country: t[8] as string | null,
    status,
    registered,
    changed,
    port: t[12] as Worded | null,
    change: t[13] as Worded | null,
    history: (t[14] as [string | Same, string | Same, number, number | null, number | null | Same, number | null | Same, number][]).map((r) => ({
      name: orOwn(r[0], holderName),
      netname: orOwn(r[1], netname),
      from: r[2],
      until: r[3],
      created: orOwn(r[4], created),
      modified: orOwn(r[5], modified),
      current: r[6] === 1,
    })),
    chain: (t[CARD_AT.chain] as [string | Same, string | Same, string | Same, string][]).map((n) => ({
      range: orOwn(n[0], range),
      netname: orOwn(n[1], netname),
      status: orOwn(n[2], status ?? ''),
      source: n[3],
    })),
  };
}
