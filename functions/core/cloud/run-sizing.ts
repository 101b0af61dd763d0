import { plannedDurationMs } from '../engines/run-shard.ts';
import { planRun, type ResolvedProbe } from '../plan.ts';

/** Express workflows end after 5 minutes; keep a margin for Plan, Aggregate and invocation overhead. */
export const EXPRESS_MAX_MS = 300_000;
const EXPRESS_RUN_BUDGET_MS = 240_000;
/** An inline Map state runs at most 40 iterations at once; more shards need a Distributed Map. */
export const INLINE_MAP_MAX_SHARDS = 40;
/** A Lambda function runs at most 15 minutes. */
export const LAMBDA_MAX_MS = 900_000;
/** Time a shard may wait for the shared start (cold start of the last worker included). */
export const START_LEAD_MAX_MS = 5_000;

/**
 * Time from planning to the shared start: enough for the Map state to invoke every worker (a cold start
 * included), so shards overlap instead of trickling in. One shard needs no rendezvous.
 */
export function startLeadMs(shards: number): number {
  return shards > 1 ? START_LEAD_MAX_MS : 0;
}
/** After the load: the close grace of run-shard, merging and returning (see worker RETURN_MARGIN_MS). */
const FINISH_MARGIN_MS = 4_000;

export type WorkflowKind = 'express' | 'standard';

/** Shards the plan really makes (a burst never has more shards than connections). */
export function plannedShards(probe: ResolvedProbe): number {
  return planRun(probe, { runId: '', startAt: 0, shards: probe.shards }).shards.length;
}

/** Longest a worker needs: wait for the start, the load, one request timeout for the last request, return. */
export function workerBudgetMs(probe: ResolvedProbe): number {
  return (
    START_LEAD_MAX_MS +
    plannedDurationMs(probe.load, probe.request.timeoutMs) +
    probe.request.timeoutMs +
    FINISH_MARGIN_MS
  );
}

/** How long after its schedule fires a run may still be sending: the shared start, the load, one timeout. */
export function runLoadMs(probe: ResolvedProbe): number {
  return (
    startLeadMs(plannedShards(probe)) +
    plannedDurationMs(probe.load, probe.request.timeoutMs) +
    probe.request.timeoutMs
  );
}

/** Express (cheap, ≤ 5 min, inline Map) when the run fits; Standard with a Distributed Map beyond. */
export function workflowFor(probe: ResolvedProbe): WorkflowKind {
  return workerBudgetMs(probe) <= EXPRESS_RUN_BUDGET_MS && plannedShards(probe) <= INLINE_MAP_MAX_SHARDS
    ? 'express'
    : 'standard';
}

/**
 * How a probe's runs are executed: latency checks on a small worker (sequential requests need little CPU, and
 * the worker is billed while it waits between them), load on a full-vCPU worker, long or wide runs on Standard.
 */
export type RunnerKind = 'checks' | 'load' | 'long';

/** Plan and Aggregate: a few SDK calls and a merge, whatever the probe. */
export const CONTROL_FUNCTIONS = {
  plan: { memoryMb: 512, timeoutMs: 30_000 },
  aggregate: { memoryMb: 512, timeoutMs: 60_000 },
} as const;

export const RUNNERS: Readonly<
  Record<RunnerKind, { workflow: WorkflowKind; workerMemoryMb: number; name: string }>
> = {
  checks: { workflow: 'express', workerMemoryMb: 512, name: 'Checks' },
  // 1,769 MB is one full vCPU: a load generator is CPU-bound.
  load: { workflow: 'express', workerMemoryMb: 1_769, name: 'Load' },
  long: { workflow: 'standard', workerMemoryMb: 1_769, name: 'LongLoad' },
};

export function runnerFor(probe: ResolvedProbe): RunnerKind {
  if (workflowFor(probe) === 'standard') return 'long';
  return probe.load.kind === 'latency' ? 'checks' : 'load';
}
