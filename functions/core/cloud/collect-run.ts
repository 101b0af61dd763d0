import { aggregateRun } from '../aggregate-run.ts';
import { planRun, type ResolvedProbe, type RunPlan } from '../plan.ts';
import type { RunResult } from '../run-result.ts';
import type { ShardResult } from '../shard-result.ts';
import type { PlannedRun, ShardTask } from './run-messages.ts';
import type { ShardRecord } from './shard-record.ts';

/** The plan every step derives from the same small message: Plan, each worker and Aggregate agree on it. */
export function planFromMessage(probe: ResolvedProbe, run: Omit<ShardTask, 'shard'>): RunPlan {
  return planRun(probe, { runId: run.runId, startAt: run.startAt, shards: run.shards });
}

export function plannedRun(plan: RunPlan): PlannedRun {
  return {
    runId: plan.runId,
    probeId: plan.probe.id,
    startAt: plan.startAt,
    shards: plan.shards.length,
    tasks: plan.shards.map((s) => s.index),
  };
}

/** A shard with no item: its worker never got to write one (Lambda timeout, crash, throttling, a failed write). */
const LOST = 'worker lost before writing a result (timeout, crash, throttling or a failed write)';

/**
 * Merges the shard items Aggregate read for a run. A shard whose worker recorded a failure, or left no item at
 * all, is absent from the merge (coverage below 1, the run partial and invalid), and the first failure is named
 * in the coverage reason, so "cannot measure" pages with the cause in words.
 */
export function collectRun(
  probe: ResolvedProbe,
  run: PlannedRun,
  records: readonly ShardRecord[],
): RunResult {
  const plan = planFromMessage(probe, run);
  const byShard = new Map(records.map((r) => [r.shard, r]));
  const results: ShardResult[] = [];
  const failures: string[] = [];
  for (const { index } of plan.shards) {
    const record = byShard.get(index);
    if (record?.result) results.push(record.result);
    else if (record?.failure) {
      failures.push(`shard ${index}: worker error ${record.failure.error}: ${record.failure.message}`);
    } else failures.push(`shard ${index}: ${LOST}`);
  }
  const merged = aggregateRun(plan, results);
  if (failures.length === 0) return merged;
  const coverage = `only ${results.length} of ${plan.shards.length} shards reported`;
  const cause = failures[0]!.replace(/^shard \d+: /, '');
  const more = failures.length > 1 ? ` (first of ${failures.length} failed shards)` : '';
  const reasons = merged.validity.reasons.map((r) =>
    r === coverage ? `${coverage}: ${cause}${more}`.slice(0, 700) : r,
  );
  return {
    ...merged,
    validity: { ...merged.validity, reasons },
    sampleErrors: [...failures.map((f) => f.slice(0, 200)), ...merged.sampleErrors].slice(0, 5),
  };
}
