// RpslObject → RegistryObject: canonical key, source, references, and the
// class-template checks of classes.ts. Defects are issues, never exceptions.
import { parseAsn, parseAsnRange, type AsnRange } from '../net/asn.js';
import { cidrToRange, formatCidr, formatRange, parsePrefix, parseRange, singlePrefix, type IpRange } from '../net/prefix.js';
import { stripComment, type DataIssue, type Reference, type RegistryObject, type RpslAttribute, type RpslObject } from '../model/types.js';
import { attributeSpecsOf, classSpec, primaryKeyOf, type ClassSpec } from './classes.js';

export const RPSL_MODEL_ISSUE = {
  UNKNOWN_CLASS: 'RPSL_UNKNOWN_CLASS',
  UNKNOWN_ATTRIBUTE: 'RPSL_UNKNOWN_ATTRIBUTE',
  MISSING_ATTRIBUTE: 'RPSL_MISSING_ATTRIBUTE',
  DUPLICATE_ATTRIBUTE: 'RPSL_DUPLICATE_ATTRIBUTE',
  BAD_KEY: 'RPSL_BAD_KEY',
  NO_SOURCE: 'RPSL_NO_SOURCE',
} as const;

export interface ToRegistryObjectOptions {
  /** Source for objects without `source:` (e.g. `--source IDNIC`). */
  readonly defaultSource?: string;
}

export interface ToRegistryObjectResult {
  /** Null when no key or source could be established; the issues say why. */
  readonly object: RegistryObject | null;
  readonly issues: DataIssue[];
}

interface KeyResult {
  readonly key: string;
  readonly range?: IpRange;
  readonly asns?: AsnRange;
}

type Report = (line: number, code: string, message: string, severity?: DataIssue['severity']) => void;

function firstAttribute(obj: RpslObject, name: string): RpslAttribute | undefined {
  return obj.attributes.find((a) => a.name === name);
}

/**
 * The class template's checks (unknown, repeated and missing attributes) and the references the
 * object makes, in one pass over its attributes: an import does this for every object of a dump.
 */
function checkAndCollect(obj: RpslObject, spec: ClassSpec, report: Report): Reference[] {
  const specs = attributeSpecsOf(spec);
  const seen = new Set<string>();
  let reportedUnknown: Set<string> | null = null;
  const references: Reference[] = [];
  let referenced: Set<string> | null = null;
  for (const a of obj.attributes) {
    const aSpec = specs.get(a.name) ?? specs.get(a.name.toLowerCase());
    if (!aSpec) {
      // Once per name: a dump with a local extension attribute would otherwise flood the report.
      reportedUnknown ??= new Set();
      if (!reportedUnknown.has(a.name)) {
        reportedUnknown.add(a.name);
        report(a.line, RPSL_MODEL_ISSUE.UNKNOWN_ATTRIBUTE, `attribute "${a.name}" is not part of the ${spec.className} template`, 'warning');
      }
      continue;
    }
    if (!aSpec.multiple && seen.has(a.name)) {
      report(a.line, RPSL_MODEL_ISSUE.DUPLICATE_ATTRIBUTE, `"${a.name}" may appear only once in ${spec.className}`);
    }
    seen.add(a.name);
    const targets = aSpec.refersTo;
    if (!targets) continue;
    const toAutNum = targets.length === 1 && targets[0] === 'aut-num';
    for (const token of referenceTokens(a.name, a.value)) {
      let target = token.toUpperCase();
      if (toAutNum) {
        const n = parseAsn(token);
        if (n === null) continue;
        target = `AS${n}`;
      }
      const id = `${a.name}\u0000${target}`;
      referenced ??= new Set();
      if (referenced.has(id)) continue;
      referenced.add(id);
      references.push({ attribute: a.name, target });
    }
  }
  for (const aSpec of spec.attributes) {
    // A missing source is RPSL_NO_SOURCE, and only when no default source applies.
    if (aSpec.mandatory && aSpec.name !== 'source' && !seen.has(aSpec.name)) {
      report(obj.line, RPSL_MODEL_ISSUE.MISSING_ATTRIBUTE, `${spec.className} lacks mandatory "${aSpec.name}"`);
    }
  }
  return references;
}

