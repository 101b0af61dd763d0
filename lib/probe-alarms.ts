import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  alarmPeriodSeconds,
  certAlarmDays,
  invalidRunsToAlarm,
} from '../functions/core/cloud/alert-policy.ts';
import {
  type DeployedNames,
  type ProbeAlarmKind,
  probeAlarmName,
  stepAlarmKind,
} from '../functions/core/cloud/deployed-suite.ts';
import { METRICS, VERDICT_EXPRESSIONS } from '../functions/core/cloud/metric-data.ts';
import { formatMs } from '../functions/core/durations.ts';
import type { ResolvedProbe } from '../functions/core/plan.ts';
import { slaThresholds } from '../functions/core/sla.ts';
import { clip } from './alarm-description.ts';
import { probeMetric } from './probe-metrics.ts';
import { SloAlarms } from './slo-alarms.ts';

export interface ProbeAlarmsProps {
  readonly probe: ResolvedProbe;
  /** For StoreFailed's actions; undefined in a location's stack other than home (see MachineryAlarmProps.topic). */
  readonly topic: ITopic | undefined;
  readonly names: DeployedNames;
}

export { ALARM_DESCRIPTION_MAX, clip } from './alarm-description.ts';

function describeSla(probe: ResolvedProbe): string {
  // A critical certDaysLeft has its own alarm (cert-expiry), and the Verdict leaves it out.
  const parts = slaThresholds(probe.sla).flatMap(([name, t]) =>
    t.critical === undefined || name === 'certDaysLeft' ? [] : [`${name} ≤ ${t.critical}`],
  );
  return parts.length > 0 ? parts.join(', ') : 'no critical SLA';
}

/** What every alarm of one probe shares: its period, the texts that recur, its metrics. */
interface ProbeAlarmContext {
  readonly scope: Construct;
  readonly probe: ResolvedProbe;
  readonly names: DeployedNames;
  readonly period: Duration;
  /** The period, as the texts say it. */
  readonly every: string;
  readonly who: string;
  readonly what: string;
  readonly look: string;
}

function probeAlarmContext(scope: Construct, probe: ResolvedProbe, names: DeployedNames): ProbeAlarmContext {
  // deploy-checks guarantees an interval before any construct is built.
  const period = Duration.seconds(alarmPeriodSeconds(probe.alert.intervalMs!));
  return {
    scope,
    probe,
    names,
    period,
    every: formatMs(period.toMilliseconds()),
    who: `probe ${probe.environment}/${probe.id} (suite ${probe.suite})`,
    what: `${probe.request.method} ${probe.request.url}`,
    // Plain text only (no tokens), so the description is readable in the template and bounded in length.
    look: `Runs: the stack's RunsTable, pk "${probe.environment}#${probe.id}", newest sk first. Dashboard: ${names.dashboard}.`,
  };
}

/**
 * The Verdict metric through one of VERDICT_EXPRESSIONS: one custom metric for both verdict alarms, each still
 * one alarm metric ($0.10), as only Verdict is read.
 */
function verdictPart(c: ProbeAlarmContext, part: keyof typeof VERDICT_EXPRESSIONS, label: string) {
  return new MathExpression({
    expression: VERDICT_EXPRESSIONS[part],
    usingMetrics: { verdict: probeMetric(c.probe, METRICS.verdict, 'Maximum', c.period) },
    period: c.period,
    label,
  });
}

function breachAlarm(c: ProbeAlarmContext): Alarm {
  const { atLeast, of } = c.probe.alert.breachedRuns;
  return new Alarm(c.scope, 'Breach', {
    alarmName: probeAlarmName(c.names, c.probe.id, 'sla'),
    alarmDescription: clip(
      `${c.who} breached its SLA: a critical SLA (${describeSla(c.probe)}) broke in ${atLeast} of the last ${of} periods of ${c.every} (one run per period; periods whose run was invalid or missing are skipped, never counted as a breach). ${c.what}. ${c.look}`,
    ),
    metric: verdictPart(c, 'slaBreached', 'SLA breached (valid runs)'),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: of,
    datapointsToAlarm: atLeast,
    // Only valid runs publish a verdict: an invalid or missing run neither pages nor clears.
    treatMissingData: TreatMissingData.IGNORE,
  });
}

function heartbeatAlarm(c: ProbeAlarmContext): Alarm {
  const missed = c.probe.alert.missedRuns;
  return new Alarm(c.scope, 'Heartbeat', {
    alarmName: probeAlarmName(c.names, c.probe.id, 'heartbeat'),
    alarmDescription: clip(
      `${c.who}: no run completed in the last ${missed} periods of ${c.every} (every run counts, measured or not; a run no shard reported is cannot-measure's to page): the schedule, the state machine or the functions are not running it, so its SLA is not being watched. Check the stack's schedule dead-letter queue and the state machine's failed executions. ${c.look}`,
    ),
    // Every completed run publishes Requests (a paused one 0): its sample count is the beat.
    metric: probeMetric(c.probe, METRICS.requests, 'SampleCount', c.period),
    threshold: 1,
    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    // K ≥ 2 periods (deploy-checks): the newest period may be empty only because its run is still in
    // flight; K empty periods in a row cannot be that.
    evaluationPeriods: missed,
    datapointsToAlarm: missed,
    // No data is exactly what a dead probe looks like.
    treatMissingData: TreatMissingData.BREACHING,
  });
}

