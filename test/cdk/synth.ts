import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ApiStack } from '../../lib/api-stack.ts';
import { StatefulStack } from '../../lib/stateful-stack.ts';

/** Synthesizes both stacks without bundling (esbuild is exercised by `cdk synth`, not here). */
export const synthStacks = () => {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], BUS_SOURCE_URL: 'https://bus.example.com' },
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
