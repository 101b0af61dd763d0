import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { deployedNames } from '../functions/core/cloud/deployed-suite.ts';
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
 * Stack names follow the suite and the environment, with a hash of the exact pair, so no two pairs share a
 * stack in one account (see deployedNames).
 */
export function stackName(suiteName: string, environment: string): string {
  return deployedNames(suiteName, environment).stack;
}
