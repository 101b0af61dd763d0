import { inflateSync } from 'node:zlib';
import type { Histogram as HdrHistogram, JsHistogram } from 'hdr-histogram-js';
import int32HistogramModule from 'hdr-histogram-js/dist/Int32Histogram.js';
// Its import also gives every JsHistogram encodeIntoCompressedBase64.
import { decompress, doDecode } from 'hdr-histogram-js/dist/JsHistogram.encoding.js';

// The histogram and codec modules alone, not the package index: the index also loads a log writer that builds
// an Intl.NumberFormat on import, and the WebAssembly build; together ~25 ms of every Lambda cold start.
// The module is CommonJS with __esModule: depending on the loader, the class is the default import or its default.
type Int32HistogramClass = typeof int32HistogramModule.default;
const Int32Histogram: Int32HistogramClass =
  (int32HistogramModule as { default?: Int32HistogramClass }).default ??
  (int32HistogramModule as unknown as Int32HistogramClass);

export type Histogram = HdrHistogram;

/** Slowest latency a histogram tracks: anything slower is clamped (requests time out long before). */
export const HIGHEST_TRACKABLE_US = 3_600_000_000;

/** The run histogram: microseconds, 3 significant digits (0.1 % value resolution). */
export function createLatencyHistogram(): Histogram {
  return new Int32Histogram(1, HIGHEST_TRACKABLE_US, 3);
}

/** Per-second timeline histograms: 1 significant digit keeps a shard result small and still mergeable. */
export function createTimelineHistogram(): Histogram {
  return new Int32Histogram(1, HIGHEST_TRACKABLE_US, 1);
}

export function encodeHistogram(histogram: Histogram): string {
  return (histogram as JsHistogram & { encodeIntoCompressedBase64(): string }).encodeIntoCompressedBase64();
}

export function decodeHistogram(encoded: string): Histogram {
  // A copy, not a Buffer view: the decoder reverses byte slices in place.
  return doDecode(decompress(new Uint8Array(Buffer.from(encoded, 'base64'))), 32, 0);
}

/** HdrHistogram's V2 encoding: the compressed wrapper and the plain payload it inflates to. */
const V2_COMPRESSED_COOKIE = 0x1c849304;
const V2_COOKIE = 0x1c849303;
const V2_HEADER_BYTES = 40;

/**
 * Adds one encoded histogram's bucket counts into `sums` (indexed like `into`'s counts array) without building a
 * histogram for it. Returns false, having added nothing, when its layout differs from `into`'s.
 */
export function addEncodedCounts(encoded: string, into: JsHistogram, sums: Float64Array): boolean {
  const outer = Buffer.from(encoded, 'base64');
  if (outer.length < 8 || (outer.readInt32BE(0) & ~0xf0) !== V2_COMPRESSED_COOKIE) return false;
  const data = inflateSync(outer.subarray(8, 8 + outer.readInt32BE(4)));
  if (data.length < V2_HEADER_BYTES || (data.readInt32BE(0) & ~0xf0) !== V2_COOKIE) return false;
  const payloadEnd = V2_HEADER_BYTES + data.readInt32BE(4);
  const sameLayout =
    data.readInt32BE(12) === into.numberOfSignificantValueDigits &&
    Number(data.readBigInt64BE(16)) === into.lowestDiscernibleValue &&
    Number(data.readBigInt64BE(24)) <= into.highestTrackableValue &&
    payloadEnd <= data.length;
  if (!sameLayout) return false;
  // Words are ZigZag LEB128 (at most 9 bytes, the 9th with 8 bits): a count, or minus a run of empty buckets.
  let index = 0;
  let at = V2_HEADER_BYTES;
  while (at < payloadEnd) {
    let byte = data[at++]!;
    let word = byte & 0x7f;
    let scale = 128;
    for (let n = 1; byte & 0x80 && n < 9; n++, scale *= 128) {
      byte = data[at++]!;
      word += (n === 8 ? byte : byte & 0x7f) * scale;
    }
    const value = word % 2 === 0 ? word / 2 : -(word + 1) / 2;
    if (value < 0) index -= value;
    else {
      if (index >= sums.length) return false;
      sums[index++]! += value;
    }
  }
  return true;
}

/**
 * Adds encoded histograms into one: exact, since HDR buckets align for equal precision. Counts are summed
 * bucket by bucket straight from the encoded form (decoding each into a histogram of its own made merging
 * 1,000 shards take ~150 ms); anything in another layout goes through hdr-histogram-js's decoder.
 */
export function mergeEncoded(
  encoded: readonly string[],
  into: Histogram = createLatencyHistogram(),
): Histogram {
  const target = into as JsHistogram;
  const sums = new Float64Array(target.countsArrayLength);
  for (const e of encoded) {
    if (e && !addEncodedCounts(e, target, sums)) into.add(decodeHistogram(e));
  }
  let added = false;
  for (let i = 0; i < sums.length; i++) {
    if (sums[i]! > 0) {
      target.addToCountAtIndex(i, sums[i]!);
      added = true;
    }
  }
  // Total, minimum and maximum from the buckets, as hdr-histogram-js sets them when it decodes.
  if (added) target.establishInternalTackingValues();
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
