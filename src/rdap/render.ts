// Registry objects → RDAP JSON (RFC 9083). Pure: the caller resolves handles and decides
// access; this module only shapes what it is given. Section numbers are RFC 9083's.
import { firstValue, allValues, stripComment, type StoredObject } from '../model/types.js';
import { formatIp } from '../net/ip.js';
import { formatCidr, leadingPrefix, rangeToCidrs, type IpRange } from '../net/prefix.js';
import { viewKey, viewObject, type Caller, type ObjectView, type Redaction } from '../policy/access.js';
import type { AsOf, IpAnswer } from '../query/types.js';
import { parentOf } from '../query/service.js';
import { TEXT, type Lang, type RateLimitText, type Texts } from './messages.js';
import { formatInstant } from '../query/time.js';

export interface RdapContext {
  /** Public base URL, ending in `/`. */
  readonly baseUrl: string;
  readonly port43: string;
  readonly lang: Lang;
  readonly caller: Caller;
  readonly servedAt: number;
  readonly version: string;
  readonly registry: string;
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
 * it starts over when full. Bodies are shared between answers and must not be mutated.
 */
export class EntityCache {
  private readonly entries = new Map<string, CachedEntity>();
  constructor(private readonly capacity = 50_000) {}

  get(key: string): CachedEntity | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: CachedEntity): void {
    if (this.entries.size >= this.capacity) this.entries.clear();
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
  ) {}

