import { App } from 'aws-cdk-lib';
import { ApiStack } from '../../lib/api-stack.ts';

// `node local/iam/synth-api-template.ts <namePrefix>`: the API stack's CloudFormation template on
// stdout, synthesized offline and without bundling (esbuild is not needed to know the IAM policies).
// A process of its own, so the local runtime never loads aws-cdk-lib (~9 s to synthesize here).

const namePrefix = process.argv[2] ?? 'eye';
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new ApiStack(app, 'EyeApi', { namePrefix });
process.stdout.write(JSON.stringify(app.synth().getStackByName(stack.stackName).template));
