import type { ResolvedProbe } from '../plan.ts';
import { DEFAULT_ALERT } from '../suite/limits.ts';
import { type AlarmStateChangeEvent, alarmTime } from './alarm-event.ts';

/** What the notifier remembers of an alarm's latest incident (one item per alarm in the runs table). */
export interface IncidentState {
  readonly alarmName: string;
  /** Kept from the first ALARM through every flap to the final OK: one incident for PagerDuty and Opsgenie. */
  readonly dedupKey: string;
  /** ISO time the incident opened. */
  readonly openedAt: string;
  /** ISO time of its latest recovery; absent while it is open. */
  readonly recoveredAt?: string | undefined;
  /** How often it went back into ALARM within recoverAfter runs of a recovery. */
  readonly flaps: number;
}

export interface IncidentStep {
  readonly dedupKey: string;
  /** Back in ALARM within the recovery window of the same incident. */
  readonly flapping: boolean;
  /** What to remember after this change. */
  readonly next: IncidentState;
  /** The incident's previous recovery, when this ALARM continues it. */
  readonly recoveredAt?: string | undefined;
}

/**
 * One incident, not a storm: an ALARM within `recoverWindowMs` (alert.recoverAfter runs) of the same alarm's
 * last recovery continues that incident, under its dedupKey, counted as a flap; any other ALARM opens a new
 * one. An OK closes the incident it belongs to, remembering when, for the next ALARM to compare against.
 */
export function nextIncident(
  previous: IncidentState | undefined,
  event: AlarmStateChangeEvent,
  recoverWindowMs: number,
): IncidentStep {
  const { alarmName, state, previousState } = event.detail;
  const at = new Date(alarmTime(state.timestamp)).toISOString();
  const mine = previous?.alarmName === alarmName ? previous : undefined;
  if (state.value === 'ALARM') {
    const recovered = mine?.recoveredAt;
    const sinceRecovery = recovered === undefined ? -1 : alarmTime(state.timestamp) - Date.parse(recovered);
    // An event older than the recovery (EventBridge does not promise order) is no flap.
    if (mine && recovered && sinceRecovery >= 0 && sinceRecovery <= recoverWindowMs) {
      return {
        dedupKey: mine.dedupKey,
        flapping: true,
        recoveredAt: recovered,
        next: { ...mine, recoveredAt: undefined, flaps: mine.flaps + 1 },
      };
    }
    const dedupKey = `${alarmName}@${at}`;
    return { dedupKey, flapping: false, next: { alarmName, dedupKey, openedAt: at, flaps: 0 } };
  }
  // OK (or anything else that ends an alarm): the open incident, or the one this change's previous state began.
  const opened = new Date(alarmTime(previousState.timestamp)).toISOString();
  const open = mine && mine.recoveredAt === undefined ? mine : undefined;
  const dedupKey = open?.dedupKey ?? `${alarmName}@${opened}`;
  return {
    dedupKey,
    flapping: false,
    next: {
      alarmName,
      dedupKey,
      openedAt: open?.openedAt ?? opened,
      recoveredAt: at,
      flaps: open?.flaps ?? 0,
    },
  };
}

/**
 * alert.recoverAfter runs of the probe's interval, and half an interval more: a run and the alarm's evaluation of
 * its period are not aligned, so the ALARM that follows the N-th run may come a little after N intervals.
 */
export function recoverWindowMs(probe: ResolvedProbe): number {
  const runs = probe.alert.recoverAfter ?? DEFAULT_ALERT.recoverAfter;
  return (runs + 0.5) * (probe.alert.intervalMs ?? 0);
}
