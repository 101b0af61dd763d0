import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../functions/core/cloud/run-record.ts';
import { createLatencyHistogram } from '../../../functions/core/histogram.ts';
import { mannWhitneyGreater, normalCdf } from '../../../functions/core/mann-whitney.ts';
import {
  baselineFromStore,
  baselineOf,
  checkRegression,
  DEFAULT_REGRESSION,
} from '../../../functions/core/regression.ts';
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

describe('checkRegression, each condition on both sides of its boundary', () => {
  const spec = { ...DEFAULT_REGRESSION, percentiles: { p50: 0.2, p95: 0.2 }, minDeltaMs: 0, minRuns: 20 };
  const baseline = baselineOf(baselineRuns(20, 20_000, 100), 'store');
  /** Every request of the run (or of each baseline run) took exactly `us`. */
  const flat = (us: number, n = 100, id = `flat${us}`) =>
    storedRun({ runId: id, startedAt: '2026-11-30T06:00:00.000Z', latenciesUs: Array(n).fill(us) });

  it('passes a significant +10 % shift under an allowed +20 %, and flags +30 %', () => {
    const plus10 = checkRegression(spec, runOf(2_000, 22_000, 11), baseline);
    const plus30 = checkRegression(spec, runOf(2_000, 26_000, 12), baseline);

    for (const check of plus10) {
      expect(check.regression.test?.pValue).toBeLessThan(spec.alpha);
      expect(check.regression.absoluteMs).toBeGreaterThan(spec.minDeltaMs);
      expect(check.regression.relative).toBeGreaterThan(0.05);
      expect(check.regression.relative).toBeLessThan(0.2);
    }
    expect(plus10.map((c) => c.passed)).toEqual([true, true]);
    expect(plus10[0]!.regression).not.toHaveProperty('unjudged');
    expect(plus30.map((c) => c.passed)).toEqual([false, false]);
  });

  it('allows a rise of exactly the allowed share and exactly minDelta; a hair more regresses', () => {
    const base = baselineOf(
      Array.from({ length: 20 }, (_, i) => flat(10_000, 100, `b${i}`)),
      'store',
    );
    const run = flat(13_000);
    const [first] = checkRegression({ ...spec, percentiles: { p50: 0.2 } }, run, base);
    const figures = first!.regression;
    // Both sides of each rule, read from the same figures the check compared.
    const relative = figures.relative!;
    const absolute = first!.observed! - figures.baselineMs!;
    const judge = (allowed: number, minDeltaMs: number) =>
      checkRegression({ ...spec, percentiles: { p50: allowed }, minDeltaMs }, run, base)[0]!.passed;

    expect(first).toMatchObject({ name: 'regression.p50', metric: 'latency.p50', passed: false });
    expect(judge(relative, 0)).toBe(true);
    expect(judge(relative - 1e-9, 0)).toBe(false);
    expect(judge(0.2, absolute)).toBe(true);
    expect(judge(0.2, absolute - 1e-9)).toBe(false);
    // 10.007 ms × 1.2, to the µs; 13.007 − 10.007 ms.
    expect(first!.threshold).toBe(12.008);
    expect(figures).toMatchObject({ baselineMs: 10.007, absoluteMs: 3, allowedRelative: 0.2, minDeltaMs: 0 });
  });

  it('is significant only below alpha: a p-value equal to alpha passes', () => {
    // A 5 % shift of 200 requests: significant at some level, not at any (allowed rise 0).
    const any = { ...spec, percentiles: { p50: 0 } };
    const run = runOf(200, 21_000, 13);
    const pValue = checkRegression(any, run, baseline)[0]!.regression.test!.pValue;
    const judged = (alpha: number) => checkRegression({ ...any, alpha }, run, baseline)[0]!;

    expect(pValue).toBeGreaterThan(0);
    expect(judged(pValue).passed).toBe(true);
    expect(judged(pValue * 1.000001).passed).toBe(false);
    expect(judged(pValue).regression.test).toEqual({ name: 'mann-whitney-u', pValue, alpha: pValue });
  });

  it('judges a baseline of exactly minRuns valid runs, and says "1 valid run" of one', () => {
    const slower = runOf(1_000, 26_000, 1);

    expect(checkRegression({ ...spec, minRuns: 20 }, slower, baseline)[0]!.passed).toBe(false);
    expect(checkRegression({ ...spec, minRuns: 21 }, slower, baseline)[0]!.regression.unjudged).toBe(
      'the baseline has 20 valid runs, needs 21',
    );
    const one = baselineOf(baselineRuns(1, 20_000, 100), 'store');
    expect(checkRegression(spec, slower, one)[0]!.regression.unjudged).toBe(
      'the baseline has 1 valid run, needs 20',
    );
  });

  it('does not judge, and says why, when the baseline or the run measured no response', () => {
    const empty = baselineOf(
      Array.from({ length: 20 }, (_, i) => flat(0, 0, `e${i}`)),
      'file base.json',
    );
    const [noBase] = checkRegression(spec, runOf(200, 40_000, 3), empty);
    const [noRun] = checkRegression(spec, flat(0, 0), baseline);

    expect(noBase).toMatchObject({ passed: true, threshold: 0, observed: expect.any(Number) });
    expect(noBase!.regression).toMatchObject({
      unjudged: 'the baseline measured no responses',
      baselineMs: null,
      baselineRuns: 20,
      source: 'file base.json',
      relative: null,
      absoluteMs: null,
      test: null,
    });
    expect(noRun).toMatchObject({ passed: true, observed: null });
    expect(noRun!.regression).toMatchObject({
      unjudged: 'no response completed in this run',
      baselineMs: expect.any(Number),
      relative: null,
      absoluteMs: null,
      test: null,
    });
  });

  it('names the baseline it lacks, with no figures', () => {
    const [check] = checkRegression(
      { ...spec, percentiles: { 'p99.9': 0.5 } },
      runOf(50, 20_000, 4),
      undefined,
    );

    expect(check).toMatchObject({
      name: 'regression.p99.9',
      metric: 'latency.p999',
      threshold: 0,
      passed: true,
    });
    expect(check!.regression).toEqual({
      baselineMs: null,
      baselineRuns: 0,
      source: 'none',
      relative: null,
      absoluteMs: null,
      allowedRelative: 0.5,
      minDeltaMs: 0,
      test: null,
      unjudged: 'no baseline was read',
    });
  });
});

