// The real WHOIS server against everything RIPE's query corpus and a hostile network throw
// at it: each line gets a prompt answer or a `%ERROR:` line, bad bytes and abusive clients
// get errors and a closed connection, and the server is still alive and answering after it.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, FIXTURES, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const IDLE_MS = 1_000;
const MAX_PER_CLIENT = 20;
const MAX_LINE = 1024;
/** server.ts gives a finished connection this long to hang up before it drops it. */
const CLOSE_GRACE_MS = 5_000;

const tmp = tempDir();
let server: ServerProcess;

beforeAll(async () => {
  const db = join(tmp.dir, 'registry.sqlite');
  await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
  server = await startServer(CLI, {
    LACAK_DB: db,
    LACAK_WHOIS_IDLE_MS: String(IDLE_MS),
    LACAK_WHOIS_MAX_PER_CLIENT: String(MAX_PER_CLIENT),
    LACAK_WHOIS_MAX_LINE: String(MAX_LINE),
    // Hundreds of queries from one address in seconds: the rate limit is tested on its own.
    LACAK_RATE_EXEMPT: '127.0.0.0/8,::1',
  });
});
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

interface Exchange {
  /** Everything the server wrote, as latin1 so stray bytes survive. */
  readonly text: string;
  readonly ms: number;
  /** The server ended the connection (FIN), as opposed to our giving up. */
  readonly ended: boolean;
}

interface SendOptions {
  /** Give up (and destroy the socket) after this long. */
  readonly timeoutMs?: number;
  /** Half-close after writing, as `socket.end(data)` does. */
  readonly halfClose?: boolean;
  /** Keep our side open when the server closes its side. */
  readonly allowHalfOpen?: boolean;
}

/** One connection: write `payload`, collect the answer until the server closes. */
function send(payload: string | Buffer, { timeoutMs = 5_000, halfClose = false, allowHalfOpen = false }: SendOptions = {}): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect({ port: server.whoisPort, host: '127.0.0.1', allowHalfOpen });
    let text = '';
    let ended = false;
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('end', () => (ended = true));
    // A server that closes while we still write (a 1 MB line) resets the connection.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, ms: Date.now() - started, ended });
    });
    if (halfClose) socket.end(payload);
    else socket.write(payload);
  });
}

const errorCodes = (text: string) => [...text.matchAll(/^%(?:ERROR|WARNING):(\d+):/gm)].map((m) => Number(m[1]));
const hasObject = (text: string) => /^[a-z][a-z0-9-]*:[ \t]+\S/m.test(text);
const HOLDER = /^inetnum:\s+198\.51\.100\.40 - 198\.51\.100\.43$/m;

async function expectServerAnswers(): Promise<void> {
  const { text } = await send('-r 198.51.100.41\r\n');
  expect(text).toMatch(HOLDER);
}

