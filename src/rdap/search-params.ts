// The search parameters that shape an answer rather than choose its results: RFC 8977 `count`,
// `sort` and `cursor`, RFC 8982 `fieldSet`. Syntax and the cursor's encoding only: which sorts
// a search offers to which caller is searches.ts's to say, and the texts are messages.ts's.
import { createHash } from 'node:crypto';

/**
 * Results a page holds. RFC 8977 gives the client no page size to ask for (`count` asks for
 * the total, §2.1): the server pages, and says so in `paging_metadata.pageSize` and /help.
 */
export const PAGE_SIZE = 50;

/** RFC 8982 §4: the field sets every search answers in; `full` (today's answer) by default. */
export const FIELD_SETS = ['id', 'brief', 'full'] as const;
export type FieldSet = (typeof FIELD_SETS)[number];
export const DEFAULT_FIELD_SET: FieldSet = 'full';

/** What was wrong with a parameter; the answer's description names the parameter first. */
export type SearchParamProblem =
  | { readonly kind: 'count'; readonly value: string }
  | { readonly kind: 'sortSyntax'; readonly value: string }
  | { readonly kind: 'sortUnknown'; readonly property: string; readonly available: readonly string[] }
  | { readonly kind: 'sortWithheld'; readonly property: string; readonly available: readonly string[] }
  | { readonly kind: 'sortRepeated'; readonly property: string }
  | { readonly kind: 'sortNotOffered' }
  | { readonly kind: 'fieldSet'; readonly value: string }
  | { readonly kind: 'cursor' };

/** A search parameter the client got wrong: RFC 8977 §3 and RFC 8982 §5 answer it with 400. */
export class SearchParamError extends Error {
  constructor(
    readonly parameter: 'count' | 'sort' | 'fieldSet' | 'cursor',
    readonly problem: SearchParamProblem,
  ) {
    super(`${parameter}: ${problem.kind}`);
  }
}

/** Client text echoed in an error description: bounded, so a long query makes no long answer. */
export function echo(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

// RFC 8977 §2.1: count = "count" EQ ( trueValue / falseValue ), trueValue = ("true" / "yes" /
// "1"), falseValue = ("false" / "no" / "0"); ABNF strings are case-insensitive (RFC 5234 §2.3).
const TRUE_VALUE = /^(true|yes|1)$/i;
const FALSE_VALUE = /^(false|no|0)$/i;

/** Whether the client asked for the total number of results (`paging_metadata.totalCount`). */
export function parseCount(value: string | undefined): boolean {
  if (value === undefined || FALSE_VALUE.test(value)) return false;
  if (TRUE_VALUE.test(value)) return true;
  throw new SearchParamError('count', { kind: 'count', value });
}

export interface SortItem {
  readonly property: string;
  readonly descending: boolean;
}

// RFC 8977 §2.2: sort = "sort" EQ sortItem *( "," sortItem ); sortItem = property-ref
// [":" ( "a" / "d" )]; property-ref = ALPHA *( ALPHA / DIGIT / "_" ). No direction: ascending.
const SORT_ITEM = /^([A-Za-z][A-Za-z0-9_]*)(?::([adAD]))?$/;

/** The sort items of a `sort` value, in order of precedence; which properties exist is the search's to check. */
export function parseSort(value: string): SortItem[] {
  const items: SortItem[] = [];
  for (const text of value.split(',')) {
    const m = SORT_ITEM.exec(text);
    if (!m) throw new SearchParamError('sort', { kind: 'sortSyntax', value: text });
    if (items.some((i) => i.property === m[1])) throw new SearchParamError('sort', { kind: 'sortRepeated', property: m[1]! });
    items.push({ property: m[1]!, descending: m[2]?.toLowerCase() === 'd' });
  }
  return items;
}

/** RFC 8982 §2: the field set asked for; an empty or unknown one is a 400 (§5). */
export function parseFieldSet(value: string | undefined): FieldSet {
  if (value === undefined) return DEFAULT_FIELD_SET;
  if ((FIELD_SETS as readonly string[]).includes(value)) return value as FieldSet;
  throw new SearchParamError('fieldSet', { kind: 'fieldSet', value });
}

/**
 * What a cursor belongs to: a digest of the search's identity (route, search term, order).
 * RFC 8977 §2.3 leaves the cursor opaque to the client; here it is only ever valid for the
 * query that issued it, so a cursor pasted onto another search is refused, not obeyed.
 */
export function searchBinding(identity: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(identity)).digest('base64url').slice(0, 16);
}

function checksum(binding: string, id: number, page: number): string {
  return createHash('sha256').update(`lacak-cursor-1\0${binding}\0${id}\0${page}`).digest('base64url').slice(0, 12);
}

/** Where the next page starts: after object `id`, as page `page` of the search `binding`. */
export interface SearchPosition {
  readonly id: number;
  readonly page: number;
}

/**
 * The cursor of a page: the search it belongs to, the id of the object the previous page
 * ended with, the page number, and a checksum over them. It carries no registry data (the
 * store reads the object's sort values again). The checksum catches a cursor edited by hand;
 * a forged one that passes it can only name an object, and the store refuses any object the
 * search itself does not find for the caller, so a cursor can reveal nothing the search
 * does not (no secret key is needed for that, and none has to be shared by the workers).
 */
export function encodeCursor(binding: string, position: SearchPosition): string {
  return Buffer.from(`${binding}.${position.id}.${position.page}.${checksum(binding, position.id, position.page)}`).toString('base64url');
}

/** The position of a cursor issued for the search `binding`; anything else is a 400 naming `cursor`. */
export function decodeCursor(text: string, binding: string): SearchPosition {
  const bad = () => new SearchParamError('cursor', { kind: 'cursor' });
  if (text.length === 0 || text.length > 128 || !/^[A-Za-z0-9_-]+$/.test(text)) throw bad();
  const parts = Buffer.from(text, 'base64url').toString('latin1').split('.');
  if (parts.length !== 4) throw bad();
  const [from, idText, pageText, check] = parts as [string, string, string, string];
  if (from !== binding || !/^[1-9]\d{0,14}$/.test(idText) || !/^[1-9]\d{0,8}$/.test(pageText)) throw bad();
  const id = Number(idText);
  const page = Number(pageText);
  // A cursor leads to the second page or later: the first needs none.
  if (page < 2 || check !== checksum(binding, id, page)) throw bad();
  return { id, page };
}
