import type { RunResult } from '../run-result.ts';
import { successfulAtOrUnder } from './count-at-or-under.ts';
import { DAY_MS, type SloObjective, type SloSpec, sloObjectives, sloTarget } from './slo-spec.ts';

/** What the SLI reads of a stored run. */
export type SloRun = Pick<RunResult, 'startedAt' | 'requests' | 'validity' | 'histogram' | 'failedHistogram'>;

export interface SloCounts {
  /** Events the objective judges: the requests of valid runs. */
  readonly valid: number;
  readonly good: number;
  readonly bad: number;
}

export interface ObjectiveStatus {
  readonly objective: SloObjective;
  readonly target: number;
  /** The latency objective's threshold, ms. */
  readonly thresholdMs?: number;
  readonly counts: SloCounts;
  /** good / valid over the window; null without a valid event. */
  readonly sli: number | null;
  readonly budget: {
    /** Bad events the target allows over the window's valid events: (1 − target) × valid. */
    readonly allowed: number;
    readonly spent: number;
    /** 1 − spent / allowed: below 0 once overspent; null without a valid event. */
    readonly left: number | null;
  };
  /**
   * Bad fraction over the last hour (six hours, three days: the burn alerts' long windows) ÷ the budget fraction;
   * null when that time had no event.
   */
  readonly burn: {
    readonly hour: number | null;
    readonly sixHours: number | null;
    readonly threeDays: number | null;
  };
  /**
   * When the budget left runs out at the last hour's burn, ms from now: left × window ÷ burn. 0 once it is
   * spent; null while nothing burns (or nothing was measured).
   */
  readonly exhaustedInMs: number | null;
}

export interface SloStatus {
  readonly probeId: string;
  readonly windowDays: number;
  /** The window: ISO times, `to` being now. */
  readonly from: string;
  readonly to: string;
  /** Invalid runs could not deliver their load: they say nothing about the target, and are counted apart. */
  readonly runs: { readonly total: number; readonly valid: number; readonly invalid: number };
  /** Of the window, the part before the first stored run, ms (nothing measured it). */
  readonly unmeasuredBeforeMs: number;
  readonly objectives: readonly ObjectiveStatus[];
}

const HOUR_MS = 3_600_000;

function availabilityCounts(runs: readonly SloRun[]): SloCounts {
  let valid = 0;
  let good = 0;
  for (const run of runs) {
    valid += run.requests.total;
    good += run.requests.ok;
  }
  return { valid, good, bad: valid - good };
}

/**
 * Good = a successful request at or under the threshold, of every request of the valid runs: a fast 500 and a
 * refused connection are bad for latency too. The successful responses' count at or under the threshold is the
 * whole histogram's less its failed part's: both count whole buckets, so the difference is exact.
 */
function latencyCounts(runs: readonly SloRun[], thresholdMs: number): SloCounts {
  const valid = runs.reduce((n, run) => n + run.requests.total, 0);
  const good = valid === 0 ? 0 : successfulAtOrUnder(runs, Math.round(thresholdMs * 1000));
  return { valid, good, bad: valid - good };
}

function burnRate(counts: SloCounts, budget: number): number | null {
  return counts.valid === 0 ? null : counts.bad / counts.valid / budget;
}

/**
 * The SLOs of one probe from its stored runs (any order), as of `now`. Pure, exact: counts are added and
 * histograms merged, never averaged. Runs outside the window are ignored.
 */
export function sloStatus(probeId: string, slo: SloSpec, runs: readonly SloRun[], now: Date): SloStatus {
  const to = now.getTime();
  const windowMs = slo.windowDays * DAY_MS;
  const inWindow = runs.filter((run) => {
    const at = Date.parse(run.startedAt);
    return at > to - windowMs && at <= to;
  });
  const valid = inWindow.filter((run) => run.validity.valid);
  const since = (ms: number) => valid.filter((run) => Date.parse(run.startedAt) > to - ms);
  const lastHour = since(HOUR_MS);
  const lastSixHours = since(6 * HOUR_MS);
  const lastThreeDays = since(72 * HOUR_MS);
  // A loop, not Math.min(...runs): 90 days of 1-minute runs are 129,600 arguments, past what a call takes.
  const first = inWindow.reduce(
    (min, run) => Math.min(min, Date.parse(run.startedAt)),
    Number.POSITIVE_INFINITY,
  );
  const objectives = sloObjectives(slo).map((objective): ObjectiveStatus => {
    const target = sloTarget(slo, objective);
    const budget = 1 - target;
    const count = (subset: readonly SloRun[]) =>
      objective === 'availability'
        ? availabilityCounts(subset)
        : latencyCounts(subset, slo.latency!.thresholdMs);
    const counts = count(valid);
    const allowed = budget * counts.valid;
    const left = counts.valid === 0 ? null : 1 - counts.bad / allowed;
    const hour = burnRate(count(lastHour), budget);
    const exhaustedInMs =
      left === null ? null : left <= 0 ? 0 : hour !== null && hour > 0 ? (left * windowMs) / hour : null;
    return {
      objective,
      target,
      ...(objective === 'latency' ? { thresholdMs: slo.latency!.thresholdMs } : {}),
      counts,
      sli: counts.valid === 0 ? null : counts.good / counts.valid,
      budget: { allowed, spent: counts.bad, left },
      burn: {
        hour,
        sixHours: burnRate(count(lastSixHours), budget),
        threeDays: burnRate(count(lastThreeDays), budget),
      },
      exhaustedInMs,
    };
  });
  return {
    probeId,
    windowDays: slo.windowDays,
    from: new Date(to - windowMs).toISOString(),
    to: now.toISOString(),
    runs: { total: inWindow.length, valid: valid.length, invalid: inWindow.length - valid.length },
    unmeasuredBeforeMs: inWindow.length === 0 ? windowMs : first - (to - windowMs),
    objectives,
  };
}
