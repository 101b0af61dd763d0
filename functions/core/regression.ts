import { decodeHistogram, encodeHistogram, mergeEncoded, percentileMs } from './histogram.ts';
import { mannWhitneyGreater } from './mann-whitney.ts';
import type { RunMeasurement } from './run-result.ts';
import type { RunStore } from './run-store.ts';
import type { RegressionFigures } from './sla-report.ts';
import { percentileOf } from './suite/limits.ts';

/** `sla.regression` as validated: the current run against the merged histogram of a baseline window's runs. */
export interface RegressionSpec {
  /** Allowed relative increase per percentile key: { p95: 0.2 } is "+20%". */
  readonly percentiles: Readonly<Record<string, number>>;
  /** The smallest increase worth a regression, ms: +30 % of 2 ms is noise to anyone. @default 0 */
  readonly minDeltaMs: number;
  /** How far back the baseline reaches from the run, ms. @default 7 days */
  readonly baselineMs: number;
  /** Valid runs the baseline needs before it is trusted; fewer and the check says so instead of judging. */
  readonly minRuns: number;
  /** One-sided significance level of the Mann-Whitney U test. @default 0.01 */
  readonly alpha: number;
}

export const DEFAULT_REGRESSION = {
  percentiles: { p50: 0.2, p95: 0.2, p99: 0.25 },
  minDeltaMs: 0,
  baselineMs: 7 * 86_400_000,
  minRuns: 20,
  alpha: 0.01,
} as const satisfies RegressionSpec;

/** What a run is compared with: valid runs' histograms merged (from the store, or a saved baseline file). */
export interface Baseline {
  /** Valid runs merged into `histogram`. */
  readonly runs: number;
  /** Encoded HDR histogram (µs), as stored. */
  readonly histogram: string;
  /** Where it came from, for the report: "store, 7d before the run" or a file path. */
  readonly source: string;
}

export interface RegressionCheck {
  readonly name: string;
  readonly metric: string;
  /** The most this percentile may reach before the relative limit is exceeded, ms (baseline × (1 + allowed)). */
  readonly threshold: number;
  readonly observed: number | null;
  readonly passed: boolean;
  readonly regression: RegressionFigures;
}

/** Merges valid runs' stored histograms into one baseline. */
export function baselineOf(
  runs: readonly Pick<RunMeasurement, 'histogram' | 'validity'>[],
  source: string,
): Baseline {
  const valid = runs.filter((r) => r.validity.valid);
  return {
    runs: valid.length,
    histogram: encodeHistogram(mergeEncoded(valid.map((r) => r.histogram))),
    source,
  };
}

/**
 * The baseline of a run starting at `before`: the valid runs of the spec's window before it, from any store
 * (the local one for `perfprobe run`, the runs table for Aggregate). The window ends 1 ms before the run, so a
 * retried Aggregate never compares a run with itself.
 */
export async function baselineFromStore(
  store: Pick<RunStore, 'runsBetween'>,
  environment: string,
  probeId: string,
  spec: Pick<RegressionSpec, 'baselineMs'>,
  before: Date,
): Promise<Baseline> {
  const to = new Date(before.getTime() - 1);
  const from = new Date(before.getTime() - spec.baselineMs);
  const runs = await store.runsBetween(environment, probeId, from, to, Number.POSITIVE_INFINITY);
  return baselineOf(runs, `store, ${formatWindow(spec.baselineMs)} before the run`);
}

function formatWindow(ms: number): string {
  const day = 86_400_000;
  if (ms % day === 0) return `${ms / day}d`;
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.round(ms / 60_000)}m`;
}

/**
 * Regression checks of one run. A percentile regressed only when all three hold: it rose by more than the
 * allowed share, by more than minDelta, and the U test says the run as a whole is slower (p < alpha). Each
 * alone misfires: a relative rise on a 2 ms endpoint is noise, an absolute one says nothing at 2 s, and the
 * test, over thousands of requests, finds significance in shifts nobody would page for.
 */
export function checkRegression(
  spec: RegressionSpec,
  run: Pick<RunMeasurement, 'histogram' | 'latencyMs'>,
  baseline: Baseline | undefined,
): RegressionCheck[] {
  const current = decodeHistogram(run.histogram);
  const base = baseline ? decodeHistogram(baseline.histogram) : undefined;
  const why =
    baseline === undefined
      ? 'no baseline was read'
      : baseline.runs < spec.minRuns
        ? `the baseline has ${baseline.runs} valid run${baseline.runs === 1 ? '' : 's'}, needs ${spec.minRuns}`
        : base?.totalCount === 0
          ? 'the baseline measured no responses'
          : current.totalCount === 0
            ? 'no response completed in this run'
            : undefined;
  const test =
    why === undefined && base !== undefined
      ? {
          name: 'mann-whitney-u' as const,
          pValue: mannWhitneyGreater(current, base).pValue,
          alpha: spec.alpha,
        }
      : null;
  return Object.entries(spec.percentiles).map(([key, allowed]) => {
    const p = percentileOf(key)!;
    const observed = current.totalCount === 0 ? null : percentileMs(current, p);
    const baselineMs = base && base.totalCount > 0 ? percentileMs(base, p) : null;
    const relative = observed !== null && baselineMs ? observed / baselineMs - 1 : null;
    const absoluteMs = observed !== null && baselineMs !== null ? observed - baselineMs : null;
    const regressed =
      why === undefined &&
      test !== null &&
      relative !== null &&
      absoluteMs !== null &&
      relative > allowed &&
      absoluteMs > spec.minDeltaMs &&
      test.pValue < spec.alpha;
    return {
      name: `regression.${key}`,
      metric: `latency.p${String(p).replace('.', '')}`,
      threshold: baselineMs === null ? 0 : Math.round(baselineMs * (1 + allowed) * 1000) / 1000,
      observed,
      passed: !regressed,
      regression: {
        baselineMs,
        baselineRuns: baseline?.runs ?? 0,
        source: baseline?.source ?? 'none',
        relative,
        absoluteMs: absoluteMs === null ? null : Math.round(absoluteMs * 1000) / 1000,
        allowedRelative: allowed,
        minDeltaMs: spec.minDeltaMs,
        test,
        ...(why === undefined ? {} : { unjudged: why }),
      },
    };
  });
}
