import { type Histogram, mergeEncoded } from '../../core/histogram.ts';
import { probeHistory } from '../../core/history.ts';
import type { RunResult } from '../../core/run-result.ts';
import { percentileOf } from '../../core/suite/limits.ts';

/** A latency SLA as a line on the charts: its percentile (100 for max) and limit. */
export interface ThresholdLine {
  readonly label: string;
  readonly severity: 'warn' | 'critical';
  readonly ms: number;
  /** The percentile it bounds (99 for p99, 100 for max); null for mean. */
  readonly percentile: number | null;
}

/**
 * Percentiles over time, oldest first, never averaged: each valid run's own, or, past MAX_RUN_POINTS runs, each
 * hour's valid runs merged exactly (history's buckets).
 */
export interface TrendData {
  readonly per: 'run' | 'hour';
  /** Run start or hour start, epoch seconds. */
  readonly x: number[];
  readonly p50: number[];
  readonly p95: number[];
  readonly p99: number[];
  readonly max: number[];
}

/**
 * Percentile distributions on HdrHistogram's log axis: x is 1/(1-q), so 10 is p90, 100 is p99, 1,000 p99.9.
 * Shared x for both curves; a curve stops (null) past its own sample count, where its last value is its max.
 */
export interface DistributionData {
  readonly x: number[];
  readonly latest: (number | null)[];
  /** The window's valid runs merged exactly; null when the window holds only the latest run. */
  readonly window: (number | null)[] | null;
  readonly windowRuns: number;
}

/** The run's slots: seconds since start, rates per second (slots widen on long runs), p99 null when idle. */
export interface TimelineData {
  /** How long the run lasted: the chart's x axis ends there, not at uPlot's default for a lone slot. */
  readonly durationSeconds: number;
  readonly x: number[];
  readonly requestsPerSecond: number[];
  readonly errorsPerSecond: number[];
  readonly p99: (number | null)[];
}

export interface ProbeChartData {
  readonly trend: TrendData;
  readonly thresholds: readonly ThresholdLine[];
  readonly distribution: DistributionData | null;
  readonly timeline: TimelineData | null;
}

/** Points per decade of 1/(1-q): smooth enough for a curve, small enough for a week of runs per page. */
const POINTS_PER_DECADE = 20;

/** Beyond this many runs, one point per hour: a week of 1-minute runs is 168 points, not 10,080 spikes. */
export const MAX_RUN_POINTS = 500;

/** A run whose latency counts: valid (it delivered its load) and with at least one response. */
export const isMeasured = (r: RunResult) => r.validity.valid && r.latencyMs.max > 0;

function hourlyTrend(measured: readonly RunResult[]): TrendData {
  const trend: TrendData = { per: 'hour', x: [], p50: [], p95: [], p99: [], max: [] };
  // The window only bounds history's whole-window total, which is not drawn.
  const { buckets } = probeHistory('', measured, 'hour', { from: new Date(0), to: new Date(0) });
  for (const b of buckets) {
    if (b.latencyMs === null) continue;
    trend.x.push(Date.parse(b.from) / 1000);
    trend.p50.push(b.latencyMs.p50);
    trend.p95.push(b.latencyMs.p95);
    trend.p99.push(b.latencyMs.p99);
    trend.max.push(b.latencyMs.max);
  }
  return trend;
}

export function trendData(runsNewestFirst: readonly RunResult[]): TrendData {
  const measured = runsNewestFirst.filter(isMeasured);
  if (measured.length > MAX_RUN_POINTS) return hourlyTrend(measured);
  const trend: TrendData = { per: 'run', x: [], p50: [], p95: [], p99: [], max: [] };
  for (let i = measured.length - 1; i >= 0; i--) {
    const r = measured[i]!;
    trend.x.push(Date.parse(r.startedAt) / 1000);
    trend.p50.push(r.latencyMs.p50);
    trend.p95.push(r.latencyMs.p95);
    trend.p99.push(r.latencyMs.p99);
    trend.max.push(r.latencyMs.max);
  }
  return trend;
}

/** The run's latency SLAs (not error rates, throughput or regression rules, which are not a latency line). */
export function thresholdLines(run: RunResult): ThresholdLine[] {
  return run.sla.checks.flatMap((c) => {
    const match = /^latency\.(p\d+|max|mean)$/.exec(c.metric);
    if (match === null || c.regression) return [];
    const percentile = c.name === 'max' ? 100 : c.name === 'mean' ? null : (percentileOf(c.name) ?? null);
    return [{ label: `${c.name} ${c.severity}`, severity: c.severity, ms: c.threshold, percentile }];
  });
}

const usToMs = (us: number) => Math.round(us) / 1000;

function curve(histogram: Histogram, xs: readonly number[]): (number | null)[] {
  const n = histogram.totalCount;
  let done = false;
  return xs.map((x) => {
    if (done) return null;
    if (x >= n) {
      // The first point at or past 1/(1-q) = n: no finer percentile exists, so the curve ends at the max.
      done = true;
      return usToMs(histogram.maxValue);
    }
    return usToMs(histogram.getValueAtPercentile(100 * (1 - 1 / x)));
  });
}

export function distributionData(
  latest: RunResult,
  runsNewestFirst: readonly RunResult[],
): DistributionData | null {
  const own = mergeEncoded([latest.histogram]);
  if (own.totalCount === 0) return null;
  const valid = runsNewestFirst.filter(isMeasured);
  const others = valid.some((r) => r.runId !== latest.runId);
  const window = others ? mergeEncoded(valid.map((r) => r.histogram)) : undefined;
  const n = Math.max(own.totalCount, window?.totalCount ?? 0);
  const xs: number[] = [];
  for (let i = 0; ; i++) {
    const x = 10 ** (i / POINTS_PER_DECADE);
    xs.push(x);
    if (x >= n) break;
  }
  return {
    x: xs,
    latest: curve(own, xs),
    window: window ? curve(window, xs) : null,
    windowRuns: window ? valid.length : 1,
  };
}

export function timelineData(run: RunResult): TimelineData | null {
  if (run.timeline.length === 0) return null;
  const t: TimelineData = {
    durationSeconds: run.durationMs / 1000,
    x: [],
    requestsPerSecond: [],
    errorsPerSecond: [],
    p99: [],
  };
  for (const slot of run.timeline) {
    const width = slot.seconds > 0 ? slot.seconds : 1;
    t.x.push(slot.second);
    t.requestsPerSecond.push(slot.requests / width);
    t.errorsPerSecond.push(slot.errors / width);
    t.p99.push(slot.p99 > 0 ? slot.p99 : null);
  }
  return t;
}

/** Everything the page's charts draw for one probe. */
export function probeChartData(latest: RunResult, runsNewestFirst: readonly RunResult[]): ProbeChartData {
  return {
    trend: trendData(runsNewestFirst),
    thresholds: thresholdLines(latest),
    distribution: distributionData(latest, runsNewestFirst),
    timeline: timelineData(latest),
  };
}
