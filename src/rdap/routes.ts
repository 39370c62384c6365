// RDAP lookups (RFC 9082) over the one query service; rendering in render.ts, texts in
// messages.ts. Routes only parse the path, ask the service and map its outcome to HTTP.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { StoredObject } from '../model/types.js';
import { ANONYMOUS } from '../policy/access.js';
import type { LookupService, When } from '../query/service.js';
import type { AsOf, Authority, NotFound, Outcome, SnapshotChange } from '../query/types.js';
import { userError } from '../query/problems.js';
import { ANSWER_TEXT, changeLines, type Found } from '../i18n/answer-texts.js';
import { reverseZoneRange } from '../net/reverse.js';
import { formatRange } from '../net/prefix.js';
import { lacakVersion } from '../version.js';
import { TEXT, TITLE, pickLang, type Lang } from './messages.js';
import { ResponseBuilder, contextFrom, renderAutnum, renderDomain, renderEntity, renderError, renderHelp, renderIpAnswer, type EntityCache, type RdapContext, type RdapContextData } from './render.js';
import type { CurrentIpAnswers } from './current-ip.js';
import { redirectUrl } from '../referral/bootstrap.js';
import { publicBaseUrl } from '../http/public-url.js';
import { whenOf } from '../http/query-params.js';

export const RDAP_CONTENT_TYPE = 'application/rdap+json';

export interface RdapDeps {
  readonly config: Config;
  readonly service: LookupService;
  readonly entities?: EntityCache;
  /** Current address answers, pre-encoded; absent: every answer is rendered afresh. */
  readonly currentIp?: CurrentIpAnswers;
}

function baseUrlOf(config: Config, request: FastifyRequest): string {
  return publicBaseUrl(config, { protocol: request.protocol, host: request.host });
}

export function sendRdap(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  // Fastify adds the charset to JSON it serialises; bytes already encoded are sent as given.
  const type = Buffer.isBuffer(body) ? `${RDAP_CONTENT_TYPE}; charset=utf-8` : RDAP_CONTENT_TYPE;
  return reply.code(status).header('content-type', type).header('access-control-allow-origin', '*').send(body);
}

/** The plain data of a request's answer context: base and answer URLs, language, caller. */
export function rdapContextData(config: Config, request: FastifyRequest): RdapContextData {
  const baseUrl = baseUrlOf(config, request);
  return {
    baseUrl,
    // The answer's own URL, under the public base (never the client's Host header).
    contextUrl: `${baseUrl}${request.url.replace(/^\/+/, '')}`,
    port43: config.port43,
    lang: pickLang(request.headers['accept-language']),
    caller: request.caller ?? ANONYMOUS,
    servedAt: Date.now(),
    version: lacakVersion(),
    registry: config.registry,
  };
}

export function rdapContext(deps: RdapDeps, request: FastifyRequest, at: number | null): RdapContext {
  return contextFrom(rdapContextData(deps.config, request), deps.service, at, request.disclosed ?? new Set(), deps.entities);
}

/** An RDAP error answer (RFC 9083 §6): the title in English, the description in the caller's language. */
export function sendRdapError(
  deps: RdapDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  description: readonly string[],
  notices: readonly Record<string, unknown>[] = [],
): FastifyReply {
  const b = new ResponseBuilder(rdapContext(deps, request, null));
  b.notices.push(...notices);
  return sendRdap(reply, status, renderError(b, status, TITLE.errors[status] ?? TITLE.errors[500]!, description));
}

/** The 301 to the registry that is authoritative, or null (no server known; it is this server). */
function authorityRedirect(deps: RdapDeps, request: FastifyRequest, authority: Authority, path: string): string | null {
  if (authority.kind !== 'other-registry') return null;
  return redirectUrl([authority.registry.rdap], path, baseUrlOf(deps.config, request));
}

function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(301).header('location', location).header('access-control-allow-origin', '*').header('content-type', RDAP_CONTENT_TYPE).send();
}

