import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type Browser, chromium, type Page } from 'playwright-core';
import { EyeClient } from '../../client/index.ts';
import { type ReferenceServer, startReferenceServer } from '../../local/bus/ref-server.ts';
import { createApp, eventually, startTestStack, type TestStack } from '../integration/harness.ts';

// The console in a real browser (Debian's chromium) against one local stack, each test going on from
// where the previous one left the page, as a person would. Screenshots of each view land in .tmp/console/.

const ROOT = resolve(import.meta.dirname, '..', '..');
const SHOTS = join(ROOT, '.tmp', 'console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let source: ReferenceServer;
let stack: TestStack;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const view = (name: string) =>
  page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name }).click();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [source, browser] = await Promise.all([
    startReferenceServer({ seed: 'console', recordsMin: 20, recordsMax: 60, latencyMsMax: 0 }),
    chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }),
  ]);
  stack = await startTestStack({ BUS_SOURCE_URL: source.url });
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await source?.stop();
});

describe('the console', () => {
  test('is one page of a known weight, shown at once, and refuses a wrong token', async () => {
    const response = await page.goto(`${stack.url}/console`);
    await page.getByLabel('Admin token or application API key').waitFor();
    const timing = await page.evaluate(() => ({
      signInShown: performance.now(),
      firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    }));
    const html = await response!.text();
    expect(response!.headers()['content-security-policy']).toContain("script-src 'sha256-");
    const again = await stack.request('GET', '/console', {
      token: null,
      headers: { 'if-none-match': response!.headers().etag! },
    });
    expect(again.status).toBe(304);
    writeFileSync(
      join(SHOTS, 'metrics.json'),
      `${JSON.stringify({
        page_bytes: Buffer.byteLength(html),
        first_contentful_paint_ms: timing.firstContentfulPaint && Math.round(timing.firstContentfulPaint),
        sign_in_shown_ms: Math.round(timing.signInShown),
      })}\n`,
    );

    await page.getByLabel('Admin token or application API key').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/not valid/);
    await shot('sign-in');
  });

  test('signs in with the admin token, kept in sessionStorage only', async () => {
    await page.getByLabel('Admin token or application API key').fill(stack.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    const stored = await page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: Object.values(localStorage),
    }));
    expect(stored.session).toContain(stack.adminToken);
    expect(stored.local).not.toContain(stack.adminToken);
  });

  const sessionId = `console-${Date.now()}`;
  test('shows events sent with the client in the live tail', async () => {
    const { apiKey } = await createApp(stack, ['events'], 'console-shop');
    const eye = new EyeClient({ baseUrl: stack.url, apiKey });
    const data = { host: 'shop.example.com', path: '/' };
    await Promise.all([
      eye.send({
        session_id: sessionId,
        category: 'page interaction',
        name: 'pageview',
        data,
        timestamp: minutesAgo(10),
      }),
      eye.send({
        session_id: sessionId,
        category: 'page interaction',
        name: 'cta click',
        data: { ...data, element: 'buy' },
        timestamp: minutesAgo(9.9),
      }),
      eye.send({
        session_id: sessionId,
        category: 'page interaction',
        name: 'pageview',
        data: { ...data, path: '/checkout' },
        timestamp: minutesAgo(2),
      }),
      // No `element`: stored as an error, which the errors view must explain.
      eye.send({
        session_id: sessionId,
        category: 'page interaction',
        name: 'cta click',
        data,
        timestamp: minutesAgo(1),
      }),
    ]);
    await eye.close();

    const rows = page.getByRole('row').filter({ hasText: sessionId });
    await eventually(async () => (await rows.count()) === 3, 15_000, 250);
    await expect(rows.first().textContent()).resolves.toContain('/checkout');
    await shot('events');
  });

  test('opens a session on a time line with its gap visible', async () => {
    await page.getByRole('link', { name: sessionId }).first().click();
    await page.getByRole('heading', { name: /^Session/ }).waitFor();
    await expect(page.getByRole('img', { name: /Timeline of 3 events/ }).textContent()).resolves.toMatch(
      /gap 7 min 5\d s/,
    );
    await expect(page.getByText(/1 gap\(s\)/).count()).resolves.toBe(1);
    await shot('session');
  });

  test("shows an error's code and reason, and says plainly what the stack cannot chart", async () => {
    await view('Errors');
    const item = page.locator('.errors li').filter({ hasText: 'invalid_payload' });
    await eventually(
      async () => {
        if ((await item.count()) > 0) return true;
        await page.getByRole('button', { name: 'Refresh' }).click();
        return false;
      },
      15_000,
      500,
    );
    await item.first().locator('summary').click();
    await expect(item.first().textContent()).resolves.toMatch(/element/);
    await expect(item.first().textContent()).resolves.toContain(sessionId);
    const summary = await stack.request(
      'GET',
      '/errors/summary?from=2024-01-01T00:00:00Z&to=2024-01-01T01:00:00Z',
    );
    if (summary.status === 404) {
      await expect(page.getByRole('status').filter({ hasText: 'GET /errors/summary' }).count()).resolves.toBe(
        1,
      );
    } else {
      await page.locator('.chart canvas').first().waitFor();
    }
    await shot('errors');
  });

  test('fetches a bus date with a progress bar and charts its country statistics', async () => {
    const date = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await view('Bus');
    await page.getByLabel('Date to fetch').fill(date);
    await page.getByRole('button', { name: 'Fetch this date' }).click();
    await page.getByLabel(`Cities fetched for ${date}`).waitFor();
    await page.locator('.status.succeeded').first().waitFor({ timeout: 60_000 });
    await expect(page.getByLabel(`Cities fetched for ${date}`).first().getAttribute('value')).resolves.toBe(
      '30',
    );

    await page.getByLabel('From', { exact: true }).fill(date);
    await page.getByLabel('To (inclusive)').fill(date);
    await page.getByRole('button', { name: 'Show statistics' }).click();
    const chart = page.getByRole('img', { name: `total passengers by country on ${date}` });
    await chart.waitFor();
    await expect(chart.locator('rect').count()).resolves.toBe(5);
    const table = page.getByRole('table', { name: 'Statistics by date and country' });
    await expect(table.locator('tbody tr').count()).resolves.toBe(5);
    await shot('bus');
  });

  test('uploads a dataset through its presigned URL and describes a field', async () => {
    await view('Datasets');
    await page.getByLabel(/File of JSON records/).setInputFiles({
      name: 'journeys.json',
      mimeType: 'application/json',
      buffer: readFileSync(join(ROOT, 'test', 'fixtures', 'journeys-sample.json')),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^ready/ })
      .waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Describe events.event_duration' }).click();
    const stats = page.getByRole('table', { name: /Statistics of/ });
    await stats.waitFor();
    await expect(stats.getByRole('row', { name: /^mean/ }).count()).resolves.toBe(1);
    await shot('datasets');
  });

  test('plots a user track and lists advisors with client totals', async () => {
    const csv = readFileSync(join(ROOT, 'test', 'fixtures', 'locations-sample.csv'), 'utf8');
    const imported = await stack.request('POST', '/locations', {
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.status).toBe(200);
    await view('Locations');
    await page.getByLabel('User id').fill('a1');
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Show averages' }).click();
        return (await page.getByRole('img', { name: /Track of/ }).count()) > 0;
      },
      15_000,
      500,
    );
    await shot('locations');

    const advisors = readFileSync(join(ROOT, 'test', 'fixtures', 'advisors-data.json'), 'utf8');
    expect((await stack.request('POST', '/advisors/import', { body: advisors })).status).toBe(200);
    await view('Advisors');
    const clients = page.getByRole('table', { name: 'Clients with their account totals' });
    await clients.locator('tbody tr').first().waitFor();
    const first = clients.locator('tbody tr').first();
    await first.getByRole('combobox').selectOption({ index: 1 });
    await first.getByRole('button', { name: 'Assign', exact: true }).click();
    await eventually(
      async () => !(await clients.locator('tbody tr').first().textContent())?.includes('—'),
      5000,
    );
    await shot('advisors');
    expect(pageErrors).toEqual([]);
  });
});
