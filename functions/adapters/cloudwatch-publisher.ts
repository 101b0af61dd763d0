import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { METRIC_NAMESPACE, METRICS, metricDimensions, runMetricData } from '../core/cloud/metric-data.ts';
import type { RunResult } from '../core/run-result.ts';

/** CloudWatch takes at most this many datums in one PutMetricData call. */
const MAX_DATUMS_PER_CALL = 1_000;

/** Publishes one run: one PutMetricData call (its latency distribution, counts, verdict and heartbeat). */
export async function publishRunMetrics(client: CloudWatchClient, run: RunResult): Promise<void> {
  const data = runMetricData(run);
  if (data.length > MAX_DATUMS_PER_CALL) {
    // 1,000 datums hold 148,000 distinct latency values: more than a 3-digit HDR histogram has below 1 hour.
    throw new Error(`run ${run.runId} has ${data.length} metric datums, more than one call takes`);
  }
  await client.send(new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData: data }));
}

/** A paused probe still beats: the heartbeat alarm watches the pipeline, and pausing is deliberate. */
export async function publishPausedHeartbeat(
  client: CloudWatchClient,
  environment: string,
  probeId: string,
): Promise<void> {
  await client.send(
    new PutMetricDataCommand({
      Namespace: METRIC_NAMESPACE,
      MetricData: [
        {
          MetricName: METRICS.heartbeat,
          Dimensions: metricDimensions(environment, probeId),
          Timestamp: new Date(),
          Unit: 'Count',
          Value: 1,
        },
      ],
    }),
  );
}
