import { DEFAULT_PART_BYTES } from '../../shared/datasets/extract.ts';
import type { ConsumerDef, RouteDef } from '../routes.ts';

// Datasets: uploads, imports and aggregates.
// lib/routes.ts concatenates every feature's entries, in the order the API lists them.

export const routes: RouteDef[] = [
  {
    method: 'POST',
    path: '/datasets',
    auth: 'datasets',
    handler: 'functions/datasets/create.ts',
    timeoutSeconds: 29,
    memoryMb: 1024,
    access: { tables: { datasets: 'readwrite' }, bucket: [{ prefix: 'datasets/', access: 'write' }] },
  },
  {
    method: 'POST',
    path: '/datasets/uploads',
    auth: 'datasets',
    handler: 'functions/datasets/create-upload.ts',
    access: { tables: { datasets: 'write' }, bucket: [{ prefix: 'datasets/uploads/', access: 'write' }] },
  },
  {
    method: 'GET',
    path: '/datasets/{dataset_id}',
    auth: 'datasets',
    handler: 'functions/datasets/get.ts',
    access: { tables: { datasets: 'read' }, bucket: [{ prefix: 'datasets/', access: 'read' }] },
  },
  {
    method: 'GET',
    path: '/datasets/{dataset_id}/aggregate',
    auth: 'datasets',
    handler: 'functions/datasets/aggregate.ts',
    memoryMb: 1769,
    timeoutSeconds: 29,
    access: { tables: { datasets: 'read' }, bucket: [{ prefix: 'datasets/', access: 'read' }] },
  },
];

export const consumers: ConsumerDef[] = [
  {
    queue: 'datasetsImport',
    handler: 'functions/datasets/import.ts',
    batchSize: 1,
    memoryMb: 3008,
    timeoutSeconds: 900,
    // The extract is written in parts of this size, so the import's memory does not grow with the file.
    environment: { DATASET_PART_BYTES: String(DEFAULT_PART_BYTES) },
    access: { tables: { datasets: 'readwrite' }, bucket: [{ prefix: 'datasets/', access: 'readwrite' }] },
  },
];