export function registerRdapRoutes(app: FastifyInstance, deps: RdapDeps): void {
  const { service } = deps;

  /**
   * Maps a service outcome to HTTP: ok → 200 with the rendered body, a user error → 400,
   * not found → 404 saying why, another registry's space → 301 (never for ?at queries).
   */
  function answer<T extends { readonly asOf: AsOf }>(
    request: FastifyRequest,
    reply: FastifyReply,
    outcome: Outcome<T>,
    render: (b: ResponseBuilder, value: T) => Record<string, unknown>,
    redirectPath?: string,
  ): FastifyReply {
    const when = whenOf(request);
    const lang = pickLang(request.headers['accept-language']);
    if (outcome.kind === 'userError') return sendRdapError(deps, request, reply, 400, [ANSWER_TEXT[lang].problem(outcome.problem)]);
    if (outcome.kind === 'notFound') {
      const { notFound } = outcome;
      if (notFound.kind === 'foreign' && !when.at && redirectPath) {
        const location = authorityRedirect(deps, request, notFound.authority, redirectPath);
        if (location) return redirect(reply, location);
      }
      const notices = outcome.change ? [changeNotice(lang, outcome.change, { kind: 'notFound', notFound }, outcome.asOf.instant, deps.config.registry)] : [];
      return sendRdapError(deps, request, reply, 404, [notFoundText(lang, notFound, deps.config.registry)], notices);
    }
    const { asOf } = outcome.value;
    // Contacts are resolved at the same instant as the resource they belong to.
    const b = new ResponseBuilder(rdapContext(deps, request, asOf.requested ? asOf.instant : null));
    return sendRdap(reply, 200, b.finish(render(b, outcome.value), asOf));
  }

  app.get('/ip/*', async (request, reply) => {
    const raw = (request.params as { '*': string })['*'];
    const when = whenOf(request);
    // Now, for a plain address: the answer pre-encoded for its chain of networks (issue 15).
    if (!when.at && deps.currentIp) {
      const body = deps.currentIp.body(request, raw);
      if (body) return sendRdap(reply, 200, body);
    }
    const isPrefix = /^[^[\]]+\/\d{1,3}$/.test(raw);
    const outcome = isPrefix ? service.lookupRange(raw, when) : service.lookupAddress(raw, when);
    const key = isPrefix ? raw : raw.replace(/^\[([^\]]+)\](:\d+)?$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
    // DESIGN §2: space only another account's delegated record covers is that registry's to
    // answer for, now; a past instant is answered here with what lacak knows.
    if (outcome.kind === 'ok' && !when.at && outcome.value.authority.kind === 'other-registry' && outcome.value.authority.via === 'delegated') {
      const location = authorityRedirect(deps, request, outcome.value.authority, `ip/${key}`);
      if (location) return redirect(reply, location);
    }
    return answer(request, reply, outcome, (b, value) => renderIpAnswer(b, value, service), `ip/${key}`);
  });

  app.get('/autnum/:asn', async (request, reply) => {
    const { asn } = request.params as { asn: string };
    // RFC 9082 §3.1.2: the path carries the plain number; "AS64496" is not a valid autnum path.
    const outcome = /^\d{1,10}$/.test(asn) ? service.lookupAutnum(asn, whenOf(request)) : userError({ code: 'bad-asn', input: asn });
    return answer(
      request,
      reply,
      outcome,
      (b, value) => renderAutnum(b, value.objects[0]!, service.abuseContact(value.objects, value.asOf.requested ? value.asOf.instant : null)?.contact ?? null),
      `autnum/${asn}`,
    );
  });

  app.get('/entity/:handle', async (request, reply) => {
    const { handle } = request.params as { handle: string };
    const outcome = service.lookupHandle(handle, whenOf(request));
    return answer(request, reply, outcome, (b, value) => renderEntity(b, value.objects[0]!, [], '$'));
  });

  app.get('/domain/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    const when = whenOf(request);
    const range = reverseZoneRange(name);
    if (!range) return answer(request, reply, userError({ code: 'not-reverse-zone', input: name }), () => ({}));
    const outcome = service.lookupKey(name, when, 'domain');
    if (outcome.kind === 'notFound' && !when.at) {
      // A zone of space another registry answers for is that registry's to delegate (DESIGN §2).
      const space = service.lookupRange(formatRange(range), when);
      const authority = space.kind === 'ok' ? space.value.authority : space.kind === 'notFound' && space.notFound.kind === 'foreign' ? space.notFound.authority : null;
      const location = authority && authorityRedirect(deps, request, authority, `domain/${name.toLowerCase().replace(/\.$/, '')}`);
      if (location) return redirect(reply, location);
    }
    return answer(request, reply, outcome, (b, value) => renderDomain(b, value.objects[0] as StoredObject));
  });

  app.get('/nameserver/*', async (request, reply) => sendRdapError(deps, request, reply, 501, [TEXT[pickLang(request.headers['accept-language'])].errors.nameserver]));

  app.get('/help', async (request, reply) => sendRdap(reply, 200, renderHelp(new ResponseBuilder(rdapContext(deps, request, null)), deps.config.rates)));
}

function notFoundText(lang: Lang, notFound: NotFound, registry: string): string {
  return notFound.kind === 'no-object' ? TEXT[lang].errors.noObject : ANSWER_TEXT[lang].notFound(notFound, registry);
}

/** The "Change between snapshots" notice (DESIGN §2), also on a 404 when the next snapshot holds the address. */
export function changeNotice(lang: Lang, change: SnapshotChange, then: Found, instant: number, registry: string): Record<string, unknown> {
  return { title: TITLE.change, description: changeLines(lang, change, then, instant, registry) };
}
