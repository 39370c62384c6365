// RIPE's WHOIS error numbers (DESIGN §4), their fixed texts, and the lines they print as:
// `%ERROR:nnn: text`, then `%`-lines that say why in the query's own words.

export const WHOIS_ERR = {
  INTERNAL: 100,
  NO_ENTRIES: 101,
  UNKNOWN_SOURCE: 102,
  UNKNOWN_OBJECT_TYPE: 103,
  UNKNOWN_ATTRIBUTE: 104,
  NOT_SEARCHABLE: 105,
  NO_SEARCH_KEY: 106,
  LINE_TOO_LONG: 107,
  INVALID_COMBINATION: 109,
  MULTIPLE_USE: 110,
  INVALID_OPTION: 111,
  UNSUPPORTED_QUERY: 112,
  NO_QUERY_TYPE: 114,
  INVALID_SEARCH_KEY: 115,
  NO_PERSONAL_VERSIONS: 116,
  VERSION_OUT_OF_RANGE: 117,
  TOO_MANY_ARGUMENTS: 118,
  ACCESS_DENIED: 201,
  IDLE_TIMEOUT: 305,
  TOO_MANY_CONNECTIONS: 306,
  MORE_THAN_ONE_IP_FLAG: 901,
  USELESS_IP_FLAG: 902,
} as const;

export type WhoisErrorCode = (typeof WHOIS_ERR)[keyof typeof WHOIS_ERR];

const TEXT: Record<WhoisErrorCode, string> = {
  100: 'internal software error',
  101: 'no entries found',
  102: 'unknown source',
  103: 'unknown object type',
  104: 'unknown attribute',
  105: 'attribute is not searchable',
  106: 'no search key specified',
  107: 'input line too long',
  109: 'invalid combination of flags passed',
  110: 'multiple use of flag',
  111: 'invalid option supplied',
  112: 'unsupported query',
  114: 'search key matches no query type',
  115: 'invalid search key',
  116: 'version history is not shown for person and role objects',
  117: 'version out of range',
  118: 'too many arguments supplied',
  201: 'access denied',
  305: 'connection has been closed',
  306: 'too many connections',
  901: 'duplicate IP flags passed',
  902: 'useless IP flag passed',
};

export interface WhoisError {
  readonly code: WhoisErrorCode;
  /** What was wrong with this query, in plain words (one `%` line each). */
  readonly details: readonly string[];
}

export function whoisError(code: WhoisErrorCode, ...details: string[]): WhoisError {
  return { code, details };
}

/** The error's lines, without line ends: 902 is RIPE's one warning. */
export function errorLines(error: WhoisError): string[] {
  const kind = error.code === WHOIS_ERR.USELESS_IP_FLAG ? 'WARNING' : 'ERROR';
  const lines = [`%${kind}:${error.code}: ${TEXT[error.code]}`];
  if (error.details.length > 0) lines.push('%', ...error.details.map((d) => `% ${d}`));
  return lines;
}
