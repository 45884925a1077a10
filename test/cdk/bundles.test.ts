import { describe, expect, test } from '@jest/globals';
import { bundleHandler } from '../../lib/constructs/bundling.ts';
import { authorizer, consumers, routes } from '../../lib/routes.ts';

// The budget of DESIGN.md, checked without a synth. It is for code: JSON data a package embeds
// (geo-tz's 870 KB zone index) is counted apart by bundleHandler and reported by `npm run bench`.
const BUDGET_BYTES = 500 * 1024;

const handlers = [...new Set([authorizer, ...routes, ...consumers].map((f) => f.handler))];

describe('Lambda bundles', () => {
  test.each(handlers)('%s bundles to at most 500 KB of minified code', async (handler) => {
    expect((await bundleHandler(handler)).codeBytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
