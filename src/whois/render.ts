// WHOIS answers as text in the APNIC/RIPE layout: `%` comment lines, RPSL objects with
// values aligned, one blank line between objects, RIPE's trailer. Pure: the handler decides
// what to show and has already applied the access policy (viewObject).
import type { ObjectView } from '../policy/access.js';
import type { AsOf } from '../query/types.js';
import { oneLine } from '../model/one-line.js';
import { renderRpsl } from '../rpsl/render.js';
import { classSpec, RPSL_CLASSES } from '../rpsl/classes.js';
import { formatInstant } from '../query/time.js';


export interface ServerInfo {
  /** The name clients know the server by (`port43` of RDAP answers). */
  readonly host: string;
  readonly registry: string;
  readonly version: string;
}

/** The first lines of every answer: who answers, on what terms. */
export function bannerLines(server: ServerInfo): string[] {
  return [
    `% [${server.host}] lacak ${server.version}, the IP address registry of ${server.registry}`,
    `% Terms of use: registration data to identify who holds an IP address or AS number and how to reach them,`,
    `% for network operations, abuse handling and lawful requests. Personal data is disclosed only as`,
    `% Indonesian law (UU PDP No. 27/2022) allows; bulk collection outside the published limits is not permitted.`,
    `% Send "help" for the query flags.`,
  ];
}

/** Which data the answer was read from: the instant and each source's snapshot and import. */
export function sourceLines(asOf: AsOf, servedAt: number): string[] {
  const lines = [asOf.requested ? `% Answer as the registry stood at ${formatInstant(asOf.instant)} (requested).` : `% Answer as the registry stands at ${formatInstant(asOf.instant)}.`];
  for (const s of asOf.sources) {
    const next = s.nextAt === null ? 'none (current data)' : formatInstant(s.nextAt);
    lines.push(`% Source ${s.source}: snapshot ${formatInstant(s.snapshotAt)}, import ${s.importId}; next snapshot: ${next}.`);
  }
  lines.push(`% Served at ${formatInstant(servedAt)}.`);
  return lines;
}

/** RIPE ends every answer with its server line and two blank lines. */
export function trailerLines(server: ServerInfo): string[] {
  return [`% This query was served by lacak ${server.version} (${server.host})`, '', ''];
}

export function informationLine(key: string): string {
  return `% Information related to '${key}'`;
}

/** Short attribute names of RIPE's fast raw output (`-F`), where RIPE has one. */
const SHORT_NAME: Readonly<Record<string, string>> = {
  'abuse-c': 'au',
  'abuse-mailbox': 'am',
  address: 'ad',
  'admin-c': 'ac',
  'as-block': 'ak',
  'as-name': 'an',
  'aut-num': 'an',
  auth: 'at',
  changed: 'ch',
  country: 'cy',
  created: 'cr',
  descr: 'de',
  domain: 'dn',
  'e-mail': 'em',
  export: 'ex',
  'fax-no': 'fx',
  import: 'ip',
  inet6num: 'i6',
  inetnum: 'in',
  irt: 'it',
  'irt-nfy': 'iy',
  'last-modified': 'lm',
  'mnt-by': 'mb',
  'mnt-irt': 'mi',
  'mnt-lower': 'ml',
  'mnt-nfy': 'mn',
  'mnt-ref': 'mz',
  'mnt-routes': 'mu',
  mntner: 'mt',
  netname: 'na',
  'nic-hdl': 'nh',
  notify: 'ny',
  nserver: 'ns',
  org: 'og',
  'org-name': 'on',
  'org-type': 'ot',
  organisation: 'oa',
  origin: 'or',
  person: 'pn',
  phone: 'ph',
  remarks: 'rm',
  role: 'ro',
  route: 'rt',
  route6: 'r6',
  source: 'so',
  status: 'st',
  'tech-c': 'tc',
  'upd-to': 'dt',
  'zone-c': 'zc',
};

/** What a caller may not see in an object is said, never silently dropped. */
const WITHHELD_KEY = '[personal data withheld]';

/**
 * One object as the caller may see it: RPSL lines, `%` lines before it saying what was
 * withheld. `brief` is `-F` (short names, `*xx:` lines); `keysOnly` is `-K`.
 */
export function objectLines(view: ObjectView, options: { brief?: boolean; keysOnly?: boolean } = {}): string[] {
  const object = view.object;
  let attributes = view.attributes;
  const personal = view.redactions.filter((r) => r.reason === 'personal-data').map((r) => r.attribute);
  // A person object still starts with its class attribute, or clients could not split objects.
  if (personal.includes(object.className)) attributes = [[object.className, WITHHELD_KEY], ...attributes];
  if (options.keysOnly) {
    const spec = classSpec(object.className);
    const keys = new Set(spec?.attributes.filter((a) => a.primaryKey).map((a) => a.name) ?? [object.className]);
    attributes = attributes.filter(([name]) => keys.has(name));
  }
  const lines: string[] = [];
  if (personal.length > 0) {
    lines.push(`% Personal data (${personal.join(', ')}) withheld: UU PDP No. 27/2022 lets only entitled callers see it.`);
  }
  if (view.notice) lines.push(`% ${view.notice}`);
  if (options.brief) {
    // One line per attribute: continuation lines joined, never a line of their own.
    for (const [name, value] of attributes) lines.push(`*${SHORT_NAME[name] ?? name}: ${oneLine(value)}`);
    return lines;
  }
  const text = renderRpsl(attributes);
  return [...lines, ...text.replace(/\n$/, '').split('\n')];
}

