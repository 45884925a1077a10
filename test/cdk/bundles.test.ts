import { describe, expect, test } from '@jest/globals';
import { bundleHandler } from '../../lib/constructs/bundling.ts';
import { authorizer, consumers, routes } from '../../lib/routes.ts';

// The budget of DESIGN.md, checked without a synth. It is for code: JSON data a package embeds
// (geo-tz's 870 KB zone index) is counted apart by bundleHandler, against a budget of its own: the
// zone index plus headroom, so a second embedded data set (or a bigger index) fails here.
const BUDGET_BYTES = 500 * 1024;
const DATA_BUDGET_BYTES = 1024 * 1024;

const handlers = [...new Set([authorizer, ...routes, ...consumers].map((f) => f.handler))];

describe('Lambda bundles', () => {
  test.each(handlers)(
    '%s bundles to at most 500 KB of minified code and 1 MB of embedded data',
    async (handler) => {
      const { codeBytes, dataBytes } = await bundleHandler(handler);
      expect(codeBytes).toBeLessThanOrEqual(BUDGET_BYTES);
      expect(dataBytes).toBeLessThanOrEqual(DATA_BUDGET_BYTES);
    },
  );
});
