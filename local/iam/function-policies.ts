import { randomBytes } from 'node:crypto';
import { LOCAL_AWS, type PolicyDocument, type Principal } from './aws-account.ts';
import { type IntrinsicContext, resolveIntrinsics } from './intrinsics.ts';

// Each Lambda's identity policies, read from a synthesized CloudFormation template: the inline and
// attached policies of its execution role, with their intrinsics resolved for the local account.

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Mappings?: IntrinsicContext['mappings'];
}

export interface FunctionPolicies {
  /** The function's logical id in the template, e.g. BusFetchCityD2AD9EDC. */
  logicalId: string;
  /** The construct id CDK built it under, e.g. BusFetchCity. */
  constructId: string;
  roleLogicalId: string;
  policies: PolicyDocument[];
  /**
   * AWS managed policies attached to the role (e.g. AWSLambdaBasicExecutionRole). Their content is not
   * in the template; the local runtime needs none of what they grant (CloudWatch Logs).
   */
  managedPolicyArns: string[];
}

const isRefTo = (logicalId: string) => (value: unknown) =>
  typeof value === 'object' && value !== null && (value as { Ref?: unknown }).Ref === logicalId;

const roleOf = (fn: CfnResource): string | undefined => {
  const role = fn.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
  return role?.['Fn::GetAtt']?.[0];
};

// aws:cdk:path is only there when path metadata is on (the CLI turns it on, a bare App does not);
// otherwise the logical id is the construct path with an 8-hex-digit hash appended.
const constructIdOf = (logicalId: string, fn: CfnResource) => {
  const path = fn.Metadata?.['aws:cdk:path'];
  if (typeof path !== 'string') return logicalId.replace(/[0-9A-F]{8}$/, '');
  const parts = path.split('/');
  return parts.at(-1) === 'Resource' ? parts.at(-2)! : parts.at(-1)!;
};

/** Every AWS::Lambda::Function of the template with the identity policies of its role. */
export const functionPolicies = (
  template: CfnTemplate,
  ctx: IntrinsicContext = { ...LOCAL_AWS },
): FunctionPolicies[] => {
  const context = { ...ctx, mappings: ctx.mappings ?? template.Mappings };
  const resources = Object.entries(template.Resources);
  const resolve = <T>(value: unknown) => resolveIntrinsics<T>(value, context);
  return resources
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .flatMap(([logicalId, fn]) => {
      const roleLogicalId = roleOf(fn);
      const role = roleLogicalId ? template.Resources[roleLogicalId] : undefined;
      if (!roleLogicalId || !role) return [];
      const inline = ((role.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map(
        (p) => p.PolicyDocument,
      );
      const attached = resources
        .filter(
          ([, resource]) =>
            (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') &&
            ((resource.Properties?.Roles as unknown[] | undefined) ?? []).some(isRefTo(roleLogicalId)),
        )
        .map(([, resource]) => resource.Properties?.PolicyDocument);
      return [
        {
          logicalId,
          constructId: constructIdOf(logicalId, fn),
          roleLogicalId,
          policies: [...inline, ...attached].map((document) => resolve<PolicyDocument>(document)),
          managedPolicyArns: resolve<string[]>(role.Properties?.ManagedPolicyArns ?? []),
        },
      ];
    });
};

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A principal for one function, with fresh credentials shaped like a Lambda role session's (ASIA…);
 * its ARN is the one AWS reports for a Lambda calling with its execution role.
 */
export const functionPrincipal = (o: {
  functionName: string;
  roleName: string;
  policies: PolicyDocument[];
}): Principal => ({
  name: o.functionName,
  arn: `arn:${LOCAL_AWS.partition}:sts::${LOCAL_AWS.accountId}:assumed-role/${o.roleName}/${o.functionName}`,
  accessKeyId: `ASIA${[...randomBytes(16)].map((b) => KEY_ALPHABET[b % KEY_ALPHABET.length]).join('')}`,
  secretAccessKey: randomBytes(30).toString('base64'),
  policies: o.policies,
});
