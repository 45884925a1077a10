/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub's placeholders are ${...} in plain strings */
import { describe, expect, test } from '@jest/globals';
import { resolveIntrinsics, UnresolvableIntrinsicError } from '../../../../local/iam/intrinsics.ts';

const ctx = { partition: 'aws', region: 'us-east-1', accountId: '000000000000' };

describe('CloudFormation intrinsics resolved for one account and region', () => {
  test("CDK's Fn::Join over the pseudo parameters becomes the ARN", () => {
    const arn = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':dynamodb:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':table/eye-bus',
        ],
      ],
    };
    expect(resolveIntrinsics(arn, ctx)).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/eye-bus');
  });

  test('whole documents are resolved, nested in lists and objects', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b-${AWS::AccountId}/*' }],
        },
      ],
    };
    expect(resolveIntrinsics(policy, ctx)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b-000000000000/*'] }],
    });
  });

  test('Fn::Select over Fn::Split picks a part', () => {
    expect(resolveIntrinsics({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, ctx)).toBe('b');
  });

  test('Fn::Sub takes its own variables, Refs given in refs and ${!literals}', () => {
    expect(
      resolveIntrinsics(
        { 'Fn::Sub': ['${Name}-${Bucket}-${Role.Arn}-${!Keep}', { Name: 'n' }] },
        {
          ...ctx,
          refs: { Bucket: 'bk', 'Role.Arn': 'arn:role' },
        },
      ),
    ).toBe('n-bk-arn:role-${Keep}');
  });

  test('Fn::GetAtt and Ref to resources take their values from refs', () => {
    const refs = { Table: 't', 'Queue.Arn': 'arn:aws:sqs:us-east-1:000000000000:q' };
    expect(
      resolveIntrinsics([{ Ref: 'Table' }, { 'Fn::GetAtt': ['Queue', 'Arn'] }], { ...ctx, refs }),
    ).toEqual(['t', 'arn:aws:sqs:us-east-1:000000000000:q']);
  });

  test('AWS::NoValue removes the element it stands for', () => {
    expect(resolveIntrinsics({ a: { Ref: 'AWS::NoValue' }, b: [1, { Ref: 'AWS::NoValue' }] }, ctx)).toEqual({
      b: [1],
    });
  });

  test('what it cannot resolve is an error that names it', () => {
    expect(() => resolveIntrinsics({ Ref: 'SomeBucket' }, ctx)).toThrow(UnresolvableIntrinsicError);
    expect(() => resolveIntrinsics({ 'Fn::ImportValue': 'x' }, ctx)).toThrow(
      'Fn::ImportValue is not supported',
    );
  });
});
