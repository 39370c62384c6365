// The WHOIS rate limit (DESIGN §5) on the real server: over the limit a query gets
// %ERROR:201 saying when to come back, and the connection closes; bulk sessions are capped.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { whoisExchange } from '../helpers/whois-client.js';

const LIMIT = 5;
const tmp = tempDir();
let server: ServerProcess;

beforeAll(async () => {
  const db = join(tmp.dir, 'registry.sqlite');
  await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
  server = await startServer(CLI, { LACAK_DB: db, LACAK_RATE_ANONYMOUS: String(LIMIT) });
});
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

const ask = (payload: string) => whoisExchange(server.whoisPort, payload);

describe('WHOIS rate limit', () => {
  it('answers up to the limit, then refuses with %ERROR:201 and when to come back; the help says the limit', async () => {
    const help = await ask('help\n');
    expect(help).toContain(`% Limits: ${LIMIT} points per minute per IPv4 address or IPv6 /64;`);
    const answers: string[] = [];
    for (let i = 0; i < LIMIT + 1; i++) answers.push(await ask('-r 198.51.100.41\n'));
    // The help was query 1 of the minute.
    const answered = answers.filter((a) => /^inetnum:\s+198\.51\.100\.40 - 198\.51\.100\.43$/m.test(a));
    const refused = answers.filter((a) => a.startsWith('%ERROR:201: access denied'));
    expect(answered).toHaveLength(LIMIT - 1);
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatch(/% Too many queries from 127\.0\.0\.1; come back in \d+ s\./);
    expect(refused[0]).not.toMatch(/^inetnum:/m);
  });
});
