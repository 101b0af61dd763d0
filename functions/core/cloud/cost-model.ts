import { expectedDurationMs } from '../engines/run-shard.ts';
import { type ResolvedProbe, unitTimeoutMs } from '../plan.ts';
import { burnAlarms, COMPOSITES_PER_BURN, METRIC_ALARMS_PER_BURN } from '../slo/burn-alarms.ts';
import { cronFiringsInAYear } from '../suite/cron-times.ts';
import { rateIntervalMs } from '../suite/limits.ts';
import { certAlarmDays, PROBE_ALARM_KINDS, probeAlarmCount } from './alert-policy.ts';
import { PRICES } from './aws-prices.ts';
import type { DeployedSuite } from './deployed-suite.ts';
import { publishedMetrics } from './metric-data.ts';
import {
  CONTROL_FUNCTIONS,
  plannedShards,
  RUNNERS,
  runnerFor,
  startLeadMs,
  workerReservations,
  workflowFor,
} from './run-sizing.ts';

/** An average month: 365.25 days / 12. */
export const MONTH_MS = 30.4375 * 86_400_000;

/**
 * What a run costs besides its load, measured or read from the deployed configuration. Estimates, each with
 * the reason for its value; the load itself is computed from the probe.
 */
export const RUN_OVERHEAD = {
  /** Plan: read the kill switch, plan (warm: tens of ms; a cold start now and then). */
  planMs: 300,
  /** Aggregate: merge, one DynamoDB PutItem, one PutMetricData. */
  aggregateMs: 600,
  /** A worker after its last response: close grace, compaction, return. */
  workerTailMs: 300,
  /** Express: state transitions and Lambda invocation overhead around the three tasks. */
  orchestrationMs: 400,
  /** START/END/REPORT lines plus perfprobe's one line per invocation. */
  logBytesPerInvocation: 700,
  /** State-machine log level ALL (cdk-nag SF1), without execution data: about this much per state event. */
  logBytesPerStateEvent: 350,
  /** One stored run: the summary, its merged histogram and timeline (bench: latency ≈ 2 KB, load ≈ 6 KB). */
  latencyRunRecordBytes: 2_048,
  loadRunRecordBytes: 6_144,
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
  readonly logBytes: number;
  readonly recordBytes: number;
}

function runUsage(probe: ResolvedProbe): RunUsage {
  const shards = plannedShards(probe);
  const runner = RUNNERS[runnerFor(probe)];
  const o = RUN_OVERHEAD;
  // A request-count burst has no fixed length: its maximum duration bounds the bill.
  const loadMs = expectedDurationMs(probe.load, unitTimeoutMs(probe));
  const workerMs = startLeadMs(shards) + loadMs + o.workerTailMs;
  const workerGb = runner.workerMemoryMb / 1024;
  const gbSeconds =
    (o.planMs / 1000) * (CONTROL_FUNCTIONS.plan.memoryMb / 1024) +
    shards * (workerMs / 1000) * workerGb +
    (o.aggregateMs / 1000) * (CONTROL_FUNCTIONS.aggregate.memoryMb / 1024);
  const invocations = 2 + shards;
  // Plan, Map, Aggregate, and for each shard its iteration's Worker: a few events each.
  const stateEvents = 12 + 6 * shards;
  return {
    shards,
    workerMemoryMb: runner.workerMemoryMb,
    loadMs,
    workerMs,
    gbSeconds,
    invocations,
    executionMs: o.planMs + workerMs + o.aggregateMs + o.orchestrationMs,
    logBytes: invocations * o.logBytesPerInvocation + stateEvents * o.logBytesPerStateEvent,
    recordBytes: probe.load.kind === 'latency' ? o.latencyRunRecordBytes : o.loadRunRecordBytes,
  };
}

