import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { LOCAL_AWS, type PolicyDocument } from './iam/aws-account.ts';
import { type CfnTemplate, functionPolicies } from './iam/function-policies.ts';
import { resolveIntrinsics } from './iam/intrinsics.ts';

// What the deployed stack gives each function — its environment, timeout, memory and role policy —
// read from the very CDK app `cdk deploy` uses, synthesized offline without bundling. The local runtime
// runs each function with exactly this, so a grant or a variable missing from the stack is missing
// locally too. Synthesis takes seconds, so its output is cached by a hash of the app's source files.

const ROOT = resolve(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'eye-synth');

export { OPERATOR_CREDENTIALS } from './iam/aws-account.ts';
export const STACK_NAMES = { api: 'EyeApi', stateful: 'EyeStateful' } as const;

/** One function as deployed, intrinsics resolved. */
export interface DeployedFunction {
  logicalId: string;
  /** AWS_LAMBDA_FUNCTION_NAME. */
  name: string;
  roleArn: string;
  /** The Lambda runtime identifier, e.g. nodejs24.x. */
  runtime: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  /** The inline policies attached to the function's role. */
  policies: PolicyDocument[];
}

type Template = CfnTemplate & { Parameters?: Record<string, { Default?: string }> };
interface FunctionProperties {
  Runtime?: string;
  Role?: { 'Fn::GetAtt'?: [string, string] };
  Environment?: { Variables?: Record<string, unknown> };
  Timeout?: number;
  MemorySize?: number;
}

// Files whose content decides the synthesized templates: the app, everything it imports from the
// project, the lockfile (CDK's version) and cdk.json (feature flags change policy shapes).
const appSources = async (): Promise<string[]> => {
  const seen = new Set<string>();
  const visit = async (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = await readFile(file, 'utf8');
    for (const [, spec] of source.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), spec!);
      if (existsSync(target)) await visit(target);
    }
  };
  await visit(join(ROOT, 'bin', 'app.ts'));
  return [...seen, join(ROOT, 'cdk.json'), join(ROOT, 'package-lock.json')].sort();
};

const sourcesHash = async () => {
  const hash = createHash('sha256');
  for (const file of await appSources()) {
    hash
      .update(relative(ROOT, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
};

const synthesize = async (): Promise<Record<string, Template>> => {
  const out = await mkdtemp(join(tmpdir(), 'eye-synth-'));
  try {
    const cdkJson = JSON.parse(await readFile(join(ROOT, 'cdk.json'), 'utf8')) as {
      context?: Record<string, unknown>;
    };
    // What the CDK CLI hands the app, minus bundling: the feature flags of cdk.json and a fixed env.
    await promisify(execFile)(NODE, [join(ROOT, 'bin', 'app.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        CDK_OUTDIR: out,
        CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJson.context, 'aws:cdk:bundling-stacks': [] }),
        CDK_DEFAULT_ACCOUNT: LOCAL_AWS.accountId,
        CDK_DEFAULT_REGION: LOCAL_AWS.region,
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    const templates: Record<string, Template> = {};
    for (const file of await readdir(out)) {
      const match = /^(.+)\.template\.json$/.exec(file);
      if (match) templates[match[1]!] = JSON.parse(await readFile(join(out, file), 'utf8'));
    }
    return templates;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
};

/** The synthesized templates by stack name, from the cache when the app's sources have not changed. */
export const synthesizedTemplates = async (): Promise<Record<string, Template>> => {
  const file = join(CACHE_DIR, `${await sourcesHash()}.json`);
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    const templates = await synthesize();
    await mkdir(CACHE_DIR, { recursive: true });
    // Written aside and renamed, so a concurrent start never reads half a file.
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, JSON.stringify(templates));
    await rename(partial, file);
    return templates;
  }
};

/**
 * Every function of the API stack, keyed by its construct id (`functionId` of lib/routes.ts), as
 * deployed: environment, timeout and memory, and the policies of its role, intrinsics resolved for the
 * local account (template parameters from `parameters`, else their defaults).
 */
export const deployedFunctions = (
  template: Template,
  parameters: Record<string, string> = {},
): Map<string, DeployedFunction> => {
  const defaults = Object.fromEntries(
    Object.entries(template.Parameters ?? {}).flatMap(([name, p]) =>
      p.Default === undefined ? [] : [[name, p.Default]],
    ),
  );
  const roleArns = Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .map(([id]) => [`${id}.Arn`, `arn:${LOCAL_AWS.partition}:iam::${LOCAL_AWS.accountId}:role/${id}`]),
  );
  const context = { ...LOCAL_AWS, refs: { ...defaults, ...parameters, ...roleArns } };
  const functions = new Map<string, DeployedFunction>();
  for (const fn of functionPolicies(template, context)) {
    const props = template.Resources[fn.logicalId]!.Properties as FunctionProperties;
    // Custom resources CDK adds (bucket notifications) are not ours to run.
    if (!props.Runtime?.startsWith('nodejs')) continue;
    functions.set(fn.constructId, {
      logicalId: fn.logicalId,
      name: `${STACK_NAMES.api}-${fn.constructId}`,
      roleArn: roleArns[`${fn.roleLogicalId}.Arn`]!,
      runtime: props.Runtime,
      environment: resolveIntrinsics<Record<string, string>>(props.Environment?.Variables ?? {}, context),
      // Lambda's own defaults, for a template that leaves them out (the stack's functions never do).
      timeoutSeconds: props.Timeout ?? 3,
      memoryMb: props.MemorySize ?? 128,
      policies: fn.policies,
    });
  }
  return functions;
};
