// Each HTTP request's log line names its client as the WHOIS log does (issue 14): an abuse
// report or a complaint about a rate limit is traced by address. Behind a proxy the operator
// trusts (LACAK_TRUSTED_PROXIES) that is the forwarded client, else the peer itself.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/access/audit.js';
import { KeyStore } from '../../src/access/keys.js';
import { buildApp } from '../../src/http/app.js';
import { openStateDb } from '../../src/store/state-db.js';
import { sampleService, type SampleService } from '../helpers/sample-app.js';
import { testConfig } from '../helpers/registry.js';
import type { Db } from '../../src/store/db.js';

interface RequestLine {
  msg: string;
  client?: string;
  url: string;
  status: number;
}

describe('HTTP request log lines', () => {
  let sample: SampleService;
  const states: Db[] = [];
  const apps: ReturnType<typeof buildApp>[] = [];

  /** An app whose log lines land in `lines`. */
  async function appLogging(env: Record<string, string>): Promise<{ app: ReturnType<typeof buildApp>; lines: RequestLine[] }> {
    const lines: RequestLine[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as RequestLine);
        done();
      },
    });
    const state = openStateDb(':memory:');
    states.push(state);
    const app = buildApp({
      config: testConfig(sample.dbPath, env),
      service: sample.service,
      logger: pino({ level: 'info' }, sink),
      keys: new KeyStore(state),
      audit: new AuditLog(state, randomBytes(32)),
    });
    apps.push(app);
    await app.ready();
    return { app, lines };
  }

  const requestLine = (lines: RequestLine[], url: string) => lines.filter((l) => l.msg === 'http request' && l.url === url);

  beforeAll(async () => {
    sample = await sampleService();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const state of states) state.close();
    sample?.close();
  });

  it('carry the peer\'s address as `client` (an IPv4 peer on a dual-stack socket as plain IPv4)', async () => {
    const { app, lines } = await appLogging({});
    await app.inject({ url: '/ip/198.51.100.41?n=1', remoteAddress: '192.0.2.7' });
    await app.inject({ url: '/ip/198.51.100.41?n=2', remoteAddress: '::ffff:192.0.2.8' });
    await app.inject({ url: '/ip/198.51.100.41?n=3', remoteAddress: '2001:db8:1:2::5' });
    expect(requestLine(lines, '/ip/198.51.100.41?n=1')).toMatchObject([{ client: '192.0.2.7', status: 200 }]);
    expect(requestLine(lines, '/ip/198.51.100.41?n=2')).toMatchObject([{ client: '192.0.2.8' }]);
    // The whole address: the log says who asked, not which rate-limit bucket it fell in.
    expect(requestLine(lines, '/ip/198.51.100.41?n=3')).toMatchObject([{ client: '2001:db8:1:2::5' }]);
  });

  it('name the forwarded client behind a trusted proxy, and ignore X-Forwarded-For from anyone else', async () => {
    const trusting = await appLogging({ LACAK_TRUSTED_PROXIES: '192.0.2.1' });
    await trusting.app.inject({ url: '/healthz?via=proxy', remoteAddress: '192.0.2.1', headers: { 'x-forwarded-for': '203.0.113.9' } });
    await trusting.app.inject({ url: '/healthz?via=other', remoteAddress: '192.0.2.99', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(requestLine(trusting.lines, '/healthz?via=proxy')).toMatchObject([{ client: '203.0.113.9' }]);
    expect(requestLine(trusting.lines, '/healthz?via=other')).toMatchObject([{ client: '192.0.2.99' }]);

    const plain = await appLogging({});
    await plain.app.inject({ url: '/healthz?via=proxy', remoteAddress: '192.0.2.1', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(requestLine(plain.lines, '/healthz?via=proxy')).toMatchObject([{ client: '192.0.2.1' }]);
  });
});
