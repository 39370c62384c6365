// Heavy WHOIS queries on the real server (issue 13, finding 3): an inverse query over a
// maintainer of thousands of objects is answered (in a worker thread) and charged what it
// read and returned, so a client asking such queries runs out of its budget after a few of
// them, while a lookup from another address is answered as usual.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIG_MAINTAINER, bigMaintainerRegistry } from '../helpers/big-maintainer.js';
import { CLI } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { whoisExchange } from '../helpers/whois-client.js';

const BUDGET = 300;
let registry: { path: string; cleanup: () => void };
let server: ServerProcess;

beforeAll(async () => {
  registry = await bigMaintainerRegistry(1500);
  server = await startServer(CLI, { LACAK_DB: registry.path, LACAK_RATE_ANONYMOUS: String(BUDGET) });
});
afterAll(async () => {
  await server?.stop();
  registry?.cleanup();
});

const ask = (line: string, localAddress = '127.0.0.1') => whoisExchange(server.whoisPort, `${line}\r\n`, localAddress);

describe('heavy WHOIS queries', () => {
  it('answers an inverse query of a big maintainer, and charges it so that a few spend the budget', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push(await ask(`-r -i mnt-by ${BIG_MAINTAINER}`));
    // Each answer is the first 1,000 objects (the maintainer, its role and organisation, 997
    // networks), some 1.7 MB: 1 + 10 (rows) + about 100 (bytes) points.
    expect(answers[0]!.match(/^inet6num:/gm)).toHaveLength(997);
    expect(answers[0]).toContain('% Only the first 1000 objects are shown.');
    // Counted as requests, 300 such queries a minute would be answered; counted as cost, the
    // third spends what is left and the fourth is refused.
    expect(answers.slice(0, 3).every((a) => a.includes('inet6num:'))).toBe(true);
    expect(answers[3]).toMatch(/^%ERROR:201: access denied/m);
    // Another address keeps its own budget.
    expect(await ask('-r 2001:db8:1000::1', '127.0.0.2')).toMatch(/^inet6num:\s+2001:db8:1000::\/48$/m);
  });
});
