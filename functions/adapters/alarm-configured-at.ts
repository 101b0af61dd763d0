import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';

/**
 * When a deploy last created or changed an alarm: CloudWatch's AlarmConfigurationUpdatedTimestamp (DescribeAlarms
 * of that one alarm). The heartbeat alarm's is when its evaluation restarted, so the notifier counts due runs
 * from it. Undefined when it cannot be read: the page then goes out rather than being held for a deploy.
 */
export async function alarmConfiguredAt(
  cloudWatch: CloudWatchClient,
  alarmName: string,
  log: (message: string, details: Record<string, unknown>) => void,
): Promise<number | undefined> {
  try {
    const out = await cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm'] }),
    );
    const at = out.MetricAlarms?.[0]?.AlarmConfigurationUpdatedTimestamp;
    return at === undefined ? undefined : new Date(at).getTime();
  } catch (error) {
    log('alarm configuration not read: no hold for a deploy', { alarmName, error: String(error) });
    return undefined;
  }
}
