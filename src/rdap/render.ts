// Registry objects → RDAP JSON (RFC 9083). Pure: the caller resolves handles and decides
// access; this module only shapes what it is given. Section numbers are RFC 9083's.
import { LRUCache } from 'lru-cache';
import { firstValue, allValues, stripComment, type StoredObject } from '../model/types.js';
import { formatIp } from '../net/ip.js';
import { formatCidr, leadingPrefix, rangeToCidrs, type IpRange } from '../net/prefix.js';
import { viewKey, viewObject, type Caller, type ObjectView, type Redaction } from '../policy/access.js';
import type { AbuseContact, AsOf, IpAnswer, ResponsibleMember } from '../query/types.js';
import { parentOf } from '../query/service.js';
import { TEXT, TITLE, type Lang, type RateLimitText, type Texts } from './messages.js';
import { ANSWER_TEXT, changeLines, portText } from '../i18n/answer-texts.js';
import { redirectUrl } from '../referral/bootstrap.js';
import { formatInstant } from '../query/time.js';
import { parseRpslDate } from '../model/dates.js';

/** What an answer's context is made of, as plain data (it crosses into a worker thread). */
export interface RdapContextData {
  /** Public base URL, ending in `/`. */
  readonly baseUrl: string;
  /** The URL of this answer (the request's, under the base URL): every link's `value` (RFC 9083 §4.2). */
  readonly contextUrl: string;
  readonly port43: string;
  readonly lang: Lang;
  readonly caller: Caller;
  readonly servedAt: number;
  readonly version: string;
  readonly registry: string;
}

/** What a context needs of the query service: handles at an instant, import files. */
export interface ContextService {
  resolveHandle(handle: string, classes: readonly string[], at: number | null): StoredObject | null;
  importRecord(id: number): { readonly files: readonly { readonly name: string; readonly sha256: string }[] } | null;
}

/** The context of an answer read at `at` (null: now); personal data shown goes to `disclosed`. */
export function contextFrom(data: RdapContextData, service: ContextService, at: number | null, disclosed: Set<string>, entities?: EntityCache): RdapContext {
  return {
    ...data,
    resolve: (handle, classes) => service.resolveHandle(handle, classes, at),
    entities,
    onDisclose: (handle) => disclosed.add(handle),
    importFiles: (id) => service.importRecord(id)?.files ?? [],
  };
}

export interface RdapContext extends RdapContextData {
  /** Resolves a handle (contact, organisation, irt, mntner) at the answer's instant. */
  readonly resolve: (handle: string, classes: readonly string[]) => StoredObject | null;
  readonly entities?: EntityCache;
  /** The files an import read, with their SHA-256: cited in answers about a past instant. */
  readonly importFiles?: (importId: number) => readonly { readonly name: string; readonly sha256: string }[];
  /** Told of every handle whose personal data the answer carries (for the audit log). */
  readonly onDisclose?: (handle: string) => void;
}

interface CachedEntity {
  readonly body: Json;
  readonly redactions: readonly Redaction[];
  /** A person shown with its personal data. */
  readonly discloses: boolean;
}

/**
 * Rendered entities: the same organisations and contacts appear in answer after answer.
 * Keyed by object version, which never changes once stored, so an entry cannot go stale;
 * the least recently used give way when full. Bodies are shared between answers and must
 * not be mutated.
 */
export class EntityCache {
  private readonly entries: LRUCache<string, CachedEntity>;
  constructor(capacity = 10_000) {
    this.entries = new LRUCache({ max: capacity });
  }

  get(key: string): CachedEntity | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: CachedEntity): void {
    this.entries.set(key, entry);
  }
}

type Json = Record<string, unknown>;

/** Collects what one response uses: extensions for rdapConformance, redactions (§4.1, RFC 9537). */
export class ResponseBuilder {
  /**
   * JSONPath of the object being rendered, for RFC 9537 paths: `$` for a lookup, a result's
   * place in a search (`$.ipSearchResults[2]`) or a history record (`$.records[0].content`).
   */
  base = '$';
  constructor(
    readonly ctx: RdapContext,
    readonly extensions = new Set<string>(['rdap_level_0']),
    readonly redacted: Json[] = [],
    /** Notices the answer itself raises (a change between snapshots), after terms and source. */
    readonly notices: Json[] = [],
  ) {}

