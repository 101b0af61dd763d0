import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { plannedRun } from '../core/cloud/collect-run.ts';
import { type DeployedSuite, deployedProbe } from '../core/cloud/deployed-suite.ts';
import type { PlannedRun, RunRequest } from '../core/cloud/run-messages.ts';
import { planRun } from '../core/plan.ts';
import { bundledSuite } from './bundled-suite.ts';

/**
 * Time from planning to the shared start: enough for the Map state to invoke every worker (a cold start
 * included), so shards overlap instead of trickling in. One shard needs no rendezvous.
 */
export function startLeadMs(shards: number): number {
  return shards > 1 ? 5_000 : 0;
}

/** {probeId} → the run's plan: its id, shared start time and one task per shard. */
export function createPlanHandler(
  suite: () => DeployedSuite,
  options: { readonly now?: () => number; readonly leadMs?: (shards: number) => number } = {},
) {
  const { now = Date.now, leadMs = startLeadMs } = options;
  return middy(async (event: RunRequest): Promise<PlannedRun> => {
    const probe = deployedProbe(suite(), event?.probeId);
    const plan = planRun(probe, { runId: randomUUID(), startAt: now(), shards: probe.shards });
    return plannedRun({ ...plan, startAt: plan.startAt + leadMs(plan.shards.length) });
  });
}

export const handler = createPlanHandler(bundledSuite);
