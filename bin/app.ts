// CDK app: `cdk deploy -c env=prod [-c suite=probes/other.ts]` builds the stacks of one environment of a suite
// (one, or one per location).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SuiteValidationError } from '../functions/core/suite/validate-suite.ts';
import { loadSuite } from '../functions/local/load-suite.ts';
import { UsageError } from '../functions/local/usage-error.ts';
import { perfprobeStacks } from '../lib/perfprobe-stack.ts';
import { templateSizeProblems } from '../lib/stack-limits.ts';

try {
  const app = new App();
  const suitePath = String(app.node.tryGetContext('suite') ?? 'probes/example-bank.ts');
  const suite = await loadSuite(suitePath);
  const environment = app.node.tryGetContext('env');
  if (typeof environment !== 'string' || !Object.hasOwn(suite.environments, environment)) {
    throw new UsageError(
      `pass the environment to deploy: -c env=<name> (${suitePath} defines: ${Object.keys(suite.environments).join(', ')})`,
    );
  }
  perfprobeStacks(app, { suite, environment, source: suitePath, account: process.env.CDK_DEFAULT_ACCOUNT });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // The template's size is known only once written: refused here, before CloudFormation would.
  const oversized = templateSizeProblems(app.synth());
  if (oversized.length > 0) throw new UsageError(`${suitePath}: ${oversized.join('\n')}`);
} catch (error) {
  if (!(error instanceof UsageError || error instanceof SuiteValidationError)) throw error;
  process.stderr.write(`perfprobe: ${error.message}\n`);
  process.exit(2);
}
