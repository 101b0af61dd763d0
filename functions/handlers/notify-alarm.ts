import type { ProbeAlarmKind } from '../core/cloud/deployed-suite.ts';
import { type AlarmStateChangeEvent, alarmTime } from '../core/notify/alarm-event.ts';
import { alarmSubject } from '../core/notify/alarm-subject.ts';
import { formatInstant } from '../core/notify/figures.ts';
import type { MissingRuns } from '../core/notify/heartbeat-due.ts';
import { type IncidentState, nextIncident } from '../core/notify/incident.ts';
import { recoveryProgress } from '../core/notify/recovery.ts';
import { renderNotification } from '../core/notify/render-notification.ts';
import { SCHEDULE_DEAD_LETTERS } from '../core/notify/schedule-dead-letters.ts';
import { laterAlarmEvent } from '../core/notify/synthetic-event.ts';
import type { ResolvedProbe } from '../core/plan.ts';
import { onScheduleDeadLetters } from './notify-dead-letters.ts';
import {
  heartbeatHold,
  hold,
  iso,
  type NotifyOutcome,
  type NotifyScope,
  type ProbeRuns,
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
  const deps = scope.deps;
  const probe = subject.kind === 'probe' ? deployed.probes[subject.probeId] : undefined;
  const atMs = alarmTime(event.detail.state.timestamp);
  // A minute past the change: a run stored just before the alarm fired is the one it is about.
  const runs: ProbeRuns = probe
    ? await readRuns(scope, probe, atMs + 60_000)
    : { runs: [], runsUnavailable: undefined, windowMs: 0 };
  const previous = await deps.incidents.read(deployed.environment, alarmName).catch((error: unknown) => {
    logger.error('incident not read', { error: String(error) });
    return undefined;
  });
  const incident = nextIncident(previous, event);
  const render = (missing?: MissingRuns) =>
    renderNotification({
      incident,
      event,
      names,
      subject,
      probe,
      ...runs,
      table: deps.table,
      dashboard: deps.dashboard,
      missing,
    });
  const decision = render();
  if (!decision.notify) {
    logger.info('not notified', { alarm: alarmName, why: decision.why });
    return { notified: false, why: decision.why };
  }
  if (probe === undefined || subject.kind !== 'probe') {
    // Not a probe of this deployment (a deleted one): told as it comes, nothing to count runs of.
    return send(scope, event, decision.notification, incident.next);
  }
  if (event.detail.state.value === 'OK') {
    if (incident.next.notifiedAt === undefined) {
      // Its page was held all along: on-call never heard of it, so no recovery either (a summary may say it).
      await remember(scope, { ...incident.next, recoveredAt: iso(atMs) });
      const why = `closed without a page: it was held (${incident.next.heldBy ?? 'held'})`;
      logger.info('not notified', { alarm: alarmName, why });
      return { notified: false, why, dedupKey: incident.dedupKey };
    }
    return tryRecovery(scope, probe, subject.check, incident.next, runs, atMs);
  }
  if (incident.alreadyTold) {
    await remember(scope, incident.next);
    const why = `on-call already knows: incident ${incident.dedupKey} continues${incident.flapping ? ` (flap ${incident.next.flaps}, counted)` : ''}`;
    logger.info('not notified', { alarm: alarmName, why });
    return { notified: false, why, dedupKey: incident.dedupKey };
  }
  let notification = decision.notification;
  let held = await silenceHold(scope, probe.id, atMs);
  if (!held && subject.check === 'heartbeat') {
    const heartbeat = await heartbeatHold(scope, probe, alarmName, atMs, runs);
    held = heartbeat.hold;
    if (heartbeat.missing) {
      const again = render(heartbeat.missing);
      if (again.notify) notification = again.notification;
    }
  }
  if (held) return hold(scope, incident.next, held, notification, atMs);
  return send(scope, event, notification, { ...incident.next, notifiedAt: iso(atMs), heldBy: undefined });
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
    region: scope.region,
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
    event,
    names: scope.names,
    subject: { kind: 'probe', probeId: probe.id, check },
    probe,
    ...runs,
    table: scope.deps.table,
    dashboard: scope.deps.dashboard,
    recovery: { okAt, passing: progress.passing },
  });
  const closed = { ...incident, recoveredAt: iso(nowMs), heldBy: undefined };
  if (!decision.notify) {
    await remember(scope, closed);
    return { notified: false, why: decision.why };
  }
  const held = await silenceHold(scope, probe.id, nowMs);
  if (held) return hold(scope, closed, held, decision.notification, nowMs);
  return send(scope, event, decision.notification, { ...closed, notifiedAt: iso(nowMs) });
}
