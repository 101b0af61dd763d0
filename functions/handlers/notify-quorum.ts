import type { QuorumStore } from '../adapters/dynamo-quorum-store.ts';
import type { ProbeAlarmKind } from '../core/cloud/deployed-suite.ts';
import { type AlarmStateChangeEvent, alarmTime, latestDatapoint } from '../core/notify/alarm-event.ts';
import { alarmChangeKey } from '../core/notify/incident.ts';
import type { QuorumView } from '../core/notify/notification.ts';
import { nextQuorum, type QuorumDecision, type QuorumState, split } from '../core/notify/quorum.ts';
import { renderNotification } from '../core/notify/render-notification.ts';
import { heldLine } from '../core/notify/silence.ts';
import { laterAlarmEvent } from '../core/notify/synthetic-event.ts';
import type { ResolvedProbe } from '../core/plan.ts';
import { DEFAULT_ALERT } from '../core/suite/limits.ts';
import { withRetries } from './notify-alarm.ts';
import {
  iso,
  messageContext,
  type NotifyOutcome,
  type NotifyScope,
  type ProbeRuns,
  send,
  silenceHold,
} from './notify-shared.ts';

/** The alarms judged across locations: the target's breaches. Cannot-measure, heartbeat and the rest stay per location. */
export function isQuorumCheck(check: ProbeAlarmKind): boolean {
  return check === 'sla' || check.startsWith('latency-') || check.startsWith('step-');
}

/**
 * The quorum's view of an alarm as stored, for a page or recovery told later than its change (a held page, a
 * held recovery, on the tick); undefined for an alarm not judged across locations or a state not readable.
 */
export async function storedQuorumView(
  scope: NotifyScope,
  probe: ResolvedProbe,
  check: ProbeAlarmKind,
  alarmName: string,
  nowMs: number,
): Promise<QuorumView | undefined> {
  const located = probe.located;
  if (!located || located.locations.length < 2 || !isQuorumCheck(check) || !scope.deps.quorums)
    return undefined;
  const state = await scope.deps.quorums
    .read(scope.deployed.environment, alarmName)
    .catch((error: unknown) => {
      scope.logger.error('quorum not read', { error: String(error) });
      return undefined;
    });
  if (!state) return undefined;
  const { breaching, others } = split(state.locations, {
    locations: located.locations,
    minLocations: located.quorum,
    dampMs: 0,
  });
  return {
    breaching,
    others,
    total: located.locations.length,
    quorum: located.quorum,
    since: state.since ?? iso(nowMs),
    notice: false,
  };
}

/** Tries of one location's change against a state other locations' deliveries keep changing (see notify-alarm). */
const QUORUM_ATTEMPTS = 5;

/** The damping of notices when the probe names no interval (a cron schedule without alert.interval). */
const DEFAULT_INTERVAL_MS = 300_000;

type ProbeSubject = { readonly kind: 'probe'; readonly probeId: string; readonly check: ProbeAlarmKind };

/**
 * One location's alarm state change → the alarm's state across the probe's locations, written over the revision
 * it was read at (deliveries from several regions racing decide once) → a page when the quorum is reached, its
 * recovery when it is lost (both through the incident, as the alarm's own changes go: flap damping, silences,
 * reminders, the held recovery), or a notice for fewer. A page or notice that fails puts the state back, so
 * Lambda's retry decides it again.
 */
export async function onQuorumAlarm(
  scope: NotifyScope & { readonly quorums: QuorumStore },
  event: AlarmStateChangeEvent,
  probe: ResolvedProbe,
  subject: ProbeSubject,
  runs: ProbeRuns,
): Promise<NotifyOutcome> {
  const located = probe.located!;
  const alarmName = event.detail.alarmName;
  const environment = scope.deployed.environment;
  const atMs = alarmTime(event.detail.state.timestamp);
  const rules = {
    locations: located.locations,
    minLocations: located.quorum,
    dampMs:
      (probe.alert.recoverAfter ?? DEFAULT_ALERT.recoverAfter) *
      (probe.alert.intervalMs ?? DEFAULT_INTERVAL_MS),
  };
  const change = {
    location: event.region,
    value: event.detail.state.value,
    at: iso(atMs),
    observed: latestDatapoint(event.detail.state.reasonData),
  };
  for (let attempt = 1; attempt <= QUORUM_ATTEMPTS; attempt++) {
    let previous: QuorumState | undefined;
    try {
      previous = await scope.quorums.read(environment, alarmName);
    } catch (error) {
      // Without the other locations' states there is no quorum to judge: this location's change is told as the
      // alarm's own, as with one location. A page said once too often beats one never said.
      scope.logger.error('quorum not read: told as the alarm alone', {
        alarm: alarmName,
        error: String(error),
      });
      return withRetries({ ...scope, change: alarmChangeKey(event), subject, probe, runs, atMs }, event);
    }
    const step = nextQuorum(previous, alarmName, change, rules);
    if (!step.changed) return nothing(scope, alarmName, step.decision);
    const stored = await scope.quorums.write(environment, { ...step.next, revision: previous?.revision });
    if (stored === undefined) {
      scope.logger.info('quorum changed meanwhile: deciding again', { alarm: alarmName, attempt });
      continue;
    }
    try {
      return await act(scope, event, probe, subject, runs, step.decision, previous, rules.minLocations);
    } catch (error) {
      await undo(scope, previous ?? blank(alarmName), stored);
      throw error;
    }
  }
  throw new Error(`quorum of ${alarmName} kept changing over ${QUORUM_ATTEMPTS} tries`);
}

