import type { ProbeAlarmKind } from '../core/cloud/deployed-suite.ts';
import { type AlarmStateChangeEvent, alarmTime } from '../core/notify/alarm-event.ts';
import { type AlarmSubject, alarmSubject } from '../core/notify/alarm-subject.ts';
import { formatInstant } from '../core/notify/figures.ts';
import type { MissingRuns } from '../core/notify/heartbeat-due.ts';
import { alarmChangeKey, type IncidentState, nextIncident } from '../core/notify/incident.ts';
import type { QuorumView } from '../core/notify/notification.ts';
import { recoveryProgress } from '../core/notify/recovery.ts';
import { renderNotification } from '../core/notify/render-notification.ts';
import { SCHEDULE_DEAD_LETTERS } from '../core/notify/schedule-dead-letters.ts';
import { laterAlarmEvent } from '../core/notify/synthetic-event.ts';
import type { ResolvedProbe } from '../core/plan.ts';
import { machineryHold } from './machinery-hold.ts';
import { onScheduleDeadLetters } from './notify-dead-letters.ts';
import { isQuorumCheck, onQuorumAlarm } from './notify-quorum.ts';
import {
  alreadyHandled,
  heartbeatHold,
  hold,
  IncidentChangedError,
  iso,
  messageContext,
  type NotifyOutcome,
  type NotifyScope,
  type ProbeRuns,
  readIncident,
  readRuns,
  remember,
  send,
  silenceHold,
} from './notify-shared.ts';

/**
 * An alarm state change → the probe's stored runs → one page, or a held one. An ALARM opens (or continues) the
 * incident; an OK holds the recovery until alert.recoverAfter runs passed (tryRecovery, here or on the tick).
 */
export async function onAlarm(scope: NotifyScope, event: AlarmStateChangeEvent): Promise<NotifyOutcome> {
  const { deployed, names, logger } = scope;
  const alarmName = event.detail.alarmName;
  const subject = alarmSubject(names, alarmName);
  if (subject === undefined) {
    const why = `${alarmName} is not an alarm of ${names.alarmPrefix}*`;
    logger.warn('not notified', { why });
    return { notified: false, why };
  }
  if (subject.kind === 'system' && subject.what === SCHEDULE_DEAD_LETTERS) {
    return onScheduleDeadLetters(scope, event);
  }
  const probe = subject.kind === 'probe' ? deployed.probes[subject.probeId] : undefined;
  const atMs = alarmTime(event.detail.state.timestamp);
  const located = subject.kind === 'probe' ? probe?.located : undefined;
  const several = located !== undefined && located.locations.length > 1;
  const quorum =
    several && subject.kind === 'probe' && isQuorumCheck(subject.check) && scope.deps.quorums !== undefined;
  // Cannot measure, no runs, certificates, SLO burns: each location's own incident, its texts naming it.
  const location = several && !quorum ? event.region : undefined;
  // A minute past the change: a run stored just before the alarm fired is the one it is about.
  const runs: ProbeRuns = probe
    ? await readRuns(
        scope,
        probe,
        atMs + 60_000,
        subject.kind === 'probe' ? subject.check : undefined,
        location,
      )
    : { runs: [], runsUnavailable: undefined, windowMs: 0 };
  if (quorum && probe && subject.kind === 'probe' && scope.deps.quorums) {
    return onQuorumAlarm({ ...scope, quorums: scope.deps.quorums }, event, probe, subject, runs);
  }
  const handling: Handling = {
    ...scope,
    change: alarmChangeKey(event),
    subject,
    probe,
    runs,
    atMs,
    location,
  };
  return withRetries(handling, event);
}

/** One transition, decided again from what is stored whenever another delivery changed the incident first. */
export async function withRetries(handling: Handling, event: AlarmStateChangeEvent): Promise<NotifyOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transition(handling, event);
    } catch (error) {
      // Lost the race for the incident's item: decide again from what the other delivery stored.
      if (!(error instanceof IncidentChangedError) || attempt === TRANSITION_ATTEMPTS) throw error;
      handling.logger.info('incident changed meanwhile: deciding again', {
        alarm: event.detail.alarmName,
        attempt,
      });
    }
  }
}

/**
 * Tries of one alarm change against an incident others keep changing. A repeated delivery needs two (its second
 * sees the change handled); only changes of several events racing need more. Past this, the invocation fails
 * and Lambda retries it later.
 */
const TRANSITION_ATTEMPTS = 5;

export interface Handling extends NotifyScope {
  readonly change: string;
  readonly subject: AlarmSubject;
  readonly probe: ResolvedProbe | undefined;
  readonly runs: ProbeRuns;
  readonly atMs: number;
  /** The location whose own incident this is (see IncidentState.location); absent: the alarm's one. */
  readonly location?: string | undefined;
  /** For a change the location quorum made (see onQuorumAlarm): the locations, for the page's words. */
  readonly quorum?: QuorumView | undefined;
}

