/**
 * The public API of perfprobe for suite authors (`import { defineSuite } from 'perfprobe'`): the suite's types
 * and defineSuite, and validateSuite for a CDK app that hands a suite to ProbeSuite (`perfprobe/cdk`).
 */
export * from './functions/core/suite/define-suite.ts';
export type { Suite } from './functions/core/suite/schema.ts';
export {
  type SuiteProblem,
  SuiteValidationError,
  validateSuite,
} from './functions/core/suite/validate-suite.ts';
