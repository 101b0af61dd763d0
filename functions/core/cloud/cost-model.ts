import { expectedDurationMs } from '../engines/run-shard.ts';
import { type ResolvedProbe, unitTimeoutMs } from '../plan.ts';
import { burnAlarms, COMPOSITES_PER_BURN, METRIC_ALARMS_PER_BURN } from '../slo/burn-alarms.ts';
import { cronFiringsInAYear } from '../suite/cron-times.ts';
import { rateIntervalMs } from '../suite/limits.ts';
import { certAlarmDays, PROBE_ALARM_KINDS, probeAlarmCount } from './alert-policy.ts';
import { PRICES } from './aws-prices.ts';
import { checkGroups } from './check-groups.ts';
import { deployedAt, deployedLocations, homeOf, isMultiLocation, locationsOf } from './deployed-locations.ts';
import type { DeployedSuite } from './deployed-suite.ts';
import { publishedMetrics } from './metric-data.ts';
import {
  CHECKS_PER_WORKER,
  CONTROL_FUNCTIONS,
  plannedShards,
  RUNNERS,
  runnerFor,
  staggerWaitMs,
  startLeadMs,
  workflowFor,
} from './run-sizing.ts';
import { workerReservations } from './worker-reservations.ts';

/** An average month: 365.25 days / 12. */
export const MONTH_MS = 30.4375 * 86_400_000;

/**
 * What a run costs besides its load, measured or read from the deployed configuration. Estimates, each with
 * the reason for its value; the load itself is computed from the probe.
 */
export const RUN_OVERHEAD = {
  /** Plan: read the kill switch, plan (warm: tens of ms at 256 MB; a cold start now and then). */
  planMs: 400,
  /** Aggregate: read the shard items, merge, store, publish (at 256 MB); once an execution. */
  aggregateMs: 800,
  /** Aggregate's work for each more check of a batched tick: its Query, merge, PutItem, verdict. */
  aggregatePerCheckMs: 150,
  /** A worker after its last response: close grace, compaction, return. */
  workerTailMs: 300,
  /** Express: state transitions and Lambda invocation overhead around the three tasks. */
  orchestrationMs: 400,
  /** START/END/REPORT lines plus perfprobe's one line per invocation. */
  logBytesPerInvocation: 700,
  /** State-machine log level ALL (cdk-nag SF1), without execution data: about this much per state event. */
  logBytesPerStateEvent: 350,
  /**
   * Events an execution logs at level ALL besides its shards: ExecutionStarted, Plan's five task events, the
   * duplicate Choice's two, the Map's four, Aggregate's five (one Aggregate for every check of the tick),
   * ExecutionSucceeded.
   */
  stateEventsPerExecution: 18,
  /** Per shard (a Map iteration): MapIterationStarted, the Worker's five task events, MapIterationSucceeded. */
  stateEventsPerShard: 7,
  /**
   * One stored run: the summary, its merged histogram and timeline. Measured as JSON for a 10-request check:
   * 1,558 bytes; a load's is an estimate (bench: ≈ 6 KB).
   */
  latencyRunRecordBytes: 1_558,
  loadRunRecordBytes: 6_144,
  /** A shard's item (ShardResult, kept a day): measured 1,168 bytes for a 10-request check; a load's ≈ 6 KB. */
  latencyShardItemBytes: 1_168,
  loadShardItemBytes: 6_144,
  /** The run's lease (environment, probe, scheduled time → run and execution ids): measured 295 bytes. */
  leaseItemBytes: 295,
} as const;

/** Where a cost comes from, for summaries: the load, running it, watching it, keeping it. */
export type CostGroup = 'lambda' | 'orchestration' | 'metrics' | 'alarms' | 'records';

export interface CostLine {
  readonly item: string;
  readonly group?: CostGroup;
  readonly usd: number;
  /** The quantity behind the figure, in words ("43,830 runs × 10.3 s × 0.5 GB"). */
  readonly basis: string;
}