  /** The same answer under construction, resolving handles another way (as a history record's instant). */
  resolvingWith(resolve: RdapContext['resolve']): ResponseBuilder {
    const other = new ResponseBuilder({ ...this.ctx, resolve }, this.extensions, this.redacted, this.notices);
    other.base = this.base;
    return other;
  }

  get t(): Texts {
    return TEXT[this.ctx.lang];
  }

  use(extension: string): void {
    this.extensions.add(extension);
  }

  /** Top-level members every response carries: conformance, notices, lang (§4.1, §4.3, §4.4). */
  finish(body: Json, asOf: AsOf | null): Json {
    const notices: Json[] = [termsNotice(this.ctx), ...(asOf ? [sourceNotice(this.ctx, asOf)] : []), ...this.notices];
    if (this.redacted.length > 0) {
      this.use('redacted');
      notices.push({ title: TITLE.redacted, description: [this.t.redactedNotice] });
      const { caller } = this.ctx;
      // DESIGN §5: law enforcement without a case gets the anonymous view and is told why.
      if (caller.role === 'lea' && !caller.caseReference && this.redacted.length > 0) {
        notices.push({ title: TITLE.caseReference, description: [this.t.caseReferenceNotice] });
      }
    }
    return {
      rdapConformance: [...this.extensions],
      ...body,
      ...(this.redacted.length > 0 ? { redacted: this.redacted } : {}),
      notices,
      lang: this.ctx.lang,
    };
  }
}

function termsNotice(ctx: RdapContext): Json {
  const t = TEXT[ctx.lang];
  return {
    title: TITLE.terms,
    description: [...t.terms],
    links: [{ value: ctx.contextUrl, rel: 'terms-of-service', href: `${ctx.baseUrl}help`, type: 'application/rdap+json' }],
  };
}


/** Where the answer came from: the instant, each source's snapshot and import, when served. */
export function sourceNotice(ctx: RdapContext, asOf: AsOf): Json {
  const t = TEXT[ctx.lang];
  return {
    title: TITLE.source,
    description: [
      asOf.requested ? t.asOfRequested(formatInstant(asOf.instant)) : t.asOfNow(formatInstant(asOf.instant)),
      ...asOf.sources.map((s) => t.sourceLine(s.source, formatInstant(s.snapshotAt), s.importId, s.nextAt === null ? null : formatInstant(s.nextAt))),
      // An answer about a past instant is one an investigator cites: name the exact files read.
      ...(asOf.requested && ctx.importFiles ? citedFiles(ctx, asOf).map(([id, name, sha]) => t.importFile(id, name, sha)) : []),
      t.served(formatInstant(ctx.servedAt), ctx.version),
    ],
  };
}

function citedFiles(ctx: RdapContext, asOf: AsOf): [number, string, string][] {
  const ids = [...new Set(asOf.sources.map((s) => s.importId))].sort((a, b) => a - b);
  // File names as the operator gave them may be paths on the server: only the name is cited.
  return ids.flatMap((id) => ctx.importFiles!(id).map((f) => [id, f.name.split(/[\\/]/).pop()!, f.sha256] as [number, string, string]));
}

// ---- dates and events (§4.5) ------------------------------------------------------------

/** RPSL dates (`2019-03-12T04:21:09Z`, `20100101` of `changed:`) as RFC 3339, or null. */
export function rfc3339(text: string | undefined): string | null {
  const ms = parseRpslDate(text);
  return ms === null ? null : formatInstant(ms);
}

