// RDAP lookups (RFC 9082) over the one query service; rendering in render.ts, texts in
// messages.ts. Routes only parse the path, ask the service and map its outcome to HTTP.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { StoredObject } from '../model/types.js';
import { parseIp } from '../net/ip.js';
import { ANONYMOUS } from '../policy/access.js';
import type { LookupService, When } from '../query/service.js';
import type { AsOf, NotFound, Outcome } from '../query/types.js';
import { lacakVersion } from '../version.js';
import { TEXT, pickLang, type Lang } from './messages.js';
import { ResponseBuilder, renderAutnum, renderDomain, renderEntity, renderError, renderHelp, renderIpNetwork, type EntityCache, type RdapContext } from './render.js';
import type { Bootstrap } from '../referral/bootstrap.js';
import { redirectUrl } from '../referral/bootstrap.js';
import { parseAsn } from '../net/asn.js';

export const RDAP_CONTENT_TYPE = 'application/rdap+json';

export interface RdapDeps {
  readonly config: Config;
  readonly service: LookupService;
  readonly bootstrap?: Bootstrap;
  readonly entities?: EntityCache;
}

type Query = Record<string, unknown>;

function firstString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

function whenOf(request: FastifyRequest): When {
  const q = request.query as Query;
  return { at: firstString(q.at), tz: firstString(q.tz) };
}

function baseUrlOf(config: Config, request: FastifyRequest): string {
  if (config.baseUrl) return config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`;
  return `${request.protocol}://${request.host}/`;
}

export function sendRdap(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', RDAP_CONTENT_TYPE).header('access-control-allow-origin', '*').send(body);
}

export function rdapContext(deps: RdapDeps, request: FastifyRequest, at: number | null): RdapContext {
  const lang: Lang = pickLang(request.headers['accept-language']);
  return {
    baseUrl: baseUrlOf(deps.config, request),
    port43: deps.config.port43,
    lang,
    caller: request.caller ?? ANONYMOUS,
    servedAt: Date.now(),
    version: lacakVersion(),
    registry: deps.config.registry,
    resolve: (handle, classes) => deps.service.resolveHandle(handle, classes, at),
    entities: deps.entities,
    onDisclose: (handle) => request.disclosed?.add(handle),
    importFiles: (id) => deps.service.importRecord(id)?.files ?? [],
  };
}

/** An RDAP error answer (RFC 9083 §6) in the caller's language. */
export function sendRdapError(deps: RdapDeps, request: FastifyRequest, reply: FastifyReply, status: number, description: readonly string[]): FastifyReply {
  const b = new ResponseBuilder(rdapContext(deps, request, null));
  const e = b.t.errors;
  const t = b.t;
  const title =
    status === 400 ? e.badRequest : status === 401 ? t.authTitle : status === 403 ? t.forbiddenTitle : status === 404 ? e.notFound : status === 413 ? t.tooLargeTitle : status === 415 ? t.unsupportedTypeTitle : status === 429 ? t.tooManyTitle : status === 501 ? e.notImplemented : e.internal;
  return sendRdap(reply, status, renderError(b, status, title, description));
}

function notFoundText(lang: Lang, notFound: NotFound): string {
  const e = TEXT[lang].errors;
  switch (notFound.kind) {
    case 'special':
      return e.special(notFound.block.name, notFound.block.prefix, notFound.block.rfc);
    case 'not-assigned':
      return e.notAssigned(notFound.registry);
    case 'foreign':
      return e.foreign;
    case 'no-object':
      return e.noObject;
  }
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
    redirectPath?: () => string | null,
  ): FastifyReply {
    const when = whenOf(request);
    if (outcome.kind === 'userError') return sendRdapError(deps, request, reply, 400, [outcome.message]);
    if (outcome.kind === 'notFound') {
      if (outcome.notFound.kind === 'foreign' && !when.at && redirectPath) {
        const path = redirectPath();
        if (path) return reply.code(301).header('location', path).header('access-control-allow-origin', '*').header('content-type', RDAP_CONTENT_TYPE).send();
      }
      const lang = pickLang(request.headers['accept-language']);
      return sendRdapError(deps, request, reply, 404, [notFoundText(lang, outcome.notFound)]);
    }
    const { asOf } = outcome.value;
    // Contacts are resolved at the same instant as the resource they belong to.
    const b = new ResponseBuilder(rdapContext(deps, request, asOf.requested ? asOf.instant : null));
    return sendRdap(reply, 200, b.finish(render(b, outcome.value), asOf));
  }

  const bootstrapRedirect = (request: FastifyRequest, kind: 'ip' | 'autnum', key: string) => (): string | null => {
    if (!deps.bootstrap) return null;
    const path = `${kind}/${key}`;
    let bases: string[] | null = null;
    if (kind === 'ip') {
      const address = parseIp(key.split('/')[0]!.replace(/^\[|\]$/g, ''));
      bases = address ? deps.bootstrap.serviceForAddress(address) : null;
    } else {
      const asn = parseAsn(key);
      bases = asn === null ? null : deps.bootstrap.serviceForAsn(asn);
    }
    return bases ? redirectUrl(bases, path, baseUrlOf(deps.config, request)) : null;
  };

  app.get('/ip/*', async (request, reply) => {
    const raw = (request.params as { '*': string })['*'];
    const when = whenOf(request);
    const isPrefix = /^[^[\]]+\/\d{1,3}$/.test(raw);
    const outcome = isPrefix ? service.lookupRange(raw, when) : service.lookupAddress(raw, when);
    const key = isPrefix ? raw : raw.replace(/^\[([^\]]+)\](:\d+)?$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
    return answer(request, reply, outcome, (b, value) => renderIpNetwork(b, value), bootstrapRedirect(request, 'ip', key));
  });

  app.get('/autnum/:asn', async (request, reply) => {
    const { asn } = request.params as { asn: string };
    // RFC 9082 §3.1.2: the path carries the plain number; "AS64496" is not a valid autnum path.
    const outcome = /^\d{1,10}$/.test(asn)
      ? service.lookupAutnum(asn, whenOf(request))
      : ({ kind: 'userError', code: 'bad-asn', message: `not an AS number: "${asn}"` } as const);
    return answer(
      request,
      reply,
      outcome,
      (b, value) => renderAutnum(b, value.objects[0]!, service.abuseContact(value.objects, value.asOf.requested ? value.asOf.instant : null)?.contact ?? null),
      bootstrapRedirect(request, 'autnum', asn),
    );
  });

  app.get('/entity/:handle', async (request, reply) => {
    const { handle } = request.params as { handle: string };
    const outcome = service.lookupHandle(handle, whenOf(request));
    return answer(request, reply, outcome, (b, value) => renderEntity(b, value.objects[0]!, [], '$'));
  });

  app.get('/domain/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    const outcome = /\.(in-addr|ip6)\.arpa\.?$/i.test(name)
      ? service.lookupKey(name, whenOf(request), 'domain')
      : ({ kind: 'userError', code: 'bad-key', message: `this registry serves reverse zones only (in-addr.arpa, ip6.arpa): "${name}"` } as const);
    return answer(request, reply, outcome, (b, value) => renderDomain(b, value.objects[0] as StoredObject));
  });

  app.get('/nameserver/*', async (request, reply) => sendRdapError(deps, request, reply, 501, [TEXT[pickLang(request.headers['accept-language'])].errors.nameserver]));

  app.get('/help', async (request, reply) => sendRdap(reply, 200, renderHelp(new ResponseBuilder(rdapContext(deps, request, null)), deps.config.rates)));
}
