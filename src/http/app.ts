// The HTTP front end as a Fastify instance that tests can `inject()` into without listening.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { LookupService } from '../query/service.js';
import { lacakVersion } from '../version.js';
import type { Bootstrap } from '../referral/bootstrap.js';
import { TEXT, pickLang } from '../rdap/messages.js';
import { EntityCache } from '../rdap/render.js';
import { registerRdapRoutes, sendRdapError } from '../rdap/routes.js';
import { registerRdapSearchRoutes } from '../rdap/search-routes.js';

export interface AppDeps {
  readonly config: Config;
  readonly service: LookupService;
  readonly logger: Logger;
  readonly bootstrap?: Bootstrap;
}

export function buildApp({ config, service, logger, bootstrap }: AppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    // One line per request is written by the onResponse hook below, not by Fastify.
    logController: new LogController({ disableRequestLogging: true }),
    // Some RDAP clients ask for `//ip/...`.
    routerOptions: { ignoreDuplicateSlashes: true },
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'http request',
    );
  });

  app.get('/healthz', async () => ({ status: 'ok', version: lacakVersion() }));

  app.get('/readyz', async (_request, reply) => {
    const importId = service.importId;
    if (importId === 0) {
      return reply.code(503).send({ status: 'not ready', reason: 'the registry database holds no import yet' });
    }
    return { status: 'ready', importId, networks: service.rangeIndex.networks };
  });

  const rdap = { config, service, bootstrap, entities: new EntityCache() };
  registerRdapRoutes(app, rdap);
  registerRdapSearchRoutes(app, rdap);

  app.setNotFoundHandler((request, reply) => {
    sendRdapError(rdap, request, reply, 404, [TEXT[pickLang(request.headers['accept-language'])].errors.unknownPath]);
  });

  // Framework errors (a malformed URL or header) are the client's: 400 with an RDAP body.
  // Anything else is a bug: logged with its stack, answered without one.
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? 400 : 500;
    if (status === 500) request.log.error({ err }, 'request failed');
    sendRdapError(rdap, request, reply, status, [status === 400 ? err.message : 'The server could not answer this request.']);
  });

  return app;
}
