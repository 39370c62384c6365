// The RIPE query language, declared once: this table drives the parser, the help text and
// the checks for flags that cannot go together. Long names are RIPE's own.
import { WHOIS_ERR, type WhoisError, whoisError } from './errors.js';

export type FlagName =
  | 'r'
  | 'B'
  | 'b'
  | 'T'
  | 'x'
  | 'l'
  | 'L'
  | 'm'
  | 'M'
  | 'c'
  | 'i'
  | 's'
  | 'a'
  | 'G'
  | 'k'
  | 'q'
  | 't'
  | 'v'
  | 'F'
  | 'K'
  | 'V'
  | 'list-versions'
  | 'show-version'
  | 'at'
  | 'tz'
  | 'help';

export interface FlagSpec {
  readonly name: FlagName;
  /** One-letter form, used with a single dash (`-r`); absent for long-only flags. */
  readonly short?: string;
  readonly long: string;
  /** Name of the argument the flag takes, for help; absent: the flag takes none. */
  readonly argument?: string;
  /** RIPE's "IP flags": at most one of them per query (error 901). */
  readonly ipFlag?: boolean;
  /** Asks about the server, not about a key: no key and no other flag may come with it (109). */
  readonly alone?: boolean;
  /** Flags it cannot be combined with (109); the relation is symmetric, listed once. */
  readonly excludes?: readonly FlagName[];
  readonly help: string;
}

export const FLAGS: readonly FlagSpec[] = [
  { name: 'r', short: 'r', long: 'no-referenced', help: 'do not show the contact, organisation and IRT objects the answer refers to' },
  { name: 'B', short: 'B', long: 'no-filtering', help: 'show notification e-mails too, within what you may see' },
  { name: 'b', short: 'b', long: 'abuse-contact', excludes: ['F', 'K'], help: 'brief: only the abuse contact of the network' },
  { name: 'T', short: 'T', long: 'select-types', argument: 'TYPE[,TYPE...]', help: 'only objects of these types' },
  { name: 'x', short: 'x', long: 'exact', ipFlag: true, help: 'exact match of a range or prefix only' },
  { name: 'l', short: 'l', long: 'one-less', ipFlag: true, help: 'the network one level less specific' },
  { name: 'L', short: 'L', long: 'all-less', ipFlag: true, help: 'every less specific network, the match included' },
  { name: 'm', short: 'm', long: 'one-more', ipFlag: true, help: 'networks one level more specific' },
  { name: 'M', short: 'M', long: 'all-more', ipFlag: true, help: 'every more specific network' },
  { name: 'c', short: 'c', long: 'irt', ipFlag: true, help: 'the smallest covering network that has an IRT (mnt-irt)' },
  { name: 'i', short: 'i', long: 'inverse', argument: 'ATTRIBUTE[,ATTRIBUTE...]', excludes: ['x', 'l', 'L', 'm', 'M', 'c'], help: 'objects whose attribute refers to the key (inverse lookup)' },
  { name: 's', short: 's', long: 'sources', argument: 'SOURCE[,SOURCE...]', help: 'search only these sources' },
  { name: 'a', short: 'a', long: 'all-sources', excludes: ['s'], help: 'search every source' },
  { name: 'G', short: 'G', long: 'no-grouping', help: 'do not group objects under "% Information related to" lines' },
  { name: 'k', short: 'k', long: 'persistent-connection', help: 'keep the connection open for more queries; -k again closes it' },
  { name: 'q', short: 'q', long: 'query', argument: 'version|sources|types', alone: true, help: 'information about the server' },
  { name: 't', short: 't', long: 'template', argument: 'TYPE', alone: true, help: 'the template of an object type' },
  { name: 'v', short: 'v', long: 'verbose', argument: 'TYPE', alone: true, help: 'the template of an object type, explained' },
  { name: 'F', short: 'F', long: 'brief', excludes: ['K'], help: 'short attribute names (RIPE\'s fast raw output)' },
  { name: 'K', short: 'K', long: 'primary-keys', help: 'only the primary keys of the objects found' },
  { name: 'V', short: 'V', long: 'client', argument: 'CLIENT-TAG', help: 'name of your client (accepted and ignored)' },
  { name: 'list-versions', long: 'list-versions', excludes: ['show-version'], help: 'the versions of an object, one per snapshot it changed in' },
  { name: 'show-version', long: 'show-version', argument: 'N', help: 'version N of an object' },
  { name: 'at', long: 'at', argument: 'TIME', help: 'answer as the registry stood at TIME (RFC 3339, e.g. 2017-04-29T20:14:00+07:00)' },
  { name: 'tz', long: 'tz', argument: 'ZONE', help: 'time zone for a --at time written without one (e.g. Asia/Jakarta, or WIB, WITA, WIT)' },
  { name: 'help', long: 'help', alone: true, help: 'this help' },
];

const BY_SHORT = new Map(FLAGS.filter((f) => f.short).map((f) => [f.short!, f] as const));
const BY_LONG = new Map(FLAGS.map((f) => [f.long, f] as const));
const BY_NAME = new Map(FLAGS.map((f) => [f.name, f] as const));

