import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

// A real headless browser for tests of pages the stack serves (/docs; later the console). It drives the
// system's Chromium (Debian: `apt-get install -y chromium`, which .ci/run does) through playwright-core,
// which downloads no browser of its own. CHROMIUM_PATH names another binary.
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const chromiumPath = (): string => {
  const found = [process.env.CHROMIUM_PATH, ...CANDIDATES].find((path) => path && existsSync(path));
  if (!found)
    throw new Error(
      `No Chromium found (looked for ${CANDIDATES.join(', ')}); install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  return found;
};

/** Headless Chromium; `--no-sandbox` because CI runs as root, where Chromium's sandbox refuses to start. */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });

export interface OpenedPage {
  page: Page;
  /** Requests the page tried to make outside the origin it was loaded from (each was refused). */
  foreignRequests: string[];
  /** What the page's Content-Security-Policy refused to load (the browser sent no request). */
  refusedByPolicy: string[];
  /** Same-origin requests answered with an error status. */
  failedResponses: string[];
  /** Uncaught exceptions and console errors of the page, other than the two kinds above. */
  errors: string[];
}

const POLICY_VIOLATION = /violates the following Content Security Policy directive/;
const FAILED_RESOURCE = /^Failed to load resource/;

/**
 * Opens `url` in a fresh page that may reach only its own origin, as it would on a machine with no
 * internet: anything else is refused and recorded, so a test can assert that a page is self-contained.
 */
export const openPage = async (browser: Browser, url: string): Promise<OpenedPage> => {
  const page = await browser.newPage();
  const origin = new URL(url).origin;
  const opened: OpenedPage = {
    page,
    foreignRequests: [],
    refusedByPolicy: [],
    failedResponses: [],
    errors: [],
  };
  page.on('pageerror', (error) => opened.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (POLICY_VIOLATION.test(text)) opened.refusedByPolicy.push(text);
    else if (!FAILED_RESOURCE.test(text)) opened.errors.push(text);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) opened.failedResponses.push(new URL(response.url()).pathname);
  });
  await page.route('**/*', (route) => {
    const requested = route.request().url();
    if (requested.startsWith('data:') || new URL(requested).origin === origin) return route.continue();
    opened.foreignRequests.push(requested);
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  return opened;
};
