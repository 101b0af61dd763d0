import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alarmPeriodSeconds, invalidRunsToAlarm } from '../functions/core/cloud/alert-policy.ts';
import { type DeployedNames, probeAlarmName, stepAlarmKind } from '../functions/core/cloud/deployed-suite.ts';
import { METRICS } from '../functions/core/cloud/metric-data.ts';
import { formatMs } from '../functions/core/durations.ts';
import type { ResolvedProbe } from '../functions/core/plan.ts';
import { slaThresholds } from '../functions/core/sla.ts';
import { probeMetric } from './probe-metrics.ts';

export interface ProbeAlarmsProps {
  readonly probe: ResolvedProbe;
  readonly topic: ITopic;
  readonly names: DeployedNames;
}

/** CloudWatch keeps at most 1,024 characters of an alarm description. */
export const ALARM_DESCRIPTION_MAX = 1024;

export function clip(text: string): string {
  return text.length <= ALARM_DESCRIPTION_MAX ? text : `${text.slice(0, ALARM_DESCRIPTION_MAX - 1)}…`;
}

function describeSla(probe: ResolvedProbe): string {
  const parts = slaThresholds(probe.sla).flatMap(([name, t]) =>
    t.critical === undefined ? [] : [`${name} ${name === 'certDaysLeft' ? '≥' : '≤'} ${t.critical}`],
  );
  return parts.length > 0 ? parts.join(', ') : 'no critical SLA';
}

/**
 * The alarms of one probe. Their state changes page through the notifier (AlarmNotifier), so they carry no
 * actions, except StoreFailed, which goes to the topic directly. The text says what broke, how it is judged and where to look.
 * Periods are one schedule interval each: CloudWatch judges periods, and a period holds at most one run.
 */
