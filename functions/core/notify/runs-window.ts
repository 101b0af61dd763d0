import type { ResolvedProbe } from '../plan.ts';

const DAY_MS = 86_400_000;
/** Runs read at most (newest first): the alarm's N runs and a good run before them, for any alert policy (N ≤ 100). */
export const RUNS_READ_MAX = 100;

/**
 * How far back the notifier reads a probe's runs: a day, or four alarm windows of a slow schedule, so the
 * breaching runs and the previous good one are both in it.
 */
export function runsWindowMs(probe: ResolvedProbe): number {
  const interval = probe.alert.intervalMs ?? 0;
  const periods = Math.max(probe.alert.breachedRuns.of, probe.alert.missedRuns, probe.alert.invalidRuns ?? 0);
  return Math.max(DAY_MS, 4 * periods * interval);
}
