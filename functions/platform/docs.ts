import { referencePage, servePage, staticPage } from '../../shared/api-docs/page.ts';
import { publicRoute } from '../../shared/core/http.ts';

// Encoded once per container: about 2.6 MB of page gzip to a small fraction of that.
const page = staticPage(referencePage());

// The page is self-contained; the policy keeps it so (Redoc's attribution logo would come from its CDN).
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

export const handler = publicRoute({}, async ({ event }) =>
  servePage(page, event, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'cache-control': 'no-cache',
  }),
);
