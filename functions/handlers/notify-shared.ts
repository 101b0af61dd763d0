import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { alarmConfiguredAt } from '../adapters/alarm-configured-at.ts';
import type { IncidentStore } from '../adapters/dynamo-incident-store.ts';
import type { RunStore } from '../adapters/dynamo-run-store.ts';
import type { SilenceStore } from '../adapters/dynamo-silence-store.ts';
import type { KillSwitchState } from '../adapters/kill-switch.ts';
import { publishNotification } from '../adapters/sns-publisher.ts';
import type { DeployedNames, DeployedSuite } from '../core/cloud/deployed-suite.ts';
import type { AlarmStateChangeEvent } from '../core/notify/alarm-event.ts';
import { heartbeatVerdict, type MissingRuns } from '../core/notify/heartbeat-due.ts';
import type { IncidentState } from '../core/notify/incident.ts';
import { maintenanceAt } from '../core/notify/maintenance.ts';
import type { Notification } from '../core/notify/notification.ts';
import { RUNS_READ_MAX, runsWindowMs } from '../core/notify/runs-window.ts';
import { activeSilence, heldLine, type Silence } from '../core/notify/silence.ts';
import { snsMessage } from '../core/notify/sns-message.ts';
import type { ResolvedProbe } from '../core/plan.ts';
import type { RunResult } from '../core/run-result.ts';

export interface NotifyDependencies {
  readonly store: RunStore;
  /** Each alarm's latest incident (one dedupKey per incident), listed by the tick. */
  readonly incidents: IncidentStore;
  /** Silences set with `perfprobe silence`, and maintenance windows that held a page: pages held, measuring goes on. */
  readonly silences: SilenceStore;
  readonly sns: SNSClient;
  /** DescribeAlarms of a heartbeat alarm: when a deploy last (re)configured it. */
  readonly cloudWatch: CloudWatchClient;
  /** ReceiveMessage of the schedules' dead-letter queue (a peek: nothing is taken off it). */
  readonly sqs?: SQSClient | undefined;
  /** The schedules' dead-letter queue's URL: its alarm's page says what the messages in it say. */
  readonly scheduleDeadLetters?: string | undefined;
  /** The environment's kill switch, for the tick's reminder while it is on. */
  readonly killSwitch: () => Promise<KillSwitchState>;
  readonly killSwitchParameter: string | undefined;
  readonly topicArn: string;
  /** The topic of warn-level notices (`notify.warn`), when the suite has subscribers for it. */
  readonly warnTopicArn?: string | undefined;
  /** The runs table's name, for the console link. */
  readonly table: string;
  /** False when the stack has no dashboard: the messages link to none. @default true */
  readonly dashboard?: boolean | undefined;
}

export interface NotifyOutcome {
  readonly notified: boolean;
  readonly why?: string;
  readonly dedupKey?: string;
  readonly subject?: string;
  readonly messageId?: string | undefined;
}

/** One invocation's view: the deployment, its names, the dependencies, where it runs. */
export interface NotifyScope {
  readonly deployed: DeployedSuite;
  readonly names: DeployedNames;
  readonly deps: NotifyDependencies;
  readonly logger: Logger;
  readonly region: string;
  readonly account: string;
}

export interface ProbeRuns {
  readonly runs: RunResult[];
  readonly runsUnavailable: string | undefined;
  readonly windowMs: number;
}

/** The probe's runs up to `toMs` (newest first); a table that cannot be read costs the figures, never the page. */
export async function readRuns(scope: NotifyScope, probe: ResolvedProbe, toMs: number): Promise<ProbeRuns> {
  const windowMs = runsWindowMs(probe);
  let runsUnavailable: string | undefined;
  const runs = await scope.deps.store
    .runsBetween(probe.environment, probe.id, new Date(toMs - windowMs), new Date(toMs), RUNS_READ_MAX)
    .catch((error: unknown) => {
      runsUnavailable = String(error);
      scope.logger.error('runs not read', { error: runsUnavailable });
      return [];
    });
  return { runs, runsUnavailable, windowMs };
}

export interface Hold {
  readonly why: string;
  /** The silence (or maintenance window, as a silence item) that records the held page for its summary. */
  readonly silence?: Silence | undefined;
}