/** A socket connected and kept open; it says whether the server has written to it. */
function openIdle(options: { allowHalfOpen?: boolean } = {}): Promise<{ socket: Socket; text: () => string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect({ port: server.whoisPort, host: '127.0.0.1', allowHalfOpen: options.allowHalfOpen ?? false });
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, text: () => text }));
    socket.once('error', reject);
  });
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WHOIS robustness', () => {
  it('answers every line of the RIPE comparison queries within 1 s, with objects or an error line', async () => {
    // RIPE's hand-written query lines, every flag (test/fixtures/README.md).
    const lines = readFileSync(join(FIXTURES, 'whois-queries', 'comparison_queries'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines.length).toBeGreaterThan(400);
    // Fewer at a time than the per-client cap, so none is refused for that.
    const results = await inBatches(lines, 8, async (line) => ({ line, ...(await send(`${line}\r\n`, { timeoutMs: 3_000 })) }));
    const bad = results.filter(({ line, text, ms, ended }) => {
      const answered = hasObject(text) || errorCodes(text).length > 0 || (line === 'help' && text.includes('% Flags:'));
      return !answered || !ended || ms > 1_000;
    });
    expect(bad.map(({ line, ms, text }) => ({ line, ms, tail: text.slice(-200) }))).toEqual([]);
    await expectServerAnswers();
  });

  it('answers an empty line with "no search key"', async () => {
    for (const empty of ['\n', '\r\n', '   \r\n']) {
      const { text, ended } = await send(empty);
      expect(errorCodes(text)).toEqual([106]);
      expect(ended).toBe(true);
    }
  });

  it('answers lines of binary garbage with an error line', async () => {
    // A fixed generator, so a failure can be replayed.
    let seed = 0x5eed;
    const byte = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff;
    for (let i = 0; i < 20; i++) {
      const garbage = Buffer.from(Array.from({ length: 20 + i * 40 }, byte).filter((b) => b !== 0x0a));
      const { text, ended } = await send(Buffer.concat([garbage, Buffer.from('\n')]));
      expect(errorCodes(text).length, `garbage ${i}: ${garbage.toString('hex')}`).toBeGreaterThan(0);
      expect(ended).toBe(true);
    }
    await expectServerAnswers();
  });

  it('refuses a 1 MB line with %ERROR:107 and closes', async () => {
    for (const line of ['1'.repeat(1024 * 1024) + '\n', 'x'.repeat(1024 * 1024)]) {
      const { text, ended } = await send(line);
      expect(errorCodes(text)).toEqual([107]);
      expect(text).not.toMatch(HOLDER);
      expect(ended).toBe(true);
    }
    await expectServerAnswers();
  });

  it('measures the line limit on the query, whether it ends in LF or CRLF', async () => {
    const longest = `-r 198.51.100.41${' '.repeat(MAX_LINE - '-r 198.51.100.41'.length)}`;
    expect((await send(`${longest}\n`)).text).toMatch(HOLDER);
    expect((await send(`${longest}\r\n`)).text).toMatch(HOLDER);
    expect(errorCodes((await send(`${longest}x\n`)).text)).toEqual([107]);
    expect(errorCodes((await send(`${longest}x\r\n`)).text)).toEqual([107]);
  });

  it('closes a connection that never sends a newline with %ERROR:305', async () => {
    const { text, ms, ended } = await send('198.51.100.41');
    expect(errorCodes(text)).toEqual([305]);
    expect(ended).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(ms).toBeLessThan(IDLE_MS + 1_000);
  });

  it('closes a connection that drips bytes without ever finishing a line', async () => {
    const socket = connect(server.whoisPort, '127.0.0.1');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    const started = Date.now();
    const drip = setInterval(() => socket.write('1'), IDLE_MS / 4);
    const closed = await new Promise<number>((resolve) => {
      socket.on('close', () => resolve(Date.now() - started));
      setTimeout(() => socket.destroy(), IDLE_MS * 5);
    });
    clearInterval(drip);
    expect(errorCodes(text)).toEqual([305]);
    expect(closed).toBeLessThan(IDLE_MS + 1_000);
  });

  it('answers a query sent without a newline by a client that half-closes', async () => {
    const { text, ended } = await send('198.51.100.41', { halfClose: true });
    expect(text).toMatch(HOLDER);
    expect(errorCodes(text)).toEqual([]);
    expect(ended).toBe(true);
  });

  it('answers the per-client cap, refuses the connection beyond it with %ERROR:306', async () => {
    const held = await Promise.all(Array.from({ length: MAX_PER_CLIENT }, () => openIdle()));
    try {
      const refused = await send('-r 198.51.100.41\n');
      expect(errorCodes(refused.text)).toEqual([306]);
      expect(refused.ended).toBe(true);
      // The ones within the cap still get their answers.
      const answers = await Promise.all(
        held.map(
          ({ socket, text }) =>
            new Promise<string>((resolve) => {
              socket.once('close', () => resolve(text()));
              socket.write('-r 198.51.100.41\n');
            }),
        ),
      );
      for (const answer of answers) expect(answer).toMatch(HOLDER);
    } finally {
      for (const { socket } of held) socket.destroy();
    }
  });

  it('survives 300 connections at once from one client: each answered or refused with %ERROR:306', async () => {
    const results = await Promise.all(Array.from({ length: 300 }, () => send('-r 198.51.100.41\r\n', { timeoutMs: 10_000 })));
    const answered = results.filter((r) => HOLDER.test(r.text) && errorCodes(r.text).length === 0);
    const refused = results.filter((r) => errorCodes(r.text).join() === '306' && !hasObject(r.text));
    expect(answered.length + refused.length).toBe(300);
    expect(answered.length).toBeGreaterThanOrEqual(MAX_PER_CLIENT);
    expect(refused.length).toBeGreaterThan(0);
    expect(results.every((r) => r.ended)).toBe(true);
    await sleep(100);
    await expectServerAnswers();
  });

  it('does not let refused clients that never hang up keep their slots', async () => {
    const held = await Promise.all(Array.from({ length: MAX_PER_CLIENT }, () => openIdle()));
    // Refused, and they keep their side of the connection open.
    const stubborn = await Promise.all(Array.from({ length: 3 }, () => openIdle({ allowHalfOpen: true })));
    await sleep(100);
    for (const { text } of stubborn) expect(errorCodes(text())).toEqual([306]);
    for (const { socket } of held) socket.destroy();
    await sleep(CLOSE_GRACE_MS + 1_000);
    try {
      const results = await Promise.all(Array.from({ length: MAX_PER_CLIENT }, () => send('-r 198.51.100.41\n')));
      for (const { text } of results) expect(text).toMatch(HOLDER);
    } finally {
      for (const { socket } of stubborn) socket.destroy();
    }
  });

  it('cuts off a client that keeps sending after its answer', async () => {
    const socket = connect({ port: server.whoisPort, host: '127.0.0.1', allowHalfOpen: true });
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.write('x'.repeat(MAX_LINE + 1));
    const flood = setInterval(() => socket.write('x'.repeat(8 * 1024)), 10);
    const closed = await new Promise<boolean>((resolve) => {
      socket.on('close', () => resolve(true));
      setTimeout(() => resolve(false), CLOSE_GRACE_MS * 2);
    });
    clearInterval(flood);
    socket.destroy();
    expect(errorCodes(text)).toEqual([107]);
    expect(closed).toBe(true);
  });

  it('answers bad flags with their RIPE error numbers', async () => {
    expect(errorCodes((await send('-Z 1.2.3.4\r\n')).text)).toEqual([111]);
    const missingArgument = errorCodes((await send('-T\r\n')).text);
    expect(missingArgument).toHaveLength(1);
    expect(missingArgument[0]).toBeGreaterThanOrEqual(100);
    expect(errorCodes((await send('-x -l 198.51.100.41\r\n')).text)).toEqual([901]);
  });

  it('answers one line per bulk line, whatever the line holds, and closes at end', async () => {
    let seed = 0xb01c;
    const byte = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff;
    const garbage = Array.from({ length: 10 }, () => Buffer.from(Array.from({ length: 30 }, byte).filter((b) => b !== 0x0a && b !== 0x0d)).toString('latin1'));
    const queries = ['198.51.100.41', '8.8.8.8', 'not an address', 'AS64497', '2001:db8::1', '198.51.100.41 garbage', '-k', 'begin', ...garbage];
    const payload = Buffer.from(['begin', 'verbose', ...queries, 'end', ''].join('\n'), 'latin1');
    const { text, ended } = await send(payload);
    const lines = text.split('\n').slice(0, -1);
    expect(lines[0]).toMatch(/^Bulk mode; /);
    // Blank lines and option words answer nothing; everything else answers exactly one line.
    const answering = queries.filter((q) => q.trim() !== '' && !['verbose', 'prefix', 'asnumber', 'countrycode', 'notruncate', 'notrunc', 'noasname', 'lacak'].includes(q.trim().toLowerCase()));
    expect(lines.slice(1)).toHaveLength(answering.length);
    for (const line of lines.slice(1)) expect(line).toMatch(/^(Error: no ASN or IP match on line \d+\.|[^|\n]+( \| [^|\n]*)+)$/);
    expect(ended).toBe(true);
  });

  it('is still alive and answering after all of it, with no error logged', async () => {
    expect(server.child.exitCode).toBeNull();
    await expectServerAnswers();
    expect(server.logs.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  });
});