function events(view: ObjectView): Json[] {
  const out: Json[] = [];
  const created = rfc3339(firstValue(view.object, 'created'));
  if (created) out.push({ eventAction: 'registration', eventDate: created });
  const changedDates = view.attributes.filter(([n]) => n === 'changed').map(([, v]) => rfc3339(v)).filter((d): d is string => d !== null);
  const lastModified = rfc3339(firstValue(view.object, 'last-modified')) ?? changedDates.sort().at(-1) ?? null;
  if (lastModified) out.push({ eventAction: 'last changed', eventDate: lastModified });
  return out;
}

// ---- entities and jCard (§5.1, RFC 7095) -----------------------------------------------

const KIND: Record<string, string> = { person: 'individual', role: 'group', organisation: 'org', irt: 'group', mntner: 'group', member: 'org' };

/** The name a contact object goes by in its jCard `fn`. */
function contactName(o: StoredObject, attributes: readonly (readonly [string, string])[]): string {
  const pick = (n: string) => attributes.find(([a]) => a === n)?.[1];
  switch (o.className) {
    case 'organisation':
    case 'member':
      return pick('org-name') ?? o.key;
    case 'person':
      return pick('person') ?? '';
    case 'role':
      return pick('role') ?? o.key;
    default:
      return o.key;
  }
}

function vcard(view: ObjectView): unknown[] {
  const o = view.object;
  const props: unknown[] = [['version', {}, 'text', '4.0']];
  const personalRedacted = view.redactions.some((r) => r.attribute === 'person');
  props.push(['fn', {}, 'text', personalRedacted ? '' : contactName(o, view.attributes).trim()]);
  props.push(['kind', {}, 'text', KIND[o.className] ?? 'group']);
  const address = view.attributes.filter(([n]) => n === 'address').map(([, v]) => v.trim());
  if (address.length > 0) props.push(['adr', { label: address.join('\n') }, 'text', ['', '', '', '', '', '', '']]);
  const emails = new Set<string>();
  // The abuse mailbox is the address to write to about abuse: first, and preferred (RFC 6350
  // PREF), so that a client reading an `abuse` entity does not pick the general e-mail.
  const abuseMailbox = firstValue(o, 'abuse-mailbox');
  const abuse = abuseMailbox ? stripComment(abuseMailbox) : '';
  if (abuse) {
    emails.add(abuse.toLowerCase());
    props.push(['email', { pref: '1' }, 'text', abuse]);
  }
  for (const [name, value] of view.attributes) {
    const v = stripComment(value);
    if (!v) continue;
    if (name === 'phone') props.push(['tel', { type: 'voice' }, 'uri', `tel:${v.replace(/\s+/g, '')}`]);
    if (name === 'fax-no') props.push(['tel', { type: 'fax' }, 'uri', `tel:${v.replace(/\s+/g, '')}`]);
    if ((name === 'e-mail' || name === 'abuse-mailbox' || name === 'legal-email') && !emails.has(v.toLowerCase())) {
      emails.add(v.toLowerCase());
      props.push(['email', {}, 'text', v]);
    }
  }
  const country = firstValue(o, 'country');
  if (country && o.className !== 'person') props.push(['country-name', {}, 'text', stripComment(country).toUpperCase()]);
  return ['vcard', props];
}

const REDACTED_NAME: Record<string, string> = {
  person: 'Person name',
  address: 'Person address',
  phone: 'Person phone',
  'fax-no': 'Person fax',
  'e-mail': 'Person e-mail',
  notify: 'Notification e-mail',
  'upd-to': 'Update notification e-mail',
  'mnt-nfy': 'Maintainer notification e-mail',
  'ref-nfy': 'Reference notification e-mail',
  'irt-nfy': 'IRT notification e-mail',
  changed: 'Changed-by e-mail',
  auth: 'Authentication credentials',
};

/** Where each withheld attribute would sit in a jCard, as a JSONPath filter (phone and fax are both `tel`). */
const JCARD_FILTER: Record<string, string> = {
  person: "@[0]=='fn'",
  address: "@[0]=='adr'",
  phone: "@[0]=='tel' && @[1].type=='voice'",
  'fax-no': "@[0]=='tel' && @[1].type=='fax'",
  'e-mail': "@[0]=='email'",
};

