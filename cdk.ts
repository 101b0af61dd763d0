/**
 * perfprobe's AWS CDK constructs (`import { ProbeSuite } from 'perfprobe/cdk'`): ProbeSuite for your own stack,
 * or perfprobeStacks for an environment's stacks (one, or one per location) as `cdk deploy -c env=prod` builds
 * them in this repository.
 */
export {
  PerfprobeStack,
  type PerfprobeStackProps,
  perfprobeStacks,
  stackName,
} from './lib/perfprobe-stack.ts';
export { ProbeSuite, type ProbeSuiteProps } from './lib/probe-suite.ts';
