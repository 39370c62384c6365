// Issue 13, finding 2, measured as the issue measured it: the real server (`lacak serve`),
// 20 WHOIS `-k` connections each sending 15 big inverse queries and 5 HTTP keep-alive
// connections each pipelining 100 reverse searches (pages of 50 networks), none of them ever reading. The
// server's resident memory is sampled throughout; it must stay within 256 MiB of what the
// same questions cost when read (today it grows by gigabytes), and every one of those
// connections must be closed once stuck for LACAK_WRITE_STALL_MS.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIG_MAINTAINER, BIG_ORGANISATION, bigMaintainerRegistry } from '../helpers/big-maintainer.js';
import { CLI } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { nonReader, whoisExchange } from '../helpers/whois-client.js';

const STALL_MS = 1_500;
const MIB = 1024 * 1024;
const WHOIS_CLIENTS = 20;
const WHOIS_QUERIES = 15;
const HTTP_CLIENTS = 5;
const HTTP_REQUESTS = 100;
/** The test gives up waiting for the server to close the connections after this long. */
const GIVE_UP_MS = 40_000;

let registry: { path: string; cleanup: () => void };
let server: ServerProcess;

beforeAll(async () => {
  registry = await bigMaintainerRegistry();
  server = await startServer(CLI, { LACAK_DB: registry.path, LACAK_WRITE_STALL_MS: String(STALL_MS), LACAK_RATE_EXEMPT: '127.0.0.0/8,::1' });
  // Its working size includes the answers it packs after start (issue 15): measured once they
  // are in, the packing (another process, busy on a shared machine) does not land in the window.
  const packed = async () => ((await (await fetch(`${server.baseUrl}/healthz`)).json()) as { answersKept?: { rdap?: { packed: unknown } } }).answersKept?.rdap?.packed;
  for (let i = 0; i < 600 && !(await packed()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
}, 90_000);
afterAll(async () => {
  await server?.stop();
  registry?.cleanup();
});

function rss(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

const httpPort = () => Number(new URL(server.baseUrl).port);

/** One WHOIS query, read in full. */
const ask = (query: string) => whoisExchange(server.whoisPort, query);

const reverseSearch = `/ips/reverse_search/entity?handle=${BIG_ORGANISATION}`;

/** Connections the server's log says it closed because their output was not read. */
const closedUnread = () =>
  server.logs.filter((line) => {
    try {
      return (JSON.parse(line) as { msg?: string }).msg === 'connection closed';
    } catch {
      return false;
    }
  }).length;

describe('server memory under clients that never read', () => {
  it.skipIf(!existsSync('/proc/self/status'))(
    'stays within 256 MiB of its working size, and closes every stuck connection',
    async () => {
      const pid = server.child.pid!;
      // Its working size: the same questions asked once each by clients that read.
      expect(Buffer.byteLength(await ask(`-i mnt-by ${BIG_MAINTAINER}\n`))).toBeGreaterThan(1_500_000);
      const res = await fetch(`${server.baseUrl}${reverseSearch}`);
      // A page of the server's 50 networks (RFC 8977), some 200 KB.
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(150_000);
      const base = rss(pid);

      const clients = [
        ...Array.from({ length: WHOIS_CLIENTS }, () => nonReader(server.whoisPort, `-k\n${`-i mnt-by ${BIG_MAINTAINER}\n`.repeat(WHOIS_QUERIES)}`)),
        ...Array.from({ length: HTTP_CLIENTS }, () => nonReader(httpPort(), `GET ${reverseSearch} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`.repeat(HTTP_REQUESTS))),
      ];
      let peak = base;
      const deadline = Date.now() + GIVE_UP_MS;
      try {
        while (closedUnread() < clients.length && Date.now() < deadline) {
          peak = Math.max(peak, rss(pid));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        peak = Math.max(peak, rss(pid));
      } finally {
        for (const c of clients) c.destroy();
      }
      // Measured: +92 to +172 MiB from a base that still held the memory of packing answers in
      // a thread, +143 to +220 MiB from one without it (packing moved to a child process in
      // issue 15; the peak itself, 350–430 MiB, is as before): what is rendered for the stuck
      // clients before the output limits stop it, and garbage not yet collected. Two stuck
      // answers per connection are in the kernel's buffers, not here. The server before issue
      // 13's fix grew by 2,471 MiB.
      expect((peak - base) / MIB, `resident memory grew from ${Math.round(base / MIB)} MiB by`).toBeLessThan(256);
      expect(closedUnread()).toBe(clients.length);
      // And it still answers.
      expect(Buffer.byteLength(await ask(`-i mnt-by ${BIG_MAINTAINER}\n`))).toBeGreaterThan(1_500_000);
    },
    GIVE_UP_MS + 20_000,
  );
});
