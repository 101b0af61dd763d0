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
