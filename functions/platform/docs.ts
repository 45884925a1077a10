import { docsPage } from '../../shared/api-docs/page.ts';
import { publicRoute } from '../../shared/core/http.ts';

const page = docsPage();

export const handler = publicRoute({}, async () => ({
  status: 200,
  body: page,
  headers: { 'content-type': 'text/html; charset=utf-8' },
}));
