import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One root logger; components take `child({ component })`. Errors log as `{ err }`. Written
 * to stderr asynchronously (issue 15: a line per request must not cost a blocking write per
 * request); pino flushes what is pending when the process exits.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'lacak' } }, destination ?? pino.destination({ dest: 2, sync: false }));
}