export interface ParsedQuery {
  /** Flags given, with their argument ('' for flags that take none). */
  readonly flags: ReadonlyMap<FlagName, string>;
  /** The search key: everything that is not a flag, joined by single spaces ('' if none). */
  readonly key: string;
}

export type ParseResult = { readonly ok: true; readonly query: ParsedQuery } | { readonly ok: false; readonly error: WhoisError };

function flagText(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}` : `--${spec.long}`;
}

/**
 * One query line → flags and key, or the RIPE error that refuses it. Words are split on
 * blanks; `-rBG` bundles one-letter flags, and a flag that takes an argument reads the
 * rest of its bundle or the next word (`-Tinetnum`, `-T inetnum`).
 */
export function parseQuery(line: string): ParseResult {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  const flags = new Map<FlagName, string>();
  const keyWords: string[] = [];
  const add = (spec: FlagSpec, argument: string): WhoisError | null => {
    if (flags.has(spec.name)) return whoisError(WHOIS_ERR.MULTIPLE_USE, `The flag "${flagText(spec)}" cannot be used more than once.`);
    flags.set(spec.name, argument);
    return null;
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    // A lone "-" or a negative-looking key such as "-1" is not a flag bundle.
    if (word.startsWith('--') && word.length > 2) {
      const [name, inline] = splitOnce(word.slice(2), '=');
      const spec = BY_LONG.get(name);
      if (!spec) return { ok: false, error: whoisError(WHOIS_ERR.INVALID_OPTION, `"${word}" is not a known option. Send "help" for the list.`) };
      let argument = '';
      if (spec.argument) {
        argument = inline ?? words[++i] ?? '';
        if (argument === '') return { ok: false, error: whoisError(WHOIS_ERR.INVALID_OPTION, `"--${spec.long}" needs an argument: ${spec.argument}.`) };
      } else if (inline !== undefined) {
        return { ok: false, error: whoisError(WHOIS_ERR.INVALID_OPTION, `"--${spec.long}" takes no argument.`) };
      }
      const err = add(spec, argument);
      if (err) return { ok: false, error: err };
      continue;
    }
    if (word.startsWith('-') && word.length > 1 && !/^-\d/.test(word)) {
      for (let j = 1; j < word.length; j++) {
        const spec = BY_SHORT.get(word[j]!);
        if (!spec) return { ok: false, error: whoisError(WHOIS_ERR.INVALID_OPTION, `"-${word[j]}" is not a known option. Send "help" for the list.`) };
        let argument = '';
        if (spec.argument) {
          argument = word.slice(j + 1) || (words[++i] ?? '');
          if (argument === '') return { ok: false, error: whoisError(WHOIS_ERR.INVALID_OPTION, `"-${spec.short}" needs an argument: ${spec.argument}.`) };
          j = word.length;
        }
        const err = add(spec, argument);
        if (err) return { ok: false, error: err };
      }
      continue;
    }
    keyWords.push(word);
  }
  const key = keyWords.join(' ');
  const checked = checkCombination(flags, key);
  return checked ? { ok: false, error: checked } : { ok: true, query: { flags, key } };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function checkCombination(flags: ReadonlyMap<FlagName, string>, key: string): WhoisError | null {
  const ip = FLAGS.filter((f) => f.ipFlag && flags.has(f.name));
  if (ip.length > 1) {
    return whoisError(WHOIS_ERR.MORE_THAN_ONE_IP_FLAG, `More than one IP flag (${ip.map(flagText).join(', ')}) was given; use one of -x, -l, -L, -m, -M, -c.`);
  }
  for (const spec of FLAGS) {
    const clash = flags.has(spec.name) ? spec.excludes?.find((other) => flags.has(other)) : undefined;
    if (clash) {
      return whoisError(WHOIS_ERR.INVALID_COMBINATION, `The flags "${flagText(spec)}" and "${flagText(BY_NAME.get(clash)!)}" cannot be used together.`);
    }
  }
  const alone = [...flags.keys()].filter((f) => BY_NAME.get(f)!.alone);
  if (alone.length > 0) {
    const others = [...flags.keys()].filter((f) => f !== alone[0] && f !== 'k' && f !== 'V');
    if (others.length > 0 || key !== '') {
      const spec = BY_NAME.get(alone[0]!)!;
      return whoisError(WHOIS_ERR.INVALID_COMBINATION, `"${flagText(spec)}" takes no search key and no other flag.`);
    }
    return null;
  }
  // -k alone (start or end a persistent connection) and -V alone are complete queries.
  const needsKey = [...flags.keys()].some((f) => f !== 'k' && f !== 'V');
  if (key === '' && (needsKey || flags.size === 0)) return whoisError(WHOIS_ERR.NO_SEARCH_KEY, 'No search key was given.');
  return null;
}

/** The flag list for the help answer, from the same table the parser reads. */
export function flagHelp(): string[] {
  return FLAGS.map((f) => {
    const names = [f.short ? `-${f.short}` : null, `--${f.long}`].filter((x) => x !== null).join(', ');
    const usage = f.argument ? `${names} ${f.argument}` : names;
    return `${usage.padEnd(40)} ${f.help}`;
  });
}
