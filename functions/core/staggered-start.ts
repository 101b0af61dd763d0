import type { ResolvedProbe } from './plan.ts';
import { staggerOffsetMs } from './suite/locations.ts';

/**
 * When a run starts. By default every location starts at its plan time plus the lead the shards need (runs
 * from all locations at one scheduled moment: comparable); a probe with `stagger` starts location i of n at
 * the scheduled time + i × interval / n (more samples of time), never earlier than the lead allows. Without
 * locations, a scheduled time, an interval or this location among the probe's, no stagger.
 */
export function staggeredStartAt(input: {
  readonly probe: Pick<ResolvedProbe, 'located' | 'alert'>;
  readonly nowMs: number;
  readonly leadMs: number;
  /** The schedule tick this run is for; undefined for a manual start. */
  readonly scheduledMs: number | undefined;
  /** The location (AWS region) planning the run; undefined outside a location's stack. */
  readonly location: string | undefined;
}): number {
  const { probe, nowMs, leadMs, scheduledMs, location } = input;
  const earliest = nowMs + leadMs;
  const located = probe.located;
  const intervalMs = probe.alert.intervalMs;
  if (!located?.stagger || location === undefined || scheduledMs === undefined || intervalMs === undefined) {
    return earliest;
  }
  const index = located.locations.indexOf(location);
  if (index < 0) return earliest;
  const offset = staggerOffsetMs(located, index, located.locations.length, intervalMs);
  return offset === 0 ? earliest : Math.max(earliest, scheduledMs + offset);
}
