import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ProbeSuite, type ProbeSuiteProps } from './probe-suite.ts';

export type PerfprobeStackProps = StackProps & ProbeSuiteProps;

/** One stack per environment: `cdk deploy -c env=prod`. */
export class PerfprobeStack extends Stack {
  readonly probes: ProbeSuite;

  constructor(scope: Construct, id: string, props: PerfprobeStackProps) {
    super(scope, id, props);
    this.probes = new ProbeSuite(this, 'Probes', props);
  }
}

/**
 * Stack names follow the suite and the environment, so environments never collide in one account.
 * CloudFormation allows letters, digits and "-" only; a suite name may also hold "_".
 */
export function stackName(suiteName: string, environment: string): string {
  return `perfprobe-${suiteName}-${environment}`.replaceAll('_', '-');
}
