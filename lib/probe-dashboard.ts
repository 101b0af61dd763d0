import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric, type Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { isMultiLocation, locationsOf } from '../functions/core/cloud/deployed-locations.ts';
import type { DeployedSuite } from '../functions/core/cloud/deployed-suite.ts';
import { METRICS, publishedMetrics, VERDICT } from '../functions/core/cloud/metric-data.ts';
import type { ResolvedProbe } from '../functions/core/plan.ts';
import { probeMetric } from './probe-metrics.ts';

/**
 * One row per probe: latency percentiles, requests and errors, verdicts (and throughput
 * for loads): DASHBOARD_WIDGETS_PER_PROBE widgets, which deploy-checks counts against CloudWatch's limit.
 */
export function probeDashboard(
  scope: Construct,
  id: string,
  name: string,
  deployed: DeployedSuite,
  options: {
    /** The probes with a row here. @default - every probe of the suite */
    readonly probeIds?: readonly string[];
    /** The dashboards holding the probes' rows instead (a large environment's, see stackLayout). */
    readonly probeDashboards?: readonly string[];
  } = {},
): Dashboard {
  const dashboard = new Dashboard(scope, id, { dashboardName: name, defaultInterval: Duration.days(1) });
  const elsewhere = options.probeDashboards?.length ? `\nProbes: ${options.probeDashboards.join(', ')}.` : '';
  dashboard.addWidgets(
    new TextWidget({
      markdown: `# perfprobe: ${deployed.suite} (${deployed.environment})\nLatency percentiles come from each run's full distribution; invalid runs are stored but never count as a breach.${elsewhere}`,
      width: 24,
      height: 2,
    }),
  );
  const probes =
    options.probeIds?.map((probeId) => deployed.probes[probeId]!) ?? Object.values(deployed.probes);
  const period = Duration.minutes(5);
  for (const probe of probes) {
    // Each location publishes in its own region (CloudWatch is regional): one line per location, read there.
    const at = perLocation(deployed, probe);
    dashboard.addWidgets(
      new GraphWidget({
        title: `${probe.id}: latency (ms)`,
        width: 10,
        left: ['p50', 'p90', 'p99'].flatMap((p) => at(probeMetric(probe, METRICS.latency, p, period), p)),
      }),
      new GraphWidget({
        title: `${probe.id}: requests and errors`,
        width: 7,
        left: [
          ...at(probeMetric(probe, METRICS.requests, 'Sum', period), 'requests'),
          ...at(probeMetric(probe, METRICS.errors, 'Sum', period), 'errors'),
        ],
      }),
      publishedMetrics(probe.load.kind).includes(METRICS.throughput)
        ? new GraphWidget({
            title: `${probe.id}: throughput (req/s) and verdicts`,
            width: 7,
            left: at(probeMetric(probe, METRICS.throughput, 'Average', period), 'req/s'),
            right: at(verdict(probe, period)),
          })
        : new GraphWidget({
            title: `${probe.id}: verdicts`,
            width: 7,
            left: at(verdict(probe, period)),
          }),
    );
  }
  return dashboard;
}

/**
 * A metric as the probe's locations publish it: itself with one location or none; with several, one copy per
 * location, read in that region and labelled with it (a cross-region dashboard widget).
 */
function perLocation(deployed: DeployedSuite, probe: ResolvedProbe) {
  const locations = isMultiLocation(deployed) ? locationsOf(deployed, probe.id) : [];
  return (metric: Metric, what?: string): IMetric[] =>
    locations.length === 0
      ? [metric]
      : locations.map((region) =>
          metric.with({ region, label: what === undefined ? region : `${what} ${region}` }),
        );
}

/** The worst verdict of each period, in words on the axis: 0 met, 1 breached, 2 invalid (see VERDICT). */
function verdict(probe: ResolvedProbe, period: Duration) {
  return probeMetric(probe, METRICS.verdict, 'Maximum', period).with({
    label: `verdict (${VERDICT.met} met, ${VERDICT.breached} SLA breached, ${VERDICT.invalid} invalid)`,
  });
}
