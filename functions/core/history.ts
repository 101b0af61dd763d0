import { encodeHistogram, mergeEncoded, percentileMs } from './histogram.ts';
import type { RunResult } from './run-result.ts';
import type { SlaReport } from './sla-report.ts';

export type BucketSize = 'hour' | 'day';

const BUCKET_MS: Record<BucketSize, number> = { hour: 3_600_000, day: 86_400_000 };

export type Verdict = SlaReport['verdict'];

/** What a window of stored runs measured: its valid runs' histograms merged exactly. */
export interface HistoryBucket {
  /** Start of the bucket (UTC, ISO); the window's start for the whole window's total. */
  readonly from: string;
  /** End, exclusive. */
  readonly to: string;
  readonly runs: { readonly total: number; readonly valid: number; readonly invalid: number };
  /** Requests of the valid runs: invalid runs could not deliver their load, so their numbers prove nothing. */
  readonly requests: number;
  readonly failed: number;
  /** failed / requests of the valid runs; null when there were none. */
  readonly errorRate: number | null;
  /** ms, from the merged histogram; null when no valid run completed a response. */
  readonly latencyMs: {
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
    readonly max: number;
  } | null;
  /** Runs per verdict, as each run was judged when it ran. */
  readonly verdicts: Readonly<Record<Verdict, number>>;
  /** The merged histogram (µs, HdrHistogram V2 compressed base64), for further merging or charts. */
  readonly histogram: string;
}

export interface ProbeHistory {
  readonly probeId: string;
  /** Oldest first; only buckets with at least one run. */
  readonly buckets: readonly HistoryBucket[];
  /** The whole window, merged exactly (a week's p99 is the p99 of every request of the week). */
  readonly total: HistoryBucket;
}

type StoredRun = Pick<
  RunResult,
  'startedAt' | 'histogram' | 'requests' | 'validity' | 'sla' | 'latencyMs' | 'location'
>;

/** `histograms` defaults to the valid runs' own; the window's total passes its buckets' merged ones instead. */
function summarize(
  runs: readonly StoredRun[],
  from: string,
  to: string,
  histograms?: readonly string[],
): HistoryBucket {
  const valid = runs.filter((r) => r.validity.valid);
  const merged = mergeEncoded(histograms ?? valid.map((r) => r.histogram));
  const requests = valid.reduce((n, r) => n + r.requests.total, 0);
  const failed = valid.reduce((n, r) => n + r.requests.failed, 0);
  const verdicts: Record<Verdict, number> = { pass: 0, warn: 0, breach: 0, invalid: 0 };
  for (const r of runs) verdicts[r.sla.verdict]++;
  return {
    from,
    to,
    runs: { total: runs.length, valid: valid.length, invalid: runs.length - valid.length },
    requests,
    failed,
    errorRate: requests === 0 ? null : failed / requests,
    latencyMs:
      merged.totalCount === 0
        ? null
        : {
            p50: percentileMs(merged, 50),
            p95: percentileMs(merged, 95),
            p99: percentileMs(merged, 99),
            max: percentileMs(merged, 100),
          },
    verdicts,
    histogram: encodeHistogram(merged),
  };
}

/**
 * Runs of one probe (any order) → per-bucket and whole-window summaries. Pure. Percentiles come from the runs'
 * histograms merged bucket by bucket, never from averaging the runs' own percentiles.
 */
export function probeHistory(
  probeId: string,
  runs: readonly StoredRun[],
  by: BucketSize,
  window: { readonly from: Date; readonly to: Date },
): ProbeHistory {
  const width = BUCKET_MS[by];
  const groups = new Map<number, StoredRun[]>();
  for (const run of runs) {
    const start = Math.floor(Date.parse(run.startedAt) / width) * width;
    const group = groups.get(start);
    if (group) group.push(run);
    else groups.set(start, [run]);
  }
  const buckets = [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, group]) =>
      summarize(group, new Date(start).toISOString(), new Date(start + width).toISOString()),
    );
  return {
    probeId,
    buckets,
    // Merging the buckets' merged histograms is as exact as merging every run again, and a fraction of the work
    // (168 hourly histograms for a week of 10,080 runs).
    total: summarize(
      runs,
      window.from.toISOString(),
      window.to.toISOString(),
      buckets.map((b) => b.histogram),
    ),
  };
}

/** One location's runs over the whole window. */
export interface LocationTotal {
  /** The runs' location; "-" for runs that name none. */
  readonly location: string;
  readonly total: HistoryBucket;
}

/**
 * The window per location, side by side (beside the probe's whole window, whose percentiles merge every run's
 * histogram: a global p99 is a merge, never an average of the locations' p99s). Locations in `order` first (the
 * environment's), then any other the runs name, then runs that name none ("-").
 */
export function locationTotals(
  runs: readonly StoredRun[],
  window: { readonly from: Date; readonly to: Date },
  order: readonly string[] = [],
): readonly LocationTotal[] {
  const from = window.from.toISOString();
  const to = window.to.toISOString();
  const named = [...new Set(runs.map((r) => r.location ?? '-'))];
  return [
    ...order.filter((l) => named.includes(l)),
    ...named.filter((l) => !order.includes(l) && l !== '-').sort(),
    ...(named.includes('-') ? ['-'] : []),
  ].map((location) => ({
    location,
    total: summarize(
      runs.filter((r) => (r.location ?? '-') === location),
      from,
      to,
    ),
  }));
}
