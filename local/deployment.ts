import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

// What the deployed stack gives each function — its environment, timeout, memory and role policy —
// read from the very CDK app `cdk deploy` uses, synthesized offline without bundling. The local runtime
// runs each function with exactly this, so a grant or a variable missing from the stack is missing
// locally too. Synthesis takes seconds, so its output is cached by a hash of the app's source files.

const ROOT = resolve(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'eye-synth');

/** The local "account": every ARN and URL of the synthesized stacks is resolved against it. */
export const LOCAL_ACCOUNT = { accountId: '000000000000', region: 'us-east-1', partition: 'aws' } as const;
/** Tools and tests sign with these; the IAM gates let them do anything (API.md "Local stack"). */
export const OPERATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const STACK_NAMES = { api: 'EyeApi', stateful: 'EyeStateful' } as const;

export interface PolicyDocument {
  Version?: string;
  Statement: Record<string, unknown>[];
}

/** One function as deployed, intrinsics resolved. */
export interface DeployedFunction {
  logicalId: string;
  /** AWS_LAMBDA_FUNCTION_NAME. */
  name: string;
  roleArn: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  /** The inline policies attached to the function's role. */
  policies: PolicyDocument[];
}

type Template = { Parameters?: Record<string, { Default?: string }>; Resources: Record<string, Resource> };
interface Resource {
  Type: string;
  Properties?: Record<string, any>;
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
        CDK_DEFAULT_ACCOUNT: LOCAL_ACCOUNT.accountId,
        CDK_DEFAULT_REGION: LOCAL_ACCOUNT.region,
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

const PSEUDO: Record<string, string> = {
  'AWS::Partition': LOCAL_ACCOUNT.partition,
  'AWS::Region': LOCAL_ACCOUNT.region,
  'AWS::AccountId': LOCAL_ACCOUNT.accountId,
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * Resolves the intrinsic functions CDK emits in environments and policies against the local account:
 * pseudo parameters, template parameters (`parameters`, else their defaults), Fn::Join/Select/Split and
 * a role's Arn. Anything else is an error, so a construct that starts emitting a new intrinsic is
 * noticed here rather than silently mis-resolved.
 */
export const resolveIntrinsics = (value: unknown, template: Template, parameters: Record<string, string>) => {
  const visit = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(visit);
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v);
    const [key, arg] = entries[0] ?? [];
    if (entries.length !== 1 || !(key === 'Ref' || key!.startsWith('Fn::'))) {
      return Object.fromEntries(entries.map(([k, x]) => [k, visit(x)]));
    }
    if (key === 'Ref') {
      const name = arg as string;
      const resolved = PSEUDO[name] ?? parameters[name] ?? template.Parameters?.[name]?.Default;
      if (resolved === undefined) throw new Error(`cannot resolve Ref ${name}`);
      return resolved;
    }
    if (key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return (visit(parts) as string[]).join(separator);
    }
    if (key === 'Fn::Select') {
      const [index, list] = arg as [number, unknown];
      return (visit(list) as unknown[])[index];
    }
    if (key === 'Fn::Split') {
      const [separator, text] = arg as [string, unknown];
      return (visit(text) as string).split(separator);
    }
    if (key === 'Fn::GetAtt') {
      const [logicalId, attribute] = arg as [string, string];
      if (template.Resources[logicalId]?.Type === 'AWS::IAM::Role' && attribute === 'Arn') {
        return `arn:${LOCAL_ACCOUNT.partition}:iam::${LOCAL_ACCOUNT.accountId}:role/${logicalId}`;
      }
    }
    throw new Error(`cannot resolve ${key} ${JSON.stringify(arg)}`);
  };
  return visit(value);
};

/**
 * Every function of the API stack, keyed by its construct id (`functionId` of lib/routes.ts), as
 * deployed: resolved environment, timeout, memory and the inline policies of its role.
 */
export const deployedFunctions = (
  template: Template,
  parameters: Record<string, string> = {},
): Map<string, DeployedFunction> => {
  const resolve = <T>(value: unknown) => resolveIntrinsics(value, template, parameters) as T;
  const resources = Object.entries(template.Resources);
  const functions = new Map<string, DeployedFunction>();
  for (const [logicalId, resource] of resources) {
    if (
      resource.Type !== 'AWS::Lambda::Function' ||
      resource.Properties?.Runtime?.startsWith('nodejs') !== true
    )
      continue;
    const props = resource.Properties;
    const roleId = props.Role?.['Fn::GetAtt']?.[0] as string;
    // CDK ids end in an 8-character hash of the construct path.
    const id = logicalId.replace(/[0-9A-F]{8}$/, '');
    const policies = resources
      .filter(
        ([, r]) =>
          r.Type === 'AWS::IAM::Policy' &&
          (r.Properties?.Roles as { Ref?: string }[] | undefined)?.some((ref) => ref.Ref === roleId),
      )
      .map(([, r]) => resolve<PolicyDocument>(r.Properties!.PolicyDocument));
    functions.set(id, {
      logicalId,
      name: `${STACK_NAMES.api}-${id}`,
      roleArn: resolve<string>(props.Role),
      environment: resolve<Record<string, string>>(props.Environment?.Variables ?? {}),
      timeoutSeconds: props.Timeout ?? 3,
      memoryMb: props.MemorySize ?? 128,
      policies,
    });
  }
  return functions;
};