/** Running it: Lambda, the state machine, the scheduler. */
function runningLines(probe: ResolvedProbe, runs: number, use: RunUsage): CostLine[] {
  const { shards, executionMs } = use;
  return [
    {
      item: 'Lambda duration',
      group: 'lambda',
      usd: runs * use.gbSeconds * PRICES.lambdaArmGbSecond.usd,
      basis: `${count(runs)} runs × ${use.gbSeconds.toFixed(2)} GB-s (${shards} × ${secondsText(use.workerMs)} worker at ${use.workerMemoryMb} MB, Plan and Aggregate at ${CONTROL_FUNCTIONS.plan.memoryMb} MB)`,
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
            (PRICES.expressRequest.usd +
              Math.ceil(executionMs / 100) * 0.1 * (64 / 1024) * PRICES.expressGbSecond.usd),
          basis: `${count(runs)} executions × ${secondsText(executionMs)} at 64 MB`,
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
      usd: runs * PRICES.schedulerInvocation.usd,
      basis: `${count(runs)} invocations`,
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
function watchingLines(probe: ResolvedProbe, runs: number): CostLine[] {
  // A step with alarms of its own publishes its latency with a Step dimension: one more custom metric each.
  const metrics = [
    ...publishedMetrics(probe.load.kind, { certAlarm: certAlarmDays(probe) !== undefined }),
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
      usd: runs * PRICES.putMetricDataRequest.usd,
      basis: `${count(runs)} requests, one a run`,
    },
    {
      item: 'CloudWatch alarms',
      group: 'alarms',
      usd: alarms * PRICES.alarmMonth.usd,
      basis: `${alarms} alarms (${alarmKinds(probe, alarms).join(', ')})`,
    },
    ...sloLines(probe),
  ];
}

/**
 * An SLO's burn alerts: per objective and level, two metric-math alarms (billed per metric they read: Errors
 * and Requests, or the Latency distribution) and their composite.
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
function keepingLines(runs: number, use: RunUsage, retentionDays: number): CostLine[] {
  const { logBytes, recordBytes } = use;
  return [
    {
      item: 'CloudWatch Logs',
      group: 'records',
      usd: ((runs * logBytes) / 1024 ** 3) * PRICES.logsIngestedGb.usd,
      basis: `${count((runs * logBytes) / 1024 ** 2)} MB ingested`,
    },
    {
      item: 'X-Ray',
      group: 'records',
      usd: runs * PRICES.xrayTrace.usd,
      basis: `${count(runs)} traces, one an execution`,
    },
    {
      item: 'DynamoDB',
      group: 'records',
      usd:
        runs * Math.ceil(recordBytes / 1024) * PRICES.dynamoWriteUnit.usd +
        ((runs * recordBytes * retentionDays) / (MONTH_MS / 86_400_000) / 1024 ** 3) *
          PRICES.dynamoStorageGbMonth.usd,
      basis: `${count(runs)} writes of ~${Math.round(recordBytes / 1024)} KB, kept ${retentionDays} days`,
    },
  ];
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

/**
 * Dollars per month for one deployed probe, itemized, from list prices (see aws-prices.ts). Per-suite costs (the
 * dashboard, the topic) are not in here: see suiteFixedCost.
 */
export function probeMonthlyCost(
  probe: ResolvedProbe,
  retentionDays: number,
  from: Date = new Date(),
): ProbeCost {
  const runs = runsPerMonth(probe, from);
  const use = runUsage(probe);
  const lines = [
    ...runningLines(probe, runs, use),
    ...watchingLines(probe, runs),
    ...keepingLines(runs, use, retentionDays),
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

/** The notifier's re-check: every 5 minutes, one incidents Query and a few reads (a cold start now and then). */
export const NOTIFIER_TICK = { everyMs: 5 * 60_000, durationMs: 300, memoryMb: 256 } as const;

/**
 * perfprobe's own alarms in an environment, as lib/ builds them (test/lib/cost-parts.test.ts counts them on the
 * synthesized template): the schedules' dead letters; per runner, its executions failed and timed out and its
 * worker's Errors and Throttles; Errors and Throttles of Plan and Aggregate; the notifier's Errors, Throttles and
 * dead letters; per topic (alarms, watch, and warn-level notices when it has subscribers) its failed deliveries
 * and dead letters; the drill alarm.
 */
export function systemAlarmCount(deployed: DeployedSuite): number {
  const runners = Object.keys(workerReservations(deployed)).length;
  const topics = 2 + (hasWarnTopic(deployed) ? 1 : 0);
  return 1 + 4 * runners + 2 + 2 + 3 + 2 * topics + 1;
}

const hasWarnTopic = (deployed: DeployedSuite) =>
  deployed.notify.warn.email.length + deployed.notify.warn.https.length > 0;

/**
 * Per suite and environment, whatever its probes: the topics' KMS keys, perfprobe's own alarms, the dashboard and
 * the notifier's 5-minute re-check (pages themselves are a few invocations and SNS messages a month, ~0).
 */
export function suiteFixedCost(deployed: DeployedSuite): CostLine[] {
  const ticks = MONTH_MS / NOTIFIER_TICK.everyMs;
  const gbSeconds = (NOTIFIER_TICK.durationMs / 1000) * (NOTIFIER_TICK.memoryMb / 1024);
  const keys = 2 + (hasWarnTopic(deployed) ? 1 : 0);
  const alarms = systemAlarmCount(deployed);
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
      basis: `${alarms} alarms (function Errors and Throttles, executions, dead letters, deliveries, drill)`,
    },
    { item: 'CloudWatch dashboard', usd: PRICES.dashboardMonth.usd, basis: 'one per environment' },
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
 * What ProbeSuite's `vpc` option adds, not counted in the totals (the VPC is the user's, and may be shared): a
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
