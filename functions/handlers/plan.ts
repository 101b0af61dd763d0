import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import { createLeaseStore, type LeaseStore } from '../adapters/dynamo-run-lease.ts';
import { type KillSwitchState, killSwitchState } from '../adapters/kill-switch.ts';
import { checkGroup, workerBatches } from '../core/cloud/check-groups.ts';
import { plannedRun } from '../core/cloud/collect-run.ts';
import { type DeployedSuite, deployedProbe } from '../core/cloud/deployed-suite.ts';
import { runLease } from '../core/cloud/run-lease.ts';
import type { PlanEvent, PlannedChecks, PlannedRun } from '../core/cloud/run-messages.ts';
import { startLeadMs } from '../core/cloud/run-sizing.ts';
import { planRun } from '../core/plan.ts';
import { staggeredStartAt } from '../core/staggered-start.ts';
import { bundledSuite } from './bundled-suite.ts';
import { requiredEnv } from './environment.ts';
import { correlate, logger as defaultLogger } from './logger.ts';

/**
 * {probeId, scheduledTime} → the run's plan: its id, shared start time and one Map item per shard. On the checks
 * machine (`batched`), {checks: group, scheduledTime} → one run per check of the group, in worker batches. A
 * second execution for the same schedule tick gets a duplicate plan (no tasks) and the state machine stops there.
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
    /** The location (AWS region) this stack runs in, for a staggered probe's start; undefined: one region. */
    readonly location?: string | undefined;
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
    location,
  } = options;
  const tickMs = (event: PlanEvent): number | undefined => {
    const scheduledTime = event.scheduledTime ?? event.execution?.Input?.scheduledTime;
    const ms = scheduledTime === undefined ? Number.NaN : Date.parse(String(scheduledTime));
    return Number.isNaN(ms) ? undefined : ms;
  };
  /** Takes the tick's lease on `key` (a probe id or a check group); false: another execution holds it. */
  const firstForTick = async (event: PlanEvent, environment: string, key: string, runId: string) => {
    const scheduledTime = event.scheduledTime ?? event.execution?.Input?.scheduledTime;
    if (scheduledTime === undefined) {
      logger.info('no scheduledTime (a manual start): no lease taken, so a duplicate would not be detected');
      return true;
    }
    const lease = runLease(environment, key, String(scheduledTime), {
      runId,
      executionId: event.execution?.Id ?? runId,
    });
    if (await leases().take(lease)) return true;
    logger.info('duplicate execution for this schedule tick: no load', { scheduledTime: lease.sk });
    return false;
  };
  const pausedBy = async (): Promise<PlannedRun['paused']> => {
    const state = await killSwitch();
    if (state === 'off') return undefined;
    const paused = state === 'on' ? 'kill switch on' : 'kill switch unreadable';
    logger.info(`run skipped: ${paused}`);
    return paused;
  };

  const planProbe = async (event: PlanEvent): Promise<PlannedRun> => {
    const probe = deployedProbe(suite(), event?.probeId);
    const runId = randomUUID();
    correlate(logger, { runId, probeId: probe.id });
    if (!(await firstForTick(event, probe.environment, probe.id, runId))) {
      return { runId, probeId: probe.id, startAt: now(), shards: 0, tasks: [], duplicate: true };
    }
    const paused = await pausedBy();
    if (paused) return { runId, probeId: probe.id, startAt: now(), shards: 0, tasks: [], paused };
    const plan = planRun(probe, { runId, startAt: now(), shards: probe.shards });
    const startAt = staggeredStartAt({
      probe,
      nowMs: plan.startAt,
      leadMs: leadMs(plan.shards.length),
      scheduledMs: tickMs(event),
      location,
    });
    logger.info('run planned', { shards: plan.shards.length, startAt: new Date(startAt).toISOString() });
    return plannedRun({ ...plan, startAt });
  };

  const planChecks = async (event: PlanEvent): Promise<PlannedChecks> => {
    const deployed = suite();
    const input = event.execution?.Input;
    // A manual start may name one check: a group of one, leased as that probe's tick.
    const single = input?.checks === undefined ? (input?.probeId ?? event.probeId) : undefined;
    const group =
      single === undefined
        ? checkGroup(deployed, input?.checks)
        : { key: deployedProbe(deployed, single).id, probeIds: [deployedProbe(deployed, single).id] };
    const runs = group.probeIds.map((probeId) => ({ runId: randomUUID(), probeId }));
    // The tick's lines carry its id; a lone check's tick is its run, so they carry that run's id.
    const tickId = runs.length === 1 ? runs[0]!.runId : randomUUID();
    correlate(logger, { runId: tickId, probeId: group.key });
    const nowMs = now();
    // Checks that share a tick share its start: staggered only as far as every one of them is.
    const startAt = Math.min(
      ...group.probeIds.map((id) =>
        staggeredStartAt({
          probe: deployedProbe(deployed, id),
          nowMs,
          leadMs: 0,
          scheduledMs: tickMs(event),
          location,
        }),
      ),
    );
    if (!(await firstForTick(event, deployed.environment, group.key, tickId))) {
      return { group: group.key, startAt, batches: [], duplicate: true };
    }
    const paused = await pausedBy();
    // One worker per batch, each check alone on its connection: no rendezvous across workers is needed.
    const batches = workerBatches(runs);
    logger.info('checks planned', { checks: runs.length, workers: batches.length });
    return { group: group.key, startAt, batches, ...(paused ? { paused } : {}) };
  };

  return middy(
    async (event: PlanEvent & { readonly batched?: boolean }): Promise<PlannedRun | PlannedChecks> =>
      event?.batched ? planChecks(event) : planProbe(event),
  ).use(injectLambdaContext(logger, { resetKeys: true }));
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
  // Set by a location's stack (see deployed-locations.ts); absent in an environment without locations.
  location: process.env.PERFPROBE_LOCATION || undefined,
});
