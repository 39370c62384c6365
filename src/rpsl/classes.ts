// The RPSL classes lacak serves, as data (like irrd's `RPSLInetnum.fields`).
// Templates follow APNIC's (https://www.apnic.net/manage-ip/using-whois/guide/), with
// RIPE's extra attributes accepted, made more lenient where real dumps need it:
// - `mandatory` is true only where every template agrees AND the real files in
//   shared/data/rpsl always have it. Old dumps (APNIC/AfriNIC 2013 GRS extracts)
//   carry `changed:` and no `created:`/`last-modified:`; APNIC's newer
//   `mnt-irt`/`abuse-c`/`country`-on-aut-num requirements are absent from older data.
// - Contact details (address, phone, e-mail) stay optional: public dumps filter
//   them, and a filtered object is still a valid registration.
// - An attribute is `multiple` unless being single is part of its meaning (keys,
//   names, status, source); a repeated single attribute rejects the object.

export interface AttributeSpec {
  readonly name: string;
  readonly mandatory: boolean;
  readonly multiple: boolean;
  /** Part of the object's primary key (`route` has two: prefix and origin). */
  readonly primaryKey?: boolean;
  /** Searchable by value (`netname`, `person`). */
  readonly lookupKey?: boolean;
  /** Classes whose keys this attribute's values name. */
  readonly refersTo?: readonly string[];
}

export type RpslKeyKind =
  | 'ipv4-range'
  | 'ipv6-prefix'
  | 'asn'
  | 'asn-range'
  | 'handle'
  | 'domain'
  | 'route'
  | 'route6'
  /** Free-form names (set classes); none of the classes below uses it yet. */
  | 'name';

export interface ClassSpec {
  readonly className: string;
  readonly keyKind: RpslKeyKind;
  readonly attributes: readonly AttributeSpec[];
}

type Presence = 'mandatory' | 'optional';
type Count = 'single' | 'multiple';

function attr(
  name: string,
  presence: Presence,
  count: Count,
  extra: Pick<AttributeSpec, 'primaryKey' | 'lookupKey' | 'refersTo'> = {},
): AttributeSpec {
  return { name, mandatory: presence === 'mandatory', multiple: count === 'multiple', ...extra };
}

const CONTACT = ['role', 'person'] as const;
const ROLE = ['role'] as const;
const ORGANISATION = ['organisation'] as const;
const MNTNER = ['mntner'] as const;
const IRT = ['irt'] as const;
const KEY_CERT = ['key-cert'] as const;

/** Bookkeeping every class ends with; `changed:` is how pre-2013 dumps record edits. */
const TRAILER: readonly AttributeSpec[] = [
  attr('created', 'optional', 'single'),
  attr('last-modified', 'optional', 'single'),
  attr('changed', 'optional', 'multiple'),
  attr('source', 'mandatory', 'single'),
];

function networkAttributes(keyName: string, extra: readonly AttributeSpec[]): AttributeSpec[] {
  return [
    attr(keyName, 'mandatory', 'single', { primaryKey: true, lookupKey: true }),
    attr('netname', 'mandatory', 'single', { lookupKey: true }),
    attr('descr', 'optional', 'multiple'),
    attr('country', 'mandatory', 'multiple'),
    attr('geofeed', 'optional', 'single'),
    attr('geoloc', 'optional', 'single'),
    attr('language', 'optional', 'multiple'),
    attr('org', 'optional', 'single', { refersTo: ORGANISATION }),
    attr('sponsoring-org', 'optional', 'single', { refersTo: ORGANISATION }),
    attr('admin-c', 'mandatory', 'multiple', { refersTo: CONTACT }),
    attr('tech-c', 'mandatory', 'multiple', { refersTo: CONTACT }),
    // Mandatory in APNIC's current template, absent from older objects.
    attr('abuse-c', 'optional', 'single', { refersTo: ROLE }),
    attr('status', 'mandatory', 'single'),
    ...extra,
    attr('remarks', 'optional', 'multiple'),
    attr('notify', 'optional', 'multiple'),
    attr('mnt-by', 'mandatory', 'multiple', { refersTo: MNTNER }),
    attr('mnt-lower', 'optional', 'multiple', { refersTo: MNTNER }),
    attr('mnt-routes', 'optional', 'multiple', { refersTo: MNTNER }),
    attr('mnt-domains', 'optional', 'multiple', { refersTo: MNTNER }),
    // Mandatory at APNIC since 2010 (prop-079), but older and other registries' objects lack it.
    attr('mnt-irt', 'optional', 'multiple', { refersTo: IRT }),
    ...TRAILER,
  ];
}

