// Query-string values as the routes read them: the first of a repeated parameter, and the
// "as of" (`?at=`, `?tz=`) every lookup takes.
import type { FastifyRequest } from 'fastify';
import type { When } from '../query/service.js';

/** The value of a parameter, or its first value when it came more than once. */
export function firstString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** `?at=` and `?tz=` of a request. */
export function whenOf(request: FastifyRequest): When {
  const q = request.query as Record<string, unknown>;
  return { at: firstString(q.at), tz: firstString(q.tz) };
}
