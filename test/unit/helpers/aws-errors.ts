// The errors the AWS SDK throws for outcomes the code handles, shaped as the SDK shapes them (matched
// by `name`, and for transactions by `CancellationReasons`).

export const conditionFailed = (message = 'The conditional request failed') =>
  Object.assign(new Error(message), { name: 'ConditionalCheckFailedException' });

/** A cancelled TransactWriteItems: one reason code per item, in order (`None` for an item that was fine). */
export const transactionCanceled = (codes: string[]) =>
  Object.assign(
    new Error(
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    ),
    {
      name: 'TransactionCanceledException',
      CancellationReasons: codes.map((Code) => ({ Code })),
    },
  );

/** DynamoDB refusing a request for throughput: a failure that is not the request's fault. */
export const throttled = () =>
  Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
