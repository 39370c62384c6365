// Validates RDAP bodies in two layers.
//  1. Always: the project's own JSON Schema (test/fixtures/rdap-schema/, draft 2020-12), written
//     from RFC 9083 and the extensions lacak uses, plus the one rule a schema cannot state: a
//     member an extension defines appears only when rdapConformance declares that extension.
//  2. When LACAK_TEST_SHARED_DATA names the registry's shared test data: ICANN's RDAP conformance
//     schemas as well (draft-07, ajv 8), the stricter check, following that data's README
//     "Validating RDAP JSON with these schemas". They state no licence, so the repository does not
//     carry them (test/fixtures/README.md); a clone checks against the project schema alone.
import { readFileSync, readdirSync } from 'node:fs';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { join } from 'node:path';
import { domainToASCII, fileURLToPath } from 'node:url';
import AjvModule, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { SHARED_DATA } from './shared-data.js';

// ajv and ajv-formats are CommonJS; under NodeNext their default import is module.exports,
// whose `default` is the real export (both at run time and for the type checker).
const Ajv = AjvModule.default;
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** The project's schema, one file per kind of answer plus the definitions they share. */
export const PROJECT_SCHEMA_DIR = fileURLToPath(new URL('../fixtures/rdap-schema/', import.meta.url));

const ICANN_TOOL = SHARED_DATA === undefined ? undefined : join(SHARED_DATA, 'rdap-schemas', 'icann-rdap-conformance-tool');
/** True when ICANN's schemas are at hand, so validateRdap applies them too. */
export const ICANN_SCHEMAS_PRESENT = ICANN_TOOL !== undefined;
const SCHEMA_DIR = join(ICANN_TOOL ?? '', 'json-schema');
const DATASET_DIR = join(ICANN_TOOL ?? '', 'iana-datasets');

export type RdapKind =
  | 'ip network'
  | 'autnum'
  | 'entity'
  | 'domain'
  | 'nameserver'
  | 'error'
  | 'help'
  | 'ip networks'
  | 'autnums'
  | 'entities'
  | 'domains';

export interface RdapValidation {
  readonly valid: boolean;
  readonly errors: string[];
}

type Json = Record<string, unknown>;

const OBJECT_CLASSES: ReadonlySet<string> = new Set(['ip network', 'autnum', 'entity', 'domain', 'nameserver']);

/** The search results member of each kind of search answer (RFC 9083 §8, RFC 9910). */
const SEARCH_MEMBER: Readonly<Record<string, string>> = {
  'ip networks': 'ipSearchResults',
  autnums: 'autnumSearchResults',
  entities: 'entitySearchResults',
  domains: 'domainSearchResults',
};

/** Validates with the project schema always, and with ICANN's schemas when they are present. */
export function validateRdap(body: unknown, kind?: RdapKind): RdapValidation {
  const own = validateWithProjectSchema(body, kind);
  if (!ICANN_SCHEMAS_PRESENT) return own;
  const icann = validateWithIcannSchemas(body, kind);
  const errors = [...new Set([...own.errors, ...icann.errors])];
  return { valid: errors.length === 0, errors };
}

/** Throws, listing every schema error, unless `body` is a valid RDAP response of `kind`. */
export function expectValidRdap(body: unknown, kind?: RdapKind): void {
  const result = validateRdap(body, kind);
  if (!result.valid) {
    const what = kind ?? (typeof body === 'object' && body !== null ? inferKind(body as Json) : 'body');
    const against = ICANN_SCHEMAS_PRESENT ? 'the project and ICANN RDAP schemas' : 'the project RDAP schema';
    throw new Error(`RDAP ${what} response fails ${against}:\n  ${result.errors.join('\n  ')}`);
  }
}

function inferKind(body: Json): RdapKind {
  const cls = body['objectClassName'];
  if (typeof cls === 'string' && OBJECT_CLASSES.has(cls)) return cls as RdapKind;
  if ('errorCode' in body) return 'error';
  for (const [kind, member] of Object.entries(SEARCH_MEMBER)) {
    if (member in body) return kind as RdapKind;
  }
  return 'help';
}

function notAnObject(body: unknown): RdapValidation | null {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return null;
  return { valid: false, errors: ['/ must be a JSON object (RFC 9083 §2)'] };
}

