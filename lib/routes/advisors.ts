import type { RouteDef } from '../routes.ts';
import { cursor } from './common.ts';

// Advisors and their clients.
// lib/routes.ts concatenates every feature's entries, in the order the API lists them.

export const routes: RouteDef[] = [
  {
    method: 'POST',
    path: '/advisors/import',
    auth: 'advisors',
    handler: 'functions/advisors/import.ts',
    timeoutSeconds: 29,
    // A full vCPU: a 20,000-client file is 200 transactions of 100 conditional puts, and the SDK's CPU per
    // call (and per item marshalled) sets the pace.
    memoryMb: 1769,
    access: { tables: { advisors: 'readwrite' } },
  },
  {
    method: 'GET',
    path: '/advisors',
    auth: 'advisors',
    handler: 'functions/advisors/list.ts',
    access: { tables: { advisors: 'read' }, secrets: cursor },
  },
  {
    method: 'PATCH',
    path: '/advisors/{advisor_id}',
    auth: 'advisors',
    handler: 'functions/advisors/update.ts',
    access: { tables: { advisors: 'readwrite' } },
  },
  {
    method: 'GET',
    path: '/advisors/{advisor_id}/clients',
    auth: 'advisors',
    handler: 'functions/advisors/advisor-clients.ts',
    access: { tables: { advisors: 'read' }, secrets: cursor },
  },
  {
    method: 'GET',
    path: '/clients',
    auth: 'advisors',
    handler: 'functions/advisors/list-clients.ts',
    access: { tables: { advisors: 'read' }, secrets: cursor },
  },
  {
    method: 'PUT',
    path: '/clients/{client_id}/advisor',
    auth: 'advisors',
    handler: 'functions/advisors/assign.ts',
    access: { tables: { advisors: 'readwrite' } },
  },
  {
    method: 'DELETE',
    path: '/clients/{client_id}/advisor',
    auth: 'advisors',
    handler: 'functions/advisors/unassign.ts',
    access: { tables: { advisors: 'readwrite' } },
  },
];
