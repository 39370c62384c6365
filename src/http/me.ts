// GET /me: a member key's self-service view (its organisation, what it holds, what looks
// wrong). The report is computed by the query service; this only shapes it as JSON.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StoredObject } from '../model/types.js';
import { formatRange } from '../net/prefix.js';
import { viewObject, type Caller } from '../policy/access.js';
import { memberReport } from '../query/member-report.js';
import { bearerChallenge } from './access-hooks.js';
import type { LookupService } from '../query/service.js';

export interface MemberRouteDeps {
  readonly service: LookupService;
  readonly refuse: (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => FastifyReply;
}

function summary(o: StoredObject): Record<string, unknown> {
  const first = (name: string) => o.attributes.find(([n]) => n === name)?.[1] ?? null;
  return {
    handle: o.key,
    class: o.className,
    source: o.source,
    ...(o.range ? { range: formatRange(o.range) } : {}),
    ...(o.asns ? { asns: [o.asns.first, o.asns.last] } : {}),
    name: first('netname') ?? first('as-name'),
    status: first('status'),
    org: first('org'),
  };
}

function attributes(caller: Caller, o: StoredObject): [string, string][] {
  return viewObject(caller, o).attributes.map(([n, v]) => [n, v]);
}

export function registerMemberRoutes(app: FastifyInstance, deps: MemberRouteDeps): void {
  app.get('/me', async (request, reply) => {
    const caller = request.caller;
    if (caller.role !== 'member' || !caller.org) {
      if (caller.role === 'anonymous') reply.header('www-authenticate', bearerChallenge());
      return deps.refuse(request, reply, caller.role === 'anonymous' ? 401 : 403, 'GET /me answers member keys that name their organisation (lacak keys add --role member --org ORG-...)');
    }
    const report = memberReport(deps.service, caller.org);
    return reply.header('content-type', 'application/json; charset=utf-8').send({
      organisation: report.organisation ? { handle: report.organisation.key, attributes: attributes(caller, report.organisation) } : null,
      maintainers: report.maintainers,
      resources: report.resources.map((r) => ({ ...summary(r.object), customers: r.inside.map(summary) })),
      findings: report.findings,
      truncated: report.truncated,
    });
  });
}
