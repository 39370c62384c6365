// RDAP search routes: the question as plain data, answered by the heavy runner (a worker
// thread in the server: a search sorted over thousands of objects must not hold the event
// loop), then sent.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HeavyRunner } from '../offload/runner.js';
import { rdapContextData, sendRdap, type RdapDeps } from './routes.js';
import type { SearchRoute } from './searches.js';

export { PAGE_SIZE } from './searches.js';

/** Query and path parameters as the search reads them: the first value of each, strings only. */
function firstValues(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries((values ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string') out[name] = v;
    else if (Array.isArray(v) && typeof v[0] === 'string') out[name] = v[0];
  }
  return out;
}

export function registerRdapSearchRoutes(app: FastifyInstance, deps: RdapDeps & { readonly heavy: HeavyRunner }): void {
  const search = (route: SearchRoute, params: (request: FastifyRequest) => Record<string, string> = () => ({})) => async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await deps.heavy.run({
      kind: 'rdap-search',
      question: { route, params: params(request), query: firstValues(request.query), url: request.url, context: rdapContextData(deps.config, request) },
    });
    if (result.kind !== 'rdap-search') throw new Error('a search answered as something else');
    for (const handle of result.disclosed) request.disclosed?.add(handle);
    request.rowsRead += result.rows;
    return sendRdap(reply, result.status, result.json);
  };
  const path = (request: FastifyRequest) => {
    const p = request.params as { relation?: string; target?: string; '*'?: string };
    return { relation: p.relation ?? '', target: p.target ?? p['*'] ?? '' };
  };
  app.get('/entities', search('entities'));
  app.get('/domains', search('domains'));
  app.get('/ips', search('ips'));
  app.get('/autnums', search('autnums'));
  app.get('/ips/rirSearch1/:relation/*', search('ips-relation', path));
  app.get('/autnums/rirSearch1/:relation/:target', search('autnums-relation', path));
  app.get('/ips/reverse_search/entity', search('ips-reverse'));
}
