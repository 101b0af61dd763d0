import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alarmPeriodSeconds } from '../functions/core/cloud/alert-policy.ts';
import { METRIC_NAMESPACE, METRICS } from '../functions/core/cloud/metric-data.ts';
import { formatMs } from '../functions/core/durations.ts';
import type { ResolvedProbe } from '../functions/core/plan.ts';

export interface ProbeAlarmsProps {
  readonly probe: ResolvedProbe;
  readonly topic: ITopic;
  readonly dashboardName: string;
}

export function probeMetric(probe: ResolvedProbe, metricName: string, statistic: string, period: Duration) {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { Environment: probe.environment, Probe: probe.id },
    statistic,
    period,
  });
}

/** CloudWatch keeps at most 1,024 characters of an alarm description. */
function clip(text: string): string {
  return text.length <= 1024 ? text : `${text.slice(0, 1023)}…`;
}

function describeSla(probe: ResolvedProbe): string {
  const parts = Object.entries(probe.sla ?? {}).flatMap(([name, t]) =>
    t.critical === undefined ? [] : [`${name} ≤ ${t.critical}`],
  );
  return parts.length > 0 ? parts.join(', ') : 'no critical SLA';
}

/**
 * The alarms of one probe, each with an alarm and an OK action on the environment's topic, so on-call hears
 * about the breach and about the recovery. The text says what broke, how it is judged and where to look.
 */
export class ProbeAlarms extends Construct {
  readonly breach: Alarm;
  readonly heartbeat: Alarm;
  readonly latency: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ProbeAlarmsProps) {
    super(scope, id);
    const { probe } = props;
    // deploy-checks guarantees an interval before any construct is built.
    const period = Duration.seconds(alarmPeriodSeconds(probe.alert.intervalMs!));
    const name = `perfprobe-${probe.suite}-${probe.environment}-${probe.id}`;
    const where = `Probe ${probe.id} (${probe.request.method} ${probe.request.url}), suite ${probe.suite}, environment ${probe.environment}.`;
    // Plain text only (no tokens), so the description is readable in the template and bounded in length.
    const look = `Runs: the stack's RunsTable, pk "${probe.environment}#${probe.id}", newest sk first. Dashboard: ${props.dashboardName}.`;
    const { atLeast, of } = probe.alert.breachedRuns;

    this.breach = new Alarm(this, 'Breach', {
      alarmName: `${name}-sla`,
      alarmDescription: clip(
        `${where} A critical SLA (${describeSla(probe)}) broke in ${atLeast} of the last ${of} valid runs (one run every ${formatMs(period.toMilliseconds())}). Runs the probe could not deliver are never counted. ${look}`,
      ),
      metric: probeMetric(probe, METRICS.slaBreached, 'Maximum', period),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: of,
      datapointsToAlarm: atLeast,
      // Only valid runs publish a verdict: an invalid or missing run neither pages nor clears.
      treatMissingData: TreatMissingData.IGNORE,
    });

    const missed = probe.alert.missedRuns;
    this.heartbeat = new Alarm(this, 'Heartbeat', {
      alarmName: `${name}-heartbeat`,
      alarmDescription: clip(
        `${where} No run finished in the last ${missed} intervals of ${formatMs(period.toMilliseconds())}: the probe itself is not running (schedule, state machine or functions), so its SLA is not being watched. ${look}`,
      ),
      metric: probeMetric(probe, METRICS.heartbeat, 'SampleCount', period),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: missed,
      datapointsToAlarm: missed,
      // No data is exactly what a dead probe looks like.
      treatMissingData: TreatMissingData.BREACHING,
    });

    for (const [key, thresholdMs] of Object.entries(probe.alert.latency)) {
      this.latency.push(
        new Alarm(this, `Latency${key}`, {
          alarmName: `${name}-${key.replace('.', '_')}`,
          alarmDescription: clip(
            `${where} CloudWatch's ${key} of the latency distribution over ${formatMs(period.toMilliseconds())} is above ${thresholdMs} ms. ${look}`,
          ),
          metric: probeMetric(probe, METRICS.latency, key, period),
          threshold: thresholdMs,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.IGNORE,
        }),
      );
    }

    const action = new SnsAction(props.topic);
    for (const alarm of [this.breach, this.heartbeat, ...this.latency]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}
