import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { isConditionFailure } from '../core/dynamo.ts';
import { tableName } from '../core/env.ts';
import type { Catalogue } from './extract.ts';
import { deleteUpload, presignUpload, storeCatalogue, storeSource } from './files.ts';
import { type DatasetError, type DatasetStatus, UPLOAD_URL_SECONDS } from './schemas.ts';

// One DynamoDB item per dataset; its file and extract are in S3 (files.ts).
const keys = { dataset: (id: string) => ({ pk: `DATASET#${id}`, sk: 'META' }) };
/** The table's TTL attribute (TABLE_SHAPE.ttlAttribute in lib/resources.ts), in epoch seconds. */
const TTL_ATTRIBUTE = 'expires_at';
/** How long an upload that never arrived stays readable (as failed) after its URL expired, before TTL deletes it. */
const EXPIRED_UPLOAD_RETENTION_SECONDS = 7 * 24 * 3600;

export interface DatasetItem {
  id: string;
  application_id: string | null;
  name: string | null;
  status: DatasetStatus;
  records: number | null;
  bytes: number | null;
  created_at: string;
  error?: DatasetError;
  /** The import attempt whose extract the dataset reads (absent: the pre-attempt layout). */
  extract?: string;
  /** While processing: when the claiming attempt's function runs out of time (epoch ms). */
  deadline?: number;
  /** While processing: the claim was made on the queue's last receive; no retry follows it. */
  final_attempt?: boolean;
}

const table = () => tableName('datasets');

const toItem = (raw: Record<string, unknown>): DatasetItem => ({
  id: raw.id as string,
  application_id: (raw.application_id as string | undefined) ?? null,
  name: (raw.name as string | undefined) ?? null,
  status: raw.status as DatasetStatus,
  records: (raw.records as number | undefined) ?? null,
  bytes: (raw.bytes as number | undefined) ?? null,
  created_at: raw.created_at as string,
  ...(raw.error ? { error: raw.error as DatasetError } : {}),
  ...(typeof raw.extract === 'string' ? { extract: raw.extract } : {}),
  ...(typeof raw.deadline === 'number' ? { deadline: raw.deadline } : {}),
  ...(raw.final_attempt === true ? { final_attempt: true } : {}),
});

export const newDatasetId = () => randomUUID();
export const newAttemptId = () => randomUUID();

const newItem = (id: string, owner: string | null, name: string | null, status: DatasetStatus) => ({
  id,
  application_id: owner,
  name,
  status,
  created_at: new Date().toISOString(),
});

/** Stores an inline file whose extract `attempt` has already written; the item is ready. */
export const createReadyDataset = async (input: {
  id: string;
  attempt: string;
  owner: string | null;
  raw: Uint8Array;
  records: number;
  catalogue: Catalogue;
}): Promise<DatasetItem> => {
  const item = {
    ...newItem(input.id, input.owner, null, 'ready'),
    records: input.records,
    bytes: input.raw.length,
    extract: input.attempt,
  };
  await storeSource(item.id, input.raw);
  await storeCatalogue(item.id, input.attempt, input.catalogue);
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.dataset(item.id), ...item },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return toItem(item);
};

/** Registers a dataset awaiting its file and presigns the PUT for it. */
export const createUpload = async (input: { owner: string | null; name: string | null }) => {
  const item = newItem(newDatasetId(), input.owner, input.name, 'uploading');
  const expiresAt = Date.parse(item.created_at) + UPLOAD_URL_SECONDS * 1000;
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      // TTL removes an upload that never arrived; a claim for import removes the attribute.
      Item: {
        ...keys.dataset(item.id),
        ...item,
        [TTL_ATTRIBUTE]: Math.ceil(expiresAt / 1000) + EXPIRED_UPLOAD_RETENTION_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  const uploadUrl = await presignUpload(item.id);
  return { id: item.id, upload_url: uploadUrl, expires_at: new Date(expiresAt).toISOString() };
};

export const getDataset = async (id: string): Promise<DatasetItem | undefined> => {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: keys.dataset(id), ConsistentRead: true }),
  );
  return out.Item ? toItem(out.Item) : undefined;
};

