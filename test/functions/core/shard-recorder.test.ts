import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createLatencyHistogram,
  createTimelineHistogram,
  encodeHistogram,
  HIGHEST_TRACKABLE_US,
} from '../../../functions/core/histogram.ts';
import { recordMicros } from '../../../functions/core/shard-recorder.ts';

/** Every power of two in range, and its neighbours: where a bucket index computed two ways could disagree. */
const EDGES = Array.from({ length: 32 }, (_, k) => 2 ** k)
  .flatMap((p) => [p - 1, p, p + 1])
  .filter((v) => v >= 1 && v <= HIGHEST_TRACKABLE_US)
  .concat([HIGHEST_TRACKABLE_US - 1, HIGHEST_TRACKABLE_US]);

describe('recordMicros', () => {
  for (const [layout, create] of [
    ['run', createLatencyHistogram],
    ['timeline', createTimelineHistogram],
  ] as const) {
    it(`leaves a ${layout} histogram exactly as recordValue does (edges of every bucket)`, () => {
      const fast = create();
      const library = create();
      for (const v of EDGES) {
        recordMicros(fast, v);
        library.recordValue(v);
      }
      expect(encodeHistogram(fast)).toBe(encodeHistogram(library));
      expect(fast.totalCount).toBe(EDGES.length);
      expect([fast.minNonZeroValue, fast.maxValue]).toEqual([library.minNonZeroValue, library.maxValue]);
    });

    it(`leaves a ${layout} histogram exactly as recordValue does (any values in range)`, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              fc.integer({ min: 1, max: 2_000 }),
              fc.integer({ min: 2_000, max: 2_000_000 }),
              fc.integer({ min: 2_000_000, max: HIGHEST_TRACKABLE_US }),
            ),
            { minLength: 1, maxLength: 200 },
          ),
          (values) => {
            const fast = create();
            const library = create();
            for (const v of values) {
              recordMicros(fast, v);
              library.recordValue(v);
            }
            expect(encodeHistogram(fast)).toBe(encodeHistogram(library));
          },
        ),
      );
    });
  }

  it('refuses a value out of range as recordValue does', () => {
    expect(() => recordMicros(createLatencyHistogram(), HIGHEST_TRACKABLE_US * 2)).toThrow(/outside/);
  });
});
