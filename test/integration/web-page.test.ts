// The page at / rendered on the server (a lookup works without JavaScript): answers, past
// holders, the plain-language not-found messages, both languages, security headers, escaping,
// and no personal data for an anonymous viewer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR } from '../helpers/registry.js';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';

describe('web page', () => {
  let s: SampleApp;
  beforeAll(async () => {
    s = await sampleApp();
  });
  afterAll(async () => s?.close());

  const page = async (query: string, headers: Record<string, string> = {}) => {
    const r = await s.app.inject({ url: `/${query}`, headers });
    return { status: r.statusCode, html: r.body, headers: r.headers };
  };
  const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

  it('answers an address with port: holder, member and legal desk, abuse contact, chain, history, provenance, raw links', async () => {
    const { status, html, headers } = await page('?q=198.51.100.41%3A51234');
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^text\/html/);
    const t = text(html);
    expect(t).toContain('Koperasi Simpan Pinjam Contoh Makmur');
    expect(t).toContain('PT Contoh Jaringan Nusantara');
    expect(t).toContain('legal@contohnet.example.id');
    expect(t).toContain('abuse@solusiweb.example.com');
    expect(t).toContain('198.51.100.0 - 198.51.100.255');
    expect(t).toMatch(/Port 51234/);
    expect(html).toContain('href="/ip/198.51.100.41%3A51234"');
    expect(html).toMatch(/href="\/whois\?q=198\.51\.100\.41%3A51234"/);
    // The query stays in the URL and in the box: a bookmark asks again.
    expect(html).toContain('value="198.51.100.41:51234"');
  });

  it('shows the earlier holder for a past time in WIB, and the change over time', async () => {
    const before = text((await page('?q=198.51.100.70&at=2025-07-01T07%3A00&tz=Asia%2FJakarta')).html);
    expect(before).toContain('PT Sinar Logistik Contoh');
    expect(before).toContain('2025-07-01T00:00:00Z');
    const now = text((await page('?q=198.51.100.70')).html);
    expect(now).toMatch(/2025-06-01 – 2026-01-01 : PT Sinar Logistik Contoh/);
    expect(now).toMatch(/2026-01-01 – sekarang ?: PT Maju Bersama Agrindo/);
  });

  it('says in plain words why there is no holder', async () => {
    const special = await page('?q=10.1.2.3');
    expect(special.status).toBe(404);
    expect(text(special.html)).toMatch(/ruang alamat khusus .*RFC 1918/);
    expect(text((await page('?q=8.8.8.8')).html)).toMatch(/tidak dikelola oleh IDNIC/);
    const bad = await page('?q=198.51.100.41&at=kemarin');
    expect(bad.status).toBe(400);
    expect(text(bad.html)).toContain('Pertanyaan tidak dapat dijawab');
  });

  it('speaks Indonesian by default, English when the browser prefers it, and switches on request', async () => {
    expect((await page('')).html).toContain('<html lang="id">');
    const en = await page('?q=198.51.100.41', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(en.html).toContain('<html lang="en">');
    expect(text(en.html)).toContain('Responsible member');
    expect(en.html).toMatch(/href="\/\?q=198\.51\.100\.41&amp;lang=id"[^>]*>Bahasa Indonesia</);
    expect((await page('?q=198.51.100.41&lang=en')).html).toContain('<html lang="en">');
  });

  it('sends a Content-Security-Policy on the page but leaves RDAP open to other sites', async () => {
    const { headers } = await page('');
    expect(headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    const rdap = await s.app.inject({ url: '/ip/198.51.100.41' });
    expect(rdap.headers['access-control-allow-origin']).toBe('*');
    expect(rdap.headers['content-security-policy']).toBeUndefined();
    expect((await s.app.inject({ url: '/static/lacak.js' })).headers['content-type']).toMatch(/javascript/);
    expect((await s.app.inject({ url: '/static/lacak.css' })).statusCode).toBe(200);
  });

  it('escapes whatever the query holds', async () => {
    const { html } = await page(`?q=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows no personal data of persons to an anonymous viewer', async () => {
    const dump = readFileSync(join(SAMPLE_DIR, '2026-01-01', 'idnic.db'), 'utf8');
    const names = [...dump.matchAll(/^person:\s+(.+)$/gm)].map((m) => m[1]!.trim());
    expect(names.length).toBeGreaterThan(3);
    for (const q of ['198.51.100.41', 'RKS1-IDNIC', 'ORG-CJN1-IDNIC', 'AS64497']) {
      const t = text((await page(`?q=${q}`)).html);
      for (const name of names) expect(t, q).not.toContain(name);
    }
  });

  it('links to the WHOIS text of the same answer', async () => {
    const r = await s.app.inject({ url: '/whois?q=198.51.100.70&at=2025-07-01T07%3A00&tz=Asia%2FJakarta' });
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body).toMatch(/^inetnum:\s+198\.51\.100\.64 - 198\.51\.100\.79$/m);
    expect(r.body).toContain('SINARLOG-ID');
  });
});