function routeAttributes(keyName: string): AttributeSpec[] {
  return [
    attr(keyName, 'mandatory', 'single', { primaryKey: true, lookupKey: true }),
    attr('descr', 'optional', 'multiple'),
    attr('country', 'optional', 'single'),
    attr('origin', 'mandatory', 'single', { primaryKey: true, lookupKey: true, refersTo: ['aut-num'] }),
    attr('holes', 'optional', 'multiple'),
    attr('member-of', 'optional', 'multiple', { refersTo: ['route-set'] }),
    attr('inject', 'optional', 'multiple'),
    attr('aggr-mtd', 'optional', 'single'),
    attr('aggr-bndry', 'optional', 'single'),
    attr('export-comps', 'optional', 'single'),
    attr('components', 'optional', 'single'),
    attr('org', 'optional', 'single', { refersTo: ORGANISATION }),
    attr('admin-c', 'optional', 'multiple', { refersTo: CONTACT }),
    attr('tech-c', 'optional', 'multiple', { refersTo: CONTACT }),
    attr('geoidx', 'optional', 'multiple'),
    attr('roa-uri', 'optional', 'single'),
    attr('remarks', 'optional', 'multiple'),
    attr('notify', 'optional', 'multiple'),
    attr('mnt-lower', 'optional', 'multiple', { refersTo: MNTNER }),
    attr('mnt-routes', 'optional', 'multiple', { refersTo: MNTNER }),
    attr('mnt-by', 'mandatory', 'multiple', { refersTo: MNTNER }),
    attr('pingable', 'optional', 'multiple'),
    attr('ping-hdl', 'optional', 'multiple', { refersTo: CONTACT }),
    ...TRAILER,
  ];
}

/** person and role share the NIC-handle namespace: the class attribute is a name, `nic-hdl` the key. */
function contactAttributes(className: 'person' | 'role'): AttributeSpec[] {
  return [
    attr(className, 'mandatory', 'single', { lookupKey: true }),
    attr('address', 'optional', 'multiple'),
    attr('country', 'optional', 'single'),
    attr('phone', 'optional', 'multiple'),
    attr('fax-no', 'optional', 'multiple'),
    attr('e-mail', 'optional', 'multiple', { lookupKey: true }),
    attr('org', 'optional', 'multiple', { refersTo: ORGANISATION }),
    ...(className === 'role'
      ? [
          attr('admin-c', 'optional', 'multiple', { refersTo: CONTACT }),
          attr('tech-c', 'optional', 'multiple', { refersTo: CONTACT }),
        ]
      : []),
    attr('nic-hdl', 'mandatory', 'single', { primaryKey: true, lookupKey: true }),
    attr('remarks', 'optional', 'multiple'),
    attr('notify', 'optional', 'multiple'),
    attr('abuse-mailbox', 'optional', 'multiple'),
    attr('mnt-by', 'mandatory', 'multiple', { refersTo: MNTNER }),
    attr('mnt-ref', 'optional', 'multiple', { refersTo: MNTNER }),
    ...TRAILER,
  ];
}

