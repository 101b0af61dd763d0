import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { alarmConfiguredAt } from '../adapters/alarm-configured-at.ts';
import type { IncidentStore } from '../adapters/dynamo-incident-store.ts';
import type { QuorumStore } from '../adapters/dynamo-quorum-store.ts';
import type { RunStore } from '../adapters/dynamo-run-store.ts';
import type { SilenceStore } from '../adapters/dynamo-silence-store.ts';
import type { KillSwitchState } from '../adapters/kill-switch.ts';
import { publishNotification } from '../adapters/sns-publisher.ts';
import type { DeployedNames, DeployedSuite } from '../core/cloud/deployed-suite.ts';
import type { AlarmStateChangeEvent } from '../core/notify/alarm-event.ts';
import { heartbeatVerdict, type MissingRuns } from '../core/notify/heartbeat-due.ts';
import type { IncidentState } from '../core/notify/incident.ts';
import { maintenanceAt } from '../core/notify/maintenance.ts';
import type { TickContext } from '../core/notify/messages/notices.ts';
import { sloCheck } from '../core/notify/messages/slo-burn.ts';
import type { Notification } from '../core/notify/notification.ts';
import { RUNS_READ_MAX, runsWindowMs } from '../core/notify/runs-window.ts';
import { activeSilence, heldLine, type Silence } from '../core/notify/silence.ts';
import { snsMessage } from '../core/notify/sns-message.ts';
import type { ResolvedProbe } from '../core/plan.ts';
import type { RunResult } from '../core/run-result.ts';
import { DAY_MS } from '../core/slo/slo-spec.ts';
import { type SloStatus, sloStatus } from '../core/slo/slo-status.ts';

export interface NotifyDependencies {
  readonly store: RunStore;
  /** Each alarm's latest incident (one dedupKey per incident), listed by the tick. */
  readonly incidents: IncidentStore;
  /** Each multi-location alarm's state per location (see nextQuorum); absent: every alarm is its own incident. */
  readonly quorums?: QuorumStore | undefined;
  /** Silences set with `perfprobe silence`, and maintenance windows that held a page: pages held, measuring goes on. */
  readonly silences: SilenceStore;
  readonly sns: SNSClient;
  /** DescribeAlarms of a heartbeat alarm: when a deploy last (re)configured it. */
  readonly cloudWatch: CloudWatchClient;
  /** With several locations: the client of a location's region, where its alarms are. @default - cloudWatch */
  readonly cloudWatchAt?: ((region: string) => CloudWatchClient) | undefined;
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
  /** The alarm state change being handled (alarmChangeKey), written with every state it leads to. */
  readonly change?: string | undefined;
}

export interface ProbeRuns {
  readonly runs: RunResult[];
  readonly runsUnavailable: string | undefined;
  readonly windowMs: number;
  /** For an SLO burn alert: the SLO over its whole window, from every run stored in it. */
  readonly slo?: SloStatus | undefined;
}

/**
 * The probe's runs up to `toMs` (newest first); a table that cannot be read costs the figures, never the page.
 * For an SLO burn alert (`check` slo-*), also the SLO's whole window, the budget left being the page's point.
 */
export async function readRuns(
  scope: NotifyScope,
  probe: ResolvedProbe,
  toMs: number,
  check?: string,
  location?: string,
): Promise<ProbeRuns> {
  const all = await readAllRuns(scope, probe, toMs, check);
  // A location's own incident (cannot measure, no runs) is about that location's runs only.
  return location === undefined ? all : { ...all, runs: all.runs.filter((r) => r.location === location) };
}

