import type { AlarmStateValue } from './alarm-event.ts';

/*
 * One probe alarm seen from several locations (regions): on-call is paged when at least the quorum
 * (alert.minLocations) breach at once, and told the page is over when fewer remain; fewer than the quorum is a
 * notice (likely the route between those regions and the API). The page and its recovery then go through the
 * incident (incident.ts) as the alarm's own changes would: the same dedupKey, flap damping, silences,
 * reminders and held recovery.
 */

/** One location's latest state of the alarm. */
export interface LocationAlarm {
  readonly location: string;
  readonly value: AlarmStateValue;
  /** ISO time CloudWatch entered this state there. */
  readonly since: string;
  /** The newest datapoint CloudWatch judged there (ms for a percentile alarm), when it said. */
  readonly observed?: number | undefined;
}

/** What the notifier remembers of one alarm across its locations (one item per alarm, beside its incident). */
export interface QuorumState {
  readonly alarmName: string;
  /** Location → its latest state; a location not heard from yet is absent (within its SLA, as far as we know). */
  readonly locations: Readonly<Record<string, LocationAlarm>>;
  /** Whether the quorum breached at the last change: the incident's page was opened and not yet closed. */
  readonly breached: boolean;
  /** ISO time the quorum was reached (breached) or lost (not breached); absent before either. */
  readonly since?: string | undefined;
  /**
   * Locations already noticed (breaching alone) since every location was last within its SLA for the damping
   * window: a location that flaps is noticed once, not at every ALARM.
   */
  readonly noticed: readonly string[];
  /** ISO time every location was last seen within its SLA together; absent while one breaches. */
  readonly quietSince?: string | undefined;
  /** The stored item's revision this state was read at (see IncidentState.revision). */
  readonly revision?: number | undefined;
}

export interface QuorumRules {
  /** The probe's locations, in the environment's order. */
  readonly locations: readonly string[];
  /** Locations that must breach at once: alert.minLocations or its default (see quorumFor). */
  readonly minLocations: number;
  /**
   * How long every location must stay within its SLA before a location noticed already is noticed again:
   * alert.recoverAfter runs, as an incident's recovery is held (the flap damping of incidents).
   */
  readonly dampMs: number;
}

/** One location's change: the new state, when, and the value CloudWatch judged. */
export interface LocationChange {
  readonly location: string;
  readonly value: AlarmStateValue;
  readonly at: string;
  readonly observed?: number | undefined;
}

export type QuorumDecision =
  /** The quorum is reached: open the incident (a page), naming the breaching locations and the others. */
  | {
      readonly kind: 'page';
      readonly breaching: readonly LocationAlarm[];
      readonly others: readonly LocationAlarm[];
      readonly since: string;
    }
  /** Fewer than the quorum remain: the incident's recovery (held by incident.ts as any OK is). */
  | {
      readonly kind: 'recover';
      readonly breaching: readonly LocationAlarm[];
      readonly others: readonly LocationAlarm[];
      readonly since: string;
    }
  /** A location breaches, fewer than the quorum do: a notice, no page. */
  | {
      readonly kind: 'notice';
      readonly location: LocationAlarm;
      readonly breaching: readonly LocationAlarm[];
      readonly others: readonly LocationAlarm[];
    }
  | { readonly kind: 'nothing'; readonly why: string };

export interface QuorumStep {
  readonly decision: QuorumDecision;
  /** False for a change that changed nothing (a late delivery, a location the probe does not run in). */
  readonly changed: boolean;
  /** What to remember after this change (over the revision it was read at). */
  readonly next: QuorumState;
}

/** A location not heard from: nothing says it breaches. */
function unheard(location: string): LocationAlarm {
  return { location, value: 'OK', since: '' };
}

/** The locations' states in the probe's order, breaching first (the oldest breach first). */
export function split(
  locations: Readonly<Record<string, LocationAlarm>>,
  rules: QuorumRules,
): { breaching: LocationAlarm[]; others: LocationAlarm[] } {
  const all = rules.locations.map((l) => locations[l] ?? unheard(l));
  const breaching = all
    .filter((l) => l.value === 'ALARM')
    .sort((a, b) => Date.parse(a.since) - Date.parse(b.since));
  return { breaching, others: all.filter((l) => l.value !== 'ALARM') };
}

/**
 * The next state of one alarm across its locations after one location's change, and what to tell. A change
 * older than the location's stored state (a late delivery) changes nothing; a change from a location the probe
 * does not run in is refused the same way.
 */
export function nextQuorum(
  previous: QuorumState | undefined,
  alarmName: string,
  change: LocationChange,
  rules: QuorumRules,
): QuorumStep {
  const before: QuorumState = previous ?? { alarmName, locations: {}, breached: false, noticed: [] };
  if (!rules.locations.includes(change.location)) {
    return {
      decision: {
        kind: 'nothing',
        why: `${change.location} is none of the probe's locations (${rules.locations.join(', ')})`,
      },
      changed: false,
      next: before,
    };
  }
  const stored = before.locations[change.location];
  if (stored !== undefined && Date.parse(change.at) < Date.parse(stored.since)) {
    return {
      decision: {
        kind: 'nothing',
        why: `a late change of ${change.location} (${change.value} at ${change.at}; ${stored.value} since ${stored.since})`,
      },
      changed: false,
      next: before,
    };
  }
  const here: LocationAlarm = {
    location: change.location,
    value: change.value,
    since: stored?.value === change.value ? stored.since : change.at,
    observed: change.observed ?? (stored?.value === change.value ? stored.observed : undefined),
  };
  const locations = { ...before.locations, [change.location]: here };
  const { breaching, others } = split(locations, rules);
  const reached = breaching.length >= rules.minLocations;
  const quiet = breaching.length === 0;
  // Every location within its SLA for the damping window: the notices start afresh.
  const calm =
    before.quietSince !== undefined && Date.parse(change.at) - Date.parse(before.quietSince) >= rules.dampMs;
  const base = {
    ...before,
    locations,
    noticed: calm ? [] : before.noticed,
    quietSince: quiet ? (before.quietSince ?? change.at) : undefined,
  };
  const count = `${breaching.length} of ${rules.locations.length} locations breaching (quorum ${rules.minLocations})`;
  if (reached && !before.breached) {
    return {
      decision: { kind: 'page', breaching, others, since: change.at },
      changed: true,
      next: { ...base, breached: true, since: change.at, noticed: breaching.map((l) => l.location) },
    };
  }
  if (reached) {
    return {
      decision: { kind: 'nothing', why: `the incident continues: ${count}` },
      changed: true,
      next: base,
    };
  }
  if (before.breached) {
    return {
      decision: { kind: 'recover', breaching, others, since: change.at },
      changed: true,
      next: { ...base, breached: false, since: change.at },
    };
  }
  if (here.value !== 'ALARM') return { decision: { kind: 'nothing', why: count }, changed: true, next: base };
  if (base.noticed.includes(here.location)) {
    return {
      decision: {
        kind: 'nothing',
        why: `${here.location} was noticed already (flapping; not every location within its SLA for the damping window since): ${count}`,
      },
      changed: true,
      next: base,
    };
  }
  return {
    decision: { kind: 'notice', location: here, breaching, others },
    changed: true,
    next: { ...base, noticed: [...base.noticed, here.location] },
  };
}