export class ProbeAlarms extends Construct {
  readonly breach: Alarm;
  readonly heartbeat: Alarm;
  readonly cannotMeasure: Alarm;
  readonly storeFailed: Alarm;
  readonly latency: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ProbeAlarmsProps) {
    super(scope, id);
    const { probe, names } = props;
    // deploy-checks guarantees an interval before any construct is built.
    const period = Duration.seconds(alarmPeriodSeconds(probe.alert.intervalMs!));
    const every = formatMs(period.toMilliseconds());
    const who = `probe ${probe.environment}/${probe.id} (suite ${probe.suite})`;
    const what = `${probe.request.method} ${probe.request.url}`;
    // Plain text only (no tokens), so the description is readable in the template and bounded in length.
    const look = `Runs: the stack's RunsTable, pk "${probe.environment}#${probe.id}", newest sk first. Dashboard: ${names.dashboard}.`;
    const metric = (name: string, statistic: string) => probeMetric(probe, name, statistic, period);
    const { atLeast, of } = probe.alert.breachedRuns;

    this.breach = new Alarm(this, 'Breach', {
      alarmName: probeAlarmName(names, probe.id, 'sla'),
      alarmDescription: clip(
        `${who} breached its SLA: a critical SLA (${describeSla(probe)}) broke in ${atLeast} of the last ${of} periods of ${every} (one run per period; periods whose run was invalid or missing are skipped, never counted as a breach). ${what}. ${look}`,
      ),
      metric: metric(METRICS.slaBreached, 'Maximum'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: of,
      datapointsToAlarm: atLeast,
      // Only valid runs publish a verdict: an invalid or missing run neither pages nor clears.
      treatMissingData: TreatMissingData.IGNORE,
    });

    const missed = probe.alert.missedRuns;
    this.heartbeat = new Alarm(this, 'Heartbeat', {
      alarmName: probeAlarmName(names, probe.id, 'heartbeat'),
      alarmDescription: clip(
        `${who}: no run measured in the last ${missed} periods of ${every} (a run counts once at least one of its shards reported): the schedule, the state machine or the functions are not running it, so its SLA is not being watched. Check the stack's schedule dead-letter queue and the state machine's failed executions. ${look}`,
      ),
      metric: metric(METRICS.heartbeat, 'SampleCount'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      // K ≥ 2 periods (deploy-checks): the newest period may be empty only because its run is still in
      // flight; K empty periods in a row cannot be that.
      evaluationPeriods: missed,
      datapointsToAlarm: missed,
      // No data is exactly what a dead probe looks like.
      treatMissingData: TreatMissingData.BREACHING,
    });

    const invalid = invalidRunsToAlarm(probe);
    this.cannotMeasure = new Alarm(this, 'CannotMeasure', {
      alarmName: probeAlarmName(names, probe.id, 'cannot-measure'),
      alarmDescription: clip(
        `${who} cannot measure: its runs were invalid for ${invalid} periods of ${every} in a row, so its SLA is not being watched. An invalid run could not deliver its planned load: shards missing (worker error or timeout, an unreadable secret, throttled workers) or the generator fell behind. The stored runs say which shards reported and why. ${what}. ${look}`,
      ),
      metric: metric(METRICS.invalidRun, 'Maximum'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: invalid,
      datapointsToAlarm: invalid,
      // A missing run is the heartbeat's to report; a valid run between invalid ones breaks the streak.
      treatMissingData: TreatMissingData.IGNORE,
    });

    this.storeFailed = new Alarm(this, 'StoreFailed', {
      alarmName: probeAlarmName(names, probe.id, 'store-failed'),
      alarmDescription: clip(
        `perfprobe itself is failing: a run of ${who} could not be written to the runs table in the last period of ${every} (its metrics were still published). Look at the Aggregate function's logs for the DynamoDB error (throttling, permissions, a deleted table). ${look}`,
      ),
      metric: metric(METRICS.storeFailed, 'Maximum'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // Published only on a failure: a period without one is a period without failures.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    for (const [key, thresholdMs] of Object.entries(probe.alert.latency)) {
      this.latency.push(
        new Alarm(this, `Latency${key}`, {
          alarmName: probeAlarmName(names, probe.id, `latency-${key.replace('.', '_')}`),
          alarmDescription: clip(
            `${who}: CloudWatch's ${key} of the latency distribution of its valid runs was above ${thresholdMs} ms in ${atLeast} of the last ${of} periods of ${every} (invalid runs publish no latency). ${what}. ${look}`,
          ),
          // Published for valid runs only, so an invalid run cannot move it.
          metric: metric(METRICS.latency, key),
          threshold: thresholdMs,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: of,
          datapointsToAlarm: atLeast,
          treatMissingData: TreatMissingData.IGNORE,
        }),
      );
    }

    for (const [step, keys] of Object.entries(probe.alert.steps)) {
      for (const [key, thresholdMs] of Object.entries(keys)) {
        this.latency.push(
          new Alarm(this, `Step${step}${key}`, {
            alarmName: probeAlarmName(names, probe.id, stepAlarmKind(step, key)),
            alarmDescription: clip(
              `${who}: CloudWatch's ${key} of step "${step}" of its valid runs was above ${thresholdMs} ms in ${atLeast} of the last ${of} periods of ${every} (invalid runs publish no latency). ${what}. ${look}`,
            ),
            // Aggregate publishes this step's latency (Step dimension) for valid runs, only because it alarms.
            metric: probeMetric(probe, METRICS.latency, key, period, step),
            threshold: thresholdMs,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: of,
            datapointsToAlarm: atLeast,
            treatMissingData: TreatMissingData.IGNORE,
          }),
        );
      }
    }

    // The probe's own verdicts reach on-call through the notifier (an EventBridge rule on their state changes,
    // see AlarmNotifier), which reads the runs; a failing store is perfprobe's own failure and goes to the topic
    // directly, as the notifier may be what is broken.
    const action = new SnsAction(props.topic);
    this.storeFailed.addAlarmAction(action);
    this.storeFailed.addOkAction(action);
  }

  all(): Alarm[] {
    return [this.breach, this.heartbeat, this.cannotMeasure, this.storeFailed, ...this.latency];
  }
}
