import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { MachineryAlarm } from '../core/notify/machinery-cause.ts';

/**
 * The metric alarms named `prefix…`, each with its state and since when (DescribeAlarms, every page). None when
 * they cannot be read: a page is then sent rather than held for a cause nobody could confirm.
 */
export async function machineryAlarms(
  cloudWatch: CloudWatchClient,
  prefix: string,
  log: (message: string, details: Record<string, unknown>) => void,
): Promise<MachineryAlarm[]> {
  const alarms: MachineryAlarm[] = [];
  try {
    let NextToken: string | undefined;
    do {
      const out = await cloudWatch.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: prefix,
          AlarmTypes: ['MetricAlarm'],
          ...(NextToken === undefined ? {} : { NextToken }),
        }),
      );
      for (const alarm of out.MetricAlarms ?? []) {
        if (alarm.AlarmName === undefined || alarm.StateUpdatedTimestamp === undefined) continue;
        alarms.push({
          name: alarm.AlarmName,
          state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
          sinceMs: new Date(alarm.StateUpdatedTimestamp).getTime(),
        });
      }
      NextToken = out.NextToken;
    } while (NextToken !== undefined);
    return alarms;
  } catch (error) {
    log('firing alarms not read: no hold for a machinery cause', { prefix, error: String(error) });
    return [];
  }
}
