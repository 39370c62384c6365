import { pino, type Logger } from 'pino';

export type { Logger };

/** One root logger; components take `child({ component })`. Errors log as `{ err }`. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'lacak' } }, destination ?? pino.destination(2));
}
