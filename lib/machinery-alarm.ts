import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { clip } from './probe-alarms.ts';

/** Five minutes: these count failures, and a shorter period only adds alarm flapping. */
export const MACHINERY_PERIOD = Duration.minutes(5);

export interface MachineryAlarmProps {
  readonly alarmName: string;
  /** "perfprobe itself is failing (…)": what failed, what it costs, what to check. */
  readonly description: string;
  /** A count per MACHINERY_PERIOD: one is enough. */
  readonly metric: IMetric;
  /**
   * Where its ALARM and OK go, directly (never through the notifier, which may be what is broken). Undefined in
   * a location's stack other than home: it has no topic, and its alarms reach home's through AlarmForwarding.
   */
  readonly topic: ITopic | undefined;
}

/**
 * An alarm on perfprobe's own machinery: at least one failure in five minutes, missing data is no failure, so
 * it goes back to OK by itself once the failures stop and fires again on the next one.
 */
export function machineryAlarm(scope: Construct, id: string, props: MachineryAlarmProps): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: clip(props.description),
    metric: props.metric,
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  if (props.topic) {
    const action = new SnsAction(props.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
  return alarm;
}

/**
 * Messages sent to a dead-letter queue in the period: each new dead letter fires again (queue depth would stay
 * in alarm from the first message for 14 days and hide a second failure). The depth is on the dashboard.
 */
export function deadLettersSent(queue: IQueue) {
  return queue.metricNumberOfMessagesSent({ period: MACHINERY_PERIOD, statistic: 'Sum' });
}

/** A function's Errors and Throttles alarms: "perfprobe itself is failing", with what this function's failure costs. */
export function functionAlarms(
  scope: Construct,
  fn: IFunction,
  props: {
    readonly id: string;
    /** The alarm names' stem, e.g. `${alarmPrefix}system.plan`. */
    readonly namePrefix: string;
    readonly label: string;
    /** e.g. "Plan (the first step of every run)". */
    readonly what: string;
    /** What an error costs and where to look, after "so". */
    readonly errorCost: string;
    readonly throttleCost: string;
    readonly topic: ITopic | undefined;
  },
): Alarm[] {
  const minutes = MACHINERY_PERIOD.toMinutes();
  return [
    machineryAlarm(scope, `${props.id}Errors`, {
      alarmName: `${props.namePrefix}-errors`,
      description: `perfprobe itself is failing (${props.label}): ${props.what} failed (an error or a timeout) at least once in the last ${minutes} minutes, so ${props.errorCost} Its log group names the error; the usual causes are a revoked grant (secret, key, table), a lost network route, or a deploy that broke it.`,
      metric: fn.metricErrors({ period: MACHINERY_PERIOD, statistic: 'Sum' }),
      topic: props.topic,
    }),
    machineryAlarm(scope, `${props.id}Throttles`, {
      alarmName: `${props.namePrefix}-throttles`,
      description: `perfprobe itself is failing (${props.label}): Lambda throttled ${props.what} at least once in the last ${minutes} minutes, so ${props.throttleCost} Check the account's Lambda concurrency (ConcurrentExecutions, other functions' reservations) and this function's reserved concurrency.`,
      metric: fn.metricThrottles({ period: MACHINERY_PERIOD, statistic: 'Sum' }),
      topic: props.topic,
    }),
  ];
}
