import { describe, expect, it } from 'vitest';
import { baselineOf, checkRegression, DEFAULT_REGRESSION } from '../../../functions/core/regression.ts';
import { lognormalLatencies, storedRun } from '../../helpers/stored-runs.ts';

// 200 runs judged (seconds of CPU): in npm test, not in the mutation run's tests (vitest.mutation.config.ts),
// where it would run again for each of checkRegression's mutants.

const runOf = (n: number, medianUs: number, seed: number, id = `r${seed}`) =>
  storedRun({
    runId: id,
    startedAt: '2026-11-30T06:00:00.000Z',
    latenciesUs: lognormalLatencies(n, medianUs, seed),
  });

const baselineRuns = (count: number, medianUs: number, firstSeed: number) =>
  Array.from({ length: count }, (_, i) => runOf(200, medianUs, firstSeed + i));

describe('checkRegression, false positives', () => {
  const spec = { ...DEFAULT_REGRESSION, percentiles: { p50: 0.2, p95: 0.2 }, minDeltaMs: 2, minRuns: 20 };

  it('does not flag repeated runs of the same target: false-positive rate over 200 runs', () => {
    const baseline = baselineOf(baselineRuns(20, 20_000, 1_000), 'store');
    let flagged = 0;
    for (let i = 0; i < 200; i++) {
      if (checkRegression(spec, runOf(200, 20_000, 5_000 + i), baseline).some((c) => !c.passed)) flagged++;
    }

    expect(flagged).toBe(0);
  });
});
