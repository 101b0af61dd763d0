import { type Histogram, mergeEncoded } from '../histogram.ts';
import type { RunResult } from '../run-result.ts';

/** The part of hdr-histogram-js's JsHistogram this reads; every histogram of ours is one. */
interface RecordedValues {
  readonly recordedValuesIterator: {
    reset(): void;
    hasNext(): boolean;
    next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
  };
}

/**
 * Samples whose whole HDR bucket lies at or under `thresholdUs`: exact counts, never a percentile. A bucket is
 * named by its highest value (as Aggregate publishes it to CloudWatch, so PR(:threshold) there counts the same
 * samples); the one bucket that straddles the threshold (0.1 % wide) counts as over it, the side that never
 * flatters the target.
 */
export function countAtOrUnder(histogram: Histogram, thresholdUs: number): number {
  const iterator = (histogram as unknown as RecordedValues).recordedValuesIterator;
  iterator.reset();
  let count = 0;
  while (iterator.hasNext()) {
    const bucket = iterator.next();
    if (bucket.valueIteratedTo > thresholdUs) break;
    count += bucket.countAtValueIteratedTo;
  }
  return count;
}

/** Successful responses at or under `thresholdUs` across runs (runs stored before failedHistogram: all timed). */
export function successfulAtOrUnder(
  runs: readonly Pick<RunResult, 'histogram' | 'failedHistogram'>[],
  thresholdUs: number,
): number {
  const timed = countAtOrUnder(mergeEncoded(runs.map((run) => run.histogram)), thresholdUs);
  const failed = runs.flatMap((run) => (run.failedHistogram === undefined ? [] : [run.failedHistogram]));
  return failed.length === 0 ? timed : timed - countAtOrUnder(mergeEncoded(failed), thresholdUs);
}
