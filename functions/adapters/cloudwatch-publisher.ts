import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { METRIC_NAMESPACE, pausedRunData, runMetricData } from '../core/cloud/metric-data.ts';
import type { RunResult } from '../core/run-result.ts';

/** CloudWatch takes at most this many datums in one PutMetricData call. */
const MAX_DATUMS_PER_CALL = 1_000;

/**
 * Publishes one run of `suite`: one PutMetricData call (its latency distribution, counts, verdict, and
 * StoreFailed when the table refused the run).
 */
export async function publishRunMetrics(
  client: CloudWatchClient,
  suite: string,
  run: RunResult,
  options: Parameters<typeof runMetricData>[2] = {},
): Promise<void> {
  const data = runMetricData(suite, run, options);
  if (data.length > MAX_DATUMS_PER_CALL) {
    // 1,000 datums hold 148,000 distinct latency values: more than a 3-digit HDR histogram has below 1 hour.
    throw new Error(`run ${run.runId} has ${data.length} metric datums, more than one call takes`);
  }
  await client.send(new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData: data }));
}

/**
 * Publishes several runs of `suite` (checks due in the same tick, aggregated together) in as few PutMetricData
 * calls as their datums allow, 1,000 a call, each run's datums whole in one call: a call costs what a run's
 * publishing used to ($0.01 per 1,000), so twenty checks pay for one.
 */
export async function publishRunsMetrics(
  client: CloudWatchClient,
  suite: string,
  runs: readonly { readonly run: RunResult; readonly options?: Parameters<typeof runMetricData>[2] }[],
): Promise<void> {
  const calls: ReturnType<typeof runMetricData>[] = [];
  for (const { run, options } of runs) {
    const data = runMetricData(suite, run, options);
    if (data.length > MAX_DATUMS_PER_CALL) {
      throw new Error(`run ${run.runId} has ${data.length} metric datums, more than one call takes`);
    }
    const last = calls.at(-1);
    if (last && last.length + data.length <= MAX_DATUMS_PER_CALL) last.push(...data);
    else calls.push([...data]);
  }
  for (const MetricData of calls) {
    await client.send(new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData }));
  }
}

/**
 * A paused probe still beats (Requests 0, see pausedRunData): the heartbeat alarm watches the pipeline, and
 * pausing is deliberate.
 */
export async function publishPausedHeartbeat(
  client: CloudWatchClient,
  suite: string,
  environment: string,
  probeId: string,
): Promise<void> {
  await client.send(
    new PutMetricDataCommand({
      Namespace: METRIC_NAMESPACE,
      MetricData: pausedRunData(suite, environment, probeId, new Date()),
    }),
  );
}
