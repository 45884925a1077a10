import bundle from '../../console/dist/console.json' with { type: 'json' };
import { servePage } from '../../shared/api-docs/page.ts';
import { publicRoute } from '../../shared/core/http.ts';

// The page holds no data and no secret: every call it makes goes to this API with the caller's token.
const headers = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': bundle.csp,
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export const handler = publicRoute({}, async ({ event }) => servePage(bundle, event, headers));
