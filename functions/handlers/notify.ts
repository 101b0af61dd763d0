import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { createIncidentStore } from '../adapters/dynamo-incident-store.ts';
import { createQuorumStore } from '../adapters/dynamo-quorum-store.ts';
import { createRunStore } from '../adapters/dynamo-run-store.ts';
import { createSilenceStore } from '../adapters/dynamo-silence-store.ts';
import { killSwitchState } from '../adapters/kill-switch.ts';
import { type DeployedSuite, deployedNames } from '../core/cloud/deployed-suite.ts';
import { locationsStore, runsTablesSetting } from '../core/location-runs.ts';
import { readAlarmEvent } from '../core/notify/alarm-event.ts';
import { isTickEvent, readTickEvent } from '../core/notify/tick-event.ts';
import { bundledSuite } from './bundled-suite.ts';
import { requiredEnv } from './environment.ts';
import { logger as defaultLogger } from './logger.ts';
import { onAlarm } from './notify-alarm.ts';
import type { NotifyDependencies, NotifyOutcome } from './notify-shared.ts';
import { onTick, type TickOutcome } from './notify-tick.ts';

export type { NotifyDependencies, NotifyOutcome } from './notify-shared.ts';

/**
 * One function, two events. An alarm state change (the rule on this stack's probe alarms) → the probe's stored
 * runs → one page, or a held one. The notifier's schedule (every 5 minutes) → the tick: held recoveries and
 * pages, reminders, silence summaries, the kill switch. A table that cannot be read still pages, with
 * CloudWatch's reason; a Publish that fails throws, so Lambda retries the event and then leaves it in the
 * dead-letter queue (whose alarm, like this function's errors alarm, goes to the topic directly).
 */
export function createNotifyHandler(
  suite: () => DeployedSuite,
  dependencies: () => NotifyDependencies,
  options: { readonly logger?: Logger } = {},
) {
  const { logger = defaultLogger } = options;
  return middy(async (raw: unknown): Promise<NotifyOutcome | TickOutcome> => {
    const tick = isTickEvent(raw) ? readTickEvent(raw) : undefined;
    const event = tick ? undefined : readAlarmEvent(raw);
    const deployed = suite();
    const where = (tick ?? event)!;
    const scope = {
      deployed,
      names: deployedNames(deployed.suite, deployed.environment),
      // On first use: an alarm of another stack is refused before any client or variable is needed.
      get deps() {
        return dependencies();
      },
      logger,
      region: where.region,
      account: where.account,
    };
    return tick ? onTick(scope, tick) : onAlarm(scope, event!);
  }).use(injectLambdaContext(logger, { resetKeys: true }));
}

let dependencies: NotifyDependencies | undefined;

export const handler = createNotifyHandler(bundledSuite, () => {
  if (dependencies === undefined) {
    const table = requiredEnv('RUNS_TABLE');
    const dynamo = new DynamoDBClient({});
    const killSwitchParameter = process.env.KILL_SWITCH_PARAMETER;
    const { retentionDays, suite } = bundledSuite();
    // Several locations: each location's runs are in its own region's table, read from here.
    const tables = runsTablesSetting(process.env.PERFPROBE_RUNS_TABLES);
    const cloudWatches = new Map<string, CloudWatchClient>();
    dependencies = {
      store: tables
        ? locationsStore(
            Object.fromEntries(
              Object.entries(tables).map(([region, name]) => [
                region,
                createRunStore(new DynamoDBClient({ region }), name, retentionDays, suite),
              ]),
            ),
          )
        : createRunStore(dynamo, table, retentionDays, suite),
      cloudWatchAt: tables
        ? (region) => {
            if (!cloudWatches.has(region)) cloudWatches.set(region, new CloudWatchClient({ region }));
            return cloudWatches.get(region)!;
          }
        : undefined,
      incidents: createIncidentStore(dynamo, table),
      quorums: createQuorumStore(dynamo, table),
      silences: createSilenceStore(dynamo, table),
      sns: new SNSClient({}),
      cloudWatch: new CloudWatchClient({}),
      sqs: new SQSClient({}),
      scheduleDeadLetters: process.env.SCHEDULE_DEAD_LETTERS || undefined,
      killSwitch: () =>
        killSwitchState(killSwitchParameter, (message, details) => defaultLogger.error(message, details)),
      killSwitchParameter,
      topicArn: requiredEnv('ALARM_TOPIC'),
      warnTopicArn: process.env.WARN_TOPIC || undefined,
      table,
      // The stack sets DASHBOARD to the dashboard's name, or to "" without one.
      dashboard: process.env.DASHBOARD !== '',
    };
  }
  return dependencies;
});
