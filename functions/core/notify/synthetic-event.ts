import type { AlarmStateChangeEvent, AlarmStateValue } from './alarm-event.ts';

/** CloudWatch's own timestamp format ("+0000"), as alarm events carry it. */
export function cloudWatchTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/**
 * An alarm state change the notifier tells about later than CloudWatch did (a reminder, a held recovery, a page
 * held by a silence): the same shape, so every message goes through one renderer and one SNS shape.
 */
export function laterAlarmEvent(input: {
  readonly region: string;
  readonly account: string;
  readonly alarmName: string;
  readonly from: { readonly value: AlarmStateValue; readonly atMs: number };
  readonly to: { readonly value: AlarmStateValue; readonly atMs: number; readonly reason: string };
}): AlarmStateChangeEvent {
  const { region, account, alarmName, from, to } = input;
  return {
    version: '0',
    id: `perfprobe-${alarmName}-${to.atMs}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account,
    time: new Date(to.atMs).toISOString(),
    region,
    resources: [`arn:aws:cloudwatch:${region}:${account}:alarm:${alarmName}`],
    detail: {
      alarmName,
      previousState: { value: from.value, reason: '', timestamp: cloudWatchTime(from.atMs) },
      state: { value: to.value, reason: to.reason, timestamp: cloudWatchTime(to.atMs) },
    },
  };
}
