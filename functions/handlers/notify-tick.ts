import { systemAlarmName } from '../core/cloud/deployed-suite.ts';
import { alarmSubject } from '../core/notify/alarm-subject.ts';
import type { MissingRuns } from '../core/notify/heartbeat-due.ts';
import { type IncidentState, incidentKey, isOpen } from '../core/notify/incident.ts';
import {
  KILL_SWITCH_REMIND_MS,
  killSwitchMessage,
  reminderMessage,
  type SilencedProbe,
  silenceEndedMessage,
  warnDigestMessage,
} from '../core/notify/messages/notices.ts';
import { renderNotification } from '../core/notify/render-notification.ts';
import { endedSilences, type Silence } from '../core/notify/silence.ts';
import { laterAlarmEvent } from '../core/notify/synthetic-event.ts';
import type { TickEvent } from '../core/notify/tick-event.ts';
import { probeWarnings, WARN_BATCH_MS } from '../core/notify/warn-digest.ts';
import { machineryHold } from './machinery-hold.ts';
import { tryRecovery } from './notify-alarm.ts';
import { storedQuorumView } from './notify-quorum.ts';
import {
  heartbeatHold,
  IncidentChangedError,
  iso,
  messageContext,
  type NotifyOutcome,
  type NotifyScope,
  readRuns,
  remember,
  send,
  silenceHold,
} from './notify-shared.ts';

export interface TickOutcome {
  readonly tick: string;
  /** What each step decided, in order: a page sent, or why not. */
  readonly outcomes: readonly NotifyOutcome[];
}

/** Runs read for a silence's summary per probe, at most (a week of a 1-minute probe is 10,080). */
const SUMMARY_RUNS_MAX = 20_000;

/**
 * The notifier's periodic re-check (an EventBridge schedule, every 5 minutes): summaries of silences that
 * ended, held recoveries, held pages whose hold ended, reminders of open incidents, and the kill switch. Every
 * step runs; one that fails is named in the error thrown at the end, so the tick is retried and
 * `notifier-errors` pages (a step that already sent has remembered it, and is not sent twice).
 */
export async function onTick(scope: NotifyScope, tick: TickEvent): Promise<TickOutcome> {
  const { deployed, deps } = scope;
  const nowMs = Date.parse(tick.time);
  const environment = deployed.environment;
  const [incidents, silences] = await Promise.all([
    deps.incidents.list(environment),
    deps.silences.list(environment),
  ]);
  const byAlarm = new Map(incidents.map((i) => [incidentKey(i), i]));
  const outcomes: NotifyOutcome[] = [];
  const failures: string[] = [];
  const step = async (what: string, run: () => Promise<NotifyOutcome | undefined>) => {
    try {
      const outcome = await run();
      if (outcome) outcomes.push(outcome);
    } catch (error) {
      if (error instanceof IncidentChangedError) {
        // An alarm's delivery (or another tick) changed the incident first; the next tick looks again.
        outcomes.push({ notified: false, why: `${what}: changed meanwhile, left to the next tick` });
        return;
      }
      scope.logger.error('tick step failed', { what, error: String(error) });
      failures.push(`${what}: ${String(error)}`);
    }
  };

  for (const silence of endedSilences(silences, nowMs)) {
    await step(`summary of silence ${silence.id}`, () => summarize(scope, silence, byAlarm, nowMs));
  }
  for (const incident of [...byAlarm.values()].filter(isOpen)) {
    await step(`incident ${incident.dedupKey}`, () => recheck(scope, incident, nowMs));
  }
  await step('kill switch', () => killSwitch(scope, byAlarm, nowMs));
  await step('warn-level notices', () => warnings(scope, byAlarm, nowMs));
  if (failures.length > 0) throw new Error(`notifier tick ${tick.time}: ${failures.join('; ')}`);
  return { tick: tick.time, outcomes };
}

