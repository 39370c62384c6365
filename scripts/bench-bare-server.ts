// Bench child: the floor under lacak's RDAP /ip route. The same Fastify options as
// src/http/app.ts (its logger at the bench's level, no per-request logging, the same
// router options) and the same route shape and headers, but the body is a constant
// object: a real lacak answer read once from a file, so JSON.stringify has the same
// shape and byte count to serialise and only the lookup and rendering are missing.
//
// With --html the body is a page served as text at `/`: the floor under the web page.
//
//   node dist/scripts/bench-bare-server.js --body FILE --port N [--html]   → {"msg":"bare serving","http":N} on stderr
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { createLogger } from '../src/logger.js';

const { values } = parseArgs({ options: { body: { type: 'string' }, port: { type: 'string' }, 'log-level': { type: 'string' }, html: { type: 'boolean' } } });
if (!values.body || !values.port) throw new Error('usage: bench-bare-server --body FILE --port N [--html] [--log-level warn]');

const text = readFileSync(values.body, 'utf8');
const logger = createLogger(values['log-level'] ?? 'warn');
const app = Fastify({
  loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
  logController: new LogController({ disableRequestLogging: true }),
  routerOptions: { ignoreDuplicateSlashes: true },
});

// An async handler returning reply, as lacak's routes do, so both take the same path through Fastify.
if (values.html) {
  app.get('/', async (_request, reply) => reply.code(200).type('text/html; charset=utf-8').send(text));
} else {
  const body = JSON.parse(text) as Record<string, unknown>;
  app.get('/ip/*', async (_request, reply) =>
    reply.code(200).header('content-type', 'application/rdap+json').header('access-control-allow-origin', '*').send(body),
  );
}
app.get('/healthz', async () => ({ status: 'ok' }));

await app.listen({ host: '127.0.0.1', port: Number(values.port) });
const address = app.server.address();
// Written directly, not through the logger: at level warn an info line would not appear.
process.stderr.write(`${JSON.stringify({ msg: 'bare serving', http: typeof address === 'object' && address ? address.port : Number(values.port) })}\n`);

process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
