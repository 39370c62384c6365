// The page at / rendered on the server (a lookup works without JavaScript): answers, past
// holders, the plain-language not-found messages, both languages, security headers, escaping,
// and no personal data for an anonymous viewer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BULK_LINES } from '../../src/policy/access.js';
import { pageText } from '../helpers/html.js';
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
  const text = pageText;
  /** The answer alone: the box and the title repeat the question. */
  const answerText = (html: string) => text(/<section id="answer"[\s\S]*?<\/section>/.exec(html)![0]);

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
    const beforeHtml = (await page('?q=198.51.100.70&at=2025-07-01T07%3A00&tz=Asia%2FJakarta')).html;
    const before = text(beforeHtml);
    expect(before).toContain('PT Sinar Logistik Contoh');
    // The timeline marks the holder of the time asked, not today's.
    expect(beforeHtml.match(/<li aria-current="true"[^>]*>.*?<\/li>/g)).toEqual([expect.stringContaining('PT Sinar Logistik Contoh')]);
    expect((await page('?q=198.51.100.70')).html.match(/<li aria-current="true"[^>]*>.*?<\/li>/g)).toEqual([expect.stringContaining('PT Maju Bersama Agrindo')]);
    expect(before).toContain('2025-07-01T00:00:00Z');
    // Holders over time: the snapshots each was seen in, and the network's own dates (DESIGN §2).
    const now = text((await page('?q=198.51.100.70')).html);
    expect(now).toMatch(/PT Sinar Logistik Contoh SINARLOG-ID tercatat dalam snapshot 2025-06-01 – 2026-01-01 ?; terdaftar 2018-07-23 ?, terakhir diubah 2018-07-23/);
    expect(now).toMatch(/PT Maju Bersama Agrindo MBAGRINDO-ID tercatat dalam snapshot 2026-01-01 – sekarang ?; terdaftar 2025-10-14 ?, terakhir diubah 2025-10-14/);
  });

  it('warns, visibly, when the time asked lies between snapshots that answer differently', async () => {
    // 2025-11-15 10:00 WIB: the next snapshot's holder network was created on 2025-10-14, before then.
    const { html } = await page('?q=198.51.100.70&at=2025-11-15T10%3A00&tz=WIB&lang=en');
    const warning = /<section class="warning"[^>]*data-verdict="([^"]+)"[^>]*>([\s\S]*?)<\/section>/.exec(html);
    expect(warning?.[1]).toBe('changed-before');
    const t = text(warning![2]!);
    expect(t).toContain('Change between snapshots');
    expect(t).toContain('As of 2025-06-01T00:00:00Z: PT Sinar Logistik Contoh');
    expect(t).toContain('As of 2026-01-01T00:00:00Z: PT Maju Bersama Agrindo');
    expect(t).toMatch(/changed before 2025-11-15T03:00:00Z \(created 2025-10-14T03:12:45Z/);
    // Before that network was created: the earlier holder held it.
    const early = /data-verdict="([^"]+)"/.exec((await page('?q=198.51.100.70&at=2025-09-01T10%3A00&tz=WIB')).html);
    expect(early?.[1]).toBe('changed-after');
    // Now, or at a time with no later snapshot that differs: no warning.
    expect((await page('?q=198.51.100.70')).html).not.toContain('class="warning"');
    expect((await page('?q=198.51.100.41&at=2025-09-01T10%3A00')).html).not.toContain('class="warning"');
  });

  it('says in plain words why there is no holder', async () => {
    const special = await page('?q=10.1.2.3');
    expect(special.status).toBe(404);
    expect(text(special.html)).toMatch(/ruang alamat khusus .*RFC 1918/);
    const foreign = await page('?q=8.8.8.8');
    expect(text(foreign.html)).toMatch(/Tidak dikelola oleh IDNIC: terdaftar di ARIN/);
    // Where to ask instead, from the RFC 9224 bootstrap: that registry's RDAP answer and WHOIS server.
    expect(foreign.html).toMatch(/<a href="https:\/\/rdap\.arin\.net\/registry\/ip\/8\.8\.8\.8">rdap\.arin\.net<\/a>/);
    expect(foreign.html).toContain('<code>whois -h whois.arin.net</code>');
    expect(text((await page('?q=192.0.2.10')).html)).toContain('Dikelola oleh IDNIC, belum ditetapkan.');
    // Errors in the page's language, not the service's English.
    const bad = await page('?q=198.51.100.41&at=kemarin');
    expect(bad.status).toBe(400);
    expect(text(bad.html)).toContain('Pertanyaan tidak dapat dijawab');
    expect(text(bad.html)).toContain('bukan waktu RFC 3339: "kemarin"');
    expect(text((await page('?q=198.51.100.41&at=kemarin&lang=en')).html)).toContain('not an RFC 3339 time: "kemarin"');
  });

  it('says "not an IP address" for a mistyped address instead of searching it as a name', async () => {
    for (const q of ['1.2.3.4.5', '198.51.100.41 51234', '999.1.1.1']) {
      const r = await page(`?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(400);
      expect(answerText(r.html), q).toContain(`bukan alamat IP: "${q}"`);
    }
  });

  it('answers a reverse zone as RDAP and WHOIS do, and refers one of another registry', async () => {
    const zone = await page('?q=100.51.198.in-addr.arpa&lang=en');
    expect(zone.status).toBe(200);
    expect(answerText(zone.html)).toContain('100.51.198.in-addr.arpa');
    expect(zone.html).toContain('href="/domain/100.51.198.in-addr.arpa"');
    const rdap = await s.app.inject({ url: '/domain/100.51.198.in-addr.arpa' });
    expect(rdap.statusCode).toBe(200);
    const foreign = await page('?q=8.8.8.in-addr.arpa&lang=en');
    expect(foreign.status).toBe(404);
    expect(foreign.html).toContain('<a href="https://rdap.arin.net/registry/domain/8.8.8.in-addr.arpa">rdap.arin.net</a>');
  });

  it('names who answers for another registry\'s space, and why there is no member', async () => {
    const apnicMember = answerText((await page('?q=192.0.2.70&lang=en')).html);
    expect(apnicMember).toContain("Registered with APNIC, not managed by IDNIC: APNIC's server is authoritative.");
    expect(apnicMember).not.toContain('Managed by IDNIC, not assigned');
    expect(apnicMember).not.toMatch(/held by IDNIC/i);
    const university = answerText((await page('?q=198.51.100.100%3A1234&lang=en')).html);
    expect(university).toContain('Assigned directly by IDNIC to Universitas Contoh Nusantara: no member ISP in between, contact the holder.');
    expect(university).toContain('Port 1234: there is no ISP in between');
    expect(university).not.toContain('legal-request desk');
    const pool = answerText((await page('?q=198.51.100.110%3A1234&lang=en')).html);
    expect(pool).toContain('Managed by IDNIC, not assigned.');
    expect(pool).not.toContain('legal-request desk');
    // WITA is Asia/Makassar (UTC+8): the form keeps the zone asked.
    expect((await page('?q=198.51.100.70&at=2025-07-01T08%3A00&tz=WITA')).html).toContain('<option value="Asia/Makassar" selected>');
  });

  it('answers a handle: an organisation with its abuse contact and what it holds, an AS with its organisation', async () => {
    const org = await page('?q=org-kln1-idnic');
    expect(org.status).toBe(200);
    const t = answerText(org.html);
    expect(t).toContain('PT Kabel Laut Nusantara');
    // The organisation's own abuse-c (its networks use their IRT; that is the network rule, not this).
    expect(t).toMatch(/Kontak penyalahgunaan \(abuse\) abuse@kabellaut\.example\.net/);
    const held = [...org.html.matchAll(/<ul class="holds">([\s\S]*?)<\/ul>/g)].flatMap((m) => [...m[1]!.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((a) => [a[1], a[2]]));
    expect(held).toEqual([
      ['/?q=203.0.113.64+-+203.0.113.175&amp;lang=id', '203.0.113.64 - 203.0.113.175'],
      ['/?q=2001%3Adb8%3A400%3A%3A%2F40&amp;lang=id', '2001:db8:400::/40'],
      ['/?q=AS64500&amp;lang=id', 'AS64500'],
    ]);
    const asn = await page('?q=AS64497');
    expect(asn.html).toContain('<a href="/?q=ORG-CJN1-IDNIC&amp;lang=id">ORG-CJN1-IDNIC</a>');
    expect(answerText(asn.html)).toContain('abuse@contohnet.example.id');
  });

  it('links to an RDAP answer that exists for every kind of question', async () => {
    const questions = ['198.51.100.41:51234', '198.51.100.0 - 198.51.100.95', '198.51.100.0/24', '2001:db8:110:2a00::25', 'AS64497', 'ORG-CJN1-IDNIC'];
    for (const q of questions) {
      for (const time of ['', '&at=2025-07-01T07%3A00']) {
        const { html } = await page(`?q=${encodeURIComponent(q)}${time}`);
        const href = /<a href="([^"]+)">Jawaban RDAP \(JSON\)<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, '&');
        expect(href, q).toBeDefined();
        const rdap = await s.app.inject({ url: href! });
        expect(rdap.statusCode, `${q}${time} → ${href}`).toBe(200);
      }
    }
    // A range that is no prefix: RDAP's answer is the same network the page showed.
    const { html } = await page(`?q=${encodeURIComponent('198.51.100.0 - 198.51.100.95')}`);
    const href = /<a href="([^"]+)">Jawaban RDAP/.exec(html)![1]!;
    expect(JSON.parse((await s.app.inject({ url: href })).body)).toMatchObject({ startAddress: '198.51.100.0', endAddress: '198.51.100.95' });
  });

  it('gives a link to cite: the same question at the same instant, which answers the same later', async () => {
    const { html } = await page('?q=198.51.100.70');
    const href = /<a href="([^"]+)" rel="bookmark">/.exec(html)![1]!.replace(/&amp;/g, '&');
    const url = new URL(href, 'http://x');
    expect(Object.fromEntries(url.searchParams)).toEqual({ q: '198.51.100.70', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/), tz: 'UTC', lang: 'id' });
    const cited = await page(href.slice(1));
    expect(cited.status).toBe(200);
    expect(answerText(cited.html)).toContain('PT Maju Bersama Agrindo');
    expect(answerText(cited.html)).toContain(`pada ${url.searchParams.get('at')}Z (waktu yang diminta)`);
    // Asked for the earlier holder's time, the link keeps that time.
    const before = await page('?q=198.51.100.70&at=2025-07-01T07%3A00&tz=Asia%2FJakarta');
    expect(before.html).toContain('at=2025-07-01T00%3A00%3A00&amp;tz=UTC');
  });

  it('finds objects by name: the whole name, or its beginning, as links that ask about each', async () => {
    const exact = await page(`?q=${encodeURIComponent('pt kabel laut nusantara')}`);
    expect(exact.status).toBe(200);
    expect(exact.html).toMatch(/<a href="\/\?q=ORG-KLN1-IDNIC&amp;lang=id">PT Kabel Laut Nusantara<\/a>/);
    // A network's name links to its range.
    expect((await page('?q=KABELLAUT-ID')).html).toMatch(/<a href="\/\?q=203\.0\.113\.[0-9]+\+-\+203\.0\.113\.[0-9]+&amp;lang=id">KABELLAUT-ID<\/a>/);
    // Part of a name: every organisation that begins so, and nothing else.
    expect(exact.html).toContain('<h2 id="holder">Objek bernama “pt kabel laut nusantara”</h2>');
    const partial = (await page('?q=PT%20Contoh')).html;
    expect(partial).toContain('<h2 id="holder">Objek yang namanya diawali “PT Contoh”</h2>');
    const names = [...partial.matchAll(/<li><a [^>]*>([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(names).toEqual(['PT Contoh Jaringan Nusantara']);
    const pt = [...(await page('?q=PT')).html.matchAll(/<li><a [^>]*>([^<]+)<\/a>/g)].map((m) => m[1]!);
    expect(pt.length).toBeGreaterThanOrEqual(9);
    expect(pt.every((n) => n.startsWith('PT '))).toBe(true);
    // Names are current data: asked with a past time, the page says so instead of answering today's.
    const past = await page(`?q=${encodeURIComponent('PT Kabel Laut Nusantara')}&at=2025-07-01T07%3A00`);
    expect(past.status).toBe(404);
    expect(text(past.html)).toContain('Nama hanya dicari dalam data terkini');
  });

  it('finds a person by name only for a viewer entitled to personal data', async () => {
    const q = `?q=${encodeURIComponent('Ratna Kusuma Savitri')}`;
    const anonymous = await page(q);
    expect(anonymous.status).toBe(404);
    expect(answerText(anonymous.html)).not.toContain('Ratna');
    const { token } = s.keys.add({ role: 'admin', label: 'ops', now: Date.now() });
    const admin = await page(q, { authorization: `Bearer ${token}` });
    expect(admin.status).toBe(200);
    expect(admin.html).toMatch(/>Ratna Kusuma Savitri<\/a> <span class="handle">RKS1-IDNIC<\/span>/);
    // Shown personal data is on record, as for RDAP and WHOIS.
    expect(s.audit.list().at(-1)).toMatchObject({ role: 'admin', disclosed: ['RKS1-IDNIC'] });
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

  it('offers bulk lookups through the script only, with no form field that could carry the key to a URL', async () => {
    const { html } = await page('');
    const form = /<form id="bulk"[^>]*>[\s\S]*?<\/form>/.exec(html)![0];
    // Hidden until the script shows it; without the script a notice says how else to send lines.
    expect(form).toMatch(/^<form id="bulk" hidden/);
    expect(html).toMatch(/<noscript><p>[^<]*POST \/bulk\/ip/);
    // A field without a name is never submitted, whatever happens to the form.
    const fields = form.match(/<(input|textarea|select)\b[^>]*>/g)!;
    expect(fields.length).toBeGreaterThanOrEqual(5);
    for (const f of fields) expect(f).not.toMatch(/\bname=/);
    expect(form).toMatch(/<input id="bulk-key" type="password" autocomplete="off"/);
    // The limits are the policy table's, in the page's way of writing numbers.
    expect(text(html)).toContain(`anggota sampai ${BULK_LINES.member.toLocaleString('id-ID')} baris`);
    expect(text((await page('?lang=en')).html)).toContain(`without a key up to ${BULK_LINES.anonymous}`);
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
