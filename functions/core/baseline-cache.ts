import { type Baseline, baselineFromStore, type RegressionSpec } from './regression.ts';
import type { RunStore } from './run-store.ts';

/** A baseline merged earlier, and the instant its window ended. */
export interface CachedBaseline {
  readonly baseline: Baseline;
  /** The baseline window's length, ms: a changed spec invalidates the entry. */
  readonly baselineMs: number;
  /** The window was [computedFor − baselineMs, computedFor). ISO time. */
  readonly computedFor: string;
}

/** Where merged baselines are kept between runs (the runs table deployed). */
export interface BaselineCache {
  read(environment: string, probeId: string): Promise<CachedBaseline | undefined>;
  write(environment: string, probeId: string, entry: CachedBaseline): Promise<void>;
}

/**
 * How long a merged baseline is reused. A 1-minute probe with a 7-day window would otherwise read ~10,000 runs
 * on every run; reused for an hour it reads them 24 times a day. The window then ends up to an hour before the
 * run, which the report says: a week's baseline minus its last hour judges the same regressions.
 */
export const BASELINE_REUSE_MS = 3_600_000;

/**
 * The baseline of a run starting at `before`, merged from the store at most once per BASELINE_REUSE_MS. A cache
 * that cannot be read or written costs the reuse, never the check.
 */
export async function reusedBaseline(
  store: Pick<RunStore, 'runsBetween'>,
  cache: BaselineCache,
  environment: string,
  probeId: string,
  spec: Pick<RegressionSpec, 'baselineMs'>,
  before: Date,
  onCacheError: (error: unknown) => void = () => {},
): Promise<Baseline> {
  const cached = await cache.read(environment, probeId).catch((error: unknown) => {
    onCacheError(error);
    return undefined;
  });
  if (cached && cached.baselineMs === spec.baselineMs) {
    const age = before.getTime() - Date.parse(cached.computedFor);
    if (age >= 0 && age < BASELINE_REUSE_MS) {
      return {
        ...cached.baseline,
        source: `${cached.baseline.source}, merged for ${cached.computedFor} (reused up to 1h)`,
      };
    }
  }
  const baseline = await baselineFromStore(store, environment, probeId, spec, before);
  await cache
    .write(environment, probeId, { baseline, baselineMs: spec.baselineMs, computedFor: before.toISOString() })
    .catch(onCacheError);
  return baseline;
}