// =============================================================================================
// 1. The project schema
// =============================================================================================

const PROJECT_SCHEMA_FILE: Readonly<Record<RdapKind, string>> = {
  'ip network': 'ip-network.json',
  autnum: 'autnum.json',
  entity: 'entity.json',
  domain: 'domain.json',
  nameserver: 'nameserver.json',
  error: 'error.json',
  help: 'help.json',
  'ip networks': 'ip-search.json',
  autnums: 'autnum-search.json',
  entities: 'entity-search.json',
  domains: 'domain-search.json',
};

/**
 * Which extension each extension-defined member belongs to. Where it may appear is the schema's
 * business; that its extension is declared (RFC 9083 §4.1: rdapConformance lists every extension
 * the response uses) spans the whole response, nested networks included, so it is checked here.
 */
export const EXTENSION_OF_MEMBER: Readonly<Record<string, string>> = {
  cidr0_cidrs: 'cidr0', // NRO cidr0
  redacted: 'redacted', // RFC 9537
  paging_metadata: 'paging', // RFC 8977
  sorting_metadata: 'sorting', // RFC 8977
  subsetting_metadata: 'subsetting', // RFC 8982
  reverse_search_properties: 'reverse_search', // RFC 9536
  reverse_search_properties_mapping: 'reverse_search', // RFC 9536
};

/** Validates an RDAP response body with the project schema; `kind` defaults to what the body says it is. */
export function validateWithProjectSchema(body: unknown, kind?: RdapKind): RdapValidation {
  const invalid = notAnObject(body);
  if (invalid) return invalid;
  const kindToCheck = kind ?? inferKind(body as Json);
  const file = PROJECT_SCHEMA_FILE[kindToCheck];
  if (file === undefined) throw new Error(`unknown RDAP kind ${JSON.stringify(kindToCheck)}`);
  const validate = projectValidator(file);
  const errors = validate(body) ? [] : formatProjectErrors(validate.errors);
  errors.push(...undeclaredExtensionMembers(body as Json));
  const unique = [...new Set(errors)];
  return { valid: unique.length === 0, errors: unique };
}

function undeclaredExtensionMembers(body: Json): string[] {
  const declared = declaredExtensions(body);
  const errors: string[] = [];
  walkObjects(body, '', (obj, path) => {
    for (const member of Object.keys(obj)) {
      const extension = EXTENSION_OF_MEMBER[member];
      if (extension !== undefined && !declared.has(extension)) {
        errors.push(`${path}/${member} needs "${extension}" in rdapConformance (RFC 9083 §4.1)`);
      }
    }
  });
  return errors;
}

/**
 * ajv's errors, made readable: the summary of an anyOf/oneOf with the value that failed, not the
 * errors of each branch it tried; the summary of a `contains`, not why each item was not it; no
 * "must match then schema" beside the errors that say why.
 */
