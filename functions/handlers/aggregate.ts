import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import {
  publishPausedHeartbeat,
  publishRunMetrics,
  publishRunsMetrics,
} from '../adapters/cloudwatch-publisher.ts';
import { createBaselineCache } from '../adapters/dynamo-baseline-cache.ts';
import { createRunStore, type RunStore } from '../adapters/dynamo-run-store.ts';
import { createShardStore, type ShardStore } from '../adapters/dynamo-shard-store.ts';
import { type BaselineCache, reusedBaseline } from '../core/baseline-cache.ts';
import { certAlarmDays } from '../core/cloud/alert-policy.ts';
import { collectRun } from '../core/cloud/collect-run.ts';
import { type DeployedSuite, deployedProbe } from '../core/cloud/deployed-suite.ts';
import type { runMetricData } from '../core/cloud/metric-data.ts';
import {
  checkRunOf,
  isPlannedChecks,
  type PlannedChecks,
  type PlannedRun,
} from '../core/cloud/run-messages.ts';
import type { ResolvedProbe } from '../core/plan.ts';
import { baselineFromStore } from '../core/regression.ts';
import type { RunResult } from '../core/run-result.ts';
import { evaluateSla, slaRegression } from '../core/sla.ts';
import { bundledSuite } from './bundled-suite.ts';
import { requiredEnv } from './environment.ts';
import { correlate, logger as defaultLogger, type RunLog, runLog } from './logger.ts';

export interface AggregateDependencies {
  readonly store: RunStore;
  readonly shards: ShardStore;
  readonly cloudWatch: CloudWatchClient;
  /** Merged regression baselines, reused for an hour instead of re-reading the window on every run. */
  readonly baselines?: BaselineCache;
}

/** What the execution ends with: enough to read the run's outcome in the console without opening the table. */
export interface RunSummary {
  readonly runId: string;
  readonly probeId: string;
  readonly verdict: string;
  readonly valid: boolean;
  readonly partial: boolean;
  readonly coverage: { readonly planned: number; readonly reported: number };
  readonly requests: number;
  readonly p99Ms: number;
}

function skipped(run: PlannedRun, verdict: string): RunSummary {
  return {
    runId: run.runId,
    probeId: run.probeId,
    verdict,
    valid: false,
    partial: false,
    coverage: { planned: 0, reported: 0 },
    requests: 0,
    p99Ms: 0,
  };
}

/** A checks tick in the console: how many checks, their verdicts, and which did not pass (at most 20 named). */
export interface ChecksSummary {
  readonly group: string;
  readonly checks: number;
  readonly verdicts: Readonly<Record<string, number>>;
  readonly notPassing: readonly string[];
}

/** Checks of a tick aggregated at once: each is a few table and CloudWatch calls, mostly waiting. */
export const AGGREGATE_CONCURRENCY = 25;

const NAMED_NOT_PASSING = 20;

type MetricOptions = NonNullable<Parameters<typeof runMetricData>[2]>;
/** How a run's metrics go out: at once for a run alone; a checks tick collects them for one call. */
type Publish = (
  cloudWatch: CloudWatchClient,
  suite: string,
  run: RunResult,
  options: MetricOptions,
) => Promise<void>;

/**
 * Reads the run's shard items, merges them, stores the run, then publishes its metrics whatever the store did:
 * a failing table must not silence the run's metrics, and it adds StoreFailed=1 to them. Either failure then
 * fails the step, so the execution fails too. A checks tick is every check's run in turn, each exactly as a run
 * alone; a check's failure fails the step only once every other check is recorded.
 */
