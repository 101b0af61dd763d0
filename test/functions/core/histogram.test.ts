import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  addEncodedCounts,
  createLatencyHistogram,
  createTimelineHistogram,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  mergeEncoded,
  summarizeLatency,
} from '../../../functions/core/histogram.ts';

const values = (shards: [number, number][][]) => shards.flat().reduce((n, [, count]) => n + count, 0);

/** The reference: hdr-histogram-js decoding each one and adding it. */
function mergedByLibrary(encoded: string[], into: Histogram): Histogram {
  for (const e of encoded) into.add(decodeHistogram(e));
  return into;
}

const latencyUs = fc.oneof(
  fc.integer({ min: 1, max: 2_000 }),
  fc.integer({ min: 2_000, max: 200_000 }),
  fc.integer({ min: 200_000, max: 3_600_000_000 }),
);

describe('mergeEncoded', () => {
  it('gives exactly what decoding and adding gives, for run and timeline histograms', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(latencyUs, fc.integer({ min: 1, max: 1_000_000 })), { maxLength: 60 }), {
          minLength: 1,
          maxLength: 12,
        }),
        (shards) => {
          for (const create of [createLatencyHistogram, createTimelineHistogram]) {
            const encoded = shards.map((values) => {
              const h = create();
              for (const [v, n] of values) h.recordValueWithCount(v, n);
              return encodeHistogram(h);
            });
            // The direct path is the one taken: it reads every one of our layouts itself.
            const target = create() as hdr.JsHistogram;
            const sums = new Float64Array(target.countsArrayLength);
            expect(encoded.every((e) => addEncodedCounts(e, target, sums))).toBe(true);
            expect(sums.reduce((a, b) => a + b, 0)).toBe(values(shards));
            const ours = mergeEncoded(encoded, create());
            const theirs = mergedByLibrary(encoded, create());
            expect(ours.totalCount).toBe(theirs.totalCount);
            expect(summarizeLatency(ours)).toEqual(summarizeLatency(theirs));
            expect(encodeHistogram(ours)).toBe(encodeHistogram(theirs));
          }
        },
      ),
      { numRuns: 150, examples: [[[[[200_000, 1]]]]] },
    );
  });

  it('skips empty strings and adds a histogram of another precision through the library', () => {
    const other = hdr.build({ numberOfSignificantValueDigits: 2, highestTrackableValue: 3_600_000_000 });
    other.recordValueWithCount(12_345, 7);
    const run = createLatencyHistogram();
    run.recordValueWithCount(20_000, 3);
    const target = createLatencyHistogram() as hdr.JsHistogram;
    expect(addEncodedCounts(encodeHistogram(other), target, new Float64Array(target.countsArrayLength))).toBe(
      false,
    );
    const merged = mergeEncoded(['', encodeHistogram(run), encodeHistogram(other)]);
    expect(merged.totalCount).toBe(10);
    expect(merged.maxValue).toBeGreaterThanOrEqual(20_000);
    expect(merged.getValueAtPercentile(50)).toBeLessThan(12_500);
  });
});
