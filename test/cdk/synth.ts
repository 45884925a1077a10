import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ApiStack } from '../../lib/api-stack.ts';
import { StatefulStack } from '../../lib/stateful-stack.ts';

// The feature flags `cdk synth` and `cdk deploy` apply, so the assertions hold for what is deployed.
const featureFlags = JSON.parse(readFileSync(join(import.meta.dirname, '../../cdk.json'), 'utf8')).context;

/** Synthesizes both stacks without bundling (esbuild is exercised by `cdk synth`, not here). */
export const synthStacks = () => {
  const app = new App({
    context: { ...featureFlags, 'aws:cdk:bundling-stacks': [], BUS_SOURCE_URL: 'https://bus.example.com' },
  });
  const stateful = new StatefulStack(app, 'TestStateful', { namePrefix: 'test' });
  const api = new ApiStack(app, 'TestApi', { namePrefix: 'test' });
  api.addStackDependency(stateful);
  return {
    app,
    stateful,
    api,
    statefulTemplate: Template.fromStack(stateful),
    apiTemplate: Template.fromStack(api),
  };
};
