// Signed evidence on the web page, in a real browser (Debian's chromium driven by playwright-core)
// against a real lacak server on the sample registry with a signing key (issue 18): the
// "download evidence" form beside an answer, with a key and without one; the verification page
// given the downloaded report (valid) and a JWS with its signature changed (invalid); the page
// without JavaScript and in the other language; an axe-core check. Screenshots go to
// test-artifacts/ (git-ignored).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { ARTIFACTS, axeViolations, browserSuite, launchChromium, openPage, type OpenOptions } from '../helpers/browser.js';

const suite = browserSuite('the evidence pages tests');

const CASE = 'LP/B/456/XII/2026';

suite('evidence on the web page, in a browser', () => {
  const tmp = tempDir();
  let server: ServerProcess;
  let browser: Browser;
  let leaToken: string;
  const db = join(tmp.dir, 'registry.sqlite');
  const env = { LACAK_DB: db, LACAK_SIGNING_KEY: join(tmp.dir, 'evidence.signing-key') };
  /** The report the first test downloads; the verification page is given it later. */
  let report: { bytes: Buffer; serial: string } | null = null;

  beforeAll(async () => {
    await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
    const keygen = spawnSync(process.execPath, [CLI, 'evidence', 'keygen'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
    expect(keygen.stdout).toMatch(/^signing with key /);
    const added = spawnSync(process.execPath, [CLI, 'keys', 'add', '--role', 'lea', '--label', 'Direktorat Siber', '--db', db], { encoding: 'utf8' });
    leaToken = added.stdout.trim().split('\n')[1]!;
    expect(leaToken).toMatch(/^lacak_/);
    server = await startServer(CLI, env);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    tmp.cleanup();
  });

  const open = (path: string, options: OpenOptions = {}): Promise<Page> => openPage(browser, server.baseUrl, path, options);

  function theReport(): { bytes: Buffer; serial: string } {
    if (!report) throw new Error('the download test did not run first');
    return report;
  }

  /** Chooses the report on the verification page, checks it, and waits for the verdict. */
  async function verifyReport(page: Page, bytes: Buffer): Promise<string> {
    await page.getByLabel('Laporan PDF atau berkas JWS').setInputFiles({ name: 'bukti.pdf', mimeType: 'application/pdf', buffer: bytes });
    await page.getByRole('button', { name: 'Periksa', exact: true }).click();
    const verdict = page.locator('#verify-verdict');
    await verdict.waitFor({ state: 'visible' });
    return (await verdict.textContent())!;
  }

  it('offers evidence beside the answer for an address, a prefix at a past time, an AS number, a handle and a reverse zone only', async () => {
    const evidenceHref = async (query: string) => {
      const html = await (await fetch(new URL(`/?${query}`, server.baseUrl))).text();
      return /<form id="evidence" hidden data-href="([^"]*)"/.exec(html)?.[1] ?? null;
    };
    expect(await evidenceHref('q=203.0.113.7')).toBe('/evidence/ip/203.0.113.7/report.pdf');
    expect(await evidenceHref('q=198.51.100.0%2F24&at=2025-07-01T07%3A00&tz=Asia%2FJakarta')).toBe('/evidence/ip/198.51.100.0/24/report.pdf?at=2025-07-01T07%3A00&amp;tz=Asia%2FJakarta');
    expect(await evidenceHref('q=AS64496')).toBe('/evidence/autnum/64496/report.pdf');
    expect(await evidenceHref('q=ORG-CJN1-IDNIC')).toBe('/evidence/entity/ORG-CJN1-IDNIC/report.pdf');
    expect(await evidenceHref('q=100.51.198.in-addr.arpa')).toMatch(/^\/evidence\/domain\/100\.51\.198\.in-addr\.arpa\/report\.pdf$/i);
    // Names found, nothing found, a malformed question: no resource answer to sign.
    for (const query of ['q=PT+Contoh', 'q=192.0.2.10', 'q=1.2.3.4.5']) expect(await evidenceHref(query)).toBeNull();
    // Each link the page makes is one the evidence routes answer with a report.
    for (const query of ['q=198.51.100.41%3A51234', 'q=198.51.100.0%2F24&at=2025-07-01T07%3A00&tz=Asia%2FJakarta', 'q=AS64496', 'q=ORG-CJN1-IDNIC', 'q=100.51.198.in-addr.arpa']) {
      const href = (await evidenceHref(query))!.replaceAll('&amp;', '&');
      const got = await fetch(new URL(href, server.baseUrl), { headers: { authorization: `Bearer ${leaToken}`, 'x-case-reference': CASE } });
      expect([href, got.status, got.headers.get('content-type')]).toEqual([href, 200, 'application/pdf']);
    }
  });

  it('downloads the signed report of the answer shown, with the key and case reference in headers only', async () => {
    const page = await open('/?q=203.0.113.7');
    const requests: Request[] = [];
    page.on('request', (r) => requests.push(r));
    await page.getByLabel('Kunci akses (untuk bukti)').fill(leaToken);
    await page.getByLabel('Nomor perkara (untuk bukti, penegak hukum)').fill(CASE);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Unduh bukti (PDF)' }).click()]);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const serial = download.suggestedFilename().replace(/\.pdf$/, '');
    expect(serial).toMatch(/^IDNIC-\d{8}-[0-9A-F]{12}$/);
    report = { bytes, serial };
    await expect.poll(() => page.locator('#evidence-status').textContent()).toBe(`Bukti ${serial} diunduh sebagai ${serial}.pdf.`);
    // The one GET carried the key and the case in headers, in the page's language; nothing was stored.
    const asked = requests.filter((r) => new URL(r.url()).pathname.startsWith('/evidence/'));
    expect(asked.map((r) => [r.method(), new URL(r.url()).pathname])).toEqual([['GET', '/evidence/ip/203.0.113.7/report.pdf']]);
    expect(await asked[0]!.headerValue('authorization')).toBe(`Bearer ${leaToken}`);
    expect(await asked[0]!.headerValue('x-case-reference')).toBe(CASE);
    expect(await asked[0]!.headerValue('accept-language')).toBe('id');
    expect(requests.some((r) => r.url().includes(leaToken))).toBe(false);
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
    expect(stored).toEqual({ local: 0, session: 0, cookie: '' });
    // Every piece of evidence is a row of the audit log, naming its serial.
    const audit = spawnSync(process.execPath, [CLI, 'audit', '--db', db], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
    expect(audit.stdout).toContain(serial);
    await page.screenshot({ path: join(ARTIFACTS, 'evidence-download.png'), fullPage: true });
    await page.context().close();
  });

  it('says why no evidence is issued without a key', async () => {
    const page = await open('/?q=203.0.113.7');
    await page.getByRole('button', { name: 'Unduh bukti (PDF)' }).click();
    await expect.poll(() => page.locator('#evidence-status').textContent()).toMatch(/^Bukti tidak diterbitkan \(401\): signed evidence is issued to callers with a key/);
    expect(await page.locator('#evidence-download').isVisible()).toBe(false);
    await page.context().close();
  });

  it('checks the downloaded report on the verification page its QR code points to: valid, with what it states', async () => {
    const { bytes, serial } = theReport();
    const page = await open(`/evidence/verify?serial=${serial}`);
    expect(await page.locator('#verify-serial').textContent()).toBe(`Nomor seri ${serial}: unggah laporan atau JWS-nya untuk memeriksanya.`);
    const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/evidence/verify');
    expect(await verifyReport(page, bytes)).toBe('Sah');
    expect(await (await posted).headerValue('content-type')).toBe('application/pdf');
    // Keyboard and screen-reader users land on the verdict.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('verify-verdict');
    expect(await page.locator('#verify-status').textContent()).toBe('Pemeriksaan selesai: Sah.');
    const shown = (await page.locator('#verify-result').innerText()).replace(/\s+/g, ' ');
    expect(shown).toContain(`Nomor seri ${serial}`);
    expect(shown).toContain('kunci yang berlaku sekarang');
    expect(shown).toContain('Pertanyaan /ip/203.0.113.7');
    expect(shown).toContain(`Diminta oleh penegak hukum, nomor perkara ${CASE}`);
    expect(shown).toContain('Pemegang Indonesia Network Information Centre');
    expect(shown).toContain('Jaringan 203.0.113.0 - 203.0.113.127');
    // Nothing was imported since: today's data gives the same answer for that instant.
    expect(shown).toContain('Data saat ini memberi jawaban yang sama untuk saat itu.');
    expect(shown).not.toContain('bukan ' + serial);
    await page.screenshot({ path: join(ARTIFACTS, 'evidence-valid.png'), fullPage: true });
    await page.context().close();
  });

  it('says a pasted JWS whose signature was changed is invalid, and why', async () => {
    const answer = await fetch(new URL('/evidence/ip/203.0.113.7', server.baseUrl), { headers: { authorization: `Bearer ${leaToken}`, 'x-case-reference': CASE } });
    expect(answer.status).toBe(200);
    const jws = (await answer.json()) as { signature: string };
    // A character in the middle: the last one's low bits are not part of the signature's bytes.
    const i = 20;
    const changed = { ...jws, signature: `${jws.signature.slice(0, i)}${jws.signature[i] === 'A' ? 'B' : 'A'}${jws.signature.slice(i + 1)}` };
    const page = await open('/evidence/verify?lang=en', { locale: 'en-GB' });
    await page.getByLabel('or paste a JWS').fill(JSON.stringify(changed));
    const posted = page.waitForRequest((r) => r.method() === 'POST');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    expect(await (await posted).headerValue('content-type')).toBe('application/jose+json');
    await expect.poll(() => page.locator('#verify-verdict').textContent()).toBe('Invalid');
    const shown = await page.locator('#verify-result').innerText();
    expect(shown).toMatch(/Reason: the signature does not match the content/);
    expect(shown).toContain('the current key');
    expect(await page.locator('#verify-status').textContent()).toBe('Checked: Invalid.');
    // The same JWS unchanged is valid: it was the one character.
    await page.getByLabel('or paste a JWS').fill(JSON.stringify(jws));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => page.locator('#verify-verdict').textContent()).toBe('Valid');
    await page.screenshot({ path: join(ARTIFACTS, 'evidence-invalid-then-valid.png'), fullPage: true });
    await page.context().close();
  });

  it('says without JavaScript that the check needs it and which command does it offline; the footer links the page, in both languages', async () => {
    // The verification page has the page's security headers: its script comes from lacak only.
    const headers = (await fetch(new URL('/evidence/verify', server.baseUrl))).headers;
    expect(headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await open('/', { javaScript: false });
    await page.getByRole('link', { name: 'Periksa bukti' }).click();
    await page.waitForURL(/\/evidence\/verify\?lang=id$/);
    expect(await page.locator('main').innerText()).toContain('Tanpa JavaScript, perintah ini memeriksanya secara luring: lacak evidence verify BERKAS');
    expect(await page.locator('#verify').isVisible()).toBe(false);
    await page.goto(new URL('/evidence/verify?serial=IDNIC-20260101-0123456789AB', server.baseUrl).toString());
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    expect(await page.locator('#verify-serial').textContent()).toBe('Serial IDNIC-20260101-0123456789AB: upload the report or its JWS to check it.');
    expect(await page.locator('main').innerText()).toContain('lacak evidence verify FILE');
    await page.context().close();
  });

  it('has no accessibility violations (axe-core), with a verdict shown, also on a phone', async () => {
    for (const mobile of [false, true]) {
      const page = await open(`/evidence/verify?serial=${theReport().serial}`, { mobile, bypassCsp: true });
      expect(await verifyReport(page, theReport().bytes)).toBe('Sah');
      const violations = await axeViolations(page);
      expect(violations.map((v) => `${v.impact} ${v.id}: ${v.help}`)).toEqual([]);
      // Nothing wider than the screen: no sideways scrolling on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, mobile ? 'evidence-verify-phone.png' : 'evidence-verify-desktop.png'), fullPage: true });
      await page.context().close();
    }
  });
});
