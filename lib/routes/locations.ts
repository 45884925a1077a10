import type { ConsumerDef, FunctionSettings, RouteDef } from '../routes.ts';
import { cursor } from './common.ts';

// Locations: single and bulk positions, per-minute averages.
// lib/routes.ts concatenates every feature's entries, in the order the API lists them.

// geo-tz reads its 26 MB polygon file from disk at run time: ship it next to the bundle.
const zoneLookupData: Pick<FunctionSettings, 'bundleFiles' | 'environment'> = {
  bundleFiles: [
    {
      from: 'node_modules/geo-tz/data/timezones-1970.geojson.geo.dat',
      to: 'geo-tz/timezones-1970.geojson.geo.dat',
    },
  ],
  environment: { GEO_TZ_DATA_PATH: '/var/task/geo-tz' },
};

export const routes: RouteDef[] = [
  {
    method: 'PUT',
    path: '/location',
    auth: 'locations',
    handler: 'functions/locations/put.ts',
    access: { tables: { locations: 'write' }, sends: ['locationMinutes'] },
    ...zoneLookupData,
  },
  {
    method: 'POST',
    path: '/locations',
    auth: 'locations',
    handler: 'functions/locations/import.ts',
    timeoutSeconds: 29,
    memoryMb: 1024,
    access: { tables: { locations: 'write' }, sends: ['locationMinutes'] },
    ...zoneLookupData,
  },
  {
    method: 'GET',
    path: '/users/{user_id}/location-averages',
    auth: 'locations',
    handler: 'functions/locations/averages.ts',
    access: { tables: { locations: 'read' }, secrets: cursor },
  },
];

export const consumers: ConsumerDef[] = [
  {
    queue: 'locationMinutes',
    handler: 'functions/locations/average-minute.ts',
    batchSize: 1000,
    timeoutSeconds: 60,
    maxBatchingWindowSeconds: 1,
    access: { tables: { locations: 'readwrite' } },
  },
];
