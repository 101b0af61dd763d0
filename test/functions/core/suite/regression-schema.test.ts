import { describe, expect, it } from 'vitest';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { problemsOf, suiteWith } from './suite-fixtures.ts';

const probe = (regression: unknown) => ({ id: 'a', request: { url: '/a' }, sla: { p99: 500, regression } });

describe('sla.regression', () => {
  it('reads relative limits, minDelta, the baseline window, minRuns and alpha', () => {
    const suite = validateSuite(
      suiteWith([
        probe({ p95: '+20%', 'p99.9': 0.5, minDelta: '10ms', baseline: '2w', minRuns: 5, alpha: 0.05 }),
      ]),
    );

    expect(suite.probes[0]?.sla?.regression).toEqual({
      percentiles: { p95: 0.2, 'p99.9': 0.5 },
      minDeltaMs: 10,
      baselineMs: 14 * 86_400_000,
      minRuns: 5,
      alpha: 0.05,
    });
    expect(suite.probes[0]?.sla?.p99).toEqual({ critical: 500 });
  });

  it('defaults the rest: no minDelta, a 7-day baseline of at least 20 runs, alpha 0.01', () => {
    const suite = validateSuite(suiteWith([probe({ p50: '+10%' })]));

    expect(suite.probes[0]?.sla?.regression).toEqual({
      percentiles: { p50: 0.1 },
      minDeltaMs: 0,
      baselineMs: 7 * 86_400_000,
      minRuns: 20,
      alpha: 0.01,
    });
  });

  it('names every wrong field with what was expected and found', () => {
    expect(
      problemsOf(
        suiteWith([
          probe({ p95: '20', minDelta: 'soon', baseline: '7 days', minRuns: 0, alpha: 1, p98x: 1 }),
        ]),
      ),
    ).toEqual([
      'probes[0].sla.regression.p95: expected an allowed increase like "+20%" (or 0.2), above 0 and at most +1000%, got "20"',
      'probes[0].sla.regression.minDelta: expected a duration like "10ms" or milliseconds as a number, got "soon"',
      'probes[0].sla.regression.baseline: expected a window back like "7d", "24h" or "2w", at most 3650d, got "7 days"',
      'probes[0].sla.regression.minRuns: expected a whole number of runs between 1 and 100000, got 0',
      'probes[0].sla.regression.alpha: expected a significance level above 0 and at most 0.5, like 0.01, got 1',
      'probes[0].sla.regression.p98x: unknown field (expected p50 … p99.9, minDelta, baseline, minRuns or alpha)',
      "probes[0].sla.regression: expected at least one percentile to watch, like p95: '+20%'",
    ]);
  });

  it('refuses a regression that is not an object', () => {
    expect(problemsOf(suiteWith([probe('+20%')]))).toEqual([
      "probes[0].sla.regression: expected an object like { p95: '+20%', minDelta: '10ms', baseline: '7d' }, got \"+20%\"",
    ]);
  });
});
