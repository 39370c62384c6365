// Caches and answers that depend on who asks (DESIGN §5). What an HTTP answer holds depends
// on the caller's key and case reference, so every answer says so (Vary), and no cache may
// keep an answer given to a key (Cache-Control: private, no-store): a shared cache or a
// browser's disk must not hand one caller's personal data to the next, nor keep it at all.
//
// "Given to a key" is decided on the request, not on what the answer turned out to hold:
// every request that carries Authorization or X-Case-Reference (valid or not, whatever the
// route), and every answer that disclosed personal data (request.disclosed). Deciding on the
// request alone is simple to check and cannot miss an answer whose personal data a route
// forgot to report; anonymous answers, which never carry personal data, stay cacheable.
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The request headers an answer depends on, besides the URL. */
const CALLER_HEADERS = ['Authorization', 'X-Case-Reference'] as const;

export function isPrivateAnswer(request: FastifyRequest): boolean {
  return request.headers.authorization !== undefined || request.headers['x-case-reference'] !== undefined || (request.disclosed?.size ?? 0) > 0;
}

/** `Vary` with the caller headers added to what a route already set (the page's Accept-Language). */
export function varyWithCaller(current: unknown): string {
  const names = String(current ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.includes('*')) return '*';
  for (const header of CALLER_HEADERS) if (!names.some((n) => n.toLowerCase() === header.toLowerCase())) names.push(header);
  return names.join(', ');
}

/**
 * An onSend hook of its own (the audit's onSend hook is another's): it runs for every answer,
 * refusals and errors included, after the route has set its own headers.
 */
export function registerPrivateAnswers(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('vary', varyWithCaller(reply.getHeader('vary')));
    if (isPrivateAnswer(request)) reply.header('cache-control', 'private, no-store');
    return payload;
  });
}
