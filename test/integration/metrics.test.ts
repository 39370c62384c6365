// /metrics (issue 17): only to LACAK_METRICS_ALLOW, and its figures move with what the server
// answers: requests by route family and status, refusals, audit rows and disclosures by role,
// the import served and each source's snapshot age.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';

/** The value of one sample of a Prometheus text exposition (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter((x) => x !== '');
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(m[3]);
  }
  return 0;
}

describe('/metrics', () => {
  let s: SampleApp;
  const scrape = async (remoteAddress = '127.0.0.1') => s.app.inject({ url: '/metrics', remoteAddress });

  beforeAll(async () => {
    s = await sampleApp({ LACAK_METRICS_ALLOW: '127.0.0.0/8,::1,198.51.100.0/24' });
  });
  afterAll(async () => s?.close());

  it('answers only the allowed ranges, with an RDAP error body elsewhere', async () => {
    const inside = await scrape('198.51.100.9');
    expect(inside.statusCode).toBe(200);
    expect(inside.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const outside = await scrape('192.0.2.1');
    expect(outside.statusCode).toBe(403);
    expect(outside.json()).toMatchObject({ errorCode: 403 });
    expect(outside.body).not.toContain('lacak_http_requests_total');
  });

  it('counts RDAP requests by route family and status, with their latency', async () => {
    const before = (await scrape()).body;
    const ok = await s.app.inject({ url: '/ip/203.0.113.7' });
    const bad = await s.app.inject({ url: '/ip/not-an-address' });
    expect(ok.statusCode).toBe(200);
    expect(bad.statusCode).toBe(400);
    const after = (await scrape()).body;
    expect(sample(after, 'lacak_http_requests_total', { family: 'ip', status: '200' }) - sample(before, 'lacak_http_requests_total', { family: 'ip', status: '200' })).toBe(1);
    expect(sample(after, 'lacak_http_requests_total', { family: 'ip', status: '400' }) - sample(before, 'lacak_http_requests_total', { family: 'ip', status: '400' })).toBe(1);
    expect(sample(after, 'lacak_http_request_duration_seconds_count', { family: 'ip' }) - sample(before, 'lacak_http_request_duration_seconds_count', { family: 'ip' })).toBe(2);
  });

  it('says which import is served and how old each source\'s newest snapshot is', async () => {
    const text = (await scrape()).body;
    expect(sample(text, 'lacak_import_id')).toBe(s.service.importId);
    for (const snapshot of s.service.latestSnapshots()) {
      const age = sample(text, 'lacak_source_snapshot_age_seconds', { source: snapshot.source });
      expect(Math.abs(age - (Date.now() - snapshot.at) / 1000)).toBeLessThan(60);
    }
  });

  it('counts audit rows, and disclosures of personal data by role only when there was one', async () => {
    const now = Date.now();
    const lea = s.keys.add({ role: 'lea', label: 'metrics test', org: null, expiresAt: now + 3_600_000, now });
    const person = '/entity/AWP1-IDNIC';
    const before = (await scrape()).body;
    // Without a case reference an lea key gets the anonymous view: an audit row, no disclosure.
    const withoutCase = await s.app.inject({ url: person, headers: { authorization: `Bearer ${lea.token}` } });
    expect(withoutCase.statusCode).toBe(200);
    const middle = (await scrape()).body;
    expect(sample(middle, 'lacak_audit_rows_total') - sample(before, 'lacak_audit_rows_total')).toBe(1);
    expect(sample(middle, 'lacak_personal_data_disclosures_total', { role: 'lea' }) - sample(before, 'lacak_personal_data_disclosures_total', { role: 'lea' })).toBe(0);
    const withCase = await s.app.inject({ url: person, headers: { authorization: `Bearer ${lea.token}`, 'x-case-reference': 'LP/B/123/XII/2026' } });
    expect(withCase.statusCode).toBe(200);
    const after = (await scrape()).body;
    expect(sample(after, 'lacak_personal_data_disclosures_total', { role: 'lea' }) - sample(middle, 'lacak_personal_data_disclosures_total', { role: 'lea' })).toBe(1);
    expect(sample(after, 'lacak_audit_rows_total') - sample(middle, 'lacak_audit_rows_total')).toBe(1);
  });

  it('counts bulk lines', async () => {
    const before = (await scrape()).body;
    const r = await s.app.inject({ method: 'POST', url: '/bulk/ip', headers: { 'content-type': 'text/plain' }, payload: '203.0.113.7\n198.51.100.1\nnot-an-address\n' });
    expect(r.statusCode).toBe(200);
    const after = (await scrape()).body;
    expect(sample(after, 'lacak_bulk_lines_total', { front: 'http' }) - sample(before, 'lacak_bulk_lines_total', { front: 'http' })).toBe(3);
  });
});