function cannotMeasureAlarm(c: ProbeAlarmContext): Alarm {
  const invalid = invalidRunsToAlarm(c.probe);
  return new Alarm(c.scope, 'CannotMeasure', {
    alarmName: probeAlarmName(c.names, c.probe.id, 'cannot-measure'),
    alarmDescription: clip(
      `${c.who} cannot measure: its runs were invalid for ${invalid} periods of ${c.every} in a row, so its SLA is not being watched. An invalid run could not deliver its planned load: shards missing (worker error or timeout, an unreadable secret, throttled workers) or the generator fell behind. The stored runs say which shards reported and why. ${c.what}. ${c.look}`,
    ),
    metric: verdictPart(c, 'invalidRun', 'invalid run'),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: invalid,
    datapointsToAlarm: invalid,
    // A missing run is the heartbeat's to report; a valid run between invalid ones breaks the streak.
    treatMissingData: TreatMissingData.IGNORE,
  });
}

function storeFailedAlarm(c: ProbeAlarmContext): Alarm {
  return new Alarm(c.scope, 'StoreFailed', {
    alarmName: probeAlarmName(c.names, c.probe.id, 'store-failed'),
    alarmDescription: clip(
      `perfprobe itself is failing: a run of ${c.who} could not be written to the runs table in the last period of ${c.every} (its metrics were still published). Look at the Aggregate function's logs for the DynamoDB error (throttling, permissions, a deleted table). ${c.look}`,
    ),
    metric: probeMetric(c.probe, METRICS.storeFailed, 'Maximum', c.period),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    // Published only on a failure: a period without one is a period without failures.
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

/**
 * A declared critical `sla.certDaysLeft`: the certificate a run saw has fewer days left. One period is enough:
 * the days left are a fact about the certificate, not a noisy measure, and waiting M of N would only page later.
 */
function certExpiryAlarm(c: ProbeAlarmContext, critical: number): Alarm {
  return new Alarm(c.scope, 'CertExpiry', {
    alarmName: probeAlarmName(c.names, c.probe.id, 'cert-expiry'),
    alarmDescription: clip(
      `${c.who}: the TLS certificate its latest run saw has fewer than ${critical} days left (sla.certDaysLeft critical ${critical}). Renew it, or deploy the renewed one to every endpoint behind the name; the stored run's tls.certificate says the subject, issuer and expiry date. ${c.what}. ${c.look}`,
    ),
    metric: probeMetric(c.probe, METRICS.certDaysLeft, 'Minimum', c.period),
    threshold: critical,
    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 1,
    // A run that saw no certificate (nothing connected) publishes none: the SLA, cannot-measure and heartbeat
    // alarms report that; it neither pages nor clears this one.
    treatMissingData: TreatMissingData.IGNORE,
  });
}

/** alert.latency's percentiles of the whole run, then alert.steps' per step, judged M of N like the SLA. */
function latencyAlarms(c: ProbeAlarmContext): Alarm[] {
  const { atLeast, of } = c.probe.alert.breachedRuns;
  const above = (
    id: string,
    kind: ProbeAlarmKind,
    subject: string,
    key: string,
    thresholdMs: number,
    step?: string,
  ) =>
    new Alarm(c.scope, id, {
      alarmName: probeAlarmName(c.names, c.probe.id, kind),
      alarmDescription: clip(
        `${c.who}: CloudWatch's ${key} of ${subject} was above ${thresholdMs} ms in ${atLeast} of the last ${of} periods of ${c.every} (invalid runs publish no latency). ${c.what}. ${c.look}`,
      ),
      // Published for valid runs only, so an invalid run cannot move it; a step's (Step dimension) only
      // because it alarms.
      metric: probeMetric(c.probe, METRICS.latency, key, c.period, step),
      threshold: thresholdMs,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: of,
      datapointsToAlarm: atLeast,
      treatMissingData: TreatMissingData.IGNORE,
    });
  const whole = Object.entries(c.probe.alert.latency).map(([key, ms]) =>
    above(
      `Latency${key}`,
      `latency-${key.replace('.', '_')}`,
      'the latency distribution of its valid runs',
      key,
      ms,
    ),
  );
  const steps = Object.entries(c.probe.alert.steps).flatMap(([step, keys]) =>
    Object.entries(keys).map(([key, ms]) =>
      above(`Step${step}${key}`, stepAlarmKind(step, key), `step "${step}" of its valid runs`, key, ms, step),
    ),
  );
  return [...whole, ...steps];
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
  /** Only for a probe that declares a critical `sla.certDaysLeft`. */
  readonly certExpiry: Alarm | undefined;
  /** The SLO's burn alerts, for a probe with an `slo`. */
  readonly slo: SloAlarms | undefined;

  constructor(scope: Construct, id: string, props: ProbeAlarmsProps) {
    super(scope, id);
    const context = probeAlarmContext(this, props.probe, props.names);
    this.breach = breachAlarm(context);
    this.heartbeat = heartbeatAlarm(context);
    this.cannotMeasure = cannotMeasureAlarm(context);
    this.storeFailed = storeFailedAlarm(context);
    this.latency.push(...latencyAlarms(context));
    const certDays = certAlarmDays(props.probe);
    this.certExpiry = certDays === undefined ? undefined : certExpiryAlarm(context, certDays);
    this.slo = props.probe.slo === undefined ? undefined : new SloAlarms(this, 'Slo', props);
    // The probe's own verdicts reach on-call through the notifier (an EventBridge rule on their state changes,
    // see AlarmNotifier), which reads the runs; a failing store is perfprobe's own failure and goes to the topic
    // directly, as the notifier may be what is broken.
    if (props.topic) {
      const action = new SnsAction(props.topic);
      this.storeFailed.addAlarmAction(action);
      this.storeFailed.addOkAction(action);
    }
  }

  all(): Alarm[] {
    return [
      this.breach,
      this.heartbeat,
      this.cannotMeasure,
      this.storeFailed,
      ...this.latency,
      ...(this.certExpiry ? [this.certExpiry] : []),
    ];
  }
}