function formatProjectErrors(errors: ErrorObject[] | null | undefined): string[] {
  const kept = (errors ?? []).filter((e) => e.keyword !== 'if' && !/\/(?:anyOf|oneOf)\/\d+\/|\/contains\//.test(e.schemaPath));
  return kept.map((e) => {
    const path = e.instancePath || '/';
    if (e.keyword === 'false schema') {
      const topmost = e.schemaPath.includes('/topmostOnly/') ? ': only in the topmost object (RFC 9083 §4.1, §4.3; RFC 9537)' : '';
      return `${path} must not appear here${topmost}`;
    }
    const named = e.keyword === 'pattern' ? PATTERN_MEANS[/\$defs\/([^/]+)\/pattern$/.exec(e.schemaPath)?.[1] ?? ''] : undefined;
    return `${path} ${named ?? e.message ?? e.keyword}${named ? '' : detailOf(e)}${gotOf(e, ['anyOf', 'oneOf'])}`;
  });
}

/** What the schema's long patterns mean, instead of the pattern itself in every message. */
const PATTERN_MEANS: Readonly<Record<string, string>> = {
  lang: 'must be a language tag (RFC 5646)',
  relationType: 'must be link relation types the schema lists (RFC 8288 §3.3, RFC 9910)',
  mediaType: 'must be a media type (RFC 6838)',
  ldhName: 'must be a name in letters, digits and hyphens (RFC 9083 §3)',
  reverseDomainName: 'must be under in-addr.arpa or ip6.arpa to carry "network" (RFC 9083 §5.3)',
};

const PROJECT_ID_BASE = 'https://schema.lacak.test/rdap/';
type Ajv2020Instance = InstanceType<typeof Ajv2020>;
let projectAjv: Ajv2020Instance | undefined;

function projectValidator(file: string): ValidateFunction {
  projectAjv ??= buildProjectAjv();
  const validate = projectAjv.getSchema(`${PROJECT_ID_BASE}${file}`);
  if (!validate) throw new Error(`no project RDAP schema ${file} in ${PROJECT_SCHEMA_DIR}`);
  return validate;
}

function buildProjectAjv(): Ajv2020Instance {
  // strict: the schema is ours, so an unknown or misspelt keyword is an error in it. Not
  // strictTuples, strictTypes or strictRequired: `prefixItems`, `properties` and `required` are
  // used as partial matches in if/then, anyOf and nested-object rules, which is what they are
  // for. verbose keeps the failing value.
  const ajv = new Ajv2020({ strict: true, strictTuples: false, strictTypes: false, strictRequired: false, allErrors: true, verbose: true });
  addFormats(ajv);
  for (const file of readdirSync(PROJECT_SCHEMA_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const schema = JSON.parse(readFileSync(join(PROJECT_SCHEMA_DIR, file), 'utf8')) as Json;
    if (schema['$id'] !== `${PROJECT_ID_BASE}${file}`) throw new Error(`${file}: $id must be ${PROJECT_ID_BASE}${file}`);
    ajv.addSchema(schema);
  }
  return ajv;
}

// =============================================================================================
// 2. ICANN's schemas (only with the shared data)
// =============================================================================================

const SCHEMA_FILE: Readonly<Record<string, string>> = {
  'ip network': 'rdap_ip_network.json',
  autnum: 'rdap_autnum.json',
  // The ICANN tool validates a topmost entity without asEventActor; nested ones (rdap_entities.json
  // → rdap_entity.json) may carry it.
  entity: 'rdap_entity_without_asEventActor.json',
  domain: 'rdap_domain.json',
  nameserver: 'rdap_nameserver.json',
  error: 'rdap_error.json',
  help: 'rdap_help.json',
};

// ICANN ships one search wrapper only (rdap_nameservers.json); the other search responses get the
// same shape here, their result arrays checked by ICANN's array schemas. There is no
// rdap_domains.json, so domainSearchResults is an array of rdap_domain.json.
const SEARCH_RESULTS: Readonly<Record<string, { member: string; items: AnySchema }>> = {
  'ip networks': { member: 'ipSearchResults', items: { $ref: 'rdap_ip_networks.json#' } },
  autnums: { member: 'autnumSearchResults', items: { $ref: 'rdap_autnums.json#' } },
  entities: { member: 'entitySearchResults', items: { $ref: 'rdap_entities.json#' } },
  domains: { member: 'domainSearchResults', items: { type: 'array', items: { $ref: 'rdap_domain.json#' } } },
};

function searchWrapper(member: string, items: AnySchema): AnySchema {
  return {
    type: 'object',
    properties: {
      [member]: items,
      rdapConformance: { $ref: 'rdap_common.json#/definitions/rdapConformance' },
      lang: { $ref: 'rdap_common.json#/definitions/lang' },
      notices: { $ref: 'rdap_notices.json#' },
      events: { $ref: 'rdap_events.json#' },
      remarks: { $ref: 'rdap_common.json#/definitions/remarks' },
    },
    required: [member],
    additionalProperties: false,
  };
}

// Members an RDAP extension adds, removed before validation only when the response declares the
// extension in its rdapConformance. `on` names the object class that may carry the member
// ('response' = the topmost object only). rdapConformance covers the whole response (RFC 9083
// §4.1), so a declared cidr0 also covers the ip networks nested in an entity.
const EXTENSION_MEMBERS: Readonly<Record<string, ReadonlyArray<{ member: string; on: 'response' | 'ip network' }>>> = {
  cidr0: [{ member: 'cidr0_cidrs', on: 'ip network' }], // NRO cidr0
  arin_originas0: [{ member: 'arin_originas0_originautnums', on: 'ip network' }],
  redacted: [{ member: 'redacted', on: 'response' }], // RFC 9537 §4
  paging: [{ member: 'paging_metadata', on: 'response' }], // RFC 8977 §2.2
  sorting: [{ member: 'sorting_metadata', on: 'response' }], // RFC 8977 §2.1
  subsetting: [{ member: 'subsetting_metadata', on: 'response' }], // RFC 8982
  reverse_search: [
    { member: 'reverse_search_properties', on: 'response' }, // RFC 9536, help response
    { member: 'reverse_search_properties_mapping', on: 'response' }, // RFC 9536, search responses
  ],
};

// Registered after the dataset snapshots (rdap-extensions.xml 2023-11-30, link-relations.xml
// 2023-09-18) by RFC 9910 (RIR search), which lacak implements.
const REGISTERED_SINCE_SNAPSHOT = {
  extensions: ['rirSearch1', 'ips', 'ipSearchResults', 'autnums', 'autnumSearchResults'],
  linkRelations: ['rdap-up', 'rdap-down', 'rdap-top', 'rdap-bottom', 'rdap-active'],
} as const;

// ---------------------------------------------------------------------------------------------
// Where the ICANN schemas are stricter than RFC 9083 and lacak follows the RFC. This is the whole
// list: anything else the schemas reject is a defect to fix in lacak, not an entry to add here.
// Each entry edits the (cloned) body before schema validation and reports what it checked.
// ---------------------------------------------------------------------------------------------
export const RFC_OVER_SCHEMA: ReadonlyArray<{
  readonly id: string;
  readonly rfc: string;
  readonly schemaSays: string;
  readonly apply: (ctx: PrepareContext) => void;
}> = [
  {
    id: 'lang-anywhere',
    rfc: 'RFC 9083 §4.4: "lang" may appear anywhere in an object class or data structure, except in jCard',
    schemaSays: 'rdap_ip_network.json, rdap_autnum.json, notices, links, events... forbid it (additionalProperties:false)',
    apply: (ctx) =>
      walkObjects(ctx.body, '', (obj, path) => {
        if (!('lang' in obj)) return;
        const lang = obj['lang'];
        if (typeof lang !== 'string' || !isLanguageTag(lang)) {
          ctx.errors.push(`${path}/lang must be a BCP 47 language tag (RFC 5646), got ${JSON.stringify(lang)}`);
        }
        delete obj['lang'];
      }),
  },
  {
    id: 'reverse-domain-network',
    rfc: 'RFC 9083 §5.3: a reverse DNS domain may carry "network", an ip network object (§5.4)',
    schemaSays: 'rdap_domain.json has no "network" member (additionalProperties:false)',
    apply: (ctx) =>
      walkObjects(ctx.body, '', (obj, path) => {
        if (obj['objectClassName'] !== 'domain' || !('network' in obj) || !isReverseDomain(obj)) return;
        ctx.validateAt('rdap_ip_network.json', obj['network'], `${path}/network`);
        delete obj['network'];
      }),
  },
];

// RFC 9083 MUSTs the schemas leave out (the ICANN tool tests them in code, outside its schemas).
// Kept as short and explicit as the list above.
export const RFC_BEYOND_SCHEMA: ReadonlyArray<{
  readonly id: string;
  readonly rfc: string;
  readonly apply: (ctx: PrepareContext) => void;
}> = [
  {
    id: 'link-value-rel-href',
    rfc: 'RFC 9083 §4.2: the "value", "rel", and "href" JSON values MUST be specified',
    apply: (ctx) =>
      walkObjects(ctx.body, '', (obj, path) => {
        const links = obj['links'];
        if (!Array.isArray(links)) return;
        links.forEach((link: unknown, i) => {
          if (typeof link !== 'object' || link === null || Array.isArray(link)) return;
          for (const member of ['value', 'rel', 'href']) {
            if (!(member in link)) ctx.errors.push(`${path}/links/${i} must have required property '${member}' (RFC 9083 §4.2)`);
          }
        });
      }),
  },
];

export interface PrepareContext {
  readonly body: Json;
  readonly errors: string[];
  /** Validates `value` against one schema file, reporting errors under `path`. */
  readonly validateAt: (schemaFile: string, value: unknown, path: string) => void;
}

/** Validates an RDAP response body with ICANN's schemas; throws when the shared data is absent. */
export function validateWithIcannSchemas(body: unknown, kind?: RdapKind): RdapValidation {
  if (!ICANN_SCHEMAS_PRESENT) throw new Error('ICANN\'s RDAP schemas are not available: LACAK_TEST_SHARED_DATA is not set');
  const invalid = notAnObject(body);
  if (invalid) return invalid;
  const kindToCheck = kind ?? inferKind(body as Json);
  const errors: string[] = [];
  const clone = structuredClone(body) as Json;

  if (OBJECT_CLASSES.has(kindToCheck) && clone['objectClassName'] !== kindToCheck) {
    // The lookup schemas do not require objectClassName, but RFC 9083 §4.7 does, and a caller
    // naming the kind expects exactly that object class.
    errors.push(`/objectClassName must be "${kindToCheck}", got ${JSON.stringify(clone['objectClassName'])}`);
  }

  const validateAt = (schemaFile: string, value: unknown, path: string): void => {
    const validate = schemaValidator(schemaFile);
    if (!validate(value)) errors.push(...formatErrors(validate.errors, path));
  };

  const declared = declaredExtensions(clone);
  // The lookup schemas take rdapConformance as any unique strings; the ICANN tool checks the
  // topmost one separately against rdap_conformance.json (rdap_level_0 present, every value an
  // IANA-registered extension identifier, RFC 9083 §4.1).
  if ('rdapConformance' in clone) validateAt('rdap_conformance.json', clone['rdapConformance'], '/rdapConformance');

  stripDeclaredExtensionMembers(clone, declared);
  const ctx: PrepareContext = { body: clone, errors, validateAt };
  for (const check of RFC_BEYOND_SCHEMA) check.apply(ctx);
  for (const exception of RFC_OVER_SCHEMA) exception.apply(ctx);

  const validate = validatorFor(kindToCheck);
  if (!validate(clone)) errors.push(...formatErrors(validate.errors, ''));

  const unique = [...new Set(errors)];
  return { valid: unique.length === 0, errors: unique };
}

function declaredExtensions(body: Json): Set<string> {
  const conformance = body['rdapConformance'];
  return new Set(Array.isArray(conformance) ? conformance.filter((v): v is string => typeof v === 'string') : []);
}

function stripDeclaredExtensionMembers(body: Json, declared: Set<string>): void {
  const members = [...declared].flatMap((ext) => EXTENSION_MEMBERS[ext] ?? []);
  for (const { member, on } of members) {
    if (on === 'response') delete body[member];
  }
  walkObjects(body, '', (obj) => {
    for (const { member, on } of members) {
      if (on !== 'response' && obj['objectClassName'] === on) delete obj[member];
    }
  });
}

/** Visits every object in the body except inside jCards, whose "lang" is a vCard parameter. */
function walkObjects(value: unknown, path: string, visit: (obj: Json, path: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walkObjects(item, `${path}/${i}`, visit));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const obj = value as Json;
  visit(obj, path);
  for (const [key, child] of Object.entries(obj)) {
    if (key !== 'vcardArray') walkObjects(child, `${path}/${key}`, visit);
  }
}

function isReverseDomain(domain: Json): boolean {
  const name = domain['ldhName'] ?? domain['unicodeName'];
  return typeof name === 'string' && /\.(in-addr|ip6)\.arpa\.?$/i.test(name);
}

function formatErrors(errors: ErrorObject[] | null | undefined, prefix: string): string[] {
  return (errors ?? []).map((e) => {
    const path = `${prefix}${e.instancePath}` || '/';
    const parent = e.parentSchema as Record<string, unknown> | undefined;
    const code = typeof parent?.['errorCode'] === 'number' ? ` [ICANN ${parent['errorCode']}]` : '';
    return `${path} ${e.message ?? e.keyword}${detailOf(e)}${gotOf(e)}${code}`;
  });
}

/** The member, constant or choice an error is about. */
function detailOf(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return ` (${String(params['additionalProperty'])})`;
  if (e.keyword === 'const') return ` (${JSON.stringify(params['allowedValue'])})`;
  // A registry of thirty values says nothing a reader can use; the value that failed does.
  if (e.keyword === 'enum') {
    const allowed = params['allowedValues'] as unknown[];
    return allowed.length <= 5 ? ` (${JSON.stringify(allowed)})` : '';
  }
  return '';
}

/** The failing value, for the keywords whose message does not show it. */
function gotOf(e: ErrorObject, more: readonly string[] = []): string {
  return ['format', 'const', 'enum', 'type', 'pattern', ...more].includes(e.keyword) ? `, got ${short(e.data)}` : '';
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// ---------------------------------------------------------------------------------------------
// Compilation: one ajv instance per test worker, every schema compiled at most once.
// ---------------------------------------------------------------------------------------------

type AjvInstance = InstanceType<typeof Ajv>;
let instance: AjvInstance | undefined;
const validators = new Map<RdapKind, ValidateFunction>();

function ajvInstance(): AjvInstance {
  return (instance ??= buildAjv());
}

/** ajv compiles a schema added with addSchema on first use and keeps it. */
function schemaValidator(file: string): ValidateFunction {
  const validate = ajvInstance().getSchema(file);
  if (!validate) throw new Error(`no ICANN schema named ${file} in ${SCHEMA_DIR}`);
  return validate;
}

function validatorFor(kind: RdapKind): ValidateFunction {
  let validate = validators.get(kind);
  if (!validate) {
    const search = SEARCH_RESULTS[kind];
    const file = SCHEMA_FILE[kind];
    if (search) validate = ajvInstance().compile(searchWrapper(search.member, search.items));
    else if (file) validate = schemaValidator(file);
    else throw new Error(`unknown RDAP kind ${JSON.stringify(kind)}`);
    validators.set(kind, validate);
  }
  return validate;
}

function buildAjv(): AjvInstance {
  // strict:false — the schemas carry ICANN's own keywords (errorCode, validationName, ...);
  // unicodeRegExp:false — one jCard pattern is not valid under the `u` flag;
  // verbose — keeps parentSchema on each error so its ICANN errorCode can be reported.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false, verbose: true });
  addFormats(ajv);
  for (const [name, check] of Object.entries(customFormats())) ajv.addFormat(name, check);
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as Json;
    stripNestedIds(schema, true);
    ajv.addSchema(schema, file);
  }
  return ajv;
}

/** jcard.json declares `$id: "vcardArray"` inside its definitions, which re-bases its $refs. */
function stripNestedIds(node: unknown, isRoot: boolean): void {
  if (Array.isArray(node)) {
    for (const item of node) stripNestedIds(item, false);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const obj = node as Json;
  if (!isRoot) delete obj['$id'];
  for (const child of Object.values(obj)) stripNestedIds(child, false);
}

// ---------------------------------------------------------------------------------------------
// Custom formats named by the schemas (grep '"format"' json-schema/*.json). date, date-time,
// time, email and uri come from ajv-formats.
// ---------------------------------------------------------------------------------------------

function customFormats(): Record<string, (value: string) => boolean> {
  const values = rdapJsonValues();
  const inRegistry = (type: string) => {
    const registered = values.get(type);
    if (!registered || registered.size === 0) throw new Error(`rdap-json-values.xml has no values of type "${type}"`);
    return (value: string) => registered.has(value);
  };
  const extensions = new Set([...registryValues('rdap-extensions.xml'), ...REGISTERED_SINCE_SNAPSHOT.extensions]);
  const relations = new Set([...registryValues('link-relations.xml'), ...REGISTERED_SINCE_SNAPSHOT.linkRelations]);
  return {
    role: inRegistry('role'),
    status: inRegistry('status'),
    eventAction: inRegistry('event action'),
    noticeAndRemark: inRegistry('notice and remark type'),
    variantRelation: inRegistry('domain variant relation'),
    // RFC 9083 §4.1: rdap_level_0 is defined by RFC 9083 itself, not in the extensions registry.
    rdapExtensions: (value) => value === 'rdap_level_0' || extensions.has(value),
    // A rel is a space-separated list of relation types (RFC 8288 §3.3; RFC 9910 uses
    // "rdap-top rdap-active"); relation types compare case-insensitively.
    linkRelations: (value) => {
      const types = value.trim().split(/\s+/);
      return value.trim() !== '' && types.every((t) => relations.has(t.toLowerCase()));
    },
    'ipv4-validation': (value) => isIPv4(value),
    'ipv6-validation': (value) => isIPv6(value),
    'idn-hostname': isDomainName,
    'hostname-in-uri': isHostOfUriValid,
    'idn-email': isIdnEmail,
    mediaTypes: isMediaType,
    image: isImageUri,
  };
}

/** Registry values by <type>, from rdap-json-values.xml. */
function rdapJsonValues(): Map<string, Set<string>> {
  const byType = new Map<string, Set<string>>();
  for (const record of records('rdap-json-values.xml')) {
    const value = element(record, 'value');
    const type = element(record, 'type');
    if (value === undefined || type === undefined) continue;
    let set = byType.get(type);
    if (!set) byType.set(type, (set = new Set()));
    set.add(value);
  }
  return byType;
}

function registryValues(file: string): string[] {
  return records(file)
    .map((r) => element(r, 'value'))
    .filter((v): v is string => v !== undefined);
}

function records(file: string): string[] {
  const xml = readFileSync(join(DATASET_DIR, file), 'utf8');
  return [...xml.matchAll(/<record\b[^>]*>([\s\S]*?)<\/record>/g)].map((m) => m[1] ?? '');
}

function element(record: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(record);
  // Long registry values wrap across lines in the XML.
  return match?.[1] === undefined ? undefined : decodeXml(match[1].replace(/\s+/g, ' ').trim());
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] ?? _);
}

/**
 * A host name, possibly internationalised, of at least two labels (the ICANN domain-name
 * validation counts "lessThanTwoLabels" as an error). IP literals are rejected: port43 is
 * oneOf(ip, idn-hostname), and a dotted quad is also a syntactically valid LDH name.
 */
function isDomainName(value: string): boolean {
  if (value === '' || isIP(value) !== 0) return false;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const labels = name.split('.');
  // RFC 1123 §2.1: the top-level label is never all-numeric, which is how a host name is told
  // apart from a dotted IPv4 address (also rejects out-of-range quads like 999.1.1.1).
  if (labels.length < 2 || /^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return false;
  const ascii = domainToASCII(name);
  if (ascii === '' || isIP(ascii) !== 0 || ascii.length > 253) return false;
  const asciiLabels = ascii.split('.');
  return (
    asciiLabels.length === labels.length &&
    asciiLabels.every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(l))
  );
}

/** The host of an http(s) URI passes domain-name, IPv4 or IPv6 validation. */
function isHostOfUriValid(value: string): boolean {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/.exec(value);
  const host = match?.[1];
  if (host === undefined || host === '') return false;
  if (host.startsWith('[')) return isIPv6(host.slice(1, -1));
  return isIPv4(host) || isDomainName(host);
}

/** RFC 6531 address: a local part and an (internationalised) domain. */
function isIdnEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  return !/[\s@<>()[\]\\,;:"]/.test(local) && local.length <= 64 && isDomainName(value.slice(at + 1));
}

// The IANA media-types registry is not among the datasets: check RFC 6838 §4.2 syntax under a
// registered top-level type, with optional parameters (RFC 8288 "type" is a media type).
const MEDIA_TYPE =
  /^(?:application|audio|example|font|haptics|image|message|model|multipart|text|video)\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[^"]*"))*$/i;