export function createAggregateHandler(
  suite: () => DeployedSuite,
  dependencies: () => AggregateDependencies,
  options: {
    readonly logger?: Logger;
    /** The region the runs were sent from, stored with each (RunMeasurement.location); undefined: not said. */
    readonly location?: string | undefined;
  } = {},
) {
  const { logger = defaultLogger, location } = options;
  const aggregateRun = async (
    planned: PlannedRun,
    log: RunLog,
    publish: Publish = publishRunMetrics,
  ): Promise<RunSummary> => {
    const deployed = suite();
    const probe = deployedProbe(deployed, planned?.probeId);
    // The state machine stops a duplicate before this step; should one arrive anyway, it leaves no trace.
    if (planned.duplicate) return skipped(planned, 'duplicate');
    const { store, shards, cloudWatch, baselines } = dependencies();
    if (planned.paused) {
      // Paused on purpose, the pipeline is alive: it beats, with no run to store or judge. An unreadable switch
      // does not beat, so the heartbeat alarm tells on-call that nothing is being watched.
      if (planned.paused === 'kill switch on') {
        await publishPausedHeartbeat(cloudWatch, deployed.suite, probe.environment, probe.id);
      }
      return skipped(planned, planned.paused);
    }
    const merged = collectRun(probe, planned, await shards.readRun(probe.environment, planned.runId));
    const collected = location === undefined ? merged : { ...merged, location };
    const failures: string[] = [];
    const cacheError = (error: unknown) => log.warn('baseline cache unusable', { error: String(error) });
    const run = await judgeRegression(probe, collected, store, baselines, cacheError).catch(
      (error: unknown) => {
        // Judged without a baseline (its checks say none was read), stored and published all the same.
        failures.push(`baseline: ${String(error)}`);
        return collected;
      },
    );
    const stored = await store.save(run).then(
      () => true,
      (error: unknown) => {
        failures.push(`store: ${String(error)}`);
        return false;
      },
    );
    await publish(cloudWatch, deployed.suite, run, {
      storeFailed: !stored,
      alarmedSteps: Object.keys(probe.alert.steps),
      certAlarm: certAlarmDays(probe) !== undefined,
      ...(probe.slo === undefined ? {} : { slo: { latencyThresholdMs: probe.slo.latency?.thresholdMs } }),
    }).catch((error: unknown) => failures.push(`publish: ${String(error)}`));
    const summary: RunSummary = {
      runId: run.runId,
      probeId: run.probeId,
      verdict: run.sla.verdict,
      valid: run.validity.valid,
      partial: run.partial,
      coverage: run.coverage,
      requests: run.requests.total,
      p99Ms: run.latencyMs.p99,
    };
    log.info('run aggregated', { ...summary, reasons: run.validity.reasons });
    if (failures.length > 0) {
      log.error('run not fully recorded', { failures });
      throw new Error(`run ${run.runId} aggregated but ${failures.join('; ')}`);
    }
    return summary;
  };

  const aggregateChecks = async (tick: PlannedChecks): Promise<ChecksSummary> => {
    const runs = tick.batches.flat();
    const summaries: RunSummary[] = [];
    const failed: string[] = [];
    // The tick's checks publish together: one PutMetricData call for up to 1,000 datums (about 20 checks' worth
    // of latency values), each run's datums exactly as alone.
    const published: { run: RunResult; options: MetricOptions }[] = [];
    const collect: Publish = async (_client, _suite, run, options) => {
      published.push({ run, options });
    };
    await forEachBounded(runs, AGGREGATE_CONCURRENCY, async (run) => {
      const log = runLog(logger, run);
      await aggregateRun(checkRunOf(tick, run), log, collect).then(
        (summary) => summaries.push(summary),
        (error: unknown) => failed.push(`${run.probeId}: ${(error as Error).message ?? String(error)}`),
      );
    });
    if (published.length > 0) {
      const { cloudWatch } = dependencies();
      await publishRunsMetrics(cloudWatch, suite().suite, published).catch((error: unknown) =>
        failed.push(`publish of ${published.length} checks' metrics: ${String(error)}`),
      );
    }
    const verdicts: Record<string, number> = {};
    for (const s of summaries) verdicts[s.verdict] = (verdicts[s.verdict] ?? 0) + 1;
    if (failed.length > 0) {
      throw new Error(
        `${failed.length} of ${runs.length} checks not fully recorded: ${failed.join('; ')}`.slice(0, 4_000),
      );
    }
    return {
      group: tick.group,
      checks: runs.length,
      verdicts,
      notPassing: summaries
        .filter((s) => s.verdict !== 'pass')
        .map((s) => s.probeId)
        .slice(0, NAMED_NOT_PASSING),
    };
  };

  return middy(async (event: PlannedRun | PlannedChecks): Promise<RunSummary | ChecksSummary> => {
    if (isPlannedChecks(event)) return aggregateChecks(event);
    correlate(logger, { runId: event.runId, probeId: String(event.probeId) });
    return aggregateRun(event, runLog(logger));
  }).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** Runs `work` on every item, at most `limit` at once. */
async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/** `sla.regression`: the run against the valid runs of its baseline window in the table, as `perfprobe run` does locally. */
async function judgeRegression(
  probe: ResolvedProbe,
  run: RunResult,
  store: RunStore,
  cache: BaselineCache | undefined,
  onCacheError: (error: unknown) => void,
): Promise<RunResult> {
  const spec = slaRegression(probe.sla);
  if (spec === undefined) return run;
  const before = new Date(run.startedAt);
  const baseline = cache
    ? await reusedBaseline(store, cache, probe.environment, probe.id, spec, before, onCacheError)
    : await baselineFromStore(store, probe.environment, probe.id, spec, before);
  return { ...run, sla: evaluateSla(probe.sla, run, { spec, baseline }) };
}

let dependencies: AggregateDependencies | undefined;

export const handler = createAggregateHandler(
  bundledSuite,
  () => {
    if (dependencies === undefined) {
      const dynamo = new DynamoDBClient({});
      const table = requiredEnv('RUNS_TABLE');
      dependencies = {
        store: createRunStore(dynamo, table, bundledSuite().retentionDays, bundledSuite().suite),
        shards: createShardStore(dynamo, table),
        cloudWatch: new CloudWatchClient({}),
        baselines: createBaselineCache(dynamo, table),
      };
    }
    return dependencies;
  },
  // Lambda sets AWS_REGION: the location's region, where the run was sent from.
  { location: process.env.AWS_REGION || undefined },
);
