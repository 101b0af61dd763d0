import { type AlarmStateChangeEvent, alarmArn, alarmTime } from './alarm-event.ts';
import type { Notification } from './notification.ts';

/** What the notifier hands to SNS Publish (besides the topic). */
export interface SnsMessage {
  readonly Subject: string;
  /** JSON text: one message per protocol, `default` for any protocol not named. */
  readonly Message: string;
  readonly MessageStructure: 'json';
}

/** SNS refuses a message (all protocols' texts, as JSON) over 256 KiB. */
export const SNS_MESSAGE_MAX_BYTES = 262_144;

interface MetricStat {
  readonly metricStat?: {
    readonly metric?: {
      readonly name?: string;
      readonly namespace?: string;
      readonly dimensions?: Record<string, string>;
    };
    readonly period?: number;
    readonly stat?: string;
  };
}

/**
 * The message in the shape CloudWatch itself publishes for an alarm (AlarmName, NewStateValue, NewStateReason,
 * Trigger...), so the PagerDuty and Opsgenie CloudWatch integrations keep parsing it, with the readable text as
 * the reason and description, and a dedupKey that one incident keeps from ALARM to OK.
 */
export function alarmShapedMessage(event: AlarmStateChangeEvent, notification: Notification) {
  const { detail } = event;
  // A metric-math alarm (the SLA and cannot-measure alarms read the Verdict so) lists its expression first: the
  // trigger names the metric it reads.
  const stat = ((detail.configuration?.metrics ?? []) as MetricStat[]).find((m) => m.metricStat)?.metricStat;
  return {
    AlarmName: detail.alarmName,
    AlarmDescription: notification.text,
    AWSAccountId: event.account,
    NewStateValue: detail.state.value,
    NewStateReason: `${notification.subject}. CloudWatch: ${detail.state.reason}`,
    StateChangeTime: new Date(alarmTime(detail.state.timestamp)).toISOString(),
    Region: event.region,
    AlarmArn: alarmArn(event),
    OldStateValue: detail.previousState.value,
    Trigger: stat && {
      MetricName: stat.metric?.name,
      Namespace: stat.metric?.namespace,
      StatisticType: 'Statistic',
      Statistic: stat.stat?.toUpperCase(),
      Dimensions: Object.entries(stat.metric?.dimensions ?? {}).map(([name, value]) => ({ name, value })),
      Period: stat.period,
    },
    dedupKey: notification.dedupKey,
    perfprobe: {
      kind: notification.kind,
      runId: notification.runId,
      runbook: notification.runbook,
      links: notification.links,
    },
  };
}

export function snsMessage(event: AlarmStateChangeEvent, notification: Notification): SnsMessage {
  const alarm = JSON.stringify(alarmShapedMessage(event, notification));
  const Message = JSON.stringify({
    default: alarm,
    email: notification.text,
    sms: notification.sms,
    https: alarm,
    sqs: alarm,
    lambda: alarm,
  });
  if (Buffer.byteLength(Message) > SNS_MESSAGE_MAX_BYTES) {
    throw new Error(
      `notification for ${event.detail.alarmName} is ${Buffer.byteLength(Message)} bytes, over SNS's ${SNS_MESSAGE_MAX_BYTES}`,
    );
  }
  return { Subject: notification.subject, Message, MessageStructure: 'json' };
}
