import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC_NAMESPACE, metricDimensions } from '../functions/core/cloud/metric-data.ts';
import type { ResolvedProbe } from '../functions/core/plan.ts';

/**
 * The dimensions every perfprobe metric carries, as Aggregate publishes them (metricDimensions). Suite is among
 * them so that two suites with the same environment and probe ids never share a metric.
 */
export function probeDimensions(probe: ResolvedProbe): Record<string, string> {
  return Object.fromEntries(
    metricDimensions(probe.suite, probe.environment, probe.id).map((d) => [d.Name, d.Value]),
  );
}

/** One of a probe's metrics; `step` adds the flow step's dimension (its own latency, published for its alarms). */
export function probeMetric(
  probe: ResolvedProbe,
  metricName: string,
  statistic: string,
  period: Duration,
  step?: string,
) {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { ...probeDimensions(probe), ...(step === undefined ? {} : { Step: step }) },
    statistic,
    period,
  });
}
