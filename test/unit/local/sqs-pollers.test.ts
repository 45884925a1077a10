import { describe, expect, test } from '@jest/globals';
import { messagesToDelete } from '../../../local/sqs-pollers.ts';

const batch = [{ MessageId: 'a' }, { MessageId: 'b' }, { MessageId: 'c' }];

describe('which messages the local event source deletes (AWS rules)', () => {
  test('all of them when the handler reports no failures', () => {
    expect(messagesToDelete(batch, { batchItemFailures: [] })).toEqual(batch);
    expect(messagesToDelete(batch, undefined)).toEqual(batch);
  });
  test('all but the reported failures', () => {
    expect(messagesToDelete(batch, { batchItemFailures: [{ itemIdentifier: 'b' }] })).toEqual([
      batch[0],
      batch[2],
    ]);
  });
  test('none when a failure names a message that is not in the batch', () => {
    expect(messagesToDelete(batch, { batchItemFailures: [{ itemIdentifier: 'zzz' }] })).toEqual([]);
    expect(messagesToDelete(batch, { batchItemFailures: [{ itemIdentifier: 42 }] })).toEqual([]);
  });
});
