import { describe, expect, test } from '@jest/globals';
import { functionPolicies, functionPrincipal } from '../../../../local/iam/function-policies.ts';

const arn = (suffix: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':sqs:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      suffix,
    ],
  ],
});

const template = {
  Resources: {
    WorkerServiceRole1A2B3C4D: {
      Type: 'AWS::IAM::Role',
      Properties: {
        ManagedPolicyArns: [
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
              ],
            ],
          },
        ],
        Policies: [
          {
            PolicyName: 'inline',
            PolicyDocument: {
              Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arn(':inline') }],
            },
          },
        ],
      },
    },
    WorkerServiceRoleDefaultPolicy5E6F7A8B: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: arn(':jobs') }],
        },
        Roles: [{ Ref: 'WorkerServiceRole1A2B3C4D' }],
      },
    },
    OtherPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: { PolicyDocument: { Statement: [] }, Roles: [{ Ref: 'SomeOtherRole' }] },
    },
    Worker0F1E2D3C: {
      Type: 'AWS::Lambda::Function',
      Properties: { Role: { 'Fn::GetAtt': ['WorkerServiceRole1A2B3C4D', 'Arn'] } },
    },
  },
};

describe("a function's identity policies from a synthesized template", () => {
  test("are its role's inline and attached policies, resolved for the local account", () => {
    expect(functionPolicies(template)).toEqual([
      {
        logicalId: 'Worker0F1E2D3C',
        constructId: 'Worker',
        roleLogicalId: 'WorkerServiceRole1A2B3C4D',
        policies: [
          {
            Statement: [
              {
                Effect: 'Allow',
                Action: 'sqs:SendMessage',
                Resource: 'arn:aws:sqs:us-east-1:000000000000:inline',
              },
            ],
          },
          {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'sqs:ReceiveMessage',
                Resource: 'arn:aws:sqs:us-east-1:000000000000:jobs',
              },
            ],
          },
        ],
        managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
    ]);
  });

  test('a principal for it carries the assumed-role ARN AWS reports and a fresh key pair', () => {
    const a = functionPrincipal({ functionName: 'Worker', roleName: 'WorkerRole', policies: [] });
    const b = functionPrincipal({ functionName: 'Worker', roleName: 'WorkerRole', policies: [] });
    expect(a.arn).toBe('arn:aws:sts::000000000000:assumed-role/WorkerRole/Worker');
    expect(a.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    expect(a.secretAccessKey).not.toBe(b.secretAccessKey);
  });
});