/** A silence or maintenance window holding pages about `probe` at `atMs`; one that cannot be read holds nothing. */
export async function silenceHold(
  scope: NotifyScope,
  probeId: string | undefined,
  atMs: number,
): Promise<Hold | undefined> {
  const { deployed, deps, logger } = scope;
  const silence = await deps.silences
    .list(deployed.environment)
    // A maintenance window's item records its held pages; whether one is on is the suite's cron's to say.
    .then((all) =>
      activeSilence(
        all.filter((s) => s.kind !== 'maintenance'),
        probeId,
        atMs,
      ),
    )
    .catch((error: unknown) => {
      logger.error('silences not read', { error: String(error) });
      return undefined;
    });
  if (silence) {
    return {
      why: `silenced until ${silence.endsAt} (silence ${silence.id}: ${silence.reason})`,
      silence,
    };
  }
  const maintenance = maintenanceAt(deployed.maintenance ?? [], atMs);
  if (!maintenance) return undefined;
  const startsAt = new Date(Date.parse(maintenance.endsAt) - maintenance.window.durationMs).toISOString();
  const window: Silence = {
    id: `${startsAt}#maintenance`,
    kind: 'maintenance',
    environment: deployed.environment,
    reason: `maintenance window ${maintenance.window.cron} (${maintenance.window.timezone})`,
    startsAt,
    endsAt: maintenance.endsAt,
  };
  return {
    why: `in the maintenance window ${maintenance.window.cron} (${maintenance.window.timezone}) until ${maintenance.endsAt} (${window.id})`,
    silence: window,
  };
}

/**
 * A heartbeat page only for runs that were due and are missing, and not before the first runs after a deploy
 * (the heartbeat alarm's configuration time) were due.
 */
export async function heartbeatHold(
  scope: NotifyScope,
  probe: ResolvedProbe,
  alarmName: string,
  nowMs: number,
  runs: ProbeRuns,
): Promise<{ readonly hold?: Hold; readonly missing?: MissingRuns }> {
  // Runs that could not be read are no reason to hold a page.
  if (runs.runsUnavailable !== undefined) return {};
  const deployedMs = await alarmConfiguredAt(scope.deps.cloudWatch, alarmName, (message, details) =>
    scope.logger.warn(message, details),
  );
  const last = runs.runs[0];
  const verdict = heartbeatVerdict({
    probe,
    nowMs,
    lastRunMs: last ? Date.parse(last.startedAt) : undefined,
    deployedMs,
    windowStartMs: nowMs - runs.windowMs,
  });
  return verdict.page ? { missing: verdict.missing } : { hold: { why: verdict.why } };
}

/** Remembers a held page: on the incident (the tick re-checks it) and on its silence (for the summary). */
export async function hold(
  scope: NotifyScope,
  incident: IncidentState,
  held: Hold,
  notification: Notification,
  atMs: number,
): Promise<NotifyOutcome> {
  await remember(scope, { ...incident, heldBy: held.why });
  if (held.silence) {
    await scope.deps.silences
      .recordHeld(held.silence, heldLine(atMs, notification.subject))
      .catch((error: unknown) => scope.logger.error('held page not recorded', { error: String(error) }));
  }
  const why = `${held.why}: ${notification.subject}`;
  scope.logger.info('not notified', { alarm: incident.alarmName, why, dedupKey: notification.dedupKey });
  return { notified: false, why, dedupKey: notification.dedupKey, subject: notification.subject };
}

/** Publishes (a refusal throws: the invocation is retried, then dead-lettered), then remembers the incident. */
export async function send(
  scope: NotifyScope,
  event: AlarmStateChangeEvent,
  notification: Notification,
  incident: IncidentState | undefined,
  topicArn = scope.deps.topicArn,
): Promise<NotifyOutcome> {
  const messageId = await publishNotification(scope.deps.sns, topicArn, snsMessage(event, notification));
  if (incident) await remember(scope, incident);
  scope.logger.info('notified', {
    alarm: event.detail.alarmName,
    kind: notification.kind,
    dedupKey: notification.dedupKey,
    subject: notification.subject,
    messageId,
  });
  return { notified: true, dedupKey: notification.dedupKey, subject: notification.subject, messageId };
}

/** A state the notifier cannot write costs the flap detection and the reminders, never the page. */
export async function remember(scope: NotifyScope, incident: IncidentState): Promise<void> {
  await scope.deps.incidents.write(scope.deployed.environment, incident).catch((error: unknown) => {
    scope.logger.error('incident not written', { error: String(error) });
  });
}

export const iso = (ms: number) => new Date(ms).toISOString();
