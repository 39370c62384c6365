// GET /me: a member key's self-service view (its organisation and members-list row, what it
// holds, its customers as the registry nests them, used and free space, routes, reverse zones,
// what looks wrong), as JSON or `?format=csv`, now or `?at=`. member-answer.ts makes the
// answer; here only who may ask, and the heavy runner that answers off the event loop.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { preferredLanguage } from '../i18n/accept-language.js';
import type { HeavyRunner } from '../offload/runner.js';
import { bearerChallenge } from './access-hooks.js';
import { firstString } from './query-params.js';

export interface MemberRouteDeps {
  readonly heavy: HeavyRunner;
  readonly refuse: (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => FastifyReply;
}

export function registerMemberRoutes(app: FastifyInstance, deps: MemberRouteDeps): void {
  app.get('/me', async (request, reply) => {
    const caller = request.caller;
    if (caller.role !== 'member' || !caller.org) {
      if (caller.role === 'anonymous') reply.header('www-authenticate', bearerChallenge());
      return deps.refuse(request, reply, caller.role === 'anonymous' ? 401 : 403, 'GET /me answers member keys that name their organisation (lacak keys add --role member --org ORG-...)');
    }
    const q = request.query as Record<string, unknown>;
    const result = await deps.heavy.run({
      kind: 'member-report',
      question: {
        caller: { ...caller, org: caller.org },
        query: { at: firstString(q.at), tz: firstString(q.tz), format: firstString(q.format) },
        lang: preferredLanguage(request.headers['accept-language'], 'en'),
      },
    });
    if (result.kind !== 'member-report') throw new Error('a member report answered as something else');
    request.rowsRead += result.rows;
    const answer = result.answer;
    if (answer.status !== 200) return deps.refuse(request, reply, answer.status, answer.message);
    reply.header('content-type', answer.contentType);
    if (answer.filename) reply.header('content-disposition', `attachment; filename="${answer.filename}"`);
    return reply.send(answer.body);
  });
}
