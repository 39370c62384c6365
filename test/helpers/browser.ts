// The web page's tests in a real browser: Debian's chromium driven by playwright-core, pages
// opened in a fresh context each, axe-core for accessibility. Screenshots go to
// test-artifacts/ (git-ignored).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe } from 'vitest';
import { ROOT } from './registry.js';
import { reportSkip } from './skip.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
export const ARTIFACTS = join(ROOT, 'test-artifacts');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * `describe` for a file of browser tests. Under CI a missing browser is a failure (.ci/run
 * installs it); elsewhere the file is skipped, saying which Debian package brings it back.
 */
export function browserSuite(what: string): typeof describe | typeof describe.skip {
  if (!CHROMIUM && !process.env.CI) {
    reportSkip(`${what} in a real browser (this file)`, 'no Chromium at /usr/bin/chromium or /usr/bin/chromium-browser', 'apt-get install chromium (Debian)');
  }
  return CHROMIUM || process.env.CI ? describe : describe.skip;
}

export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('chromium is not installed (apt-get install chromium)');
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export interface OpenOptions {
  readonly javaScript?: boolean;
  readonly locale?: string;
  readonly mobile?: boolean;
  readonly bypassCsp?: boolean;
  readonly clipboard?: boolean;
}

/** `path` of `baseUrl` in a context of its own (Indonesian, desktop size, JavaScript on, unless asked otherwise). */
export async function openPage(browser: Browser, baseUrl: string, path: string, options: OpenOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    permissions: options.clipboard ? ['clipboard-read', 'clipboard-write'] : [],
    javaScriptEnabled: options.javaScript ?? true,
    // Only to inject axe-core: the page's own CSP rightly refuses inline scripts.
    bypassCSP: options.bypassCsp ?? false,
    locale: options.locale ?? 'id-ID',
    viewport: options.mobile ? { width: 375, height: 740 } : { width: 1200, height: 900 },
  });
  const page = await context.newPage();
  await page.goto(new URL(path, baseUrl).toString());
  return page;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
}

/** axe-core's violations on the page as it is now (open it with `bypassCsp`). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: () => Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run();
  });
  return result.violations.map(({ id, impact, help }) => ({ id, impact, help }));
}
