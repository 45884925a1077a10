import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { launchBrowser, type OpenedPage, openPage } from '../browser.ts';
import { startTestStack, type TestStack } from './harness.ts';

interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
}

const document = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../shared/api-docs/openapi.json'), 'utf8'),
) as { paths: Record<string, Record<string, Operation>> };
const operations = Object.entries(document.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, ...op })),
);

let stack: TestStack;
let browser: Browser;
let docs: OpenedPage;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack(), launchBrowser()]);
  docs = await openPage(browser, `${stack.url}/docs`);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the /docs reference page in a headless browser', () => {
  test('loads without errors and asks for nothing outside the stack', async () => {
    await docs.page.getByRole('heading', { level: 1, name: /Eye serverless API/ }).waitFor();
    expect(docs.foreignRequests).toEqual([]);
    expect(docs.errors).toEqual([]);
    // The browser asks for a favicon the API does not have (404).
    expect(docs.failedResponses.filter((path) => path !== '/favicon.ico')).toEqual([]);
    // Redoc's attribution logo comes from its CDN: the page's policy refuses it, and nothing else.
    expect(docs.refusedByPolicy.filter((message) => !message.includes('https://cdn.redoc.ly/'))).toEqual([]);
  });

  test.each(operations)('renders $method $path', async ({ path, operationId, summary, tags }) => {
    const { page } = docs;
    // Redoc links each operation as #/<tag>/<operationId in lower case>.
    await page.locator(`a[href="#/${tags[0]}/${operationId.toLowerCase()}"]`).first().click();
    await page.locator('h1, h2', { hasText: summary }).first().waitFor({ timeout: 5_000 });
    await page.getByText(path, { exact: true }).first().waitFor({ timeout: 5_000 });
    expect(page.url()).toMatch(new RegExp(`#/${tags[0]}/${operationId.toLowerCase()}$`));
  });
});
