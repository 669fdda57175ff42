import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where browser tests save screenshots (git-ignored). */
export const TEST_OUTPUT_DIR = join(process.cwd(), 'test-output');

/**
 * Debian's chromium driven by playwright-core (no browser download): CHROMIUM_PATH, else
 * /usr/bin/chromium, which test/e2e.sh installs when absent.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `No chromium at ${executablePath}: apt-get install chromium (test/e2e.sh does), or set CHROMIUM_PATH`,
    );
  }
  // --no-sandbox: the tests run as root in CI, where chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}

/** Console errors and uncaught exceptions of a page, as they happen. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

/** Saves a full-page screenshot under test-output/<folder>/<name>.png; returns its path. */
export async function screenshot(page: Page, folder: string, name: string): Promise<string> {
  const dir = join(TEST_OUTPUT_DIR, folder);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