function blank(alarmName: string): QuorumState {
  return { alarmName, locations: {}, breached: false, noticed: [] };
}

function nothing(scope: NotifyScope, alarmName: string, decision: QuorumDecision): NotifyOutcome {
  const why = decision.kind === 'nothing' ? decision.why : decision.kind;
  scope.logger.info('not notified', { alarm: alarmName, why });
  return { notified: false, why };
}

async function act(
  scope: NotifyScope,
  event: AlarmStateChangeEvent,
  probe: ResolvedProbe,
  subject: ProbeSubject,
  runs: ProbeRuns,
  decision: QuorumDecision,
  previous: QuorumState | undefined,
  quorum: number,
): Promise<NotifyOutcome> {
  if (decision.kind === 'nothing') return nothing(scope, event.detail.alarmName, decision);
  const total = probe.located!.locations.length;
  const atMs = alarmTime(event.detail.state.timestamp);
  const view = (notice: boolean): QuorumView => ({
    breaching: decision.breaching,
    others: decision.others,
    total,
    quorum,
    since: iso(atMs),
    notice,
  });
  if (decision.kind === 'notice') return notice(scope, event, probe, subject, runs, view(true), atMs);
  const opened = decision.kind === 'page';
  const breaching = decision.breaching.map((l) => l.location).join(', ') || 'none';
  // The probe's incident changes as if one alarm over every location had: the same machinery decides the page.
  // Told from home, where the dashboard and the incident are.
  const quorumEvent = laterAlarmEvent({
    region: probe.located!.home,
    account: event.account,
    alarmName: event.detail.alarmName,
    from: {
      value: opened ? 'OK' : 'ALARM',
      atMs: opened || previous?.since === undefined ? atMs : Date.parse(previous.since),
    },
    to: {
      value: opened ? 'ALARM' : 'OK',
      atMs,
      reason: `${decision.breaching.length} of ${total} locations breaching (${breaching}); the quorum is ${quorum}`,
    },
  });
  return withRetries(
    {
      ...scope,
      region: probe.located!.home,
      change: `quorum ${alarmChangeKey(quorumEvent)}`,
      subject,
      probe,
      runs,
      atMs,
      quorum: view(false),
    },
    quorumEvent,
  );
}

/** Fewer than the quorum: a notice, held by silences as pages are; to the warn-level topic, never the alarm topic. */
async function notice(
  scope: NotifyScope,
  event: AlarmStateChangeEvent,
  probe: ResolvedProbe,
  subject: ProbeSubject,
  runs: ProbeRuns,
  quorum: QuorumView,
  atMs: number,
): Promise<NotifyOutcome> {
  const decision = renderNotification({
    ...messageContext(scope, event),
    subject,
    probe,
    ...runs,
    quorum,
  });
  if (!decision.notify) return { notified: false, why: decision.why };
  // On the alarm topic a notice would reach PagerDuty as an ALARM: a page for nothing. Only the warn-level topic.
  const topicArn = scope.deps.warnTopicArn;
  if (topicArn === undefined) {
    const why = `a notice, and the environment has no warn-level topic (notify.warn): ${decision.notification.subject}`;
    scope.logger.info('not notified', { alarm: event.detail.alarmName, why });
    return { notified: false, why, subject: decision.notification.subject };
  }
  const held = await silenceHold(scope, probe.id, atMs);
  if (held) {
    // On the silence, for its summary when it ends, as a held page is; a notice has no incident to re-send it.
    if (held.silence) {
      await scope.deps.silences
        .recordHeld(held.silence, heldLine(atMs, decision.notification.subject))
        .catch((error: unknown) => scope.logger.error('held notice not recorded', { error: String(error) }));
    }
    const why = `${held.why}: ${decision.notification.subject}`;
    scope.logger.info('not notified', { alarm: event.detail.alarmName, why });
    return { notified: false, why, subject: decision.notification.subject };
  }
  return send(scope, event, decision.notification, undefined, topicArn);
}

/** Puts back the state a failed page or notice was decided over; one that changed since is left as it is. */
async function undo(
  scope: NotifyScope & { readonly quorums: QuorumStore },
  from: QuorumState,
  stored: QuorumState,
) {
  await scope.quorums
    .write(scope.deployed.environment, { ...from, revision: stored.revision })
    .then((written) => {
      if (written === undefined)
        scope.logger.warn('quorum not undone: changed since', { alarm: from.alarmName });
    })
    .catch((error: unknown) => scope.logger.error('quorum not undone', { error: String(error) }));
}
