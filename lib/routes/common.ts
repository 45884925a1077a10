import { QUEUES, type QueueKey, type SecretKey } from '../resources.ts';

// What several features' manifest entries share.

/** Routes that page with signed cursors read the cursor key. */
export const cursor: SecretKey[] = ['CURSOR_KEY'];

/** AWS's guidance for a queue that triggers a Lambda (see visibilityTimeoutSeconds in lib/routes.ts). */
export const VISIBILITY_PER_TIMEOUT = 6;

/**
 * How long asynchronous work may make no progress before it reads failed: the longest one of its
 * messages can stay unhandled without anything being recorded is maxReceiveCount receives, each of
 * whose invocations crashed or timed out and left it invisible for a visibility timeout. Locally the
 * env var of the same name replaces it (the tests' scaled-down timing profile).
 */
export const stallSeconds = (queue: QueueKey, timeoutSeconds: number) =>
  String(QUEUES[queue].maxReceiveCount * VISIBILITY_PER_TIMEOUT * timeoutSeconds);