/** RFC 9537 entries for what the access policy withheld from a jCard. */
function redactions(b: ResponseBuilder, path: string, list: readonly Redaction[]): void {
  for (const r of list) {
    // Only what a jCard would have carried is declared: RDAP never renders auth, notify, changed.
    const filter = JCARD_FILTER[r.attribute];
    if (!filter || r.reason !== 'personal-data') continue;
    const reason = b.t.redactedPersonal;
    const where = `${path}.vcardArray[1][?(${filter})]`;
    b.redacted.push({
      name: { description: REDACTED_NAME[r.attribute] ?? r.attribute },
      ...(r.method === 'emptyValue' ? { postPath: `${where}[3]` } : { prePath: where }),
      pathLang: 'jsonpath',
      method: r.method,
      reason: { description: reason },
    });
  }
}

/** An entity (§5.1) for a contact, organisation, irt, maintainer or members-list row. */
export function renderEntity(b: ResponseBuilder, object: StoredObject, roles: readonly string[], path: string): Json {
  const { ctx } = b;
  const key = `${object.id}\0${roles.join(',')}\0${ctx.lang}\0${ctx.baseUrl}\0${ctx.port43}\0${viewKey(ctx.caller)}`;
  let cached = ctx.entities?.get(key);
  if (!cached) {
    const view = viewObject(ctx.caller, object);
    const discloses = object.className === 'person' && !view.redactions.some((r) => r.reason === 'personal-data');
    cached = { body: entityBody(b, view, roles), redactions: view.redactions, discloses };
    ctx.entities?.set(key, cached);
  }
  // Redactions name the entity's place in this answer, so they are declared each time.
  redactions(b, path, cached.redactions);
  if (cached.discloses) ctx.onDisclose?.(object.key);
  // The body is shared between answers; its links carry this answer's URL as context.
  return { ...cached.body, links: [selfLink(ctx, entityPath(object))] };
}

function entityPath(object: StoredObject): string {
  return `entity/${encodeURIComponent(object.key)}`;
}

function entityBody(b: ResponseBuilder, view: ObjectView, roles: readonly string[]): Json {
  const object = view.object;
  const remarks = remarksOf(b, view);
  return {
    objectClassName: 'entity',
    handle: object.key,
    vcardArray: vcard(view),
    ...(roles.length > 0 ? { roles: [...roles] } : {}),
    ...(remarks.length > 0 ? { remarks } : {}),
    links: [],
    events: events(view),
    port43: b.ctx.port43,
  };
}

/**
 * The responsible member as an entity (role `sponsor`): its organisation, its legal-request
 * desk in the jCard, and its own abuse contact as a nested entity, as a network carries one.
 */
function withSponsor(b: ResponseBuilder, entity: Json, member: ResponsibleMember, memberAbuse: AbuseContact | null, path: string): Json {
  const desk = member.legalContact;
  const [kind, props] = entity.vcardArray as [string, unknown[]];
  const deskProps = desk
    ? [
        ['email', { type: 'work', pref: '1' }, 'text', desk.email],
        ['tel', { type: ['work', 'voice'], pref: '1' }, 'uri', `tel:${desk.phone.replace(/\s+/g, '')}`],
        ['note', {}, 'text', b.t.legalContact(desk.name, desk.email, desk.phone)],
      ]
    : [];
  const abuse = memberAbuse ? [renderEntity(b, memberAbuse.contact, ['abuse'], `${path}.entities[0]`)] : [];
  return {
    ...entity,
    vcardArray: [kind, [...props, ...deskProps]],
    ...(abuse.length > 0 ? { entities: abuse } : {}),
  };
}

/** A member known only by its handle and name (no organisation object, no members-list row). */
function bareSponsor(b: ResponseBuilder, member: ResponsibleMember): Json {
  return {
    objectClassName: 'entity',
    handle: member.orgHandle,
    vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', member.name ?? member.orgHandle], ['kind', {}, 'text', 'org']]],
    roles: ['sponsor'],
    links: [selfLink(b.ctx, `entity/${encodeURIComponent(member.orgHandle)}`)],
    port43: b.ctx.port43,
  };
}

