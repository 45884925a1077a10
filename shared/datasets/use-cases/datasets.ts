import type { Caller } from '../../core/auth.ts';
import { ownerScope } from '../../core/auth.ts';
import { env } from '../../core/env.ts';
import { conflict, notFound, validationError } from '../../core/errors.ts';
import { logger } from '../../core/observability.ts';
import { aggregate } from '../aggregate.ts';
import { type Catalogue, DEFAULT_PART_BYTES, ExtractBuilder, type ExtractSink } from '../extract.ts';
import { extractReader, extractWriter, getCatalogue, openUpload, uploadIdOf } from '../files.ts';
import { importFailed, visibleState } from '../lifecycle.ts';
import { DatasetSyntaxError, readRecords } from '../reader.ts';
import {
  claimImport,
  createReadyDataset,
  createUpload,
  type DatasetItem,
  failImport,
  finishImport,
  getDataset,
  newAttemptId,
  newDatasetId,
  releaseImport,
} from '../repository.ts';
import { type Dataset, type S3NotificationMessage, UPLOAD_URL_SECONDS } from '../schemas.ts';

// The feature's use cases; handlers call these, these call the pure modules and the repository.

/**
 * Reads a whole file (buffer or stream) and writes its extract to `sink` part by part, each part as
 * soon as it is full, so memory stays bounded by the part size; throws DatasetSyntaxError.
 */
export const readDataset = async (
  source: Uint8Array | AsyncIterable<Uint8Array>,
  sink: ExtractSink,
  partBytes = env.DATASET_PART_BYTES ?? DEFAULT_PART_BYTES,
): Promise<{ records: number; bytes: number; catalogue: Catalogue }> => {
  const builder = new ExtractBuilder(sink, partBytes);
  const { records, bytes } = await readRecords(
    source,
    (record) => builder.add(record),
    async () => {
      if (builder.full) await builder.flush();
    },
  );
  return { records, bytes, catalogue: await builder.finish() };
};

const ownerOf = (caller: Caller) => (caller.kind === 'application' ? caller.applicationId : null);

export const createInlineDataset = async (caller: Caller, raw: Buffer) => {
  const id = newDatasetId();
  const attempt = newAttemptId();
  let read: Awaited<ReturnType<typeof readDataset>>;
  try {
    read = await readDataset(raw, extractWriter(id, attempt));
  } catch (err) {
    if (!(err instanceof DatasetSyntaxError)) throw err;
    throw validationError('The body is not a JSON array of objects, NDJSON or concatenated JSON objects', [
      { offset: err.offset, message: err.message },
    ]);
  }
  const item = await createReadyDataset({
    id,
    attempt,
    owner: ownerOf(caller),
    raw,
    records: read.records,
    catalogue: read.catalogue,
  });
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
  const state = visibleState(item, Date.now(), UPLOAD_URL_SECONDS);
  const catalogue = state.status === 'ready' ? await getCatalogue(item) : undefined;
  return {
    id: item.id,
    name: item.name,
    status: state.status,
    records: item.records,
    bytes: item.bytes,
    fields: catalogue?.paths.map(({ path, type, count }) => ({ path, type, count })) ?? [],
    created_at: item.created_at,
    ...(state.error ? { error: state.error } : {}),
  };
};

export const aggregateDataset = async (
  caller: Caller,
  id: string,
  query: {
    field: string;
    group_by?: string | undefined;
    bins?: number | undefined;
    application_id?: string | undefined;
  },
) => {
  const item = await visibleDataset(caller, id, query.application_id);
  const { status } = visibleState(item, Date.now(), UPLOAD_URL_SECONDS);
  if (status !== 'ready') throw conflict(`Dataset is not ready (status ${status})`);
  return aggregate(await getCatalogue(item), query, extractReader(item));
};

/** The object keys an S3 notification message reports as created (none in S3's test event). */
export const createdObjectKeys = (message: S3NotificationMessage): string[] =>
  'Records' in message
    ? message.Records.filter((r) => r.eventName.startsWith('ObjectCreated:')).map((r) =>
        decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')),
      )
    : [];

/** The delivery of an import message: which message, its receive count, when the function's time runs out. */
export interface ImportDelivery {
  messageId: string;
  receiveCount: number;
  deadline: number;
}

/**
 * Imports one presigned upload: claim it, validate while streaming and write the extract part by
 * part, then publish it. A bad file fails at once with the offset of its first error; any other
 * failure is retried by the queue, and on the last receive ends the dataset failed. A crash or
 * timeout on the last receive leaves a claim whose deadline passes, which reads as failed.
 */
export const importUpload = async (key: string, delivery: ImportDelivery): Promise<void> => {
  const id = uploadIdOf(key);
  if (env.MAX_RECEIVE_COUNT === undefined) throw new Error('Missing configuration MAX_RECEIVE_COUNT');
  const final = delivery.receiveCount >= env.MAX_RECEIVE_COUNT;
  const attempt =
    id && (await claimImport(id, { messageId: delivery.messageId, deadline: delivery.deadline, final }));
  if (!id || !attempt) {
    logger.info('Nothing to import: not a pending upload, or another attempt holds it', { key });
    return;
  }
  try {
    const result = await readDataset(await openUpload(id), extractWriter(id, attempt));
    await finishImport(id, attempt, result);
  } catch (err) {
    if (err instanceof DatasetSyntaxError) {
      await failImport(id, attempt, { offset: err.offset, message: err.message });
      return;
    }
    logger.error('Dataset import failed', { id, attempt, receiveCount: delivery.receiveCount, error: err });
    if (final) {
      await failImport(id, attempt, { message: importFailed(delivery.receiveCount) });
      return;
    }
    await releaseImport(id, attempt);
    throw err;
  }
};