/** One summary per ended silence that held pages; it pages (ALARM) when an incident it held is still open. */
async function summarize(
  scope: NotifyScope,
  silence: Silence,
  byAlarm: Map<string, IncidentState>,
  nowMs: number,
): Promise<NotifyOutcome> {
  const { deployed, deps, names } = scope;
  const probeIds = silence.probeId ? [silence.probeId] : Object.keys(deployed.probes);
  const probes: SilencedProbe[] = [];
  for (const probeId of probeIds) {
    const runs = await deps.store.runsBetween(
      deployed.environment,
      probeId,
      new Date(silence.startsAt),
      new Date(silence.endsAt),
      SUMMARY_RUNS_MAX,
    );
    probes.push({
      probeId,
      runs: runs.length,
      breached: runs.filter((r) => r.validity.valid && r.sla.verdict === 'breach').length,
      invalid: runs.filter((r) => !r.validity.valid).length,
    });
  }
  const stillOpen = [...byAlarm.values()].filter(
    (i) => isOpen(i) && i.notifiedAt === undefined && i.okAt === undefined && i.heldBy?.includes(silence.id),
  );
  const first = stillOpen[0];
  const event = laterAlarmEvent({
    region: scope.region,
    account: scope.account,
    alarmName: first?.alarmName ?? systemAlarmName(names, 'silence-ended'),
    from: { value: first ? 'OK' : 'ALARM', atMs: Date.parse(silence.startsAt) },
    to: {
      value: first ? 'ALARM' : 'OK',
      atMs: nowMs,
      reason: `silence ${silence.id} ended at ${silence.endsAt}`,
    },
  });
  const notification = silenceEndedMessage(messageContext(scope, event), silence, probes, stillOpen);
  const outcome = await send(scope, event, notification, undefined);
  await deps.silences.markSummarized(deployed.environment, silence.id, new Date(nowMs));
  for (const incident of stillOpen) {
    const told = { ...incident, notifiedAt: iso(nowMs), heldBy: undefined };
    byAlarm.set(incidentKey(incident), (await remember(scope, told)) ?? told);
  }
  return outcome;
}

/** An open incident: its held recovery, its held page, or its reminder. */
async function recheck(
  scope: NotifyScope,
  incident: IncidentState,
  nowMs: number,
): Promise<NotifyOutcome | undefined> {
  const subject = alarmSubject(scope.names, incident.alarmName);
  if (subject?.kind !== 'probe') return undefined;
  const probe = scope.deployed.probes[subject.probeId];
  if (!probe) return undefined;
  // Across locations: the quorum's locations, for the words of a page or recovery told late.
  const quorum = await storedQuorumView(scope, probe, subject.check, incident.alarmName, nowMs);
  if (incident.okAt !== undefined) {
    const runs = await readRuns(scope, probe, nowMs, subject.check, incident.location);
    return tryRecovery(scope, probe, subject.check, incident, runs, nowMs, quorum);
  }
  const remindMs = probe.alert.remindMs;
  if (incident.notifiedAt !== undefined) {
    if (remindMs === undefined || nowMs - Date.parse(incident.notifiedAt) < remindMs) return undefined;
    if (await silenceHold(scope, probe.id, nowMs)) return undefined;
    const runs = await readRuns(scope, probe, nowMs, undefined, incident.location);
    const event = laterAlarmEvent({
      region: incident.location ?? scope.region,
      account: scope.account,
      alarmName: incident.alarmName,
      from: { value: 'ALARM', atMs: Date.parse(incident.openedAt) },
      to: { value: 'ALARM', atMs: nowMs, reason: incident.reason ?? 'still in ALARM' },
    });
    const notification = reminderMessage(
      messageContext(scope, event),
      probe,
      subject.check,
      incident,
      runs.runs,
      nowMs,
    );
    return send(scope, event, notification, { from: incident, to: { ...incident, notifiedAt: iso(nowMs) } });
  }
  // A held page: still held (a silence, a maintenance window, no heartbeat run due)? Otherwise it goes out now.
  const runs = await readRuns(scope, probe, nowMs, undefined, incident.location);
  let held =
    (await silenceHold(scope, probe.id, nowMs)) ??
    (await machineryHold(scope, subject.check, runs, incident.location));
  let missing: MissingRuns | undefined;
  if (!held && subject.check === 'heartbeat') {
    const heartbeat = await heartbeatHold(scope, probe, incident.alarmName, nowMs, runs, incident.location);
    held = heartbeat.hold;
    missing = heartbeat.missing;
  }
  if (held) {
    if (held.why !== incident.heldBy) await remember(scope, { ...incident, heldBy: held.why });
    return {
      notified: false,
      why: `${incident.dedupKey} still held: ${held.why}`,
      dedupKey: incident.dedupKey,
    };
  }
  const openedMs = Date.parse(incident.openedAt);
  const event = laterAlarmEvent({
    region: incident.location ?? scope.region,
    account: scope.account,
    alarmName: incident.alarmName,
    from: { value: 'OK', atMs: openedMs },
    to: { value: 'ALARM', atMs: openedMs, reason: incident.reason ?? 'in ALARM' },
  });
  const decision = renderNotification({
    incident: { dedupKey: incident.dedupKey, flapping: false, alreadyTold: false, next: incident },
    ...messageContext(scope, event),
    subject,
    probe,
    ...runs,
    missing,
    location: incident.location,
    quorum,
  });
  if (!decision.notify) return { notified: false, why: decision.why };
  return send(scope, event, decision.notification, {
    from: incident,
    to: { ...incident, notifiedAt: iso(nowMs), heldBy: undefined },
  });
}

