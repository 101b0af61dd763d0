import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { deployedLocations, locationStackName } from '../functions/core/cloud/deployed-locations.ts';
import { deployedNames, deploySuite } from '../functions/core/cloud/deployed-suite.ts';
import type { Suite } from '../functions/core/suite/schema.ts';
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

/**
 * Every stack of one environment, as `cdk deploy -c env=<name>` deploys them: one stack (named as always) when
 * the environment names at most one location; with several, one per location, named and placed in its region
 * (home holds the notifier, topics and dashboard). `account`: the stacks' account, when known.
 */
export function perfprobeStacks(
  scope: Construct,
  props: {
    readonly suite: Suite;
    readonly environment: string;
    readonly source?: string;
    readonly account?: string | undefined;
  },
): PerfprobeStack[] {
  const { suite, environment, account } = props;
  const locations = deployedLocations(deploySuite(suite, environment));
  const common = { suite, environment, ...(props.source === undefined ? {} : { source: props.source }) };
  const name = stackName(suite.name, environment);
  if (locations.length <= 1) {
    const [region] = locations;
    return [
      new PerfprobeStack(scope, name, {
        ...common,
        ...(region === undefined ? {} : { env: { account, region } }),
      }),
    ];
  }
  const names = deployedNames(suite.name, environment);
  return locations.map(
    (location) =>
      new PerfprobeStack(scope, locationStackName(names, location), {
        ...common,
        location,
        env: { account, region: location },
        description: `perfprobe ${suite.name}/${environment} in ${location}${location === locations[0] ? ' (home: notifier, topics, dashboard, incidents)' : ''}`,
      }),
  );
}
