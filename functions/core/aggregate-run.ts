import { mergeShards } from './merge-shards.ts';
import { intendedRps, peakRps, type RunPlan } from './plan.ts';
import type { RunResult } from './run-result.ts';
import type { ShardResult } from './shard-result.ts';
import { evaluateSla } from './sla.ts';

/** Shards of a plan → one RunResult with its SLA verdict. Shards that never reported are simply absent. */
export function aggregateRun(plan: RunPlan, shards: readonly ShardResult[]): RunResult {
  const measurement = mergeShards(
    {
      runId: plan.runId,
      environment: plan.probe.environment,
      probeId: plan.probe.id,
      kind: plan.probe.load.kind,
      plannedShards: plan.shards.length,
      intendedRps: intendedRps(plan.probe.load),
      peakRps: peakRps(plan.probe.load),
    },
    shards,
  );
  return { ...measurement, sla: evaluateSla(plan.probe.sla, measurement) };
}
