import type { SecretKey } from '../resources.ts';

// What several features' manifest entries share.

/** Routes that page with signed cursors read the cursor key. */
export const cursor: SecretKey[] = ['CURSOR_KEY'];

/** AWS's guidance for a queue that triggers a Lambda (see visibilityTimeoutSeconds in lib/routes.ts). */
export const VISIBILITY_PER_TIMEOUT = 6;