/** `-t TYPE`: the class template, one attribute per line with RIPE's bracketed qualifiers. */
export function templateLines(className: string): string[] | null {
  const spec = RPSL_CLASSES.get(className);
  if (!spec) return null;
  return spec.attributes.map((a) => {
    const qualifiers = [a.mandatory ? 'mandatory' : 'optional', a.multiple ? 'multiple' : 'single'];
    const keys = [a.primaryKey ? 'primary/lookup key' : a.lookupKey ? 'lookup key' : null, a.refersTo ? 'inverse key' : null].filter((x) => x);
    return `${`${a.name}:`.padEnd(16)}[${qualifiers[0]}]`.padEnd(30) + `[${qualifiers[1]}]`.padEnd(12) + (keys.length > 0 ? `[${keys.join(', ')}]` : '');
  });
}

/** `-v TYPE`: the template, then what each attribute means and what it refers to. */
export function verboseTemplateLines(className: string): string[] | null {
  const template = templateLines(className);
  const spec = RPSL_CLASSES.get(className);
  if (!template || !spec) return null;
  const lines = [`The ${className} class:`, '', ...template, '', 'The content of the attributes of the ' + className + ' class:', ''];
  for (const a of spec.attributes) {
    lines.push(`${a.name}`);
    lines.push(`   ${ATTRIBUTE_MEANING[a.name] ?? 'Free text kept with the object.'}`);
    if (a.refersTo) lines.push(`   Refers to: ${a.refersTo.join(', ')} (by primary key).`);
    lines.push(`   ${a.mandatory ? 'Mandatory' : 'Optional'}, ${a.multiple ? 'may appear more than once' : 'appears at most once'}.`);
    lines.push('');
  }
  return lines;
}

const ATTRIBUTE_MEANING: Readonly<Record<string, string>> = {
  inetnum: 'The IPv4 range, as "first - last" (need not be CIDR-aligned).',
  inet6num: 'The IPv6 prefix.',
  netname: 'A name for the network, in capitals.',
  descr: 'A short description of the network or object.',
  country: 'ISO 3166 country code where the resource is used.',
  org: 'The organisation that holds the resource (its organisation handle).',
  'admin-c': 'Administrative contact (nic-hdl of a role or person).',
  'tech-c': 'Technical contact (nic-hdl of a role or person).',
  'zone-c': 'Contact for the reverse DNS zone (nic-hdl of a role or person).',
  'abuse-c': 'Role whose abuse-mailbox receives abuse reports for this resource.',
  status: 'The registration status (ALLOCATED PORTABLE, ASSIGNED NON-PORTABLE, ...).',
  'mnt-by': 'Maintainer that may change this object.',
  'mnt-lower': 'Maintainer that may create more specific objects inside this one.',
  'mnt-routes': 'Maintainer that may create route objects for this space.',
  'mnt-irt': 'Incident Response Team for this space (an irt object).',
  'mnt-ref': 'Maintainer that may refer to this organisation.',
  remarks: 'Free-text remarks.',
  notify: 'E-mail address notified of changes (filtered for most callers).',
  source: 'The database (registry) the object comes from.',
  created: 'When the object was first created (RFC 3339).',
  'last-modified': 'When the object was last changed (RFC 3339).',
  changed: 'Who changed the object and when (older dumps).',
  'aut-num': 'The AS number, as ASn.',
  'as-name': 'A name for the autonomous system.',
  'as-block': 'A range of AS numbers, as "ASm - ASn".',
  organisation: 'The organisation handle (ORG-...).',
  'org-name': 'The legal name of the organisation.',
  'org-type': 'The kind of organisation (LIR for a member ISP, OTHER, ...).',
  role: 'The name of the role.',
  person: 'The name of the person (personal data).',
  'nic-hdl': 'The handle of a role or person.',
  address: 'Postal address.',
  phone: 'Telephone number.',
  'fax-no': 'Fax number.',
  'e-mail': 'E-mail address.',
  'abuse-mailbox': 'Where abuse reports go.',
  irt: 'The name of the Incident Response Team.',
  auth: 'Credentials of a maintainer or IRT (never shown).',
  mntner: 'The name of the maintainer.',
  domain: 'A reverse DNS zone (in-addr.arpa or ip6.arpa).',
  nserver: 'A name server of the zone.',
  route: 'An IPv4 prefix announced in BGP.',
  route6: 'An IPv6 prefix announced in BGP.',
  origin: 'The AS that originates the route.',
};

/** `-q types`: every class this server knows. */
export function typeLines(): string[] {
  return [...RPSL_CLASSES.keys()];
}
