// The one account and region the local stack pretends to be: every ARN the gate builds and every
// ARN resolved from the synthesized stack uses these, so they compare equal.
export const LOCAL_AWS = { partition: 'aws', region: 'us-east-1', accountId: '000000000000' } as const;

/** Tools and tests sign with these; the IAM gates let them do anything (API.md "Local stack"). */
export const OPERATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** An IAM policy document (identity-based), as CloudFormation holds it once intrinsics are resolved. */
export interface PolicyDocument {
  Version?: string;
  Statement: Record<string, unknown>[] | Record<string, unknown>;
}

/** One IAM check a request needs: an action on a resource, with the condition keys the request sets. */
export interface Authorization {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  /** What an AccessDenied message calls the resource, when AWS names it otherwise; null: not named. */
  shownResource?: string | null;
}

/** A caller the gate knows: a function's execution-role session, with its identity policies. */
export interface Principal {
  /** Who this is, for logs: the function's name. */
  name: string;
  /** The ARN AWS would report: arn:aws:sts::000000000000:assumed-role/<RoleName>/<FunctionName>. */
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Its identity policies, intrinsics resolved (see function-policies.ts). */
  policies: PolicyDocument[];
}
