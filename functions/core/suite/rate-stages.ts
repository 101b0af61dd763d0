// No zod here: resolve-probe.ts (which the deployed functions import) needs this at run time.
import type { RateStage } from '../pacing.ts';

/** A rate load's stages as the planner sees them, when its shape is complete; undefined otherwise. */
export function rateStages(load: {
  readonly rate?: number | undefined;
  readonly duration?: number | undefined;
  readonly from?: number | undefined;
  readonly stages?: ReadonlyArray<{ readonly to: number; readonly over: number }> | undefined;
}): RateStage[] | undefined {
  if (load.stages !== undefined) {
    return load.stages.map((s, i, all) => ({
      fromRate: i === 0 ? (load.from ?? 0) : all[i - 1]!.to,
      toRate: s.to,
      durationMs: s.over,
    }));
  }
  if (load.rate === undefined || load.duration === undefined) return undefined;
  return [{ fromRate: load.rate, toRate: load.rate, durationMs: load.duration }];
}