describe('baselineFromStore', () => {
  const before = new Date('2026-11-30T06:00:00.000Z');
  const storeOf = (runs: RunRecord[]) => {
    const asked: unknown[][] = [];
    return {
      asked,
      store: {
        runsBetween: async (...args: unknown[]) => {
          asked.push(args);
          return runs;
        },
      },
    };
  };

  it("reads every run of the window that ends 1 ms before the run, and names the window's length", async () => {
    const { store, asked } = storeOf(baselineRuns(2, 20_000, 100) as RunRecord[]);

    const baseline = await baselineFromStore(store, 'prod', 'login', { baselineMs: 7 * 86_400_000 }, before);

    expect(asked).toEqual([
      [
        'prod',
        'login',
        new Date('2026-11-23T06:00:00.000Z'),
        new Date('2026-11-30T05:59:59.999Z'),
        Number.POSITIVE_INFINITY,
      ],
    ]);
    expect(baseline).toMatchObject({ runs: 2, source: 'store, 7d before the run' });
  });

  it.each([
    [36 * 3_600_000, 'store, 36h before the run'],
    [90 * 60_000, 'store, 90m before the run'],
    [90 * 60_000 + 40_000, 'store, 91m before the run'],
  ])('names a window of %i ms "%s"', async (baselineMs, source) => {
    const { store } = storeOf([]);

    expect((await baselineFromStore(store, 'prod', 'login', { baselineMs }, before)).source).toBe(source);
  });
});
