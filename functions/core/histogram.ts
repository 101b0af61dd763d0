import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** Slowest latency a histogram tracks: anything slower is clamped (requests time out long before). */
export const HIGHEST_TRACKABLE_US = 3_600_000_000;

/** The run histogram: microseconds, 3 significant digits (0.1 % value resolution). */
export function createLatencyHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
    bitBucketSize: 32,
  });
}

/** Per-second timeline histograms: 2 significant digits keep a shard result small and still mergeable. */
export function createTimelineHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 1,
    autoResize: false,
    bitBucketSize: 32,
  });
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/** Adds encoded histograms into one: exact, since HDR buckets align for equal precision. */
export function mergeEncoded(
  encoded: readonly string[],
  into: Histogram = createLatencyHistogram(),
): Histogram {
  for (const e of encoded) {
    if (e) into.add(decodeHistogram(e));
  }
  return into;
}

const usToMs = (us: number) => Math.round(us) / 1000;

export interface LatencySummaryMs {
  min: number;
  mean: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export function summarizeLatency(histogram: Histogram): LatencySummaryMs {
  if (histogram.totalCount === 0) {
    return { min: 0, mean: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  }
  const at = (p: number) => usToMs(histogram.getValueAtPercentile(p));
  return {
    min: usToMs(histogram.minNonZeroValue),
    mean: Math.round(histogram.mean) / 1000,
    p50: at(50),
    p75: at(75),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: usToMs(histogram.maxValue),
  };
}

export function percentileMs(histogram: Histogram, percentile: number): number {
  return histogram.totalCount === 0 ? 0 : usToMs(histogram.getValueAtPercentile(percentile));
}
