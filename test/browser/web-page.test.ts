// The web page in a real browser (Debian's chromium driven by playwright-core) against a real
// lacak server on the sample registry: a lookup, a past time showing the earlier holder, a
// not-assigned-style answer, the language switch, no JavaScript needed, and an axe-core check.
// Screenshots go to test-artifacts/ (git-ignored).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, ROOT, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const ARTIFACTS = join(ROOT, 'test-artifacts');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// Under CI a missing browser is a failure (.ci/run installs it); elsewhere the file is skipped.
const suite = CHROMIUM || process.env.CI ? describe : describe.skip;

suite('web page in a browser', () => {
  const tmp = tempDir();
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('chromium is not installed (apt-get install chromium)');
    mkdirSync(ARTIFACTS, { recursive: true });
    const db = join(tmp.dir, 'registry.sqlite');
    await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
    server = await startServer(CLI, { LACAK_DB: db });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    tmp.cleanup();
  });

  async function open(path: string, options: { javaScript?: boolean; locale?: string; mobile?: boolean; bypassCsp?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({
      javaScriptEnabled: options.javaScript ?? true,
      // Only to inject axe-core: the page's own CSP rightly refuses inline scripts.
      bypassCSP: options.bypassCsp ?? false,
      locale: options.locale ?? 'id-ID',
      viewport: options.mobile ? { width: 375, height: 740 } : { width: 1200, height: 900 },
    });
    const page = await context.newPage();
    await page.goto(new URL(path, server.baseUrl).toString());
    return page;
  }

  it('looks up an address typed into the box, and the URL keeps the question', async () => {
    const page = await open('/');
    await page.getByLabel('Alamat IP, rentang, prefiks, nomor AS atau handle').fill('198.51.100.41:51234');
    await page.getByRole('button', { name: 'Telusuri' }).click();
    await page.waitForURL(/q=198\.51\.100\.41%3A51234/);
    await expect(page.getByRole('heading', { level: 2 }).textContent()).resolves.toBe('Koperasi Simpan Pinjam Contoh Makmur');
    expect(await page.locator('#answer').textContent()).toContain('legal@contohnet.example.id');
    await page.screenshot({ path: join(ARTIFACTS, 'lookup.png'), fullPage: true });
    await page.context().close();
  });

  it('shows the earlier holder for a past time, without JavaScript', async () => {
    const page = await open('/', { javaScript: false });
    await page.getByLabel('Alamat IP, rentang, prefiks, nomor AS atau handle').fill('198.51.100.70');
    await page.getByLabel('Tanggal dan jam (opsional)').fill('2025-07-01T07:00:00');
    await page.getByRole('button', { name: 'Telusuri' }).click();
    await page.waitForURL(/at=2025-07-01T07/);
    expect(await page.getByRole('heading', { level: 2 }).textContent()).toBe('PT Sinar Logistik Contoh');
    await page.screenshot({ path: join(ARTIFACTS, 'past-time.png'), fullPage: true });
    await page.context().close();
  });

  it('explains an address nobody here holds, and switches language', async () => {
    const page = await open('/?q=10.1.2.3');
    expect(await page.locator('#answer').textContent()).toMatch(/ruang alamat khusus/);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#answer').textContent()).toMatch(/special-purpose address space/);
    await page.screenshot({ path: join(ARTIFACTS, 'special-en.png'), fullPage: true });
    await page.context().close();
  });

  it('has no serious accessibility violations (axe-core), also on a phone', async () => {
    for (const mobile of [false, true]) {
      const page = await open('/?q=198.51.100.41', { mobile, bypassCsp: true });
      await page.addScriptTag({ content: AXE });
      const result = await page.evaluate(async () => {
        const axe = (globalThis as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; help: string }[] }> } }).axe;
        return axe.run();
      });
      const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, mobile ? 'phone.png' : 'desktop.png'), fullPage: true });
      await page.context().close();
    }
  });
});
