import type { RouteDef } from '../routes.ts';

// The platform's own routes: health, the API's documents, the console and the fallback.
// lib/routes.ts concatenates every feature's entries, in the order the API lists them.

export const routes: RouteDef[] = [
  { method: 'GET', path: '/health', auth: 'public', handler: 'functions/platform/health.ts' },
  { method: 'GET', path: '/openapi.json', auth: 'public', handler: 'functions/platform/openapi.ts' },
  {
    method: 'GET',
    path: '/docs',
    auth: 'public',
    handler: 'functions/platform/docs.ts',
    bundleFiles: [{ from: 'shared/api-docs/reference.html', to: 'api-docs/reference.html' }],
    environment: { API_DOCS_DIR: '/var/task/api-docs' },
  },
  { method: 'GET', path: '/console', auth: 'public', handler: 'functions/platform/console.ts' },
  { method: 'ANY', path: '$default', auth: 'public', handler: 'functions/platform/not-found.ts' },
];
