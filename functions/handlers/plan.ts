import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { type KillSwitchState, killSwitchState } from '../adapters/kill-switch.ts';
import { plannedRun } from '../core/cloud/collect-run.ts';
import { type DeployedSuite, deployedProbe } from '../core/cloud/deployed-suite.ts';
import type { PlannedRun, RunRequest } from '../core/cloud/run-messages.ts';
import { startLeadMs } from '../core/cloud/run-sizing.ts';
import { planRun } from '../core/plan.ts';
import { bundledSuite } from './bundled-suite.ts';

/** {probeId} → the run's plan: its id, shared start time and one task per shard. */
export function createPlanHandler(
  suite: () => DeployedSuite,
  options: {
    readonly now?: () => number;
    readonly leadMs?: (shards: number) => number;
    /** The environment's kill switch; read before every run. */
    readonly killSwitch?: () => Promise<KillSwitchState>;
  } = {},
) {
  const { now = Date.now, leadMs = startLeadMs, killSwitch = async () => 'off' as const } = options;
  return middy(async (event: RunRequest): Promise<PlannedRun> => {
    const probe = deployedProbe(suite(), event?.probeId);
    const state = await killSwitch();
    if (state !== 'off') {
      const paused = state === 'on' ? 'kill switch on' : 'kill switch unreadable';
      console.log(JSON.stringify({ message: `run skipped: ${paused}`, probeId: probe.id }));
      return { runId: randomUUID(), probeId: probe.id, startAt: now(), shards: 0, tasks: [], paused };
    }
    const plan = planRun(probe, { runId: randomUUID(), startAt: now(), shards: probe.shards });
    return plannedRun({ ...plan, startAt: plan.startAt + leadMs(plan.shards.length) });
  });
}

export const handler = createPlanHandler(bundledSuite, {
  killSwitch: () => killSwitchState(process.env.KILL_SWITCH_PARAMETER),
});
