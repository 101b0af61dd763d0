import { createLatencyHistogram } from '../functions/core/histogram.ts';
import { mannWhitneyGreater } from '../functions/core/mann-whitney.ts';
import { baselineOf, checkRegression, DEFAULT_REGRESSION } from '../functions/core/regression.ts';
import { lognormalLatencies, storedRun } from '../test/helpers/stored-runs.ts';
import { markdownTable, type Section } from './tools.ts';

/**
 * Regression detection's error rates on seeded log-normal latencies (median 20 ms): the U test alone on two
 * samples of one distribution (false positives, expected near alpha), then the full check (relative, minDelta
 * and U) on same-target runs and on a target 30 % slower, against a baseline of 20 runs.
 */
const TEST_TRIALS = 2_000;
const RUN_TRIALS = 1_000;

const histogramOf = (values: readonly number[]) => {
  const h = createLatencyHistogram();
  for (const v of values) h.recordValue(v);
  return h;
};
const runOf = (n: number, medianUs: number, seed: number) =>
  storedRun({
    runId: `r${seed}`,
    startedAt: '2026-11-30T06:00:00.000Z',
    latenciesUs: lognormalLatencies(n, medianUs, seed),
  });

export async function regressionSection(): Promise<Section> {
  let significant = 0;
  for (let i = 0; i < TEST_TRIALS; i++) {
    const a = histogramOf(lognormalLatencies(500, 20_000, 2 * i + 1));
    const b = histogramOf(lognormalLatencies(2_000, 20_000, 2 * i + 2));
    if (mannWhitneyGreater(a, b).pValue < 0.01) significant++;
  }
  const spec = { ...DEFAULT_REGRESSION, percentiles: { p50: 0.2, p95: 0.2 }, minDeltaMs: 2, minRuns: 20 };
  const baseline = baselineOf(
    Array.from({ length: 20 }, (_, i) => runOf(200, 20_000, 100_000 + i)),
    'store',
  );
  let sameFlagged = 0;
  let slowerFlagged = 0;
  for (let i = 0; i < RUN_TRIALS; i++) {
    if (checkRegression(spec, runOf(200, 20_000, 7_000 + i), baseline).some((c) => !c.passed)) sameFlagged++;
    if (checkRegression(spec, runOf(200, 26_000, 9_000 + i), baseline).some((c) => !c.passed))
      slowerFlagged++;
  }
  const pct = (n: number, of: number) =>
    `${n} of ${of.toLocaleString('en-US')} (${((100 * n) / of).toFixed(2)} %)`;
  const rows = [
    ['U test alone, two samples of one distribution (500 vs 2,000), p < 0.01', pct(significant, TEST_TRIALS)],
    ['check (p50/p95 +20 %, minDelta 2 ms), same target, runs of 200 requests', pct(sameFlagged, RUN_TRIALS)],
    ['check, target 30 % slower, runs of 200 requests', pct(slowerFlagged, RUN_TRIALS)],
  ];
  return {
    title: 'Regression detection',
    markdown: `Seeded log-normal latencies around 20 ms (σ 0.6), baseline of 20 runs × 200 requests.\n\n${markdownTable(['case', 'flagged'], rows)}`,
    json: { significant, testTrials: TEST_TRIALS, sameFlagged, slowerFlagged, runTrials: RUN_TRIALS },
  };
}

// `node bin/run-ts.js bench/regression.ts` runs this section alone (and writes no results file).
if (process.argv[1]?.endsWith('bench/regression.ts')) {
  process.stdout.write(`${(await regressionSection()).markdown}\n`);
}