/** `attribute`: the object's first attribute of the class's primary key (primaryKeyOf). */
function canonicalKey(obj: RpslObject, spec: ClassSpec, attribute: RpslAttribute | undefined, report: Report): KeyResult | null {
  // Already reported as a missing mandatory attribute.
  if (!attribute) return null;
  const text = stripComment(attribute.value);
  const bad = (reason: string): null => {
    report(attribute.line, RPSL_MODEL_ISSUE.BAD_KEY, `bad ${spec.className} key: ${reason}`);
    return null;
  };
  switch (spec.keyKind) {
    case 'ipv4-range': {
      const parsed = parseRange(text);
      if (!parsed.ok) return bad(parsed.reason);
      if (parsed.range.family !== 4) return bad(`inetnum holds IPv4 only (use inet6num): "${text}"`);
      return { key: formatRange(parsed.range), range: parsed.range };
    }
    case 'ipv6-prefix': {
      const parsed = parseRange(text);
      if (!parsed.ok) return bad(parsed.reason);
      if (parsed.range.family !== 6) return bad(`inet6num holds IPv6 only (use inetnum): "${text}"`);
      if (singlePrefix(parsed.range) === null) return bad(`not a single prefix: "${text}"`);
      return { key: formatRange(parsed.range), range: parsed.range };
    }
    case 'asn': {
      const n = parseAsn(text);
      if (n === null) return bad(`not an AS number: "${text}"`);
      return { key: `AS${n}`, asns: { first: n, last: n } };
    }
    case 'asn-range': {
      const asns = parseAsnRange(text);
      if (!asns) return bad(`not an AS range: "${text}"`);
      return { key: `AS${asns.first} - AS${asns.last}`, asns };
    }
    case 'domain': {
      const name = text.toLowerCase().replace(/\.$/, '');
      if (name === '' || /\s/.test(name)) return bad(`not a domain name: "${text}"`);
      return { key: name };
    }
    case 'route':
    case 'route6': {
      const parsed = parsePrefix(text);
      if (!parsed.ok) return bad(parsed.reason);
      const family = spec.keyKind === 'route' ? 4 : 6;
      if (parsed.cidr.family !== family) return bad(`${spec.className} holds IPv${family} prefixes only: "${text}"`);
      const origin = firstAttribute(obj, 'origin');
      if (!origin) return null;
      const asn = parseAsn(stripComment(origin.value));
      if (asn === null) {
        report(origin.line, RPSL_MODEL_ISSUE.BAD_KEY, `bad ${spec.className} origin: "${stripComment(origin.value)}"`);
        return null;
      }
      return { key: `${formatCidr(parsed.cidr)}AS${asn}`, range: cidrToRange(parsed.cidr) };
    }
    case 'handle':
    case 'name': {
      if (text === '') return bad('empty');
      return { key: text.toUpperCase() };
    }
  }
}

/** `mnt-routes: MAINT-X {192.0.2.0/24^+}` and `mnt-routes: MAINT-X ANY` name only MAINT-X (RFC 2725 §9.3.2). */
function referenceTokens(attributeName: string, value: string): string[] {
  let text = stripComment(value);
  if (attributeName === 'mnt-routes') text = text.replace(/\{[^}]*\}?/g, ' ').replace(/\bANY\b/gi, ' ');
  return text.split(/[\s,]+/).filter((t) => t !== '');
}

/**
 * Interprets a parsed object. Error-severity issues mean the importer must reject
 * it; the object is still returned whenever a key and source exist, so `lacak check`
 * can describe it.
 */
export function toRegistryObject(obj: RpslObject, options: ToRegistryObjectOptions = {}): ToRegistryObjectResult {
  const issues: DataIssue[] = [];
  const report: Report = (line, code, message, severity = 'error') => {
    issues.push({ file: obj.file, line, code, message, severity });
  };

  const spec = classSpec(obj.className);
  const keyAttribute = spec ? firstAttribute(obj, primaryKeyOf(spec).name) : undefined;
  let keyed: KeyResult | null;
  let references: Reference[] = [];
  if (spec) {
    references = checkAndCollect(obj, spec, report);
    keyed = canonicalKey(obj, spec, keyAttribute, report);
  } else {
    report(obj.line, RPSL_MODEL_ISSUE.UNKNOWN_CLASS, `class "${obj.className}" is not modelled; kept as a plain object`, 'warning');
    const first = obj.attributes[0];
    const text = first ? stripComment(first.value) : '';
    if (text === '') {
      report(obj.line, RPSL_MODEL_ISSUE.BAD_KEY, `bad ${obj.className} key: empty`);
      keyed = null;
    } else {
      keyed = { key: text.toUpperCase() };
    }
  }

  const sourceAttribute = firstAttribute(obj, 'source');
  let source = sourceAttribute ? stripComment(sourceAttribute.value).toUpperCase() : '';
  if (source === '' && options.defaultSource) source = options.defaultSource.trim().toUpperCase();
  if (source === '') {
    report(sourceAttribute?.line ?? obj.line, RPSL_MODEL_ISSUE.NO_SOURCE, `${obj.className} has no source and no default source was given`);
  }

  if (!keyed || source === '') return { object: null, issues };
  const attributes: (readonly [string, string])[] = new Array(obj.attributes.length);
  for (let i = 0; i < attributes.length; i++) attributes[i] = [obj.attributes[i]!.name, obj.attributes[i]!.value];
  const object: { -readonly [K in keyof RegistryObject]: RegistryObject[K] } = {
    source,
    className: obj.className,
    key: keyed.key,
    attributes,
    references,
    file: obj.file,
    line: obj.line,
    keyLine: keyAttribute?.line || obj.line,
  };
  // Set only when there is one: an object without a range has no `range` at all.
  if (keyed.range) object.range = keyed.range;
  if (keyed.asns) object.asns = keyed.asns;
  return { object, issues };
}
