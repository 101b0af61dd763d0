import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { FiringAlarm } from '../core/notify/machinery-cause.ts';

/**
 * The metric alarms named `prefix…` now in ALARM, with when they went there (DescribeAlarms, every page). None
 * when they cannot be read: a page is then sent rather than held for a cause nobody could confirm.
 */
export async function firingAlarms(
  cloudWatch: CloudWatchClient,
  prefix: string,
  log: (message: string, details: Record<string, unknown>) => void,
): Promise<FiringAlarm[]> {
  const firing: FiringAlarm[] = [];
  try {
    let NextToken: string | undefined;
    do {
      const out = await cloudWatch.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: prefix,
          StateValue: 'ALARM',
          AlarmTypes: ['MetricAlarm'],
          ...(NextToken === undefined ? {} : { NextToken }),
        }),
      );
      for (const alarm of out.MetricAlarms ?? []) {
        if (alarm.AlarmName === undefined || alarm.StateUpdatedTimestamp === undefined) continue;
        firing.push({ name: alarm.AlarmName, sinceMs: new Date(alarm.StateUpdatedTimestamp).getTime() });
      }
      NextToken = out.NextToken;
    } while (NextToken !== undefined);
    return firing;
  } catch (error) {
    log('firing alarms not read: no hold for a machinery cause', { prefix, error: String(error) });
    return [];
  }
}