const CLASSES: readonly ClassSpec[] = [
  { className: 'inetnum', keyKind: 'ipv4-range', attributes: networkAttributes('inetnum', []) },
  {
    className: 'inet6num',
    keyKind: 'ipv6-prefix',
    attributes: networkAttributes('inet6num', [attr('assignment-size', 'optional', 'single')]),
  },
  {
    className: 'aut-num',
    keyKind: 'asn',
    attributes: [
      attr('aut-num', 'mandatory', 'single', { primaryKey: true, lookupKey: true }),
      attr('as-name', 'mandatory', 'single', { lookupKey: true }),
      attr('descr', 'optional', 'multiple'),
      attr('country', 'optional', 'single'),
      attr('member-of', 'optional', 'multiple', { refersTo: ['as-set'] }),
      attr('import-via', 'optional', 'multiple'),
      attr('import', 'optional', 'multiple'),
      attr('mp-import', 'optional', 'multiple'),
      attr('export-via', 'optional', 'multiple'),
      attr('export', 'optional', 'multiple'),
      attr('mp-export', 'optional', 'multiple'),
      attr('default', 'optional', 'multiple'),
      attr('mp-default', 'optional', 'multiple'),
      attr('remarks', 'optional', 'multiple'),
      attr('org', 'optional', 'single', { refersTo: ORGANISATION }),
      attr('sponsoring-org', 'optional', 'single', { refersTo: ORGANISATION }),
      attr('admin-c', 'mandatory', 'multiple', { refersTo: CONTACT }),
      attr('tech-c', 'mandatory', 'multiple', { refersTo: CONTACT }),
      attr('abuse-c', 'optional', 'single', { refersTo: ROLE }),
      attr('status', 'optional', 'single'),
      attr('notify', 'optional', 'multiple'),
      attr('mnt-lower', 'optional', 'multiple', { refersTo: MNTNER }),
      attr('mnt-routes', 'optional', 'multiple', { refersTo: MNTNER }),
      attr('mnt-by', 'mandatory', 'multiple', { refersTo: MNTNER }),
      attr('mnt-irt', 'optional', 'multiple', { refersTo: IRT }),
      ...TRAILER,
    ],
  },
  {
    className: 'as-block',
    keyKind: 'asn-range',
    attributes: [
      attr('as-block', 'mandatory', 'single', { primaryKey: true, lookupKey: true }),
      attr('descr', 'optional', 'multiple'),
      attr('country', 'optional', 'single'),
      attr('remarks', 'optional', 'multiple'),
      attr('org', 'optional', 'single', { refersTo: ORGANISATION }),
      attr('admin-c', 'mandatory', 'multiple', { refersTo: CONTACT }),
      attr('tech-c', 'mandatory', 'multiple', { refersTo: CONTACT }),
      attr('notify', 'optional', 'multiple'),
      attr('mnt-lower', 'optional', 'multiple', { refersTo: MNTNER }),
      attr('mnt-by', 'mandatory', 'multiple', { refersTo: MNTNER }),
      ...TRAILER,
    ],
  },
  {
    className: 'organisation',
    keyKind: 'handle',
    attributes: [
      attr('organisation', 'mandatory', 'single', { primaryKey: true, lookupKey: true }),
      attr('org-name', 'mandatory', 'single', { lookupKey: true }),
      attr('org-type', 'mandatory', 'single'),
      attr('descr', 'optional', 'multiple'),
      attr('country', 'optional', 'single'),
      attr('remarks', 'optional', 'multiple'),
      attr('address', 'optional', 'multiple'),
      attr('phone', 'optional', 'multiple'),
      attr('fax-no', 'optional', 'multiple'),
      attr('e-mail', 'optional', 'multiple', { lookupKey: true }),
      attr('geoloc', 'optional', 'single'),
      attr('language', 'optional', 'multiple'),
      attr('org', 'optional', 'multiple', { refersTo: ORGANISATION }),
      attr('admin-c', 'optional', 'multiple', { refersTo: CONTACT }),
      attr('tech-c', 'optional', 'multiple', { refersTo: CONTACT }),
      attr('abuse-c', 'optional', 'single', { refersTo: ROLE }),
      attr('abuse-mailbox', 'optional', 'multiple'),
      attr('ref-nfy', 'optional', 'multiple'),
      attr('mnt-ref', 'mandatory', 'multiple', { refersTo: MNTNER }),
      attr('notify', 'optional', 'multiple'),
      attr('mnt-by', 'mandatory', 'multiple', { refersTo: MNTNER }),
      ...TRAILER,
    ],
  },
  { className: 'role', keyKind: 'handle', attributes: contactAttributes('role') },
  { className: 'person', keyKind: 'handle', attributes: contactAttributes('person') },
  {
    className: 'irt',
    keyKind: 'handle',
    attributes: [
      attr('irt', 'mandatory', 'single', { primaryKey: true, lookupKey: true }),
      attr('address', 'optional', 'multiple'),
      attr('phone', 'optional', 'multiple'),
      attr('fax-no', 'optional', 'multiple'),
      attr('e-mail', 'optional', 'multiple', { lookupKey: true }),
      attr('abuse-mailbox', 'optional', 'multiple'),
      attr('signature', 'optional', 'multiple', { refersTo: KEY_CERT }),
      attr('encryption', 'optional', 'multiple', { refersTo: KEY_CERT }),
      attr('org', 'optional', 'multiple', { refersTo: ORGANISATION }),
      attr('admin-c', 'mandatory', 'multiple', { refersTo: CONTACT }),
      attr('tech-c', 'mandatory', 'multiple', { refersTo: CONTACT }),
      attr('auth', 'mandatory', 'multiple'),
      attr('remarks', 'optional', 'multiple'),
      attr('irt-nfy', 'optional', 'multiple'),
      attr('notify', 'optional', 'multiple'),
      attr('mnt-by', 'mandatory', 'multiple', { refersTo: MNTNER }),
      attr('mnt-ref', 'optional', 'multiple', { refersTo: MNTNER }),
      ...TRAILER,
    ],
  },
  {
    className: 'mntner',
    keyKind: 'handle',
    attributes: [
      attr('mntner', 'mandatory', 'single', { primaryKey: true, lookupKey: true }),
      attr('descr', 'optional', 'multiple'),
      attr('country', 'optional', 'single'),
      attr('org', 'optional', 'multiple', { refersTo: ORGANISATION }),
      attr('admin-c', 'mandatory', 'multiple', { refersTo: CONTACT }),
      attr('tech-c', 'optional', 'multiple', { refersTo: CONTACT }),
      // Mandatory at APNIC, but only 13 of the 43 real test mntners have it.
      attr('upd-to', 'optional', 'multiple'),
      attr('mnt-nfy', 'optional', 'multiple'),
      attr('auth', 'mandatory', 'multiple'),
      attr('remarks', 'optional', 'multiple'),
      attr('notify', 'optional', 'multiple'),
      attr('abuse-mailbox', 'optional', 'multiple'),
      attr('mnt-by', 'mandatory', 'multiple', { refersTo: MNTNER }),
      attr('referral-by', 'optional', 'single', { refersTo: MNTNER }),
      ...TRAILER,
    ],
  },
  {
    className: 'domain',
    keyKind: 'domain',
    attributes: [
      attr('domain', 'mandatory', 'single', { primaryKey: true, lookupKey: true }),
      attr('descr', 'optional', 'multiple'),
      attr('country', 'optional', 'single'),
      attr('org', 'optional', 'single', { refersTo: ORGANISATION }),
      attr('admin-c', 'mandatory', 'multiple', { refersTo: CONTACT }),
      attr('tech-c', 'mandatory', 'multiple', { refersTo: CONTACT }),
      attr('zone-c', 'mandatory', 'multiple', { refersTo: CONTACT }),
      attr('nserver', 'mandatory', 'multiple'),
      attr('ds-rdata', 'optional', 'multiple'),
      attr('sub-dom', 'optional', 'multiple'),
      attr('dom-net', 'optional', 'multiple'),
      attr('refer', 'optional', 'single'),
      attr('remarks', 'optional', 'multiple'),
      attr('notify', 'optional', 'multiple'),
      attr('mnt-by', 'mandatory', 'multiple', { refersTo: MNTNER }),
      attr('mnt-lower', 'optional', 'multiple', { refersTo: MNTNER }),
      ...TRAILER,
    ],
  },
  { className: 'route', keyKind: 'route', attributes: routeAttributes('route') },
  { className: 'route6', keyKind: 'route6', attributes: routeAttributes('route6') },
];

