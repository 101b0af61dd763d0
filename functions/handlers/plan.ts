import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import { createLeaseStore, type LeaseStore } from '../adapters/dynamo-run-lease.ts';
import { type KillSwitchState, killSwitchState } from '../adapters/kill-switch.ts';
import { plannedRun } from '../core/cloud/collect-run.ts';
import { type DeployedSuite, deployedProbe } from '../core/cloud/deployed-suite.ts';
import { runLease } from '../core/cloud/run-lease.ts';
import type { PlanEvent, PlannedRun } from '../core/cloud/run-messages.ts';
import { startLeadMs } from '../core/cloud/run-sizing.ts';
import { planRun } from '../core/plan.ts';
import { bundledSuite } from './bundled-suite.ts';
import { requiredEnv } from './environment.ts';
import { correlate, logger as defaultLogger } from './logger.ts';

/**
 * {probeId, scheduledTime} → the run's plan: its id, shared start time and one Map item per shard. A second
 * execution for the same schedule tick gets a duplicate plan (no tasks) and the state machine stops there.
 */
export function createPlanHandler(
  suite: () => DeployedSuite,
  options: {
    readonly now?: () => number;
    readonly leadMs?: (shards: number) => number;
    /** The environment's kill switch; read before every run. */
    readonly killSwitch?: () => Promise<KillSwitchState>;
    /** Where schedule ticks are leased (the runs table). */
    readonly leases?: () => LeaseStore;
    readonly logger?: Logger;
  } = {},
) {
  const {
    now = Date.now,
    leadMs = startLeadMs,
    killSwitch = async () => 'off' as const,
    leases = () => {
      throw new Error('no lease store configured');
    },
    logger = defaultLogger,
  } = options;
  return middy(async (event: PlanEvent): Promise<PlannedRun> => {
    const probe = deployedProbe(suite(), event?.probeId);
    const runId = randomUUID();
    correlate(logger, { runId, probeId: probe.id });
    const scheduledTime = event.scheduledTime ?? event.execution?.Input?.scheduledTime;
    if (scheduledTime === undefined) {
      logger.info('no scheduledTime (a manual start): no lease taken, so a duplicate would not be detected');
    } else {
      const lease = runLease(probe.environment, probe.id, String(scheduledTime), {
        runId,
        executionId: event.execution?.Id ?? runId,
      });
      if (!(await leases().take(lease))) {
        logger.info('duplicate execution for this schedule tick: no load', { scheduledTime: lease.sk });
        return { runId, probeId: probe.id, startAt: now(), shards: 0, tasks: [], duplicate: true };
      }
    }
    const state = await killSwitch();
    if (state !== 'off') {
      const paused = state === 'on' ? 'kill switch on' : 'kill switch unreadable';
      logger.info(`run skipped: ${paused}`);
      return { runId, probeId: probe.id, startAt: now(), shards: 0, tasks: [], paused };
    }
    const plan = planRun(probe, { runId, startAt: now(), shards: probe.shards });
    logger.info('run planned', { shards: plan.shards.length });
    return plannedRun({ ...plan, startAt: plan.startAt + leadMs(plan.shards.length) });
  }).use(injectLambdaContext(logger, { resetKeys: true }));
}

let leaseStore: LeaseStore | undefined;

export const handler = createPlanHandler(bundledSuite, {
  killSwitch: () =>
    killSwitchState(process.env.KILL_SWITCH_PARAMETER, (message, details) =>
      defaultLogger.error(message, details),
    ),
  leases: () => {
    leaseStore ??= createLeaseStore(new DynamoDBClient({}), requiredEnv('RUNS_TABLE'));
    return leaseStore;
  },
});
