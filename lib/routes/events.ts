import type { ConsumerDef, RouteDef } from '../routes.ts';
import { cursor, stallSeconds } from './common.ts';

// Events ("The Eye"): ingest, listings, error summaries and replay, and the event types.
// lib/routes.ts concatenates every feature's entries, in the order the API lists them.

const REPLAY_TIMEOUT_SECONDS = 60;
/** A replay that has recorded no page for this long (30 min) reads failed. */
const replayStall = { REPLAY_STALL_SECONDS: stallSeconds('eventsReplay', REPLAY_TIMEOUT_SECONDS) };

export const routes: RouteDef[] = [
  {
    method: 'POST',
    path: '/events',
    auth: 'events',
    handler: 'functions/events/ingest.ts',
    access: { tables: { events: 'write' }, sends: ['eventsIngest'] },
  },
  {
    method: 'GET',
    path: '/events',
    auth: 'events',
    handler: 'functions/events/query.ts',
    access: { tables: { events: 'read' }, secrets: cursor },
  },
  {
    method: 'GET',
    path: '/errors',
    auth: 'events',
    handler: 'functions/events/errors.ts',
    access: { tables: { events: 'read' }, secrets: cursor },
  },

  {
    method: 'GET',
    path: '/errors/summary',
    auth: 'events',
    handler: 'functions/events/summary.ts',
    access: { tables: { events: 'read' } },
  },

  {
    method: 'POST',
    path: '/errors/replay',
    auth: 'events',
    handler: 'functions/events/replay-start.ts',
    access: { tables: { events: 'write' }, sends: ['eventsReplay'] },
  },
  {
    method: 'GET',
    path: '/errors/replay/{replay_id}',
    auth: 'events',
    handler: 'functions/events/replay-status.ts',
    environment: replayStall,
    access: { tables: { events: 'read' } },
  },

  // Event types: versioned JSON Schemas, global or an application's own
  {
    method: 'POST',
    path: '/event-types',
    auth: 'events',
    handler: 'functions/events/type-create.ts',
    access: { tables: { events: 'write' } },
  },
  {
    method: 'GET',
    path: '/event-types',
    auth: 'events',
    handler: 'functions/events/type-list.ts',
    access: { tables: { events: 'read' }, secrets: cursor },
  },
  {
    method: 'GET',
    path: '/event-types/{category}/{name}',
    auth: 'events',
    handler: 'functions/events/type-get.ts',
    access: { tables: { events: 'read' } },
  },
  {
    method: 'PATCH',
    path: '/event-types/{category}/{name}',
    auth: 'events',
    handler: 'functions/events/type-update.ts',
    access: { tables: { events: 'readwrite' } },
  },
  {
    method: 'POST',
    path: '/event-types/{category}/{name}/versions',
    auth: 'events',
    handler: 'functions/events/type-version.ts',
    access: { tables: { events: 'readwrite' } },
  },
];

export const consumers: ConsumerDef[] = [
  {
    queue: 'eventsIngest',
    handler: 'functions/events/process.ts',
    batchSize: 100,
    // A batch of 100 messages may carry tens of thousands of events, each a conditional put.
    timeoutSeconds: 60,
    maxBatchingWindowSeconds: 1,
    access: { tables: { events: 'readwrite' } },
  },
  {
    queue: 'eventsReplay',
    handler: 'functions/events/replay.ts',
    // One page of a replay per message; each queues the next.
    batchSize: 1,
    timeoutSeconds: REPLAY_TIMEOUT_SECONDS,
    environment: replayStall,
    access: { tables: { events: 'readwrite' }, sends: ['eventsReplay'] },
  },
];
