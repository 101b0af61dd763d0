import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC_NAMESPACE } from '../functions/core/cloud/metric-data.ts';
import type { ResolvedProbe } from '../functions/core/plan.ts';

/**
 * Published by Aggregate (Value 1, the probe's dimensions) when it could not write a run to the table. The name
 * is the contract with functions/core/cloud/metric-data.ts, which adds it to METRICS.
 */
export const STORE_FAILED_METRIC = 'StoreFailed';

/**
 * The dimensions every perfprobe metric carries. Suite is among them so that two suites with the same
 * environment and probe ids never share a metric (nor one suite's heartbeat hide the other's dead probe).
 */
export function probeDimensions(probe: ResolvedProbe): Record<string, string> {
  return { Suite: probe.suite, Environment: probe.environment, Probe: probe.id };
}

export function probeMetric(probe: ResolvedProbe, metricName: string, statistic: string, period: Duration) {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: probeDimensions(probe),
    statistic,
    period,
  });
}
