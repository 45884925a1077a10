import { describe, expect, test } from '@jest/globals';
import { createPolicyEvaluator, statementsFor } from '../../../../local/iam/policy-evaluator.ts';

const fetcher = (statements: Record<string, unknown>[]) => ({
  accessKeyId: 'ASIAEVAL',
  arn: 'arn:aws:sts::000000000000:assumed-role/R/fetch',
  policies: [{ Version: '2012-10-17', Statement: statements }],
});

describe('identity-policy evaluation', () => {
  test('keeps only the statements that may apply to the service, NotAction ones included', () => {
    const policy = {
      Statement: [
        { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: '*' },
        { Effect: 'Allow', Action: ['s3:GetObject*', 'sqs:SendMessage'], Resource: '*' },
        { Effect: 'Allow', Action: 's*:List*', Resource: '*' },
        { Effect: 'Deny', NotAction: 'dynamodb:*', Resource: '*' },
      ],
    };
    expect(statementsFor(policy, 's3')).toEqual(policy.Statement.slice(1));
    expect(statementsFor(policy, 'dynamodb')).toEqual([policy.Statement[0], policy.Statement[3]]);
  });

  test('a policy with nothing for the service still denies, as no statement allows', async () => {
    const evaluator = createPolicyEvaluator();
    const principal = fetcher([{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }]);
    expect(await evaluator.decide(principal, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' })).toBe(
      'ImplicitlyDenied',
    );
  });

  test('decisions on new keys of an already validated shape agree with the validated ones', async () => {
    const evaluator = createPolicyEvaluator();
    const principal = fetcher([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/bus/*' },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/bus/secret/*' },
    ]);
    const decide = (key: string) =>
      evaluator.decide(principal, { action: 's3:GetObject', resource: `arn:aws:s3:::b/${key}` });
    expect(await decide('bus/a')).toBe('Allowed');
    expect(await decide('bus/b')).toBe('Allowed');
    expect(await decide('bus/secret/c')).toBe('ExplicitlyDenied');
    expect(await decide('datasets/d')).toBe('ImplicitlyDenied');
  });

  test('a wildcard-only action is not granted by a statement that names a specific ARN', async () => {
    const evaluator = createPolicyEvaluator();
    const specific = fetcher([
      { Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/t' },
    ]);
    expect(await evaluator.decide(specific, { action: 'dynamodb:ListTables', resource: '*' })).toBe(
      'ImplicitlyDenied',
    );
  });

  test('an action that does not exist is a mapping error, not a denial', async () => {
    const evaluator = createPolicyEvaluator();
    await expect(
      evaluator.decide(fetcher([{ Effect: 'Allow', Action: '*', Resource: '*' }]), {
        action: 's3:NoSuchAction',
        resource: 'arn:aws:s3:::b/k',
      }),
    ).rejects.toThrow('invalid.action');
  });
});
