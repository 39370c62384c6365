// What each HTTP request costs its client (issue 13; the cost model is access/cost.ts): the
// registry rows its handler read, measured around the handler's synchronous part (queries
// are synchronous, so no other request's rows can mix in) plus what a worker thread reported.
import type { FastifyInstance } from 'fastify';
import { rowsReadSoFar } from '../store/rows.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Registry rows read to answer this request (charged against its client's budget). */
    rowsRead: number;
  }
}

/** Measures every route registered after it (register before the routes). */
export function registerCostMeter(app: FastifyInstance): void {
  app.decorateRequest('rowsRead', 0);
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function metered(request, reply) {
      const before = rowsReadSoFar();
      try {
        return handler.call(this, request, reply);
      } finally {
        request.rowsRead += rowsReadSoFar() - before;
      }
    };
  });
}
