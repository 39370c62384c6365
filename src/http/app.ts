// The HTTP front end as a Fastify instance that tests can `inject()` into without listening.
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { LookupService } from '../query/service.js';
import { lacakVersion } from '../version.js';

export interface AppDeps {
  readonly config: Config;
  readonly service: LookupService;
  readonly logger: Logger;
}

export function buildApp({ service, logger }: AppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    // One line per request is written by the onResponse hook below, not by Fastify.
    disableRequestLogging: true,
    ignoreDuplicateSlashes: true,
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

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'request failed');
    reply.code(status).send({ errorCode: status, title: status >= 500 ? 'Internal server error' : err.message });
  });

  return app;
}