export interface ProbeCost {
  readonly probeId: string;
  readonly environment: string;
  readonly runsPerMonth: number;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  /** The same schedule elsewhere: per-run prices, for comparison. */
  readonly alternatives: readonly CostLine[];
  /** The locations it runs in, each paying its own runs, metrics, alarms and records (with several). */
  readonly locations?: readonly string[];
}

/**
 * How often the schedule really fires: a rate() by its period; a cron() by its firings over the coming year (its
 * alert.interval is the longest expected gap, not an average: "cron(0 9 ? * MON-FRI *)" has a 3-day interval but
 * runs about 21.7 times a month).
 */
function runsPerMonth(probe: ResolvedProbe, from: Date): number {
  const { expression, timezone } = probe.schedule;
  const period = rateIntervalMs(expression);
  if (period !== undefined) return MONTH_MS / period;
  return cronFiringsInAYear(expression, timezone, from) / 12;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const secondsText = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** What one run of the probe uses: the figures each cost line multiplies by the runs of a month. */
interface RunUsage {
  readonly shards: number;
  readonly workerMemoryMb: number;
  /** The load's expected length, ms. */
  readonly loadMs: number;
  /** One worker's billed time, ms. */
  readonly workerMs: number;
  readonly gbSeconds: number;
  readonly invocations: number;
  /** The execution's length, ms (billed in 100 ms steps by Express). */
  readonly executionMs: number;
  /** This run's share of its execution (1, or 1/n for n checks due in the same tick). */
  readonly executionShare: number;
  /** This run's share of the workers it runs on: its shards, or ceil(n/20)/n for n batched checks. */
  readonly workerShare: number;
  readonly stateEvents: number;
  readonly logBytes: number;
  readonly writeUnits: number;
  readonly recordBytes: number;
}

const units = (bytes: number) => Math.ceil(bytes / 1024);

function runUsage(probe: ResolvedProbe, batch: number, startWaitMs = 0): RunUsage {
  const shards = plannedShards(probe);
  const runner = RUNNERS[runnerFor(probe)];
  const o = RUN_OVERHEAD;
  const latency = probe.load.kind === 'latency';
  // Checks due in the same tick share the execution, Plan and the workers; loads keep their own.
  const executionShare = 1 / batch;
  const workerShare = batch > 1 ? Math.ceil(batch / CHECKS_PER_WORKER) / batch : shards;
  // A request-count burst has no fixed length: its maximum duration bounds the bill.
  const loadMs = expectedDurationMs(probe.load, unitTimeoutMs(probe));
  // A staggered location's worker waits for its start (billed), then the lead, the load, the tail.
  const workerMs = startWaitMs + startLeadMs(shards) + loadMs + o.workerTailMs;
  const workerGb = runner.workerMemoryMb / 1024;
  // One Aggregate for every check of the tick: its base time shared, each check's own work added.
  const aggregateMs = executionShare * o.aggregateMs + (batch > 1 ? o.aggregatePerCheckMs : 0);
  const gbSeconds =
    executionShare * (o.planMs / 1000) * (CONTROL_FUNCTIONS.plan.memoryMb / 1024) +
    workerShare * (workerMs / 1000) * workerGb +
    (aggregateMs / 1000) * (CONTROL_FUNCTIONS.aggregate.memoryMb / 1024);
  const invocations = 2 * executionShare + workerShare;
  const stateEvents = executionShare * o.stateEventsPerExecution + workerShare * o.stateEventsPerShard;
  const shardItem = latency ? o.latencyShardItemBytes : o.loadShardItemBytes;
  const recordBytes = latency ? o.latencyRunRecordBytes : o.loadRunRecordBytes;
  return {
    shards,
    workerMemoryMb: runner.workerMemoryMb,
    loadMs,
    workerMs,
    gbSeconds,
    invocations,
    executionMs:
      o.planMs +
      workerMs +
      o.aggregateMs +
      batch * (batch > 1 ? o.aggregatePerCheckMs : 0) +
      o.orchestrationMs,
    executionShare,
    workerShare,
    stateEvents,
    logBytes: invocations * o.logBytesPerInvocation + stateEvents * o.logBytesPerStateEvent,
    // As written: the lease, each shard's item, the run.
    writeUnits: units(o.leaseItemBytes) + shards * units(shardItem) + units(recordBytes),
    recordBytes,
  };
}

/** "shared by 10 checks due in the same tick", or nothing for a run alone. */
const sharedText = (use: RunUsage) =>
  use.executionShare < 1
    ? `, shared by ${Math.round(1 / use.executionShare)} checks due in the same tick`
    : '';

/** Running it: Lambda, the state machine, the scheduler. */
function runningLines(probe: ResolvedProbe, runs: number, use: RunUsage): CostLine[] {
  const { shards, executionMs, executionShare } = use;
  const workers =
    executionShare < 1
      ? `${secondsText(use.workerMs)} worker at ${use.workerMemoryMb} MB shared by up to ${CHECKS_PER_WORKER} checks`
      : `${shards} × ${secondsText(use.workerMs)} worker at ${use.workerMemoryMb} MB`;
  return [
    {
      item: 'Lambda duration',
      group: 'lambda',
      usd: runs * use.gbSeconds * PRICES.lambdaArmGbSecond.usd,
      basis: `${count(runs)} runs × ${use.gbSeconds.toFixed(2)} GB-s (${workers}, Plan and Aggregate at ${CONTROL_FUNCTIONS.plan.memoryMb} MB${sharedText(use)})`,
    },
    {
      item: 'Lambda requests',
      group: 'lambda',
      usd: runs * use.invocations * PRICES.lambdaRequest.usd,
      basis: `${count(runs * use.invocations)} invocations`,
    },
    workflowFor(probe) === 'express'
      ? {
          item: 'Step Functions (Express)',
          group: 'orchestration',
          usd:
            runs *
            executionShare *
            (PRICES.expressRequest.usd +
              Math.ceil(executionMs / 100) * 0.1 * (64 / 1024) * PRICES.expressGbSecond.usd),
          basis: `${count(runs * executionShare)} executions × ${secondsText(executionMs)} at 64 MB${sharedText(use)}`,
        }
      : {
          item: 'Step Functions (Standard)',
          group: 'orchestration',
          usd: runs * (4 + 2 * shards) * PRICES.standardTransition.usd,
          basis: `${count(runs * (4 + 2 * shards))} state transitions`,
        },
    {
      item: 'EventBridge Scheduler',
      group: 'orchestration',
      usd: runs * executionShare * PRICES.schedulerInvocation.usd,
      basis: `${count(runs * executionShare)} invocations${sharedText(use)}`,
    },
  ];
}

/** What a probe's alarms watch, as the cost lines say it. */
function alarmKinds(probe: ResolvedProbe, alarms: number): string[] {
  const cert = certAlarmDays(probe) === undefined ? 0 : 1;
  return [
    'SLA, heartbeat, cannot measure, store failures',
    ...(alarms - cert > PROBE_ALARM_KINDS.length ? ['percentiles'] : []),
    ...(cert === 1 ? ['certificate expiry'] : []),
  ];
}

/** Watching it: custom metrics, their data, the probe's alarms. */
function watchingLines(probe: ResolvedProbe, runs: number, use: RunUsage): CostLine[] {
  // A step with alarms of its own publishes its latency with a Step dimension: one more custom metric each.
  const metrics = [
    ...publishedMetrics(probe.load.kind, {
      certAlarm: certAlarmDays(probe) !== undefined,
      slo: probe.slo !== undefined,
    }),
    ...Object.keys(probe.alert.steps).map((step) => `Latency[${step}]`),
  ];
  const alarms = probeAlarmCount(probe);
  return [
    {
      item: 'CloudWatch custom metrics',
      group: 'metrics',
      usd: metrics.length * PRICES.customMetricMonth.usd,
      basis: `${metrics.length} metrics (${metrics.join(', ')})`,
    },
    {
      item: 'CloudWatch PutMetricData',
      group: 'metrics',
      // A tick's checks go out together (publishRunsMetrics): a few datums each, far below 1,000 a call.
      usd: runs * use.executionShare * PRICES.putMetricDataRequest.usd,
      basis: `${count(runs * use.executionShare)} requests, one an execution${sharedText(use)}`,
    },
    {
      item: 'CloudWatch alarms',
      group: 'alarms',
      usd: alarms * PRICES.alarmMonth.usd,
      basis: `${alarms} alarms of one metric each (${alarmKinds(probe, alarms).join(', ')})`,
    },
    ...sloLines(probe),
  ];
}

/**
 * An SLO's burn alerts: per objective and level, two metric-math alarms (billed per metric they read: the
 * SloOutcome distribution alone) and their composite.
 */
function sloLines(probe: ResolvedProbe): CostLine[] {
  if (probe.slo === undefined || probe.alert.intervalMs === undefined) return [];
  const burns = burnAlarms(probe.slo, probe.alert.intervalMs);
  const alarms = burns.length * METRIC_ALARMS_PER_BURN;
  const metrics = burns.reduce((n, b) => n + METRIC_ALARMS_PER_BURN * b.metricsPerAlarm, 0);
  const composites = burns.length * COMPOSITES_PER_BURN;
  return [
    {
      item: 'CloudWatch SLO burn alarms',
      group: 'alarms',
      usd: metrics * PRICES.alarmMonth.usd,
      basis: `${alarms} metric-math alarms reading ${metrics} metrics (long and short window of ${burns.length} burn alerts)`,
    },
    {
      item: 'CloudWatch SLO composite alarms',
      group: 'alarms',
      usd: composites * PRICES.compositeAlarmMonth.usd,
      basis: `${composites} composites (both windows burning), the ones that page`,
    },
  ];
}

/** Keeping it: logs, traces, the stored runs. */
function keepingLines(runs: number, use: RunUsage, retentionDays: number, tracing: boolean): CostLine[] {
  const { logBytes, recordBytes, writeUnits } = use;
  const storedGb = (runs * recordBytes * retentionDays) / (MONTH_MS / 86_400_000) / 1024 ** 3;
  const lines: CostLine[] = [
    {
      item: 'CloudWatch Logs',
      group: 'records',
      usd: ((runs * logBytes) / 1024 ** 3) * PRICES.logsIngestedGb.usd,
      basis: `${count((runs * logBytes) / 1024 ** 2)} MB ingested (${use.stateEvents.toFixed(1)} state events and ${use.invocations.toFixed(2)} invocations a run)`,
    },
  ];
  if (tracing) {
    lines.push({
      item: 'X-Ray',
      group: 'records',
      usd: runs * use.executionShare * PRICES.xrayTrace.usd,
      basis: `${count(runs * use.executionShare)} traces, one an execution (environment tracing: true)`,
    });
  }
  lines.push(
    {
      item: 'DynamoDB writes',
      group: 'records',
      usd: runs * writeUnits * PRICES.dynamoWriteUnit.usd,
      basis: `${count(runs * writeUnits)} write units (${writeUnits} a run: the lease, the shard items, the run)`,
    },
    {
      item: 'DynamoDB storage and backups',
      group: 'records',
      usd: storedGb * (PRICES.dynamoStorageGbMonth.usd + PRICES.dynamoPitrGbMonth.usd),
      basis: `${storedGb.toFixed(2)} GB of runs (~${(recordBytes / 1024).toFixed(1)} KB each, kept ${retentionDays} days), with point-in-time recovery`,
    },
  );
  return lines;
}

/** The same schedule on CloudWatch Synthetics and Checkly, at their per-run list prices. */
function alternativeLines(runs: number, loadMs: number): CostLine[] {
  const syntheticsRunMs = loadMs + 2_000;
  return [
    {
      item: 'CloudWatch Synthetics',
      usd:
        runs * (PRICES.syntheticsCanaryRun.usd + (syntheticsRunMs / 1000) * 1 * PRICES.lambdaX86GbSecond.usd),
      basis: `${count(runs)} canary runs + Lambda (1 GB, ~${secondsText(syntheticsRunMs)} each)`,
    },
    {
      item: 'Checkly',
      usd: runs * PRICES.checklyApiCheckRun.usd,
      basis: `${count(runs)} API check runs`,
    },
  ];
}

/** How the probe runs in its environment: how many checks share its ticks, whether it is traced. */
export interface ProbeCostOptions {
  /** Latency checks due in the same tick of the environment, this one included (see checksDueTogether). @default 1 */
  readonly batch?: number;
  /** X-Ray on (the environment's `tracing`). @default false */
  readonly tracing?: boolean;
  /** How long the worker waits past the tick for this location's start (`stagger`, see staggerWaitMs). @default 0 */
  readonly startWaitMs?: number;
  readonly from?: Date;
}

/**
 * Dollars per month for one deployed probe, itemized, from list prices (see aws-prices.ts), with its share of
 * what it shares with checks due in the same tick. Per-environment parts are in environmentCost.
 */
export function probeMonthlyCost(
  probe: ResolvedProbe,
  retentionDays: number,
  options: ProbeCostOptions = {},
): ProbeCost {
  const runs = runsPerMonth(probe, options.from ?? new Date());
  const use = runUsage(probe, options.batch ?? 1, options.startWaitMs ?? 0);
  const lines = [
    ...runningLines(probe, runs, use),
    ...watchingLines(probe, runs, use),
    ...keepingLines(runs, use, retentionDays, options.tracing ?? false),
  ];
  return {
    probeId: probe.id,
    environment: probe.environment,
    runsPerMonth: runs,
    lines,
    totalUsd: lines.reduce((sum, line) => sum + line.usd, 0),
    alternatives: alternativeLines(runs, use.loadMs),
  };
}

/**
 * For each probe, how many latency checks of the environment fire on the same schedule (expression and time
 * zone) and run on the checks' Express runner: they are due in the same ticks, so they share each execution.
 */
export function checksDueTogether(deployed: DeployedSuite): Record<string, number> {
  // The groups the stack deploys (a check denser than a second runs alone).
  const sizes: Record<string, number> = {};
  for (const group of checkGroups(deployed)) {
    for (const id of group.probeIds) sizes[id] = group.probeIds.length;
  }
  return Object.fromEntries(Object.values(deployed.probes).map((p) => [p.id, sizes[p.id] ?? 1]));
}

/** One environment of a suite: every probe's cost and the environment's own parts. */
export interface EnvironmentCostModel {
  readonly environment: string;
  readonly probes: readonly ProbeCost[];
  readonly fixed: readonly CostLine[];
  readonly totalUsd: number;
}

/** Everything one environment deploys, priced: its probes, and its key, system alarms, dashboard, notifier, VPC. */
export function environmentCost(
  deployed: DeployedSuite,
  options: { readonly vpcZones?: number | undefined; readonly from?: Date } = {},
): EnvironmentCostModel {
  const costAt = (location: string | undefined) => {
    const batches = checksDueTogether(deployedAt(deployed, location));
    return (p: ResolvedProbe) => {
      const index = location === undefined ? -1 : (p.located?.locations.indexOf(location) ?? -1);
      return probeMonthlyCost(p, deployed.retentionDays, {
        batch: batches[p.id] ?? 1,
        tracing: deployed.tracing,
        ...(index > 0 ? { startWaitMs: staggerWaitMs(p, index) } : {}),
        ...(options.from ? { from: options.from } : {}),
      });
    };
  };
  const multi = isMultiLocation(deployed);
  const probes = Object.values(deployed.probes).map((p) => {
    if (!multi) return costAt(undefined)(p);
    // Each location runs the probe on its own schedule, with its own checks due in the same tick.
    const locations = locationsOf(deployed, p.id);
    return acrossLocations(
      locations.map((l) => costAt(l)(p)),
      locations,
    );
  });
  const locations = Math.max(1, deployedLocations(deployed).length);
  const fixed = [
    ...suiteFixedCost(deployed),
    ...(options.vpcZones === undefined ? [] : perLocation(vpcCostLines(options.vpcZones), locations)),
  ];
  const totalUsd = probes.reduce((s, p) => s + p.totalUsd, 0) + fixed.reduce((s, l) => s + l.usd, 0);
  return { environment: deployed.environment, probes, fixed, totalUsd };
}

/** "× 3 locations", or nothing for one. */
const timesLocations = (n: number) => (n > 1 ? ` × ${n} locations` : '');

/** A per-location part (a VPC's NAT and endpoints) in every location: n times, and saying so. */
function perLocation(lines: readonly CostLine[], n: number): CostLine[] {
  return lines.map((l) => ({ ...l, usd: l.usd * n, basis: `${l.basis}${timesLocations(n)}` }));
}

/**
 * One probe's cost in several locations: each location's lines added up item by item (every location pays its
 * own runs, metrics, alarms and records, and the alternatives run once per location too), each basis saying in
 * how many locations.
 */
function acrossLocations(costs: readonly ProbeCost[], locations: readonly string[]): ProbeCost {
  const [first] = costs;
  if (first === undefined) throw new Error('a probe runs in at least one location');
  const merge = (pick: (c: ProbeCost) => readonly CostLine[]): CostLine[] =>
    pick(first).map((line, i) => {
      const all = costs.map((c) => pick(c)[i]!);
      const same = all.every((l) => l.basis === line.basis);
      return {
        ...line,
        usd: all.reduce((sum, l) => sum + l.usd, 0),
        basis:
          costs.length === 1
            ? `${line.basis} (in ${locations[0]} only)`
            : same
              ? `${line.basis}${timesLocations(costs.length)}`
              : all.map((l, j) => `${locations[j]}: ${l.basis}`).join('; '),
      };
    });
  return {
    ...first,
    runsPerMonth: costs.reduce((sum, c) => sum + c.runsPerMonth, 0),
    lines: merge((c) => c.lines),
    totalUsd: costs.reduce((sum, c) => sum + c.totalUsd, 0),
    alternatives: merge((c) => c.alternatives),
    locations,
  };
}

/** The notifier's re-check: every 5 minutes, one incidents Query and a few reads (a cold start now and then). */
export const NOTIFIER_TICK = { everyMs: 5 * 60_000, durationMs: 300, memoryMb: 256 } as const;

/**
 * perfprobe's own alarms in an environment, as lib/ builds them (test/lib/cost-parts.test.ts counts them on the
 * synthesized template): the schedules' dead letters; per runner, its executions failed and timed out and its
 * worker's Errors and Throttles; Errors and Throttles of Plan and Aggregate; the notifier's Errors, Throttles and
 * dead letters; per topic (alarms, watch, and warn-level notices when it has subscribers) its failed deliveries
 * and dead letters; the drill alarm.
 */
export function systemAlarmCount(deployed: DeployedSuite, location?: string): number {
  const here = deployedAt(deployed, location ?? homeOf(deployed));
  const runners = Object.keys(workerReservations(here)).length;
  // Every location: its schedules' dead letters, its runners', Plan's and Aggregate's alarms and a drill alarm.
  const machinery = 1 + 4 * runners + 2 + 2 + 1;
  if (location !== undefined && location !== homeOf(deployed)) {
    // Another location: no notifier or topics (home's); the dead letters of its forwarding to home.
    return machinery + 1;
  }
  const topics = 2 + (hasWarnTopic(deployed) ? 1 : 0);
  return machinery + 3 + 2 * topics;
}

const hasWarnTopic = (deployed: DeployedSuite) =>
  deployed.notify.warn.email.length + deployed.notify.warn.https.length > 0;

/**
 * Per suite and environment, whatever its probes: the topics' KMS keys, perfprobe's own alarms, the dashboard and
 * the notifier's 5-minute re-check (pages themselves are a few invocations and SNS messages a month, ~0). With
 * several locations, the keys, dashboard, notifier and the topics' and notifier's alarms are home's, once; every
 * location has its own machinery alarms (the forwarding of its alarm state changes to home: a few events a month,
 * ~0).
 */
export function suiteFixedCost(deployed: DeployedSuite): CostLine[] {
  const ticks = MONTH_MS / NOTIFIER_TICK.everyMs;
  const gbSeconds = (NOTIFIER_TICK.durationMs / 1000) * (NOTIFIER_TICK.memoryMb / 1024);
  const keys = 2 + (hasWarnTopic(deployed) ? 1 : 0);
  const locations = deployedLocations(deployed);
  const byLocation = (locations.length > 1 ? locations : [undefined]).map((l) =>
    systemAlarmCount(deployed, l),
  );
  const alarms = byLocation.reduce((sum, n) => sum + n, 0);
  const where =
    locations.length > 1
      ? ` in ${locations.length} locations: ${locations.map((l, i) => `${l}${i === 0 ? ' (home)' : ''} ${byLocation[i]}`).join(', ')}`
      : '';
  return [
    {
      item: 'KMS keys of the topics',
      usd: keys * PRICES.kmsKeyMonth.usd,
      basis: `${keys} keys (alarm topic, watch topic${keys > 2 ? ', warn-level topic' : ''}); a customer-managed key for the table, logs and queues (encryptionKey) is $1 more`,
    },
    {
      item: "perfprobe's own alarms",
      group: 'alarms',
      usd: alarms * PRICES.alarmMonth.usd,
      basis: `${alarms} alarms (function Errors and Throttles, executions, dead letters, deliveries, drill)${where}`,
    },
    ...(deployed.dashboard
      ? [
          {
            item: 'CloudWatch dashboard',
            usd: PRICES.dashboardMonth.usd,
            basis: `one per environment${locations.length > 1 ? ", in home, with every location's lines" : ''} (dashboard: false drops it)`,
          },
        ]
      : []),
    {
      item: 'Notifier re-checks',
      group: 'alarms',
      usd: ticks * (PRICES.lambdaRequest.usd + gbSeconds * PRICES.lambdaArmGbSecond.usd),
      basis: `${count(ticks)} invocations (every 5 min) × ${secondsText(NOTIFIER_TICK.durationMs)} at ${NOTIFIER_TICK.memoryMb} MB`,
    },
  ];
}

/** Hours in the model's month. */
const MONTH_HOURS = MONTH_MS / 3_600_000;

/**
 * What ProbeSuite's `vpc` option adds (counted when `perfprobe cost --vpc` says the workers run in a VPC): a
 * NAT gateway per Availability Zone the workers use for egress, and interface endpoints (SSM and Secrets Manager,
 * for the workers' secrets) per Availability Zone; DynamoDB's gateway endpoint is free.
 */
export function vpcCostLines(zones = 2): CostLine[] {
  const interfaceEndpoints = 2;
  return [
    {
      item: 'NAT gateways',
      usd: zones * MONTH_HOURS * PRICES.natGatewayHour.usd,
      basis: `${zones} (one per Availability Zone) × ${count(MONTH_HOURS)} h, plus $${PRICES.natGatewayGb.usd} per GB the workers send and receive through them`,
    },
    {
      item: 'Interface endpoints',
      usd: interfaceEndpoints * zones * MONTH_HOURS * PRICES.interfaceEndpointHour.usd,
      basis: `${interfaceEndpoints} (SSM, Secrets Manager) × ${zones} Availability Zones × ${count(MONTH_HOURS)} h, for subnets without NAT (with NAT they are optional); the DynamoDB gateway endpoint is free`,
    },
  ];
}
