import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { createIncidentStore, type IncidentStore } from '../adapters/dynamo-incident-store.ts';
import { createRunStore, type RunStore } from '../adapters/dynamo-run-store.ts';
import { createSilenceStore, type SilenceStore } from '../adapters/dynamo-silence-store.ts';
import { publishNotification } from '../adapters/sns-publisher.ts';
import { type DeployedSuite, deployedNames } from '../core/cloud/deployed-suite.ts';
import { alarmTime, readAlarmEvent } from '../core/notify/alarm-event.ts';
import { alarmSubject } from '../core/notify/alarm-subject.ts';
import { type IncidentStep, nextIncident, recoverWindowMs } from '../core/notify/incident.ts';
import { maintenanceAt } from '../core/notify/maintenance.ts';
import { renderNotification } from '../core/notify/notification.ts';
import { RUNS_READ_MAX, runsWindowMs } from '../core/notify/runs-window.ts';
import { activeSilence } from '../core/notify/silence.ts';
import { snsMessage } from '../core/notify/sns-message.ts';
import type { RunResult } from '../core/run-result.ts';
import { bundledSuite } from './bundled-suite.ts';
import { requiredEnv } from './environment.ts';
import { logger as defaultLogger } from './logger.ts';

export interface NotifyDependencies {
  readonly store: RunStore;
  /** Each alarm's latest incident, for flapping (one dedupKey per incident). */
  readonly incidents: IncidentStore;
  /** Silences set with `perfprobe silence`: pages held, measuring goes on. */
  readonly silences: SilenceStore;
  readonly sns: SNSClient;
  readonly topicArn: string;
  /** The runs table's name, for the console link. */
  readonly table: string;
}

export interface NotifyOutcome {
  readonly notified: boolean;
  readonly why?: string;
  readonly dedupKey?: string;
  readonly subject?: string;
  readonly messageId?: string | undefined;
}

/**
 * An alarm state change (EventBridge) → the probe's stored runs → one page on the topic. A table that cannot
 * be read still pages, with CloudWatch's reason; a Publish that fails throws, so Lambda retries the event and
 * then leaves it in the dead-letter queue (whose alarm, like this function's errors alarm, goes to the topic
 * directly).
 */
export function createNotifyHandler(
  suite: () => DeployedSuite,
  dependencies: () => NotifyDependencies,
  options: { readonly logger?: Logger } = {},
) {
  const { logger = defaultLogger } = options;
  return middy(async (raw: unknown): Promise<NotifyOutcome> => {
    const event = readAlarmEvent(raw);
    const deployed = suite();
    const names = deployedNames(deployed.suite, deployed.environment);
    const subject = alarmSubject(names, event.detail.alarmName);
    if (subject === undefined) {
      const why = `${event.detail.alarmName} is not an alarm of ${names.alarmPrefix}*`;
      logger.warn('not notified', { why });
      return { notified: false, why };
    }
    const { store, incidents, silences, sns, topicArn, table } = dependencies();
    const probe = subject.kind === 'probe' ? deployed.probes[subject.probeId] : undefined;
    let runs: RunResult[] = [];
    let runsUnavailable: string | undefined;
    const windowMs = probe && runsWindowMs(probe);
    if (probe && windowMs) {
      // A minute past the change: a run stored just before the alarm fired is the one it is about.
      const to = new Date(alarmTime(event.detail.state.timestamp) + 60_000);
      runs = await store
        .runsBetween(probe.environment, probe.id, new Date(to.getTime() - windowMs), to, RUNS_READ_MAX)
        .catch((error: unknown) => {
          runsUnavailable = String(error);
          logger.error('runs not read', { error: runsUnavailable });
          return [];
        });
    }
    // A state the notifier cannot read or write costs the flap detection, never the page.
    const alarmName = event.detail.alarmName;
    const previous = await incidents.read(alarmName).catch((error: unknown) => {
      logger.error('incident not read', { error: String(error) });
      return undefined;
    });
    const incident: IncidentStep = nextIncident(previous, event, probe ? recoverWindowMs(probe) : 0);
    const decision = renderNotification({
      incident,
      event,
      names,
      subject,
      probe,
      runs,
      runsUnavailable,
      windowMs,
      table,
    });
    if (!decision.notify) {
      logger.info('not notified', { alarm: event.detail.alarmName, why: decision.why });
      return { notified: false, why: decision.why };
    }
    const { notification } = decision;
    // A silence holds the page, not the incident's bookkeeping; a silence that cannot be read holds nothing.
    const silence = await silences
      .list(deployed.environment)
      .then((all) => activeSilence(all, probe?.id, alarmTime(event.detail.state.timestamp)))
      .catch((error: unknown) => {
        logger.error('silences not read', { error: String(error) });
        return undefined;
      });
    const at = alarmTime(event.detail.state.timestamp);
    const maintenance = maintenanceAt(deployed.maintenance ?? [], at);
    const held = silence
      ? `silenced until ${silence.endsAt} (silence ${silence.id}: ${silence.reason})`
      : maintenance
        ? `in the maintenance window ${maintenance.window.cron} (${maintenance.window.timezone}) until ${maintenance.endsAt}`
        : undefined;
    if (held) {
      await incidents.write(incident.next).catch((error: unknown) => {
        logger.error('incident not written', { error: String(error) });
      });
      const why = `${held}: ${notification.subject}`;
      logger.info('not notified', { alarm: alarmName, why, dedupKey: notification.dedupKey });
      return { notified: false, why, dedupKey: notification.dedupKey, subject: notification.subject };
    }
    const messageId = await publishNotification(sns, topicArn, snsMessage(event, notification));
    await incidents.write(incident.next).catch((error: unknown) => {
      logger.error('incident not written', { error: String(error) });
    });
    logger.info('notified', {
      alarm: event.detail.alarmName,
      kind: notification.kind,
      dedupKey: notification.dedupKey,
      subject: notification.subject,
      messageId,
    });
    return { notified: true, dedupKey: notification.dedupKey, subject: notification.subject, messageId };
  }).use(injectLambdaContext(logger, { resetKeys: true }));
}

let dependencies: NotifyDependencies | undefined;

export const handler = createNotifyHandler(bundledSuite, () => {
  if (dependencies === undefined) {
    const table = requiredEnv('RUNS_TABLE');
    const dynamo = new DynamoDBClient({});
    dependencies = {
      store: createRunStore(dynamo, table, bundledSuite().retentionDays),
      incidents: createIncidentStore(dynamo, table),
      silences: createSilenceStore(dynamo, table),
      sns: new SNSClient({}),
      topicArn: requiredEnv('ALARM_TOPIC'),
      table,
    };
  }
  return dependencies;
});
