// The web page in a real browser (Debian's chromium driven by playwright-core) against a real
// lacak server on the sample registry: a lookup, a past time showing the earlier holder, a
// not-assigned-style answer, the language switch, no JavaScript needed, bulk lookups with a
// key, a keyboard-only walk, and an axe-core check. Screenshots go to test-artifacts/
// (git-ignored).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { ARTIFACTS, axeViolations, browserSuite, launchChromium, openPage, type OpenOptions } from '../helpers/browser.js';

const suite = browserSuite('the web page tests');

suite('web page in a browser', () => {
  const tmp = tempDir();
  let server: ServerProcess;
  let browser: Browser;
  let leaToken: string;
  const db = join(tmp.dir, 'registry.sqlite');

  beforeAll(async () => {
    await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
    const added = spawnSync(process.execPath, [CLI, 'keys', 'add', '--role', 'lea', '--label', 'Direktorat Siber', '--db', db], { encoding: 'utf8' });
    leaToken = added.stdout.trim().split('\n')[1]!;
    expect(leaToken).toMatch(/^lacak_/);
    server = await startServer(CLI, { LACAK_DB: db });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    tmp.cleanup();
  });

  const open = (path: string, options: OpenOptions = {}): Promise<Page> => openPage(browser, server.baseUrl, path, options);

  it('looks up an address typed into the box, and the URL keeps the question', async () => {
    const page = await open('/');
    await page.getByLabel('Alamat IP, rentang, prefiks, nomor AS, handle atau nama').fill('198.51.100.41:51234');
    await page.getByRole('button', { name: 'Telusuri', exact: true }).click();
    await page.waitForURL(/q=198\.51\.100\.41%3A51234/);
    await expect(page.locator('#answer h2').textContent()).resolves.toBe('Koperasi Simpan Pinjam Contoh Makmur');
    expect(await page.locator('#answer').textContent()).toContain('legal@contohnet.example.id');
    await page.screenshot({ path: join(ARTIFACTS, 'lookup.png'), fullPage: true });
    // Everything the page loaded came from lacak itself: no CDN, no fonts, no trackers.
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    expect(loaded.length).toBeGreaterThanOrEqual(2);
    expect(loaded.filter((u) => new URL(u).origin !== new URL(server.baseUrl).origin)).toEqual([]);
    // Printed (to cite on paper), the answer stands alone: no form, no bulk section, no buttons.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('form[role=search]').isVisible()).toBe(false);
    expect(await page.locator('section.bulk').isVisible()).toBe(false);
    expect(await page.locator('#answer .provenance').isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'print.png'), fullPage: true });
    await page.context().close();
  });

  it('shows the earlier holder for a past time, without JavaScript', async () => {
    const page = await open('/', { javaScript: false });
    await page.getByLabel('Alamat IP, rentang, prefiks, nomor AS, handle atau nama').fill('198.51.100.70');
    await page.getByLabel('Tanggal dan jam (opsional)').fill('2025-07-01T07:00:00');
    await page.getByRole('button', { name: 'Telusuri', exact: true }).click();
    await page.waitForURL(/at=2025-07-01T07/);
    expect(await page.locator('#answer h2').textContent()).toBe('PT Sinar Logistik Contoh');
    await page.screenshot({ path: join(ARTIFACTS, 'past-time.png'), fullPage: true });
    await page.context().close();
  });

  it('explains an address nobody here holds, and switches language', async () => {
    const unassigned = await open('/?q=192.0.2.10');
    expect(await unassigned.locator('#answer').textContent()).toContain('Dikelola oleh IDNIC, belum ditetapkan.');
    await unassigned.screenshot({ path: join(ARTIFACTS, 'not-assigned.png'), fullPage: true });
    await unassigned.context().close();
    const page = await open('/?q=10.1.2.3');
    expect(await page.locator('#answer').textContent()).toMatch(/ruang alamat khusus/);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#answer').textContent()).toMatch(/special-purpose address space/);
    await page.screenshot({ path: join(ARTIFACTS, 'special-en.png'), fullPage: true });
    await page.context().close();
  });

  /** Runs the bulk form and returns the downloaded CSV's rows, the status line and the requests it sent. */
  async function bulk(page: Page, fill: (page: Page) => Promise<void>) {
    const requests: Request[] = [];
    page.on('request', (r) => requests.push(r));
    await fill(page);
    // Whatever the page's language: the form's submit button and its one link.
    await page.locator('#bulk button[type=submit]').click();
    const link = page.locator('#bulk').getByRole('link');
    await link.waitFor({ state: 'visible' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    // Plain CSV: any reader, no options.
    const rows = parseCsv(csv, { columns: true }) as Record<string, string>[];
    return { rows, csv, status: await page.locator('#bulk-status').textContent(), requests, filename: download.suggestedFilename() };
  }

  it('answers pasted lines with a key: progress, a CSV download, and the key kept out of storage and URLs', async () => {
    const page = await open('/');
    const result = await bulk(page, async (p) => {
      await p.getByLabel('Kunci akses (opsional)').fill(leaToken);
      await p.getByLabel('Nomor perkara (untuk penegak hukum)').fill('LP/B/123/IV/2017');
      await p.getByLabel('Baris: alamat[:port][,waktu], satu per baris').fill(['198.51.100.70,2025-07-01T07:00:00', '', '198.51.100.70', '198.51.100.41:51234', '192.0.2.10', 'bukan-alamat'].join('\n'));
    });
    // One row per non-blank line, in order; the zoneless time was read in WIB (the default).
    expect(result.rows.map((r) => [r.line, r.holder || r.member_note || r.error])).toEqual([
      ['1', 'PT Sinar Logistik Contoh'],
      ['3', 'PT Maju Bersama Agrindo'],
      ['4', 'Koperasi Simpan Pinjam Contoh Makmur'],
      ['5', 'Managed by IDNIC, not assigned.'],
      ['6', 'not an IP address: "bukan-alamat"'],
    ]);
    expect(result.rows[0]!.instant).toBe('2025-07-01T00:00:00Z');
    // The case the key holder gave is on every row of the file.
    expect(result.rows.every((r) => r.case_reference === 'LP/B/123/IV/2017')).toBe(true);
    expect(result.csv).toMatch(/^line,input,address,port,case_reference,/);
    expect(result.filename).toMatch(/^lacak-bulk-\d{8}T\d{6}Z\.csv$/);
    expect(result.status).toBe('Selesai: 5 baris terjawab. Unduh hasilnya di bawah.');
    expect(await page.locator('#bulk-progress').evaluate((e: HTMLProgressElement) => [e.value, e.max])).toEqual([5, 5]);
    // The key went in the Authorization header of the one POST, with the case reference, and nowhere else.
    const posts = result.requests.filter((r) => r.method() === 'POST');
    expect(posts.map((r) => new URL(r.url()).pathname)).toEqual(['/bulk/ip']);
    expect(await posts[0]!.headerValue('authorization')).toBe(`Bearer ${leaToken}`);
    expect(await posts[0]!.headerValue('x-case-reference')).toBe('LP/B/123/IV/2017');
    expect(result.requests.some((r) => r.url().includes(leaToken) || (r.postData() ?? '').includes(leaToken))).toBe(false);
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie, url: location.href }));
    expect(stored).toEqual({ local: 0, session: 0, cookie: '', url: expect.not.stringContaining('lacak_') });
    expect(await page.context().cookies()).toEqual([]);
    // The server's audit log has the request under the LEA key with its case reference.
    const audit = spawnSync(process.execPath, [CLI, 'audit', '--db', db], { encoding: 'utf8' });
    expect(audit.stdout).toMatch(/lea.*LP\/B\/123\/IV\/2017.*\/bulk\/ip|\/bulk\/ip.*LP\/B\/123\/IV\/2017/);
    await page.screenshot({ path: join(ARTIFACTS, 'bulk.png'), fullPage: true });
    await page.context().close();
  });

  it('takes a CSV file, and says so plainly when the key is refused', async () => {
    const page = await open('/?lang=en', { locale: 'en-GB' });
    const file = ['address,port,time', '198.51.100.70,,2026-02-01T08:00:00+07:00', '"198.51.100.41",51234,'].join('\n');
    const result = await bulk(page, async (p) => {
      await p.getByLabel('Access key (optional)').fill(leaToken);
      await p.getByLabel('or a CSV or text file').setInputFiles({ name: 'log.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    });
    expect(result.rows.map((r) => [r.line, r.input, r.holder])).toEqual([
      ['2', '198.51.100.70,2026-02-01T08:00:00+07:00', 'PT Maju Bersama Agrindo'],
      ['3', '198.51.100.41:51234', 'Koperasi Simpan Pinjam Contoh Makmur'],
    ]);
    expect(result.status).toBe('Done: 2 lines answered. Download the result below.');

    await page.getByLabel('Access key (optional)').fill(`${leaToken.slice(0, -4)}AAAA`);
    await page.getByRole('button', { name: 'Look them all up' }).click();
    await expect.poll(() => page.locator('#bulk-status').textContent()).toMatch(/^The request was refused \(401\): .*not valid/);
    expect(await page.getByRole('link', { name: 'Download the result (CSV)' }).isVisible()).toBe(false);
    await page.context().close();
  });

  it('can be used with the keyboard alone: skip link, form, answer, copy button', async () => {
    const page = await open('/', { clipboard: true });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Langsung ke jawaban');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
    // What has focus is visibly marked.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    await page.keyboard.type('198.51.100.41');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=198\.51\.100\.41/);
    // From the skip link straight to the answer, then to the copy button.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => location.hash)).toBe('#answer');
    for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement?.className)) !== 'copy'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Salin alamat e-mail abuse');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('abuse@solusiweb.example.com');
    await page.context().close();
  });

  it('answers the browser\'s own request for /favicon.ico: no 404 in the console (issue 14)', async () => {
    const context = await browser.newContext({ locale: 'id-ID' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const asked = () => server.logs.filter((l) => l.includes('"url":"/favicon.ico"')).length;
    const before = asked();
    await page.goto(new URL('/?q=198.51.100.41', server.baseUrl).toString());
    // Chromium asks for the icon by itself after the page loads (not a request of the page's,
    // so playwright does not report it): wait until lacak has answered it.
    await expect.poll(asked, { timeout: 10_000 }).toBeGreaterThan(before);
    // The same icon loaded as an image of the page, under the page's own CSP: it decodes.
    const width = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const icon = new Image();
          icon.onload = () => resolve(icon.naturalWidth);
          icon.onerror = () => resolve(-1);
          icon.src = '/favicon.ico';
        }),
    );
    expect(width).toBe(16);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('has no serious accessibility violations (axe-core), also on a phone', async () => {
    for (const mobile of [false, true]) {
      const page = await open('/?q=198.51.100.41', { mobile, bypassCsp: true });
      const violations = await axeViolations(page);
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      // Nothing wider than the screen: no sideways scrolling on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
      expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, mobile ? 'phone.png' : 'desktop.png'), fullPage: true });
      await page.context().close();
    }
  });
});
