import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { BUCKET, type QueueKey } from '../lib/resources.ts';
import type { S3ObjectEvent } from './emulators.ts';
import { LOCAL_AWS } from './iam/aws-account.ts';

// S3 bucket notifications, locally: s3rver's object-created events become SQS messages on the queue a
// notification prefix names, as S3 sends them. S3 never loses one; a stack that dies between s3rver
// storing an object and the message being sent would. So every notification sent is recorded in a
// ledger under DATA_DIR (object key and ETag), and on start the objects under each notification
// prefix that the ledger lacks are notified again. A notification sent twice (the stack died after
// sending, before recording) is a duplicate, which S3 also delivers at times and consumers ignore.

type S3Record = S3ObjectEvent['Records'][number] & { s3: { object: { eTag?: string } } };

const LEDGER = 's3-notifications.jsonl';
const SEND_ATTEMPTS = 5;
const RETRY_MS = 500;

const ledgerKey = (key: string, eTag: string | undefined) =>
  JSON.stringify([key, (eTag ?? '').replace(/"/g, '')]);

// S3 URL-encodes the key in notifications (a space as '+').
const encodeKey = (key: string) =>
  key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');

/** The notification S3 sends for an object found in the bucket without one. */
const recordFor = (bucket: string, object: { key: string; size: number; eTag: string; modified: Date }) => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: LOCAL_AWS.region,
  eventTime: object.modified.toISOString(),
  eventName: 'ObjectCreated:Put',
  s3: {
    s3SchemaVersion: '1.0',
    bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
    object: { key: object.key, size: object.size, eTag: object.eTag },
  },
});

export interface S3Notifications {
  /** Forwards one of s3rver's events (the stack subscribes this before reconciling). */
  forward(event: S3ObjectEvent): void;
  /** Notifies every stored object under a notification prefix that has no notification on record. */
  reconcile(): Promise<{ resent: number }>;
}

export const s3Notifications = async (options: {
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  queueUrls: Record<QueueKey, string>;
  dataDir: string;
}): Promise<S3Notifications> => {
  const file = join(options.dataDir, LEDGER);
  const notified = new Set(
    (await readFile(file, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const { key, eTag } = JSON.parse(line) as { key: string; eTag: string };
        return ledgerKey(key, eTag);
      }),
  );
  // One write at a time, so appended lines never interleave with a rewrite.
  let writes = Promise.resolve();
  const write = (step: () => Promise<void>) => {
    writes = writes
      .then(step)
      .catch((err) => console.error('local s3: could not write the notification ledger', err));
    return writes;
  };

  const send = async (record: S3Record) => {
    const key = record.s3.object.key;
    const target = BUCKET.notifications.find((n) => key.startsWith(n.prefix));
    if (!target) return;
    const body = JSON.stringify({
      Records: [{ ...record, s3: { ...record.s3, object: { ...record.s3.object, key: encodeKey(key) } } }],
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await options.sqs.send(
          new SendMessageCommand({ QueueUrl: options.queueUrls[target.queue], MessageBody: body }),
        );
        break;
      } catch (err) {
        // Not recorded: the next start sends it again.
        if (attempt === SEND_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, RETRY_MS * attempt));
      }
    }
    const entry = ledgerKey(key, record.s3.object.eTag);
    notified.add(entry);
    await write(() => appendFile(file, `${JSON.stringify({ key, eTag: record.s3.object.eTag ?? '' })}\n`));
  };

  const stored = async (prefix: string) => {
    const objects: { key: string; size: number; eTag: string; modified: Date }[] = [];
    let token: string | undefined;
    do {
      const page = await options.s3.send(
        new ListObjectsV2Command({ Bucket: options.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        objects.push({
          key: o.Key!,
          size: o.Size ?? 0,
          eTag: (o.ETag ?? '').replace(/"/g, ''),
          modified: o.LastModified!,
        });
      }
      token = page.NextContinuationToken;
    } while (token);
    return objects;
  };

  return {
    forward: (event) => {
      for (const record of event.Records as S3Record[]) {
        if (!record.eventName.startsWith('ObjectCreated:')) continue;
        send(record).catch((err) => console.error('local s3: could not forward a notification', err));
      }
    },
    reconcile: async () => {
      const before = new Set(notified);
      const present = new Set<string>();
      let resent = 0;
      for (const { prefix } of BUCKET.notifications) {
        for (const object of await stored(prefix)) {
          const entry = ledgerKey(object.key, object.eTag);
          present.add(entry);
          if (notified.has(entry)) continue;
          await send(recordFor(options.bucket, object));
          resent++;
        }
      }
      // Entries of objects deleted since are dropped, so the ledger does not grow for ever; entries
      // recorded while listing are kept.
      await write(async () => {
        const kept = [...notified].filter((e) => present.has(e) || !before.has(e));
        const lines = kept.map((e) => {
          const [key, eTag] = JSON.parse(e) as [string, string];
          return `${JSON.stringify({ key, eTag })}\n`;
        });
        await writeFile(`${file}.tmp`, lines.join(''));
        await rename(`${file}.tmp`, file);
      });
      return { resent };
    },
  };
};