async function readAllRuns(
  scope: NotifyScope,
  probe: ResolvedProbe,
  toMs: number,
  check?: string,
): Promise<ProbeRuns> {
  const windowMs = runsWindowMs(probe);
  let runsUnavailable: string | undefined;
  const unavailable = (error: unknown): RunResult[] => {
    runsUnavailable = String(error);
    scope.logger.error('runs not read', { error: runsUnavailable });
    return [];
  };
  const runs = await scope.deps.store
    .runsBetween(probe.environment, probe.id, new Date(toMs - windowMs), new Date(toMs), RUNS_READ_MAX)
    .catch(unavailable);
  if (probe.slo === undefined || check === undefined || sloCheck(check) === undefined || runsUnavailable) {
    return { runs, runsUnavailable, windowMs };
  }
  const from = new Date(toMs - probe.slo.windowDays * DAY_MS);
  const windowRuns = await scope.deps.store
    .runsBetween(probe.environment, probe.id, from, new Date(toMs), Number.POSITIVE_INFINITY)
    .catch(unavailable);
  const slo = runsUnavailable ? undefined : sloStatus(probe.id, probe.slo, windowRuns, new Date(toMs));
  return { runs, runsUnavailable, windowMs, slo };
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
  location?: string,
): Promise<{ readonly hold?: Hold; readonly missing?: MissingRuns }> {
  // Runs that could not be read are no reason to hold a page.
  if (runs.runsUnavailable !== undefined) return {};
  // A location's heartbeat alarm is in its own region.
  const cloudWatch =
    location === undefined
      ? scope.deps.cloudWatch
      : (scope.deps.cloudWatchAt?.(location) ?? scope.deps.cloudWatch);
  const deployedMs = await alarmConfiguredAt(cloudWatch, alarmName, (message, details) =>
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

/** The alarm's stored incident; one that cannot be read is none (the page goes out without its memory). */
export async function readIncident(
  scope: NotifyScope,
  alarmName: string,
  location?: string,
): Promise<IncidentState | undefined> {
  return scope.deps.incidents
    .read(scope.deployed.environment, alarmName, location)
    .catch((error: unknown) => {
      scope.logger.error('incident not read', { error: String(error) });
      return undefined;
    });
}

/**
 * EventBridge delivers at least once and Lambda's retries may overlap: a change the incident already took in
 * (its lastChange) is told nothing again.
 */
export function alreadyHandled(scope: NotifyScope, incident: IncidentState): NotifyOutcome {
  const why = `already handled: ${incident.lastChange} of ${incident.alarmName} (a repeated delivery)`;
  scope.logger.info('not notified', { alarm: incident.alarmName, why });
  return { notified: false, why, dedupKey: incident.dedupKey };
}

/**
 * Claims the page, publishes, and keeps the claim. The incident's new state is written first, over the revision
 * it was read at: of two deliveries racing to send one page, one claims it and the other gets
 * IncidentChangedError before any Publish. A refused Publish puts the state it was claimed over back (`from`:
 * the page unsent, for Lambda's retry or the tick) and throws, so the invocation is retried, then dead-lettered.
 */
export async function send(
  scope: NotifyScope,
  event: AlarmStateChangeEvent,
  notification: Notification,
  incident: { readonly from: IncidentState; readonly to: IncidentState } | undefined,
  topicArn = scope.deps.topicArn,
): Promise<NotifyOutcome> {
  const claimed = incident ? await remember(scope, incident.to) : undefined;
  let messageId: string | undefined;
  try {
    messageId = await publishNotification(scope.deps.sns, topicArn, snsMessage(event, notification));
  } catch (error) {
    if (incident && claimed) await undo(scope, incident.from, claimed);
    throw error;
  }
  scope.logger.info('notified', {
    alarm: event.detail.alarmName,
    kind: notification.kind,
    dedupKey: notification.dedupKey,
    subject: notification.subject,
    messageId,
  });
  return { notified: true, dedupKey: notification.dedupKey, subject: notification.subject, messageId };
}

/**
 * Another delivery (or the tick) wrote the incident after it was read: what this one decided may be stale or
 * already done, so it decides again from what is stored now.
 */
export class IncidentChangedError extends Error {
  constructor(readonly alarmName: string) {
    super(`incident of ${alarmName} changed since it was read`);
    this.name = 'IncidentChangedError';
  }
}

/**
 * Writes the incident over the revision it was read at, with the change being handled; the state as stored.
 * Throws IncidentChangedError when another writer got there first. A state the notifier cannot write costs the
 * flap detection, the reminders and the duplicate check, never the page (undefined).
 */
export async function remember(
  scope: NotifyScope,
  incident: IncidentState,
): Promise<IncidentState | undefined> {
  const state = scope.change === undefined ? incident : { ...incident, lastChange: scope.change };
  let stored: IncidentState | undefined;
  try {
    stored = await scope.deps.incidents.write(scope.deployed.environment, state);
  } catch (error) {
    scope.logger.error('incident not written', { error: String(error) });
    return undefined;
  }
  if (stored === undefined) throw new IncidentChangedError(incident.alarmName);
  return stored;
}

/** Puts back the state a refused page was claimed over; one that changed since is left as it is. */
async function undo(scope: NotifyScope, from: IncidentState, claimed: IncidentState): Promise<void> {
  await scope.deps.incidents
    .write(scope.deployed.environment, { ...from, revision: claimed.revision })
    .then((stored) => {
      if (stored === undefined)
        scope.logger.warn('claim not undone: changed since', { alarm: from.alarmName });
    })
    .catch((error: unknown) => scope.logger.error('claim not undone', { error: String(error) }));
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** What every message of this deployment is told besides its own facts: the change, the names and the links. */
export function messageContext(scope: NotifyScope, event: TickContext['event']): TickContext {
  return { event, names: scope.names, table: scope.deps.table, dashboard: scope.deps.dashboard };
}
