// History in the shape of APNIC's history service (`history_version_0`): a `records` array
// of {applicableFrom, applicableUntil, content}. For an address, the chain of holders over
// time (one record per holder version, not every overlapping record); for an AS number or
// an entity, every version of the object. person/role history follows DESIGN §5.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StoredObject } from '../model/types.js';
import { mayListVersions } from '../policy/access.js';
import type { HistoryRecord } from '../query/service.js';
import type { AsOf, IpAnswer } from '../query/types.js';
import { ResponseBuilder, renderAutnum, renderEntity, renderIpAnswer } from './render.js';
import { rdapContext, sendRdap, sendRdapError, type RdapDeps } from './routes.js';
import { formatInstant } from '../query/time.js';
import { ANSWER_TEXT } from '../i18n/answer-texts.js';
import { pickLang } from './messages.js';

type Json = Record<string, unknown>;


/** Each record rendered as it stood when it began: its contacts resolved at that instant. */
function records<T>(deps: RdapDeps, request: FastifyRequest, b: ResponseBuilder, list: readonly HistoryRecord<T>[], render: (b: ResponseBuilder, value: T) => Json): Json[] {
  return list.map((r, i) => {
    b.base = `$.records[${i}].content`;
    const then = b.resolvingWith(rdapContext(deps, request, r.from).resolve);
    return { applicableFrom: formatInstant(r.from), applicableUntil: r.until === null ? null : formatInstant(r.until), content: render(then, r.value) };
  });
}

export function registerHistoryRoutes(app: FastifyInstance, deps: RdapDeps): void {
  const { service } = deps;
  const answer = (b: ResponseBuilder, recordList: Json[], asOf: AsOf) => {
    b.use('history_version_0');
    return b.finish({ records: recordList }, asOf);
  };

  // An address, or a prefix in APNIC's form (`/history/ip/198.51.100.64/28`).
  app.get('/history/ip/*', async (request, reply) => {
    const address = (request.params as { '*': string })['*'];
    const outcome = service.addressHistory(decodeURIComponent(address));
    if (outcome.kind === 'userError') return sendRdapError(deps, request, reply, 400, [ANSWER_TEXT[pickLang(request.headers['accept-language'])].problem(outcome.problem)]);
    if (outcome.kind === 'notFound') return sendRdapError(deps, request, reply, 404, ['Nobody in this registry has held this address.']);
    const b = new ResponseBuilder(rdapContext(deps, request, null));
    const render = (then: ResponseBuilder, value: IpAnswer) => renderIpAnswer(then, value, service);
    return sendRdap(reply, 200, answer(b, records(deps, request, b, outcome.value.records, render), outcome.value.asOf));
  });

  app.get('/history/autnum/:asn', async (request, reply) => {
    const { asn } = request.params as { asn: string };
    if (!/^\d{1,10}$/.test(asn)) return sendRdapError(deps, request, reply, 400, [`not an AS number: "${asn}"`]);
    const now = service.lookupAutnum(asn);
    if (now.kind === 'userError') return sendRdapError(deps, request, reply, 400, [now.message]);
    if (now.kind === 'notFound') return sendRdapError(deps, request, reply, 404, ['No aut-num or as-block of this registry holds this AS number.']);
    return objectHistory(request, reply, now.value.objects[0]!, now.value.asOf, (b, o) => renderAutnum(b, o));
  });

  app.get('/history/entity/:handle', async (request, reply) => {
    const { handle } = request.params as { handle: string };
    const now = service.lookupHandle(handle);
    if (now.kind === 'userError') return sendRdapError(deps, request, reply, 400, [now.message]);
    if (now.kind === 'notFound') return sendRdapError(deps, request, reply, 404, ['No entity has this handle.']);
    const object = now.value.objects[0]!;
    if (!mayListVersions(request.caller, object)) {
      return sendRdapError(deps, request, reply, 403, [`The history of ${object.className} objects holds personal data; it is shown only to callers entitled to it (DESIGN §5).`]);
    }
    return objectHistory(request, reply, object, now.value.asOf, (b, o) => renderEntity(b, o, [], b.base));
  });

  function objectHistory(request: FastifyRequest, reply: FastifyReply, object: StoredObject, asOf: AsOf, render: (b: ResponseBuilder, o: StoredObject) => Json) {
    const b = new ResponseBuilder(rdapContext(deps, request, null));
    return sendRdap(reply, 200, answer(b, records(deps, request, b, service.objectHistory(object), render), asOf));
  }
}
