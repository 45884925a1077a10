import type { Caller } from '../core/auth.ts';
import { ownerScope } from '../core/auth.ts';
import { conflict, notFound, validationError } from '../core/errors.ts';
import { logger } from '../core/observability.ts';
import { aggregate } from './aggregate.ts';
import { type BuiltExtract, ExtractBuilder } from './extract.ts';
import { DatasetSyntaxError, readRecords } from './reader.ts';
import {
  createReadyDataset,
  createUpload,
  type DatasetItem,
  extractReader,
  failImport,
  finishImport,
  getCatalogue,
  getDataset,
  openUpload,
  startProcessing,
  uploadIdOf,
} from './repository.ts';
import type { Dataset } from './schemas.ts';

// The feature's use cases; handlers call these, these call the pure modules and the repository.

/** Reads a whole file (buffer or stream) and builds its extract; throws DatasetSyntaxError. */
export const readDataset = async (
  source: Uint8Array | AsyncIterable<Uint8Array>,
): Promise<{ records: number; bytes: number; extract: BuiltExtract }> => {
  const builder = new ExtractBuilder();
  const { records, bytes } = await readRecords(source, (record) => builder.add(record));
  return { records, bytes, extract: builder.build() };
};

const ownerOf = (caller: Caller) => (caller.kind === 'application' ? caller.applicationId : null);

export const createInlineDataset = async (caller: Caller, raw: Buffer) => {
  let read: Awaited<ReturnType<typeof readDataset>>;
  try {
    read = await readDataset(raw);
  } catch (err) {
    if (!(err instanceof DatasetSyntaxError)) throw err;
    throw validationError('The body is not a JSON array of objects, NDJSON or concatenated JSON objects', [
      { offset: err.offset, message: err.message },
    ]);
  }
  const item = await createReadyDataset({ owner: ownerOf(caller), raw, ...read });
  return {
    id: item.id,
    status: item.status,
    records: read.records,
    bytes: raw.length,
    created_at: item.created_at,
  };
};

export const createDatasetUpload = (caller: Caller, name: string | undefined) =>
  createUpload({ owner: ownerOf(caller), name: name ?? null });

/** The dataset if the caller may see it; another application's is answered like a missing one. */
const visibleDataset = async (caller: Caller, id: string, applicationId?: string): Promise<DatasetItem> => {
  const item = await getDataset(id);
  const owner = ownerScope(caller, applicationId);
  if (!item || (owner !== undefined && item.application_id !== owner)) throw notFound('Dataset not found');
  return item;
};

export const describeDataset = async (
  caller: Caller,
  id: string,
  applicationId?: string,
): Promise<Dataset> => {
  const item = await visibleDataset(caller, id, applicationId);
  const catalogue = item.status === 'ready' ? await getCatalogue(id) : undefined;
  return {
    id: item.id,
    name: item.name,
    status: item.status,
    records: item.records,
    bytes: item.bytes,
    fields: catalogue?.paths.map(({ path, type, count }) => ({ path, type, count })) ?? [],
    created_at: item.created_at,
    ...(item.error ? { error: item.error } : {}),
  };
};

export const aggregateDataset = async (
  caller: Caller,
  id: string,
  query: { field: string; group_by?: string | undefined; application_id?: string | undefined },
) => {
  const item = await visibleDataset(caller, id, query.application_id);
  if (item.status !== 'ready') throw conflict(`Dataset is not ready (status ${item.status})`);
  return aggregate(await getCatalogue(id), query, extractReader(id));
};

/** The object keys an S3 notification message (the SQS body) reports as created. */
export const createdObjectKeys = (body: string): string[] => {
  const message = JSON.parse(body) as {
    Records?: { eventName?: string; s3?: { object?: { key?: string } } }[];
  };
  // S3 sends an s3:TestEvent without Records when a notification is configured.
  return (message.Records ?? [])
    .filter((r) => r.eventName?.startsWith('ObjectCreated:') && r.s3?.object?.key)
    .map((r) => decodeURIComponent(r.s3!.object!.key!.replace(/\+/g, ' ')));
};

/** Imports one presigned upload: validate while streaming, build the extract, then flip the status. */
export const importUpload = async (key: string): Promise<void> => {
  const id = uploadIdOf(key);
  if (!id || !(await startProcessing(id))) {
    logger.warn('Ignoring an object that is not a pending dataset upload', { key });
    return;
  }
  try {
    await finishImport(id, await readDataset(await openUpload(id)));
  } catch (err) {
    if (!(err instanceof DatasetSyntaxError)) throw err;
    await failImport(id, { offset: err.offset, message: err.message });
  }
};
