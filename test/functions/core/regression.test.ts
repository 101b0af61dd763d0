import { describe, expect, it } from 'vitest';
import { createLatencyHistogram } from '../../../functions/core/histogram.ts';
import { mannWhitneyGreater, normalCdf } from '../../../functions/core/mann-whitney.ts';
import { baselineOf, checkRegression, DEFAULT_REGRESSION } from '../../../functions/core/regression.ts';
import { lognormalLatencies, storedRun } from '../../helpers/stored-runs.ts';

const histogramOf = (values: readonly number[]) => {
  const h = createLatencyHistogram();
  for (const v of values) h.recordValue(v);
  return h;
};

/** A run of `n` requests against a target whose median is `medianUs`. */
const runOf = (n: number, medianUs: number, seed: number, id = `r${seed}`) =>
  storedRun({
    runId: id,
    startedAt: '2026-11-30T06:00:00.000Z',
    latenciesUs: lognormalLatencies(n, medianUs, seed),
  });

const baselineRuns = (count: number, medianUs: number, firstSeed: number) =>
  Array.from({ length: count }, (_, i) => runOf(200, medianUs, firstSeed + i));

describe('mannWhitneyGreater', () => {
  it('matches U counted pair by pair, ties as halves', () => {
    const current = [3_000, 5_000, 5_000, 9_000];
    const baseline = [1_000, 5_000, 7_000];
    let pairs = 0;
    for (const c of current) for (const b of baseline) pairs += c > b ? 1 : c === b ? 0.5 : 0;

    const result = mannWhitneyGreater(histogramOf(current), histogramOf(baseline));

    expect(result.u).toBe(pairs);
    expect(result.effect).toBeCloseTo(pairs / 12, 12);
  });

  it('reads the normal distribution right (within 5e-6) where the test decides', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 5);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-2.326348)).toBeCloseTo(0.01, 5);
  });

  it('is rarely significant for two samples of one distribution: false positives near alpha', () => {
    const trials = 400;
    let significant = 0;
    for (let i = 0; i < trials; i++) {
      const a = histogramOf(lognormalLatencies(500, 20_000, 2 * i + 1));
      const b = histogramOf(lognormalLatencies(2_000, 20_000, 2 * i + 2));
      if (mannWhitneyGreater(a, b).pValue < 0.01) significant++;
    }

    // 400 trials at alpha 1 %: 4 expected; more than 12 would be a biased test (binomial p < 0.001).
    expect(significant).toBeLessThanOrEqual(12);
  });

  it('is significant for a target 30 % slower, from a run of 200 requests', () => {
    const current = histogramOf(lognormalLatencies(200, 26_000, 7));
    const baseline = histogramOf(lognormalLatencies(4_000, 20_000, 8));

    expect(mannWhitneyGreater(current, baseline).pValue).toBeLessThan(0.001);
  });

  it('is not significant for a faster target: the test is one-sided', () => {
    const current = histogramOf(lognormalLatencies(500, 14_000, 9));
    const baseline = histogramOf(lognormalLatencies(2_000, 20_000, 10));

    expect(mannWhitneyGreater(current, baseline).pValue).toBeGreaterThan(0.99);
  });
});

describe('checkRegression', () => {
  const spec = { ...DEFAULT_REGRESSION, percentiles: { p50: 0.2, p95: 0.2 }, minDeltaMs: 2, minRuns: 20 };

  it('flags a 30 % slower target on every percentile it watches, with baseline, change and p-value', () => {
    const baseline = baselineOf(baselineRuns(20, 20_000, 100), 'store');
    const slower = runOf(1_000, 26_000, 1);

    const checks = checkRegression(spec, slower, baseline);

    expect(checks.map((c) => [c.name, c.passed])).toEqual([
      ['regression.p50', false],
      ['regression.p95', false],
    ]);
    const [p50] = checks;
    expect(p50?.regression.baselineRuns).toBe(20);
    expect(p50?.regression.relative).toBeGreaterThan(0.2);
    expect(p50?.regression.absoluteMs).toBeGreaterThan(2);
    expect(p50?.regression.test?.pValue).toBeLessThan(0.01);
    expect(p50?.threshold).toBeCloseTo((p50?.regression.baselineMs ?? 0) * 1.2, 2);
  });

  it('does not flag repeated runs of the same target: false-positive rate over 200 runs', () => {
    const baseline = baselineOf(baselineRuns(20, 20_000, 1_000), 'store');
    let flagged = 0;
    for (let i = 0; i < 200; i++) {
      if (checkRegression(spec, runOf(200, 20_000, 5_000 + i), baseline).some((c) => !c.passed)) flagged++;
    }

    expect(flagged).toBe(0);
  });

  it('needs the absolute change too: +30 % of a 1 ms endpoint is under a 2 ms minDelta', () => {
    const baseline = baselineOf(baselineRuns(20, 1_000, 200), 'store');

    const checks = checkRegression(spec, runOf(200, 1_300, 2), baseline);

    expect(checks.every((c) => c.passed)).toBe(true);
    expect(checks[0]?.regression.relative).toBeGreaterThan(0.2);
    expect(checks[0]?.regression.test?.pValue).toBeLessThan(0.01);
  });

  it('says it could not judge, and passes, when the baseline has too few valid runs', () => {
    const runs = [
      ...baselineRuns(3, 20_000, 300),
      { ...runOf(200, 20_000, 400), validity: { ...runOf(1, 1, 1).validity, valid: false } },
    ];
    const baseline = baselineOf(runs, 'store');

    const checks = checkRegression(spec, runOf(200, 40_000, 3), baseline);

    expect(baseline.runs).toBe(3);
    expect(checks.every((c) => c.passed)).toBe(true);
    expect(checks[0]?.regression.unjudged).toBe('the baseline has 3 valid runs, needs 20');
    expect(checks[0]?.regression.test).toBeNull();
  });

  it('says there is no baseline when none was given', () => {
    const [check] = checkRegression(spec, runOf(50, 20_000, 4), undefined);

    expect(check?.passed).toBe(true);
    expect(check?.regression.unjudged).toContain('no baseline');
  });
});