export const RPSL_CLASSES: ReadonlyMap<string, ClassSpec> = new Map(CLASSES.map((spec) => [spec.className, spec]));

const ATTRIBUTE_INDEX: ReadonlyMap<string, ReadonlyMap<string, AttributeSpec>> = new Map(
  CLASSES.map((spec) => [spec.className, new Map(spec.attributes.map((a) => [a.name, a]))]),
);

/** The spec of an RPSL class by (case-insensitive) name; undefined for classes lacak does not model. */
export function classSpec(name: string): ClassSpec | undefined {
  return RPSL_CLASSES.get(name.toLowerCase());
}

/** A modelled class's attributes by name (lower case): one lookup per attribute of an object. */
export function attributeSpecsOf(spec: ClassSpec): ReadonlyMap<string, AttributeSpec> {
  return ATTRIBUTE_INDEX.get(spec.className)!;
}

const PRIMARY_KEYS: ReadonlyMap<string, AttributeSpec> = new Map(CLASSES.map((spec) => [spec.className, spec.attributes.find((a) => a.primaryKey)!]));

/** The attribute that gives a class's objects their key (the first, for `route`'s two). */
export function primaryKeyOf(spec: ClassSpec): AttributeSpec {
  return PRIMARY_KEYS.get(spec.className)!;
}

/** The spec of one attribute of a class; undefined when the class or attribute is unknown. */
export function attributeSpec(className: string, attributeName: string): AttributeSpec | undefined {
  return ATTRIBUTE_INDEX.get(className.toLowerCase())?.get(attributeName.toLowerCase());
}
