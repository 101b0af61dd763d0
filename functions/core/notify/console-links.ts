/** Console deep links, built from the region and the deployed names (no API call, no account lookup). */
export interface ConsoleLinks {
  /** Absent when the stack has no dashboard. */
  readonly dashboard: string | undefined;
  readonly alarm: string;
  /** The runs table filtered to this probe's partition, newest first. */
  readonly runs: string | undefined;
}

function consoleHome(region: string, service: string): string {
  return `https://${region}.console.aws.amazon.com/${service}/home?region=${region}`;
}

export function consoleLinks(input: {
  readonly region: string;
  readonly dashboard: string | undefined;
  readonly alarmName: string;
  readonly table?: string | undefined;
  readonly partitionKey?: string | undefined;
}): ConsoleLinks {
  const cloudwatch = consoleHome(input.region, 'cloudwatch');
  const runs =
    input.table === undefined || input.partitionKey === undefined
      ? undefined
      : `${consoleHome(input.region, 'dynamodbv2')}#item-explorer?table=${encodeURIComponent(input.table)}&maximize=true&operation=QUERY&pk=${encodeURIComponent(input.partitionKey)}&sort=descending`;
  return {
    dashboard:
      input.dashboard === undefined
        ? undefined
        : `${cloudwatch}#dashboards/dashboard/${encodeURIComponent(input.dashboard)}`,
    alarm: `${cloudwatch}#alarmsV2:alarm/${encodeURIComponent(input.alarmName)}`,
    runs,
  };
}
