import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { errorBody, errorResponses, jsonBody, jsonResponse, listOf } from '../core/openapi.ts';
import { pageQuery } from '../core/validation.ts';
import {
  advisor,
  advisorClientsPage,
  advisorIdPath,
  assignBody,
  availabilityBody,
  clientIdPath,
  clientSummary,
  importFile,
  importResult,
  listAdvisorsQuery,
} from './schemas.ts';

const conflictResponse = {
  '409': {
    description:
      'The advisor is unavailable, or the client is being reassigned by many requests at once (try again)',
    content: { 'application/json': { schema: errorBody } },
  },
};
const tooLarge = {
  '413': {
    description: 'The file is larger than 5 MiB',
    content: { 'application/json': { schema: errorBody } },
  },
};

export const advisorsPaths: ZodOpenApiPathsObject = {
  '/advisors/import': {
    post: {
      tags: ['advisors'],
      summary: 'Import clients and advisors, upserting by name',
      description:
        'Idempotent: a client is identified by first + last name and an advisor by name (case and ' +
        'spacing ignored). New entities are created; changed ones are updated in place; assignments and ' +
        'availability are never touched. Counts cover only new / changed entities, so an identical ' +
        're-import answers zeros. Nothing is deleted.',
      requestBody: jsonBody(importFile),
      responses: {
        '200': jsonResponse('Counts of what changed', importResult),
        ...errorResponses,
        ...tooLarge,
      },
    },
  },
  '/advisors': {
    get: {
      tags: ['advisors'],
      summary: 'List advisors by name, optionally only the (un)available ones',
      requestParams: { query: listAdvisorsQuery },
      responses: { '200': jsonResponse('A page of advisors', listOf(advisor)), ...errorResponses },
    },
  },
  '/advisors/{advisor_id}': {
    patch: {
      tags: ['advisors'],
      summary: 'Set whether the advisor takes new clients (existing clients stay assigned)',
      requestParams: { path: advisorIdPath },
      requestBody: jsonBody(availabilityBody),
      responses: { '200': jsonResponse('The advisor', advisor), ...errorResponses },
    },
  },
  '/advisors/{advisor_id}/clients': {
    get: {
      tags: ['advisors'],
      summary: "The advisor's clients by last then first name, with accounts and totals",
      description:
        'Deployed, the list reads a secondary index, so an assignment shows here after at most ' +
        'a moment (eventually consistent).',
      requestParams: { path: advisorIdPath, query: pageQuery },
      responses: { '200': jsonResponse('A page of clients', advisorClientsPage), ...errorResponses },
    },
  },
  '/clients': {
    get: {
      tags: ['advisors'],
      summary: 'List clients by last then first name',
      description:
        'Deployed, the list reads a secondary index, so a new or changed client shows here after at most ' +
        'a moment (eventually consistent).',
      requestParams: { query: pageQuery },
      responses: { '200': jsonResponse('A page of clients', listOf(clientSummary)), ...errorResponses },
    },
  },
  '/clients/{client_id}/advisor': {
    put: {
      tags: ['advisors'],
      summary: "Assign the client's advisor, replacing any previous one in one transaction",
      description:
        "The client and both advisors' client counts and totals change together; assigning the advisor " +
        'the client already has changes nothing.',
      requestParams: { path: clientIdPath },
      requestBody: jsonBody(assignBody),
      responses: { '200': jsonResponse('The client', clientSummary), ...errorResponses, ...conflictResponse },
    },
    delete: {
      tags: ['advisors'],
      summary: 'Remove the client’s advisor (204 also when it had none)',
      requestParams: { path: clientIdPath },
      responses: { '204': { description: 'The client has no advisor' }, ...errorResponses },
    },
  },
};