/** One conditional update of a dataset item; false when the condition does not hold. */
const update = async (
  id: string,
  change: {
    set?: Record<string, unknown>;
    remove?: string[];
    condition: string;
    values?: Record<string, unknown>;
  },
): Promise<boolean> => {
  const names: Record<string, string> = {
    '#status': 'status',
    '#attempt': 'attempt',
    '#deadline': 'deadline',
  };
  const values: Record<string, unknown> = { ...change.values };
  const sets: string[] = [];
  for (const [k, v] of Object.entries(change.set ?? {})) {
    names[`#${k}`] = k;
    values[`:set_${k}`] = v;
    sets.push(`#${k} = :set_${k}`);
  }
  for (const k of change.remove ?? []) names[`#${k}`] = k;
  const clauses = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    change.remove?.length ? `REMOVE ${change.remove.map((k) => `#${k}`).join(', ')}` : '',
  ];
  // Only names the expressions use may be sent.
  const expressions = `${clauses.join(' ')} ${change.condition}`;
  for (const name of Object.keys(names)) if (!expressions.includes(name)) delete names[name];
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.dataset(id),
        UpdateExpression: clauses.filter(Boolean).join(' '),
        ConditionExpression: `attribute_exists(pk) AND (${change.condition})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};

/**
 * Claims an uploaded file for import; returns the attempt id, or undefined when there is nothing to
 * claim. S3 notifications and SQS both deliver at least once: a dataset already imported (or failed)
 * is not claimed again, nor one another message's attempt is still importing (its claim's deadline,
 * the end of its function's time, has not passed): that message comes back if its attempt dies, so
 * this one may be dropped. The claiming message itself, delivered again, takes over at once: SQS
 * redelivers it only once its earlier receive is over (visibility timeout, or a local stop that
 * handed it back). `final`: no receive follows this one.
 */
export const claimImport = async (
  id: string,
  claim: { messageId: string; deadline: number; final: boolean },
  now = Date.now(),
): Promise<string | undefined> => {
  const attempt = newAttemptId();
  const claimed = await update(id, {
    set: {
      status: 'processing',
      attempt,
      claim_message: claim.messageId,
      deadline: claim.deadline,
      final_attempt: claim.final,
    },
    remove: [TTL_ATTRIBUTE],
    condition:
      '#status = :uploading OR (#status = :processing AND (attribute_not_exists(#deadline) OR ' +
      '#deadline < :now OR #claim_message = :message))',
    values: {
      ':uploading': 'uploading',
      ':processing': 'processing',
      ':now': now,
      ':message': claim.messageId,
    },
  });
  return claimed ? attempt : undefined;
};

const heldBy = (attempt: string) => ({
  condition: '#status = :processing AND #attempt = :attempt',
  values: { ':processing': 'processing', ':attempt': attempt },
});

/** Publishes the attempt's extract: its catalogue first, then the item turns ready. */
export const finishImport = async (
  id: string,
  attempt: string,
  result: { records: number; bytes: number; catalogue: Catalogue },
): Promise<boolean> => {
  await storeCatalogue(id, attempt, result.catalogue);
  return update(id, {
    set: { status: 'ready', records: result.records, bytes: result.bytes, extract: attempt },
    remove: ['deadline', 'final_attempt', 'claim_message'],
    ...heldBy(attempt),
  });
};

/** Ends the attempt's import as failed; the uploaded file is of no further use. */
export const failImport = async (id: string, attempt: string, error: DatasetError): Promise<boolean> => {
  const failed = await update(id, {
    set: { status: 'failed', error },
    remove: ['deadline', 'final_attempt', 'claim_message'],
    ...heldBy(attempt),
  });
  if (failed) await deleteUpload(id);
  return failed;
};

/** Gives up the attempt's claim at once (it failed and its message will be retried). */
export const releaseImport = (id: string, attempt: string) =>
  update(id, { set: { deadline: 0 }, ...heldBy(attempt) });
