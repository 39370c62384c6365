// Errors the user caused (bad arguments, bad files, refused imports) carry a stable
// code and are reported as one line; anything else is a bug and is logged in full.
export const LACAK_ERR = {
  CONFIG: 'LACAK_ERR_CONFIG',
  DB_MISSING: 'LACAK_ERR_DB_MISSING',
  DB_UNWRITABLE: 'LACAK_ERR_DB_UNWRITABLE',
  FILE: 'LACAK_ERR_FILE',
  FORMAT: 'LACAK_ERR_FORMAT',
  SNAPSHOT_ORDER: 'LACAK_ERR_SNAPSHOT_ORDER',
  MASS_DELETE: 'LACAK_ERR_MASS_DELETE',
  STRICT: 'LACAK_ERR_STRICT',
  BAD_ARGUMENT: 'LACAK_ERR_BAD_ARGUMENT',
  BAD_QUERY: 'LACAK_ERR_BAD_QUERY',
  NO_DATA_AT_TIME: 'LACAK_ERR_NO_DATA_AT_TIME',
  NOTHING_IMPORTED: 'LACAK_ERR_NOTHING_IMPORTED',
  AUDIT_BROKEN: 'LACAK_ERR_AUDIT_BROKEN',
} as const;

export type LacakErrorCode = (typeof LACAK_ERR)[keyof typeof LACAK_ERR];

export class LacakError extends Error {
  readonly code: LacakErrorCode;
  constructor(code: LacakErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LacakError';
    this.code = code;
  }
}

export function isLacakError(err: unknown): err is LacakError {
  return err instanceof LacakError;
}