function selfLink(ctx: RdapContext, path: string): Json {
  return { value: ctx.contextUrl, rel: 'self', href: `${ctx.baseUrl}${path}`, type: 'application/rdap+json' };
}

function remarksOf(b: ResponseBuilder, view: ObjectView): Json[] {
  const out: Json[] = [];
  const descr = view.attributes.filter(([n]) => n === 'descr').map(([, v]) => v);
  if (descr.length > 0) out.push({ title: TITLE.description, description: descr });
  const remarks = view.attributes.filter(([n]) => n === 'remarks').map(([, v]) => v);
  if (remarks.length > 0) out.push({ title: TITLE.remarks, description: remarks });
  return out;
}

/**
 * The entities of a resource: `registrant` from `org`, `administrative` from `admin-c`,
 * `technical` from `tech-c` and `zone-c`; one entity per handle with all its roles.
 */
function resourceEntities(b: ResponseBuilder, resource: StoredObject, abuse: StoredObject | null, sponsor: Sponsor | null = null): Json[] {
  const member = sponsor?.member ?? null;
  const byHandle = new Map<string, { object: StoredObject | null; roles: string[] }>();
  const add = (object: StoredObject | null, role: string, handle = object?.key) => {
    if (!handle) return;
    const entry = byHandle.get(handle) ?? { object, roles: [] };
    if (!entry.roles.includes(role)) entry.roles.push(role);
    byHandle.set(handle, entry);
  };
  const org = firstValue(resource, 'org');
  if (org) add(b.ctx.resolve(stripComment(org), ['organisation', 'member']), 'registrant');
  for (const [attribute, role] of [
    ['admin-c', 'administrative'],
    ['tech-c', 'technical'],
    ['zone-c', 'technical'],
  ] as const) {
    for (const value of allValues(resource, attribute)) add(b.ctx.resolve(stripComment(value), ['role', 'person']), role);
  }
  add(abuse, 'abuse');
  // The member ISP responsible for the space (DESIGN §2), beside the holder it may also be.
  if (member) add(member.organisation ?? member.record, 'sponsor', member.orgHandle);
  return [...byHandle.entries()].map(([handle, { object, roles }], i) => {
    const path = `${b.base}.entities[${i}]`;
    const entity = object ? renderEntity(b, object, roles, path) : bareSponsor(b, member!);
    return member && handle === member.orgHandle && roles.includes('sponsor') ? withSponsor(b, entity, member, sponsor!.abuse, path) : entity;
  });
}

// ---- ip network (§5.4, RFC 9082 §3.1.1, cidr0) -------------------------------------------

function ipPath(r: IpRange): string {
  return `ip/${formatCidr(leadingPrefix(r))}`;
}

/** The network itself: range, names, entities, links (§5.4); `extra` remarks come from the answer. */
/** What an address answer adds to the network it is about: remarks, links, the sponsoring member. */
export interface NetworkExtras {
  readonly remarks?: readonly Json[];
  readonly links?: readonly Json[];
  readonly sponsor?: Sponsor | null;
}

/** The responsible member as the `sponsor` entity shows it, with its own abuse contact. */
export interface Sponsor {
  readonly member: ResponsibleMember;
  readonly abuse: AbuseContact | null;
}

