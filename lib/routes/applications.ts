import type { RouteDef } from '../routes.ts';
import { cursor } from './common.ts';

// Applications and their API keys (admin only).
// lib/routes.ts concatenates every feature's entries, in the order the API lists them.

export const routes: RouteDef[] = [
  {
    method: 'POST',
    path: '/applications',
    auth: 'admin',
    handler: 'functions/applications/create.ts',
    access: { tables: { applications: 'write' } },
  },
  {
    method: 'GET',
    path: '/applications',
    auth: 'admin',
    handler: 'functions/applications/list.ts',
    access: { tables: { applications: 'read' }, secrets: cursor },
  },
  {
    method: 'DELETE',
    path: '/applications/{application_id}',
    auth: 'admin',
    handler: 'functions/applications/delete.ts',
    access: { tables: { applications: 'readwrite' } },
  },
];
