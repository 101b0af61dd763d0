import { type AlarmStateChangeEvent, alarmTime } from './alarm-event.ts';

/**
 * What the notifier remembers of an alarm's latest incident (one item per alarm, listed by the tick). An
 * incident is open from its ALARM until RECOVERED is announced, which waits for alert.recoverAfter passing runs
 * after CloudWatch's OK; an ALARM in between continues it (flapping).
 */
export interface IncidentState {
  readonly alarmName: string;
  /**
   * The location (AWS region) whose alarm this is, for a check that keeps its meaning per location (cannot
   * measure, heartbeat) in an environment with several; absent: the alarm's one incident (a quorum's included).
   */
  readonly location?: string | undefined;
  /** Kept from the first ALARM through every flap to the announced recovery: one incident for PagerDuty. */
  readonly dedupKey: string;
  /** ISO time the incident opened. */
  readonly openedAt: string;
  /** ISO time CloudWatch went back to OK: the recovery is held until enough passing runs followed. */
  readonly okAt?: string | undefined;
  /** ISO time RECOVERED was announced (or the incident closed without a page): it is over. */
  readonly recoveredAt?: string | undefined;
  /** How often it went back into ALARM while its recovery was held. */
  readonly flaps: number;
  /** ISO time on-call was last told (the page, a reminder); absent while every page was held. */
  readonly notifiedAt?: string | undefined;
  /** Why the page is held (a silence, a maintenance window, a heartbeat with no run due); the tick re-checks. */
  readonly heldBy?: string | undefined;
  /** CloudWatch's reason at the ALARM, for a page the tick sends later. */
  readonly reason?: string | undefined;
  /**
   * The last alarm state change this incident took in (alarmChangeKey): EventBridge delivers at least once, and
   * a repeated delivery of a change already handled is told nothing.
   */
  readonly lastChange?: string | undefined;
  /**
   * The stored item's revision this state was read at (absent: none stored). A write is refused when the item
   * moved on since, so two deliveries racing over one incident page once.
   */
  readonly revision?: number | undefined;
}

/** The incident's key among the environment's: the alarm's name, and its location when it has its own. */
export function incidentKey(incident: Pick<IncidentState, 'alarmName' | 'location'>): string {
  return incident.location === undefined ? incident.alarmName : `${incident.alarmName}@${incident.location}`;
}

/** One alarm state change, as every delivery of it carries it: the new state and CloudWatch's time of it. */
export function alarmChangeKey(event: AlarmStateChangeEvent): string {
  return `${event.detail.state.value}@${event.detail.state.timestamp}`;
}

export interface IncidentStep {
  readonly dedupKey: string;
  /** Back in ALARM while the recovery was held: the same incident continues. */
  readonly flapping: boolean;
  /** What to remember after this change (before any page: the handler sets notifiedAt or heldBy). */
  readonly next: IncidentState;
  /** When CloudWatch went back to OK, when this ALARM continues the incident. */
  readonly okAt?: string | undefined;
  /** On-call already heard of this incident (and of its flapping, for a second flap): tell them nothing new. */
  readonly alreadyTold: boolean;
}

export function isOpen(incident: IncidentState | undefined): incident is IncidentState {
  return incident !== undefined && incident.recoveredAt === undefined;
}

/**
 * One incident, not a storm. An ALARM while the alarm's incident is open (its recovery held, or a repeated or
 * held ALARM) continues it under its dedupKey; its first flap is told, later ones only counted. Any other ALARM
 * opens a new incident. An OK holds the recovery: it is announced by announceRecovery once enough runs passed.
 */
export function nextIncident(
  previous: IncidentState | undefined,
  event: AlarmStateChangeEvent,
  location?: string,
): IncidentStep {
  const { alarmName, state, previousState } = event.detail;
  // A location's own incident: keyed, and told to PagerDuty, apart from the other locations' of the same alarm.
  const key = incidentKey({ alarmName, location });
  const own = location === undefined ? {} : { location };
  const at = new Date(alarmTime(state.timestamp)).toISOString();
  const mine =
    previous?.alarmName === alarmName && previous.location === location && isOpen(previous)
      ? previous
      : undefined;
  if (state.value === 'ALARM') {
    if (mine?.okAt !== undefined && Date.parse(mine.okAt) <= Date.parse(at)) {
      const flaps = mine.flaps + 1;
      return {
        dedupKey: mine.dedupKey,
        flapping: true,
        okAt: mine.okAt,
        alreadyTold: mine.notifiedAt !== undefined && flaps > 1,
        next: { ...mine, okAt: undefined, flaps, reason: state.reason },
      };
    }
    if (mine) {
      // A repeated ALARM (EventBridge delivers at least once), or one that was held: the same incident.
      return {
        dedupKey: mine.dedupKey,
        flapping: false,
        alreadyTold: mine.notifiedAt !== undefined,
        next: { ...mine, reason: state.reason },
      };
    }
    const dedupKey = `${key}@${at}`;
    return {
      dedupKey,
      flapping: false,
      alreadyTold: false,
      next: { alarmName, ...own, dedupKey, openedAt: at, flaps: 0, reason: state.reason },
    };
  }
  // OK: the open incident waits for its passing runs. Without one (state lost), the incident this change's
  // previous state began, assumed paged: a recovery said once too often beats one never said.
  const opened = new Date(alarmTime(previousState.timestamp)).toISOString();
  const dedupKey = mine?.dedupKey ?? `${key}@${opened}`;
  return {
    dedupKey,
    flapping: false,
    alreadyTold: false,
    next: mine
      ? { ...mine, okAt: at }
      : { alarmName, ...own, dedupKey, openedAt: opened, okAt: at, flaps: 0, notifiedAt: opened },
  };
}
