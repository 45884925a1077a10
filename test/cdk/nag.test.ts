import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from '../../lib/api-stack.ts';
import { StatefulStack } from '../../lib/stateful-stack.ts';

interface Violation {
  ruleName: string;
  violatingConstructs: { constructPath: string }[];
}

test('cdk-nag AwsSolutions finds nothing unacknowledged in either stack', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'eye-nag-'));
  const app = new App({
    outdir,
    context: { 'aws:cdk:bundling-stacks': [], BUS_SOURCE_URL: 'https://bus.example.com' },
  });
  const stateful = new StatefulStack(app, 'NagStateful', { namePrefix: 'nag' });
  new ApiStack(app, 'NagApi', { namePrefix: 'nag' }).addStackDependency(stateful);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let synthError: unknown;
  try {
    app.synth();
  } catch (err) {
    // A failed validation throws; the report says what failed, so it is asserted on first.
    synthError = err;
  }
  const reportFile = join(outdir, 'validation-report.json');
  expect(existsSync(reportFile)).toBe(true);
  const violations: Violation[] = JSON.parse(readFileSync(reportFile, 'utf8')).pluginReports.flatMap(
    (r: { violations: Violation[] }) => r.violations,
  );
  const unresolved = violations.flatMap((v) =>
    v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`),
  );
  expect(unresolved).toEqual([]);
  // No violation, yet synthesis failed: that is a failure of its own, never a pass.
  expect(synthError).toBeUndefined();
});
