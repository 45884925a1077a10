/** A conditional write lost: the item already exists / no longer matches. Expected, not a failure. */
export const isConditionFailure = (err: unknown): boolean =>
  (err as Error | undefined)?.name === 'ConditionalCheckFailedException';