  /** The same answer under construction, resolving handles another way (as a history record's instant). */
  resolvingWith(resolve: RdapContext['resolve']): ResponseBuilder {
    const other = new ResponseBuilder({ ...this.ctx, resolve }, this.extensions, this.redacted);
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
    const notices: Json[] = [termsNotice(this.ctx), ...(asOf ? [sourceNotice(this.ctx, asOf)] : [])];
    if (this.redacted.length > 0) {
      this.use('redacted');
      notices.push({ title: this.t.redactedTitle, description: [this.t.redactedNotice] });
      const { caller } = this.ctx;
      // DESIGN §5: law enforcement without a case gets the anonymous view and is told why.
      if (caller.role === 'lea' && !caller.caseReference && this.redacted.length > 0) {
        notices.push({ title: this.t.caseReferenceTitle, description: [this.t.caseReferenceNotice] });
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
    title: t.termsTitle,
    description: [...t.terms],
    links: [{ value: `${ctx.baseUrl}help`, rel: 'terms-of-service', href: `${ctx.baseUrl}help`, type: 'application/rdap+json' }],
  };
}


/** Where the answer came from: the instant, each source's snapshot and import, when served. */
export function sourceNotice(ctx: RdapContext, asOf: AsOf): Json {
  const t = TEXT[ctx.lang];
  return {
    title: t.sourceTitle,
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

const CANONICAL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

/** RPSL dates (`2019-03-12T04:21:09Z`, `20100101` of `changed:`) as RFC 3339, or null. */
export function rfc3339(text: string | undefined): string | null {
  if (!text) return null;
  const t = stripComment(text);
  // Most dates are already RFC 3339 in UTC (`created:`, `last-modified:`): no parsing.
  if (CANONICAL_DATE.test(t)) return t;
  const compact = /(\d{4})(\d{2})(\d{2})\s*$/.exec(t);
  if (compact && !t.includes('-')) return `${compact[1]}-${compact[2]}-${compact[3]}T00:00:00Z`;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : formatInstant(ms);
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
  const cached = ctx.entities?.get(key);
  if (cached) {
    // Redactions name the entity's place in this answer, so they are declared each time.
    redactions(b, path, cached.redactions);
    if (cached.discloses) ctx.onDisclose?.(object.key);
    return cached.body;
  }
  const view = viewObject(ctx.caller, object);
  redactions(b, path, view.redactions);
  const body = entityBody(b, view, roles);
  const discloses = object.className === 'person' && !view.redactions.some((r) => r.reason === 'personal-data');
  if (discloses) ctx.onDisclose?.(object.key);
  ctx.entities?.set(key, { body, redactions: view.redactions, discloses });
  return body;
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
    links: [selfLink(b.ctx, `entity/${encodeURIComponent(object.key)}`)],
    events: events(view),
    port43: b.ctx.port43,
  };
}

function selfLink(ctx: RdapContext, path: string): Json {
  return { value: `${ctx.baseUrl}${path}`, rel: 'self', href: `${ctx.baseUrl}${path}`, type: 'application/rdap+json' };
}

function remarksOf(b: ResponseBuilder, view: ObjectView): Json[] {
  const out: Json[] = [];
  const descr = view.attributes.filter(([n]) => n === 'descr').map(([, v]) => v);
  if (descr.length > 0) out.push({ title: b.t.descriptionTitle, description: descr });
  const remarks = view.attributes.filter(([n]) => n === 'remarks').map(([, v]) => v);
  if (remarks.length > 0) out.push({ title: b.t.remarksTitle, description: remarks });
  return out;
}

/**
 * The entities of a resource: `registrant` from `org`, `administrative` from `admin-c`,
 * `technical` from `tech-c` and `zone-c`; one entity per handle with all its roles.
 */
function resourceEntities(b: ResponseBuilder, resource: StoredObject, abuse: StoredObject | null): Json[] {
  const byHandle = new Map<string, { object: StoredObject; roles: string[] }>();
  const add = (object: StoredObject | null, role: string) => {
    if (!object) return;
    const entry = byHandle.get(object.key) ?? { object, roles: [] };
    if (!entry.roles.includes(role)) entry.roles.push(role);
    byHandle.set(object.key, entry);
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
  return [...byHandle.values()].map(({ object, roles }, i) => renderEntity(b, object, roles, `${b.base}.entities[${i}]`));
}

// ---- ip network (§5.4, RFC 9082 §3.1.1, cidr0) -------------------------------------------

function ipPath(r: IpRange): string {
  return `ip/${formatCidr(leadingPrefix(r))}`;
}

/** The network itself: range, names, entities, links (§5.4); `extra` remarks come from the answer. */
export function renderNetwork(b: ResponseBuilder, net: StoredObject, parent: StoredObject | null, abuse: StoredObject | null, extra: Json[] = []): Json {
  const t = b.t;
  const range = net.range!;
  const view = viewObject(b.ctx.caller, net);
  const countries = allValues(net, 'country').map((c) => stripComment(c).toUpperCase()).filter((c) => c);
  const remarks = remarksOf(b, view);
  if (countries.length > 1) remarks.push({ title: t.countriesTitle, description: [t.countries(countries.slice(1).join(', '))] });
  remarks.push(...extra);
  b.use('cidr0');
  const path = ipPath(net.range!);
  const links: Json[] = [selfLink(b.ctx, path)];
  if (parent) links.push({ ...selfLink(b.ctx, ipPath(parent.range!)), rel: 'up' });
  // RFC 9910 relations of this network, for clients that walk the tree.
  const prefix = path.slice('ip/'.length);
  for (const rel of RELATIONS) links.push({ ...selfLink(b.ctx, `ips/rirSearch1/${rel}/${prefix}`), rel });
  b.use('rirSearch1');
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
    entities: resourceEntities(b, net, abuse),
    ...(remarks.length > 0 ? { remarks } : {}),
    links,
    events: events(view),
    port43: b.ctx.port43,
  };
}

export const RELATIONS = ['rdap-up', 'rdap-down', 'rdap-top', 'rdap-bottom'] as const;
export type Relation = (typeof RELATIONS)[number];


/** An address or prefix lookup: the holder, with what DESIGN §2 says about it as remarks. */
export function renderIpNetwork(b: ResponseBuilder, answer: IpAnswer): Json {
  const t = b.t;
  const net = answer.holder;
  const extra: Json[] = [];
  if (answer.holderName?.from === 'descr') extra.push({ title: t.descriptionTitle, description: [t.nameFromDescr] });
  const member = answer.member;
  if (member && member.network.id !== net.id) {
    extra.push({
      title: t.memberTitle,
      description: [
        t.member(member.name ?? member.orgHandle, member.network.key),
        ...(member.legalContact ? [t.legalContact(member.legalContact.name, member.legalContact.email, member.legalContact.phone)] : []),
      ],
    });
  }
  if (answer.heldByRegistry) extra.push({ title: t.heldByRegistryTitle, description: [t.heldByRegistry(b.ctx.registry)] });
  const sub = answer.subAllocation;
  if (sub && sub.id !== net.id) {
    const subOrg = firstValue(sub, 'org');
    const subName = subOrg ? firstValue(b.ctx.resolve(stripComment(subOrg), ['organisation']) ?? sub, 'org-name') : undefined;
    extra.push({ title: t.subAllocationTitle, description: [t.subAllocation(sub.key, subName?.trim() ?? '')] });
  }
  if (answer.query.port !== null) {
    const legal = member?.legalContact;
    extra.push({ title: t.portTitle, description: [t.port(answer.query.port), ...(legal ? [t.portWho(legal.name, legal.email, legal.phone)] : [])] });
  }
  if (answer.abuse?.inherited) {
    extra.push({ title: t.abuseTitle, description: [t.abuseInherited(answer.abuse.mailbox, answer.abuse.network.key)] });
  }
  return renderNetwork(b, net, parentOf(net, answer.chain), answer.abuse?.contact ?? null, extra);
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
    notices: [...(body.notices as Json[]), { title: b.t.helpTitle, description: [...b.t.help] }, { title: b.t.limitsTitle, description: [b.t.limits(limits)] }],
  };
}

/** An error body (RFC 9083 §6): errorCode a number, title, description. */
export function renderError(b: ResponseBuilder, status: number, title: string, description: readonly string[]): Json {
  return b.finish({ errorCode: status, title, description: [...description] }, null);
}