function isMediaType(value: string): boolean {
  return MEDIA_TYPE.test(value);
}

/** jCard PHOTO/LOGO: an image data: URI or a URL the image can be fetched from. */
function isImageUri(value: string): boolean {
  if (/^data:image\/[A-Za-z0-9.+-]+(?:;[^,]*)?,/i.test(value)) return true;
  return /^https?:\/\//i.test(value) && isHostOfUriValid(value);
}

// RFC 5646 §2.1 well-formed language tags, plus the irregular grandfathered tags.
const LANGUAGE_TAG = new RegExp(
  '^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})' + // language, extlangs
    '(?:-[A-Za-z]{4})?' + // script
    '(?:-(?:[A-Za-z]{2}|[0-9]{3}))?' + // region
    '(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*' + // variants
    '(?:-[0-9A-WYZa-wyz](?:-[A-Za-z0-9]{2,8})+)*' + // extensions
    '(?:-x(?:-[A-Za-z0-9]{1,8})+)?' + // private use
    '|x(?:-[A-Za-z0-9]{1,8})+' +
    '|en-GB-oed|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)|sgn-(?:BE-FR|BE-NL|CH-DE))$',
  'i',
);

function isLanguageTag(value: string): boolean {
  return LANGUAGE_TAG.test(value);
}
