import bundle from '../../console/dist/console.json' with { type: 'json' };
import { publicRoute } from '../../shared/core/http.ts';

// The page holds no data and no secret: every call it makes goes to this API with the caller's token.
const headers = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': bundle.csp,
  'cache-control': 'no-cache',
  etag: bundle.etag,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export const handler = publicRoute({}, async ({ event }) =>
  event.headers?.['if-none-match'] === bundle.etag
    ? { status: 304, headers }
    : { status: 200, body: bundle.html, headers },
);
