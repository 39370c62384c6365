// Issue 15: a client that opens its next connection as soon as it has read the answer on the
// last one is never refused for having too many open (%ERROR:306). The old connection used
// to count against its client until the server handled its 'close', which a fast client
// often beat: 0.5–1.6 % of such connections were refused at 16 clients. And a `-k` session
// under load stays open for as long as its client keeps asking.
import { join } from 'node:path';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

/** Every loop below is one of these clients' connections at a time: exactly the cap. */
const LOOPS = 4;
const CONNECTIONS_PER_LOOP = 150;
const HOLDER = /^inetnum:\s+198\.51\.100\.40 - 198\.51\.100\.43$/m;
const TRAILER = '% This query was served by lacak';

const tmp = tempDir();
let server: ServerProcess;

beforeAll(async () => {
  const db = join(tmp.dir, 'registry.sqlite');
  await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
  server = await startServer(CLI, { LACAK_DB: db, LACAK_WHOIS_MAX_PER_CLIENT: String(LOOPS), LACAK_RATE_EXEMPT: '127.0.0.0/8,::1' });
});
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

/** One query; resolves with the answer once the server has ended it (not waiting for the socket's close). */
function askUntilEnd(port: number, query: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.write(`${query}\n`);
  });
}

describe('WHOIS connections one after another', () => {
  it('are never refused as too many while each client holds one at a time', async () => {
    const answers: string[] = [];
    const loop = async () => {
      for (let i = 0; i < CONNECTIONS_PER_LOOP; i++) answers.push(await askUntilEnd(server.whoisPort, '-r 198.51.100.41'));
    };
    await Promise.all(Array.from({ length: LOOPS }, loop));
    const refused = answers.filter((a) => a.includes('%ERROR:306'));
    expect(refused.length, refused[0]).toBe(0);
    expect(answers.filter((a) => HOLDER.test(a))).toHaveLength(LOOPS * CONNECTIONS_PER_LOOP);
  });

  it('keeps each -k session open under load for as long as its client asks', async () => {
    const perSession = 300;
    const session = () =>
      new Promise<number>((resolve, reject) => {
        const socket = connect({ port: server.whoisPort, host: '127.0.0.1' });
        let text = '';
        let answered = 0;
        socket.on('data', (d: Buffer) => {
          text += d.toString('utf8');
          for (let at = text.indexOf(TRAILER); at >= 0; at = text.indexOf(TRAILER)) {
            const end = text.indexOf('\n\n\n', at);
            if (end < 0) return;
            expect(text.slice(0, end)).toMatch(HOLDER);
            text = text.slice(end + 3);
            if (++answered === perSession) socket.end();
            else socket.write('-r 198.51.100.41\n');
          }
        });
        socket.on('close', () => resolve(answered));
        socket.on('error', reject);
        socket.write('-k -r 198.51.100.41\n');
      });
    const done = await Promise.all(Array.from({ length: LOOPS }, session));
    expect(done).toEqual(Array.from({ length: LOOPS }, () => perSession));
  });
});