export function renderNetwork(b: ResponseBuilder, net: StoredObject, parent: StoredObject | null, abuse: StoredObject | null, extra: NetworkExtras = {}): Json {
  const t = b.t;
  const range = net.range!;
  const view = viewObject(b.ctx.caller, net);
  const countries = allValues(net, 'country').map((c) => stripComment(c).toUpperCase()).filter((c) => c);
  const remarks = remarksOf(b, view);
  if (countries.length > 1) remarks.push({ title: TITLE.countries, description: [t.countries(countries.slice(1).join(', '))] });
  remarks.push(...(extra.remarks ?? []));
  b.use('cidr0');
  const path = ipPath(net.range!);
  const links: Json[] = [selfLink(b.ctx, path)];
  if (parent) links.push({ ...selfLink(b.ctx, ipPath(parent.range!)), rel: 'up' });
  // RFC 9910 relations of this network, for clients that walk the tree.
  const prefix = path.slice('ip/'.length);
  for (const rel of RELATIONS) links.push({ ...selfLink(b.ctx, `ips/rirSearch1/${rel}/${prefix}`), rel });
  b.use('rirSearch1');
  links.push(...(extra.links ?? []));
  const netname = firstValue(net, 'netname');
  const status = firstValue(net, 'status');
  return {
    objectClassName: 'ip network',
    handle: net.key,
    startAddress: formatIp(range.family, range.start),
    endAddress: formatIp(range.family, range.end),
    ipVersion: range.family === 4 ? 'v4' : 'v6',
    ...(netname ? { name: stripComment(netname) } : {}),
    ...(status ? { type: stripComment(status).toUpperCase() } : {}),
    ...(countries[0] ? { country: countries[0] } : {}),
    ...(parent ? { parentHandle: parent.key } : {}),
    status: ['active'],
    cidr0_cidrs: rangeToCidrs(range).map((c) =>
      c.family === 4 ? { v4prefix: formatIp(4, c.start), length: c.length } : { v6prefix: formatIp(6, c.start), length: c.length },
    ),
    entities: resourceEntities(b, net, abuse, extra.sponsor ?? null),
    ...(remarks.length > 0 ? { remarks } : {}),
    links,
    events: events(view),
    port43: b.ctx.port43,
  };
}

export const RELATIONS = ['rdap-up', 'rdap-down', 'rdap-top', 'rdap-bottom'] as const;
export type Relation = (typeof RELATIONS)[number];


/**
 * An address or prefix lookup: the holder, with what DESIGN §2 says about it as remarks
 * (member or why none, authority, sub-allocation, port, inherited abuse contact), the member
 * as a `sponsor` entity, a `related` link to the authoritative registry's answer for space
 * this registry does not manage, and a "Change between snapshots" notice.
 */
export function renderIpNetwork(b: ResponseBuilder, answer: IpAnswer, memberAbuse: AbuseContact | null = null): Json {
  const t = b.t;
  const say = ANSWER_TEXT[b.ctx.lang];
  const registry = b.ctx.registry;
  const net = answer.holder;
  const holderName = answer.holderName?.text ?? net.key;
  const remarks: Json[] = [];
  if (answer.holderName?.from === 'descr') remarks.push({ title: TITLE.description, description: [t.nameFromDescr] });
  const member = answer.member;
  if (member) {
    remarks.push({
      title: TITLE.member,
      description: [
        t.member(member.name ?? member.orgHandle, member.network.key),
        ...(member.legalContact ? [t.legalContact(member.legalContact.name, member.legalContact.email, member.legalContact.phone)] : []),
      ],
    });
  }
  const why = answer.noMember ? say.noMember(answer.noMember, registry, holderName) : null;
  if (why) remarks.push({ title: TITLE.noMember, description: [why] });
  const links: Json[] = [];
  if (answer.authority.kind !== 'this-registry') {
    remarks.push({ title: TITLE.authority, description: [say.authority(answer.authority, registry)] });
    if (answer.authority.kind === 'other-registry') {
      const q = answer.query.range;
      const href = redirectUrl([answer.authority.registry.rdap], q.start === q.end ? `ip/${formatIp(q.family, q.start)}` : ipPath(q), b.ctx.baseUrl);
      if (href) links.push({ value: b.ctx.contextUrl, rel: 'related', href, type: 'application/rdap+json', title: answer.authority.registry.name });
    }
  }
  const sub = answer.subAllocation;
  if (sub && sub.id !== net.id) {
    const subOrg = firstValue(sub, 'org');
    const subName = subOrg ? firstValue(b.ctx.resolve(stripComment(subOrg), ['organisation']) ?? sub, 'org-name') : undefined;
    remarks.push({ title: TITLE.subAllocation, description: [t.subAllocation(sub.key, subName?.trim() ?? '')] });
  }
  if (answer.query.port !== null) remarks.push({ title: TITLE.port, description: [portText(b.ctx.lang, answer, registry)] });
  if (answer.abuse?.inherited) {
    remarks.push({ title: TITLE.abuse, description: [t.abuseInherited(answer.abuse.mailbox, answer.abuse.network.key)] });
  }
  if (answer.change) {
    b.notices.push({ title: TITLE.change, description: changeLines(b.ctx.lang, answer.change, { kind: 'ok', answer }, answer.asOf.instant, registry) });
  }
  return renderNetwork(b, net, parentOf(net, answer.chain), answer.abuse?.contact ?? null, { remarks, links, sponsor: member ? { member, abuse: memberAbuse } : null });
}

