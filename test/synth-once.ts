import { synthesizedTemplates } from '../local/deployment.ts';

// Every local stack reads the synthesized CDK app; synthesizing it once here, before the test files
// start their stacks in parallel, keeps a cold cache from costing each of them a synthesis.
export default async () => {
  await synthesizedTemplates();
};
