import { aggregateRun } from '../aggregate-run.ts';
import { planRun, type ResolvedProbe, type RunPlan } from '../plan.ts';
import type { RunResult } from '../run-result.ts';
import type { ShardResult } from '../shard-result.ts';
import { type CollectedRun, isShardFailure, type PlannedRun, type ShardTask } from './run-messages.ts';

/** The plan every step derives from the same small message: Plan, each worker and Aggregate agree on it. */
export function planFromMessage(probe: ResolvedProbe, run: Omit<ShardTask, 'shard'>): RunPlan {
  return planRun(probe, { runId: run.runId, startAt: run.startAt, shards: run.shards });
}

export function plannedRun(plan: RunPlan): PlannedRun {
  const base = {
    runId: plan.runId,
    probeId: plan.probe.id,
    startAt: plan.startAt,
    shards: plan.shards.length,
  };
  return { ...base, tasks: plan.shards.map((s) => ({ ...base, shard: s.index })) };
}

/**
 * Merges whatever the Map collected. A shard whose worker failed is absent from the merge (coverage below 1,
 * the run flagged partial and invalid) and its failure is named in sampleErrors for the person reading it.
 */
export function collectRun(probe: ResolvedProbe, collected: CollectedRun): RunResult {
  const plan = planFromMessage(probe, collected);
  const results: ShardResult[] = [];
  const failures: string[] = [];
  for (const outcome of collected.outcomes) {
    if (isShardFailure(outcome)) {
      failures.push(`shard ${outcome.shard} failed: ${outcome.error} ${outcome.cause}`.slice(0, 200));
    } else results.push(outcome);
  }
  const run = aggregateRun(plan, results);
  if (failures.length === 0) return run;
  return { ...run, sampleErrors: [...failures, ...run.sampleErrors].slice(0, 5) };
}