/** What a context needs of the query service to render an address answer. */
export interface IpAnswerService {
  memberAbuse(answer: IpAnswer): AbuseContact | null;
}

/** An address answer as every RDAP path gives it: the holder network with its sponsor's abuse contact. */
export function renderIpAnswer(b: ResponseBuilder, answer: IpAnswer, service: IpAnswerService): Json {
  return renderIpNetwork(b, answer, service.memberAbuse(answer));
}

// ---- autnum (§5.5) and domain (§5.3) -----------------------------------------------------

/** An aut-num or as-block (§5.5); `abuse` is the contact the abuse rule gives, where the caller worked it out. */
export function renderAutnum(b: ResponseBuilder, object: StoredObject, abuse: StoredObject | null = null): Json {
  const view = viewObject(b.ctx.caller, object);
  const asns = object.asns!;
  const name = firstValue(object, 'as-name') ?? (object.className === 'as-block' ? object.key : undefined);
  const countries = allValues(object, 'country').map((c) => stripComment(c).toUpperCase());
  const status = firstValue(object, 'status');
  const remarks = remarksOf(b, view);
  return {
    objectClassName: 'autnum',
    handle: object.key,
    startAutnum: asns.first,
    endAutnum: asns.last,
    ...(name ? { name: stripComment(name) } : {}),
    ...(status ? { type: stripComment(status).toUpperCase() } : {}),
    ...(countries[0] ? { country: countries[0] } : {}),
    status: ['active'],
    entities: resourceEntities(b, object, abuse),
    ...(remarks.length > 0 ? { remarks } : {}),
    links: [selfLink(b.ctx, `autnum/${asns.first}`)],
    events: events(view),
    port43: b.ctx.port43,
  };
}

export function renderDomain(b: ResponseBuilder, object: StoredObject): Json {
  const view = viewObject(b.ctx.caller, object);
  const nameservers = view.attributes
    .filter(([n]) => n === 'nserver')
    .map(([, v]) => ({ objectClassName: 'nameserver', ldhName: stripComment(v).toLowerCase().replace(/\.$/, '') }));
  const remarks = remarksOf(b, view);
  return {
    objectClassName: 'domain',
    handle: object.key,
    ldhName: object.key,
    ...(nameservers.length > 0 ? { nameservers } : {}),
    entities: resourceEntities(b, object, null),
    ...(remarks.length > 0 ? { remarks } : {}),
    links: [selfLink(b.ctx, `domain/${object.key}`)],
    events: events(view),
    port43: b.ctx.port43,
  };
}

/** The /help answer (RFC 9083 §7): the terms and what can be asked. */
export function renderHelp(b: ResponseBuilder, limits: RateLimitText): Json {
  const body = b.finish({}, null);
  return {
    ...body,
    notices: [...(body.notices as Json[]), { title: TITLE.help, description: [...b.t.help] }, { title: TITLE.limits, description: [b.t.limits(limits)] }],
  };
}

/** An error body (RFC 9083 §6): errorCode a number, title, description. */
export function renderError(b: ResponseBuilder, status: number, title: string, description: readonly string[]): Json {
  return b.finish({ errorCode: status, title, description: [...description] }, null);
}
