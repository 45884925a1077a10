import { App } from 'aws-cdk-lib';
import { ApiStack } from '../lib/api-stack.ts';
import { StatefulStack } from '../lib/stateful-stack.ts';

// Stateful resources live in their own stack so the API stack can be destroyed and redeployed freely.
const app = new App();
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
const corsOrigins = (app.node.tryGetContext('corsOrigins') as string | undefined)?.split(',');
const namePrefix = (app.node.tryGetContext('namePrefix') as string | undefined) ?? 'eye';
const stateful = new StatefulStack(app, 'EyeStateful', {
  env,
  namePrefix,
  destroyData: app.node.tryGetContext('destroyData') === 'true',
  corsOrigins,
});
const api = new ApiStack(app, 'EyeApi', { env, namePrefix, corsOrigins });
api.addStackDependency(stateful);
