/**
 * perfprobe's AWS CDK constructs (`import { ProbeSuite } from 'perfprobe/cdk'`): ProbeSuite for your own stack,
 * or PerfprobeStack for one stack per environment as `cdk deploy -c env=prod` builds in this repository.
 */
export { PerfprobeStack, type PerfprobeStackProps, stackName } from './lib/perfprobe-stack.ts';
export { ProbeSuite, type ProbeSuiteProps } from './lib/probe-suite.ts';
