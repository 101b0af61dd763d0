import type { JsHistogram } from 'hdr-histogram-js';
import type { Histogram } from './histogram.ts';

export interface MannWhitneyResult {
  /** U of the current sample: how often a current value exceeds a baseline one (ties count a half). */
  readonly u: number;
  /** Normal approximation with tie correction and continuity correction. */
  readonly z: number;
  /** One-sided: the chance of a U this large if current were no slower than baseline. */
  readonly pValue: number;
  /** P(current > baseline) + ½ P(equal): 0.5 when neither is slower (the common-language effect size). */
  readonly effect: number;
}

/**
 * One-sided Mann-Whitney U ("is current stochastically slower than baseline?") straight from two histograms'
 * bucket counts. Why this test: latency is skewed and heavy-tailed, so tests of means (t-test) are misled by a
 * few slow requests; U needs only the order of values, which HDR buckets keep (values in one bucket are ties,
 * at 3 significant digits a 0.1 % band, handled by the tie correction); and it costs one pass over the buckets,
 * with no raw samples, which perfprobe never stores. Both histograms must share a layout (createLatencyHistogram).
 */
export function mannWhitneyGreater(current: Histogram, baseline: Histogram): MannWhitneyResult {
  const cur = current as JsHistogram;
  const base = baseline as JsHistogram;
  const n1 = cur.totalCount;
  const n2 = base.totalCount;
  if (n1 === 0 || n2 === 0) return { u: 0, z: 0, pValue: 1, effect: 0.5 };
  const length = Math.max(cur.countsArrayLength, base.countsArrayLength);
  let baselineBelow = 0;
  let u = 0;
  let tieTerm = 0;
  // Counts arrays are indexed in value order, so one pass ranks both samples.
  for (let i = 0; i < length; i++) {
    const a = i < cur.countsArrayLength ? cur.getCountAtIndex(i) : 0;
    const b = i < base.countsArrayLength ? base.getCountAtIndex(i) : 0;
    if (a === 0 && b === 0) continue;
    u += a * (baselineBelow + b / 2);
    baselineBelow += b;
    const t = a + b;
    tieTerm += t * t * t - t;
  }
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const z = variance > 0 ? (u - mean - 0.5) / Math.sqrt(variance) : 0;
  return { u, z, pValue: 1 - normalCdf(z), effect: u / (n1 * n2) };
}

/** Φ(x), the standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  // Numerical Recipes' erfcc (Chebyshev fit): Φ within 5e-6, plenty for a p-value compared with 0.01.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851973 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