/** While the kill switch is on, a reminder every KILL_SWITCH_REMIND_MS from when the tick first saw it on. */
async function killSwitch(
  scope: NotifyScope,
  byAlarm: Map<string, IncidentState>,
  nowMs: number,
): Promise<NotifyOutcome | undefined> {
  const { deps, names } = scope;
  if (deps.killSwitchParameter === undefined) return undefined;
  const state = await deps.killSwitch();
  const alarmName = systemAlarmName(names, 'kill-switch');
  const current = byAlarm.get(alarmName);
  const on = isOpen(current) ? current : undefined;
  if (state === 'off') {
    if (on) await remember(scope, { ...on, recoveredAt: iso(nowMs) });
    return undefined;
  }
  // Unreadable: Plan sends no load and skips the heartbeat, whose alarm pages; nothing to add here.
  if (state !== 'on') return undefined;
  if (!on) {
    await remember(scope, {
      alarmName,
      dedupKey: `${alarmName}@${iso(nowMs)}`,
      openedAt: iso(nowMs),
      flaps: 0,
      // Over the switch's last incident, if one is stored.
      revision: current?.revision,
    });
    return {
      notified: false,
      why: `kill switch on: first reminder in ${KILL_SWITCH_REMIND_MS / 3_600_000} h`,
    };
  }
  const since = Date.parse(on.notifiedAt ?? on.openedAt);
  if (nowMs - since < KILL_SWITCH_REMIND_MS) return undefined;
  const event = laterAlarmEvent({
    region: scope.region,
    account: scope.account,
    alarmName,
    from: { value: 'ALARM', atMs: Date.parse(on.openedAt) },
    to: { value: 'ALARM', atMs: nowMs, reason: `${deps.killSwitchParameter} is on` },
  });
  const notification = killSwitchMessage(messageContext(scope, event), deps.killSwitchParameter, on, nowMs);
  return send(scope, event, notification, { from: on, to: { ...on, notifiedAt: iso(nowMs) } });
}

/** Runs read per probe for the hourly warn digest, at most (an hour of a 1-minute probe is 60). */
const WARN_RUNS_MAX = 1_000;

/**
 * At most hourly, one digest of warn-level breaches to the warn topic (`notify.warn`). The hour is kept on an
 * item of its own, so a missed tick widens the next digest instead of losing runs.
 */
async function warnings(
  scope: NotifyScope,
  byAlarm: Map<string, IncidentState>,
  nowMs: number,
): Promise<NotifyOutcome | undefined> {
  const { deps, deployed, names } = scope;
  if (deps.warnTopicArn === undefined) return undefined;
  const alarmName = systemAlarmName(names, 'warnings');
  const mark = byAlarm.get(alarmName);
  if (!mark) {
    await remember(scope, { alarmName, dedupKey: alarmName, openedAt: iso(nowMs), flaps: 0 });
    return undefined;
  }
  const fromMs = Date.parse(mark.notifiedAt ?? mark.openedAt);
  if (nowMs - fromMs < WARN_BATCH_MS) return undefined;
  const probes = [];
  for (const probeId of Object.keys(deployed.probes)) {
    const runs = await deps.store.runsBetween(
      deployed.environment,
      probeId,
      new Date(fromMs),
      new Date(nowMs),
      WARN_RUNS_MAX,
    );
    probes.push(probeWarnings(probeId, runs));
  }
  const next = { ...mark, notifiedAt: iso(nowMs) };
  if (probes.every((p) => p.warned.length === 0)) {
    await remember(scope, next);
    return { notified: false, why: 'no warn-level breach in the last hour' };
  }
  const event = laterAlarmEvent({
    region: scope.region,
    account: scope.account,
    alarmName,
    from: { value: 'OK', atMs: fromMs },
    to: { value: 'ALARM', atMs: nowMs, reason: 'warn-level SLA targets missed' },
  });
  const notification = warnDigestMessage(messageContext(scope, event), probes, fromMs, nowMs);
  return send(scope, event, notification, { from: mark, to: next }, deps.warnTopicArn);
}
