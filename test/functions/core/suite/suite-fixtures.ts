import { SuiteValidationError, validateSuite } from '../../../../functions/core/suite/validate-suite.ts';

/** A one-environment suite around the given probes, with anything else overridden. */
export function suiteWith(probes: unknown[], extra: Record<string, unknown> = {}) {
  return {
    name: 's',
    environments: { prod: { baseUrl: 'https://api.example.com' } },
    probes,
    ...extra,
  };
}

/** Every problem of a suite as "path: message"; fails the test when the suite is valid. */
export function problemsOf(suite: unknown): string[] {
  try {
    validateSuite(suite);
  } catch (error) {
    if (error instanceof SuiteValidationError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('expected the suite to be rejected');
}
