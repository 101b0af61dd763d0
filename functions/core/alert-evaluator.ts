import { invalidRunsToAlarm } from './cloud/alert-policy.ts';
import { decodeHistogram, percentileMs } from './histogram.ts';
import type { ResolvedAlert } from './plan.ts';
import type { RunResult } from './run-result.ts';

/**
 * The deployed alarms of one probe (lib/probe-alarms.ts), judged run by run instead of by CloudWatch, for a
 * process that runs the probe itself (`perfprobe watch`). Same parameters, same data per period:
 * - sla: a critical SLA broke (`!sla.passed`) in `breachedRuns.atLeast` of the last `breachedRuns.of` valid
 *   runs; invalid runs are skipped (the alarm's missing data is ignored), so they neither page nor clear it.
 * - latency-<pN>: the run's own pN above `alert.latency.pN`, M of N valid runs like sla.
 * - cannot-measure: the last `invalidRunsToAlarm` runs were all invalid; one valid run clears it.
 * - heartbeat: `alert.missedRuns` schedule periods in a row passed without a run; the next run clears it.
 * A probe's alarms start OK, as a new alarm's first verdict pages no one.
 */
export type AlarmState = 'OK' | 'ALARM';

export interface AlertMemory {
  /** Valid runs' verdicts, oldest first, at most `breachedRuns.of`: true when a critical SLA broke. */
  readonly breaches: readonly boolean[];
  /** Per alert.latency key, valid runs' "above the threshold", as `breaches`. */
  readonly latency: Readonly<Record<string, readonly boolean[]>>;
  /** Invalid runs since the last valid one. */
  readonly invalidStreak: number;
  /** Schedule periods without a run since the last run. */
  readonly missedStreak: number;
  /** Alarm (sla, cannot-measure, heartbeat, latency-p99, …) → its state. */
  readonly states: Readonly<Record<string, AlarmState>>;
}

export interface AlarmChange {
  /** The alarm's kind, as the suffix of its deployed name: sla, cannot-measure, heartbeat, latency-p99. */
  readonly alarm: string;
  readonly state: AlarmState;
  /** Why, in CloudWatch's terms: "2 of the last 3 valid runs breached (alarms at 2 of 3)". */
  readonly reason: string;
}

/** What happened in one schedule period: a run ended, or the period passed without one. */
export type PeriodOutcome = { readonly run: RunResult } | { readonly missed: true };

export function initialAlertMemory(alert: ResolvedAlert): AlertMemory {
  const states: Record<string, AlarmState> = { sla: 'OK', 'cannot-measure': 'OK', heartbeat: 'OK' };
  for (const key of Object.keys(alert.latency)) states[latencyAlarm(key)] = 'OK';
  return {
    breaches: [],
    // Stryker disable next-line ArrayDeclaration: an absent window is read as empty (memory.latency[key] ?? [])
    latency: Object.fromEntries(Object.keys(alert.latency).map((key) => [key, []])),
    invalidStreak: 0,
    missedStreak: 0,
    states,
  };
}

const latencyAlarm = (key: string) => `latency-${key.replace('.', '_')}`;

const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;

/** M of the last N: the window after `next`, and whether it alarms. */
function mOfN(window: readonly boolean[], next: boolean, of: number) {
  const updated = [...window, next].slice(-of);
  return { window: updated, hits: updated.filter(Boolean).length };
}

/** The probe's alarms after one more period, and the alarms whose state changed (in the order above). */
export function nextAlerts(
  alert: ResolvedAlert,
  memory: AlertMemory,
  outcome: PeriodOutcome,
): { memory: AlertMemory; changes: AlarmChange[] } {
  const states = { ...memory.states };
  const changes: AlarmChange[] = [];
  const judge = (alarm: string, alarming: boolean, reason: string) => {
    const state: AlarmState = alarming ? 'ALARM' : 'OK';
    if (states[alarm] === state) return;
    states[alarm] = state;
    changes.push({ alarm, state, reason });
  };

  if ('missed' in outcome) {
    const missedStreak = memory.missedStreak + 1;
    judge(
      'heartbeat',
      missedStreak >= alert.missedRuns,
      `no run in the last ${missedStreak} periods (alarms at ${alert.missedRuns})`,
    );
    return { memory: { ...memory, missedStreak, states }, changes };
  }

  const { run } = outcome;
  judge('heartbeat', false, 'a run ended');
  const invalidLimit = invalidRunsToAlarm({ alert });
  if (!run.validity.valid) {
    const invalidStreak = memory.invalidStreak + 1;
    judge(
      'cannot-measure',
      invalidStreak >= invalidLimit,
      `${runs(invalidStreak)} in a row invalid (alarms at ${invalidLimit})`,
    );
    return { memory: { ...memory, invalidStreak, missedStreak: 0, states }, changes };
  }
  judge('cannot-measure', false, 'a valid run');

  const { atLeast, of } = alert.breachedRuns;
  const sla = mOfN(memory.breaches, !run.sla.passed, of);
  judge(
    'sla',
    sla.hits >= atLeast,
    `${sla.hits} of the last ${sla.window.length} valid runs breached (alarms at ${atLeast} of ${of})`,
  );

  const latency: Record<string, readonly boolean[]> = {};
  const keys = Object.entries(alert.latency);
  const histogram = keys.length > 0 ? decodeHistogram(run.histogram) : undefined;
  for (const [key, thresholdMs] of keys) {
    const observed = percentileMs(histogram!, Number(key.slice(1)));
    const next = mOfN(memory.latency[key] ?? [], observed > thresholdMs, of);
    latency[key] = next.window;
    judge(
      latencyAlarm(key),
      next.hits >= atLeast,
      `${key} above ${thresholdMs} ms in ${next.hits} of the last ${next.window.length} valid runs (alarms at ${atLeast} of ${of})`,
    );
  }
  return {
    memory: { breaches: sla.window, latency, invalidStreak: 0, missedStreak: 0, states },
    changes,
  };
}