/** The alarm's incident as stored now → its next state, written over it, and the page, or why not. */
async function transition(scope: Handling, event: AlarmStateChangeEvent): Promise<NotifyOutcome> {
  const { logger, subject, probe, runs, atMs } = scope;
  const deps = scope.deps;
  const alarmName = event.detail.alarmName;
  const previous = await readIncident(scope, alarmName, scope.location);
  if (previous?.lastChange === scope.change) return alreadyHandled(scope, previous);
  const step = nextIncident(previous, event, scope.location);
  // Whatever the step made of it, its state replaces the item as it was read.
  const incident = { ...step, next: { ...step.next, revision: previous?.revision } };
  const render = (missing?: MissingRuns) =>
    renderNotification({
      incident,
      ...messageContext(scope, event),
      subject,
      probe,
      ...runs,
      missing,
      quorum: scope.quorum,
      location: scope.location,
    });
  const decision = render();
  if (!decision.notify) {
    logger.info('not notified', { alarm: alarmName, why: decision.why });
    return { notified: false, why: decision.why };
  }
  if (probe === undefined || subject.kind !== 'probe') {
    // Not a probe of this deployment (a deleted one): told as it comes, nothing to count runs of.
    return send(scope, event, decision.notification, { from: incident.next, to: incident.next });
  }
  if (event.detail.state.value === 'OK') {
    if (incident.next.notifiedAt === undefined) {
      // Its page was held all along: on-call never heard of it, so no recovery either (a summary may say it).
      await remember(scope, { ...incident.next, recoveredAt: iso(atMs) });
      const why = `closed without a page: it was held (${incident.next.heldBy ?? 'held'})`;
      logger.info('not notified', { alarm: alarmName, why });
      return { notified: false, why, dedupKey: incident.dedupKey };
    }
    return tryRecovery(scope, probe, subject.check, incident.next, runs, atMs, scope.quorum);
  }
  if (incident.alreadyTold) {
    await remember(scope, incident.next);
    const why = `on-call already knows: incident ${incident.dedupKey} continues${incident.flapping ? ` (flap ${incident.next.flaps}, counted)` : ''}`;
    logger.info('not notified', { alarm: alarmName, why });
    return { notified: false, why, dedupKey: incident.dedupKey };
  }
  let notification = decision.notification;
  let held =
    (await silenceHold(scope, probe.id, atMs)) ??
    (await machineryHold(scope, subject.check, runs, scope.location));
  if (!held && subject.check === 'heartbeat') {
    const heartbeat = await heartbeatHold(scope, probe, alarmName, atMs, runs, scope.location);
    held = heartbeat.hold;
    if (heartbeat.missing) {
      const again = render(heartbeat.missing);
      if (again.notify) notification = again.notification;
    }
  }
  if (held) return hold(scope, incident.next, held, notification, atMs);
  // An SLO notice (a 1× burn over three days) is no page: to the warn-level topic, when it has subscribers.
  const topic = notification.kind === 'slo-notice' ? deps.warnTopicArn : undefined;
  return send(
    scope,
    event,
    notification,
    { from: incident.next, to: { ...incident.next, notifiedAt: iso(atMs), heldBy: undefined } },
    topic,
  );
}

/**
 * RECOVERED once alert.recoverAfter runs passed since CloudWatch's OK (at the OK itself, or on a later tick);
 * until then the incident stays open and an ALARM continues it.
 */
export async function tryRecovery(
  scope: NotifyScope,
  probe: ResolvedProbe,
  check: ProbeAlarmKind,
  incident: IncidentState,
  runs: ProbeRuns,
  nowMs: number,
  quorum?: QuorumView,
): Promise<NotifyOutcome> {
  const okAt = incident.okAt!;
  const progress = recoveryProgress(probe, check, runs.runs, Date.parse(okAt));
  if (!progress.done) {
    await remember(scope, incident);
    const why = `recovery held: ${progress.passing} of ${progress.needed} passing runs since OK at ${formatInstant(Date.parse(okAt))} (alert.recoverAfter)`;
    scope.logger.info('not notified', { alarm: incident.alarmName, why });
    return { notified: false, why, dedupKey: incident.dedupKey };
  }
  const event = laterAlarmEvent({
    region: incident.location ?? scope.region,
    account: scope.account,
    alarmName: incident.alarmName,
    from: { value: 'ALARM', atMs: Date.parse(incident.openedAt) },
    to: {
      value: 'OK',
      atMs: nowMs,
      reason: `OK since ${okAt}, then ${progress.passing} passing runs (alert.recoverAfter ${progress.needed})`,
    },
  });
  const decision = renderNotification({
    incident: { dedupKey: incident.dedupKey, flapping: false, alreadyTold: false, next: incident },
    ...messageContext(scope, event),
    subject: { kind: 'probe', probeId: probe.id, check },
    probe,
    ...runs,
    recovery: { okAt, passing: progress.passing },
    quorum,
    location: incident.location,
  });
  const closed = { ...incident, recoveredAt: iso(nowMs), heldBy: undefined };
  if (!decision.notify) {
    await remember(scope, closed);
    return { notified: false, why: decision.why };
  }
  const held = await silenceHold(scope, probe.id, nowMs);
  if (held) return hold(scope, closed, held, decision.notification, nowMs);
  return send(scope, event, decision.notification, {
    from: incident,
    to: { ...closed, notifiedAt: iso(nowMs) },
  });
}
