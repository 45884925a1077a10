import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { EyeClient } from '../../client/index.ts';
import { type ReferenceServer, startReferenceServer } from '../../local/bus/ref-server.ts';
import { createApp, eventually, startTestStack, type TestStack } from '../integration/harness.ts';
import { minutesAgo } from '../unit/helpers/time.ts';

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
/** Waits until `locator` matches `n` elements (a view renders what it loads when it arrives). */
const settlesAt = async (locator: Locator, n: number) => {
  await eventually(async () => (await locator.count()) === n, 5000).catch(() => undefined);
  expect(await locator.count()).toBe(n);
};

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
  test('is one gzip-encoded page of a known weight, shown at once, and refuses a wrong token', async () => {
    const response = await page.goto(`${stack.url}/console`);
    await page.getByLabel('Admin token or application API key').waitFor();
    // The navigation's own timing entry is named by the page's URL.
    const timing = await page.evaluate((url) => {
      const nav = performance.getEntriesByName(url)[0] as unknown as {
        encodedBodySize: number;
        decodedBodySize: number;
      };
      return {
        signInShown: performance.now(),
        firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        encodedBytes: nav.encodedBodySize,
        decodedBytes: nav.decodedBodySize,
      };
    }, page.url());
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("script-src 'sha256-");
    expect(headers['content-encoding']).toBe('gzip');
    const html = await response!.text();
    expect(timing.decodedBytes).toBe(Buffer.byteLength(html));
    expect(timing.encodedBytes).toBeLessThan(timing.decodedBytes / 2);
    const again = await stack.request('GET', '/console', {
      token: null,
      headers: { 'accept-encoding': 'gzip', 'if-none-match': headers.etag! },
    });
    expect(again.status).toBe(304);
    const metrics = {
      page_bytes: timing.decodedBytes,
      page_gzip_bytes: timing.encodedBytes,
      first_contentful_paint_ms: timing.firstContentfulPaint && Math.round(timing.firstContentfulPaint),
      sign_in_shown_ms: Math.round(timing.signInShown),
    };
    writeFileSync(join(SHOTS, 'metrics.json'), `${JSON.stringify(metrics)}\n`);
    console.log('console page', metrics);

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

  const schemaBox = (form: string) =>
    page.getByRole('form', { name: form }).getByLabel('JSON Schema (draft 2020-12) for data');

  test("lists event types, creates one from a schema, shows its fields, and lists the API's objections", async () => {
    await view('Event types');
    const types = page.getByRole('table', { name: 'Event types, by category and name' });
    await types.getByRole('row', { name: /page interaction pageview global/ }).waitFor();
    const create = page.getByRole('form', { name: 'New event type' });
    await create.getByLabel('Category').fill('checkout');
    await create.getByLabel('Name').fill('order');
    await schemaBox('New event type').fill('{"type": "object",');
    await create.getByRole('button', { name: 'Create type' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/not valid JSON/);
    await schemaBox('New event type').fill('{"type": "object", "properties": {"total": {"type": "amount"}}}');
    await create.getByRole('button', { name: 'Create type' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'validation_error' });
    await refused.waitFor();
    await expect(refused.getByRole('listitem').first().textContent()).resolves.toMatch(/^schema /);

    await schemaBox('New event type').fill(
      JSON.stringify({
        type: 'object',
        properties: { order_id: { type: 'string' }, total: { type: 'number', minimum: 0 } },
        required: ['order_id', 'total'],
      }),
    );
    // Enter in a field submits its form, as for a keyboard user.
    await create.getByLabel('Name').press('Enter');
    await page.getByRole('heading', { name: 'checkout / order' }).waitFor();
    await types.getByRole('row', { name: /checkout order global enforce 1/ }).waitFor();
    const versions = page.getByRole('table', { name: 'Versions of checkout / order' });
    await settlesAt(versions.locator('tbody tr'), 1);
    const fields = page.getByRole('table', { name: 'Fields of version 1' });
    await settlesAt(fields.getByRole('row', { name: /total number required ≥ 0/ }), 1);
  });

  const checkoutSession = `console-checkout-${Date.now()}`;
  test('charts the error counts by code of one application from GET /errors/summary', async () => {
    const { apiKey } = await createApp(stack, ['events'], 'console-checkout');
    const eye = new EyeClient({ baseUrl: stack.url, apiKey });
    // No `total`: each is invalid_payload under version 1 of checkout / order.
    await Promise.all(
      [3, 2, 1].map((m) =>
        eye.send({
          session_id: checkoutSession,
          category: 'checkout',
          name: 'order',
          data: { order_id: `o-${m}` },
          timestamp: minutesAgo(m),
        }),
      ),
    );
    await eye.close();

    await view('Errors');
    const item = page
      .locator('.errors li')
      .filter({ hasText: sessionId })
      .filter({ hasText: 'invalid_payload' });
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

    await page.getByRole('combobox', { name: /^Application/ }).selectOption({ label: 'console-checkout' });
    await page.getByRole('button', { name: 'Search' }).click();
    const summary = page.getByRole('status', { name: 'Error summary' });
    await eventually(
      async () => {
        if (/^3 errors /.test((await summary.textContent()) ?? '')) return true;
        await page.getByRole('button', { name: 'Refresh' }).click();
        return false;
      },
      15_000,
      500,
    );
    await expect(summary.textContent()).resolves.toBe('3 errors in the last 24 h: invalid_payload 3');
    const chart = page.getByRole('figure', { name: 'Errors by code over time' });
    await chart.locator('canvas').first().waitFor();
    await expect(chart.locator('.u-legend').textContent()).resolves.toContain('invalid_payload');
    await settlesAt(page.locator('.errors li'), 3);
    await shot('errors');
  });

  test('replays the errors once a new version of their type accepts them', async () => {
    await view('Event types');
    await page.getByRole('button', { name: 'Versions of checkout / order (global)' }).press('Enter');
    await schemaBox('Add a version to checkout / order').fill(
      JSON.stringify({
        type: 'object',
        properties: { order_id: { type: 'string' }, total: { type: 'number', minimum: 0 } },
        required: ['order_id'],
      }),
    );
    await page.getByRole('button', { name: 'Add version' }).click();
    await page.getByText('Version 2 of checkout / order added.').waitFor();
    const versions = page.getByRole('table', { name: 'Versions of checkout / order' });
    await settlesAt(versions.locator('tbody tr'), 2);
    await page.getByRole('table', { name: 'Fields of version 2' }).waitFor();
    await shot('event-types');

    await view('Errors');
    await page.getByRole('combobox', { name: /^Application/ }).selectOption({ label: 'console-checkout' });
    await page.getByRole('combobox', { name: /^Code/ }).selectOption('invalid_payload');
    await page.getByRole('button', { name: 'Search' }).click();
    await settlesAt(page.locator('.errors li'), 3);
    await page.getByRole('button', { name: 'Replay the errors of these filters' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'replay succeeded: 3 replayed, 0 still failing of 3' })
      .waitFor({ timeout: 20_000 });
    // Replayed records leave the list and stay in the counts, said so.
    await settlesAt(page.locator('.errors li'), 0);
    await page
      .getByRole('status', { name: 'Error summary' })
      .filter({ hasText: 'invalid_payload 3 (3 since replayed)' })
      .waitFor();
    const replayed = await stack.request('GET', `/events?session_id=${encodeURIComponent(checkoutSession)}`);
    expect((replayed.body as { items: unknown[] }).items).toHaveLength(3);
    await shot('replay');
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

  test('uploads a dataset through its presigned URL and describes a field with a histogram of the bins asked for', async () => {
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
    await page.getByLabel('Histogram bins (1–200)').fill('7');
    await page.getByRole('button', { name: 'Describe events.event_duration' }).click();
    const stats = page.getByRole('table', { name: /Statistics of/ });
    await stats.waitFor();
    await expect(stats.getByRole('row', { name: /^mean/ }).count()).resolves.toBe(1);
    const histogram = page.getByRole('img', { name: 'Histogram of events.event_duration' });
    await expect(histogram.locator('rect').count()).resolves.toBe(7);
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
