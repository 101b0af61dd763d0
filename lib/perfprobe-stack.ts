import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { deployedNames } from '../functions/core/cloud/deployed-suite.ts';
import { ProbeSuite, type ProbeSuiteProps } from './probe-suite.ts';

/**
 * The stack's own `permissionsBoundary` (StackProps) applies to every role in it; ProbeSuite's prop of the same
 * name is for the construct used in other stacks.
 */
export type PerfprobeStackProps = StackProps & Omit<ProbeSuiteProps, 'permissionsBoundary'>;

/** One stack per environment: `cdk deploy -c env=prod`. */
export class PerfprobeStack extends Stack {
  readonly probes: ProbeSuite;

  constructor(scope: Construct, id: string, props: PerfprobeStackProps) {
    super(scope, id, props);
    const { permissionsBoundary: _stackWide, ...suiteProps } = props;
    this.probes = new ProbeSuite(this, 'Probes', suiteProps);
  }
}

/**
 * Stack names follow the suite and the environment, with a hash of the exact pair, so no two pairs share a
 * stack in one account (see deployedNames).
 */
export function stackName(suiteName: string, environment: string): string {
  return deployedNames(suiteName, environment).stack;
}
