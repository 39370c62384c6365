// The real server over real HTTP: what any RDAP client gets, including the odd requests
// some clients send (absolute-form targets) and abusive ones (a 5 MB URL).
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { validateRdap } from '../helpers/rdap-schema.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

/** Sends raw bytes and returns the raw response (for requests fetch() will not make). */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('end', () => resolve(data));
    socket.on('error', (err) => (data ? resolve(data) : reject(err)));
    socket.write(text);
  });
}

describe('RDAP over HTTP', () => {
  const tmp = tempDir();
  let server: ServerProcess;
  let port: number;

  beforeAll(async () => {
    const db = join(tmp.dir, 'registry.sqlite');
    await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
    server = await startServer(CLI, { LACAK_DB: db, LACAK_BASE_URL: 'https://rdap.lacak.example/' });
    port = Number(new URL(server.baseUrl).port);
  });
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('answers an RDAP client with a valid, typed, CORS-enabled body', async () => {
    const r = await fetch(`${server.baseUrl}/ip/198.51.100.41`, { headers: { accept: 'application/rdap+json' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/rdap\+json/);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await r.json()) as Record<string, unknown>;
    expect(body.handle).toBe('198.51.100.40 - 198.51.100.43');
    expect(validateRdap(body).errors).toEqual([]);
  });

  it('redirects another registry\'s space with 301 and a Location', async () => {
    const r = await fetch(`${server.baseUrl}/ip/8.8.8.8`, { redirect: 'manual' });
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toBe('https://rdap.arin.net/registry/ip/8.8.8.8');
  });

  it('answers an absolute-form request target', async () => {
    const response = await rawRequest(port, `GET http://127.0.0.1:${port}/ip/198.51.100.41 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 200/);
    expect(response).toContain('198.51.100.40 - 198.51.100.43');
  });

  it('survives a 5 MB URL and keeps serving', async () => {
    const huge = `GET /ip/${'1'.repeat(5 * 1024 * 1024)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;
    const response = await rawRequest(port, huge).catch(() => '');
    expect(response === '' || /^HTTP\/1\.1 4\d\d/.test(response)).toBe(true);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  });

  it('answers a burst of concurrent requests without an error', async () => {
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => fetch(`${server.baseUrl}/ip/198.51.100.${i % 256}`).then((r) => r.status)));
    expect(statuses.every((s) => s === 200 || s === 404)).toBe(true);
    expect(server.logs.join('\n')).not.toMatch(/"level":50/);
  });
});
