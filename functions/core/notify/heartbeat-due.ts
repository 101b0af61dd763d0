import type { ResolvedProbe } from '../plan.ts';
import { cronTimes } from '../suite/cron-times.ts';
import { formatInstant } from './figures.ts';

/**
 * Runs that must have been due after a deploy before a heartbeat may page: 2. The first run due after a deploy
 * is no evidence of a dead schedule (Scheduler starts with the first occurrence after the schedule exists, which
 * a deploy finishing that minute misses; a new role may still be propagating); a second missing one is.
 */
export const HEARTBEAT_RUNS_AFTER_DEPLOY = 2;

/** Occurrences counted at most in one window: a year of a 5-minute cron is ~105,000, far more than ever read. */
const OCCURRENCES_MAX = 10_000;

/**
 * How many runs the probe's schedule made due in (fromMs, toMs]: cron occurrences in its zone, or rate intervals.
 * Counting stops at `atMost` (a deploy months ago needs only "at least 2").
 */
export function dueRuns(
  probe: ResolvedProbe,
  fromMs: number,
  toMs: number,
  atMost = OCCURRENCES_MAX,
): number {
  if (toMs <= fromMs) return 0;
  const { expression, timezone } = probe.schedule;
  if (expression.startsWith('cron(')) {
    let count = 0;
    let from = new Date(fromMs);
    // croner walks forward from `from` (exclusive); in chunks, so a window is bounded whatever its length.
    while (count < Math.min(atMost, OCCURRENCES_MAX)) {
      const times = cronTimes(expression, timezone, from, 100);
      const within = times.filter((t) => t.getTime() <= toMs);
      count += within.length;
      if (within.length < times.length || times.length === 0) break;
      from = times.at(-1)!;
    }
    return Math.min(count, atMost);
  }
  // A rate() schedule's phase is when the schedule was created: whole intervals are due.
  const interval = probe.alert.intervalMs;
  return interval ? Math.min(atMost, Math.floor((toMs - fromMs) / interval)) : 0;
}

/** The runs that were due and are missing: how many, and the sentence that says since when and by which schedule. */
export interface MissingRuns {
  readonly count: number;
  readonly text: string;
}

export type HeartbeatVerdict =
  | { readonly page: true; readonly missing: MissingRuns }
  | { readonly page: false; readonly why: string };

/**
 * Whether a heartbeat ALARM is worth a page now: runs were due and are missing. The newest due run gets one
 * interval to finish before it counts as missing (a run never lasts an interval: deploy-checks). No page before
 * HEARTBEAT_RUNS_AFTER_DEPLOY runs were due after the heartbeat alarm was (re)configured by a deploy.
 */
export function heartbeatVerdict(input: {
  readonly probe: ResolvedProbe;
  readonly nowMs: number;
  /** The newest stored run's start; undefined: none in the window read. */
  readonly lastRunMs: number | undefined;
  /** When a deploy last created or changed the heartbeat alarm; undefined: unknown (no hold for a deploy). */
  readonly deployedMs: number | undefined;
  /** Where to start counting without a stored run: the start of the window the runs were read from. */
  readonly windowStartMs: number;
}): HeartbeatVerdict {
  const { probe, nowMs, deployedMs } = input;
  const until = nowMs - (probe.alert.intervalMs ?? 0);
  const schedule = `${probe.schedule.expression}${probe.schedule.expression.startsWith('cron(') ? ` in ${probe.schedule.timezone}` : ''}`;
  if (deployedMs !== undefined) {
    const sinceDeploy = dueRuns(probe, deployedMs, until, HEARTBEAT_RUNS_AFTER_DEPLOY);
    if (sinceDeploy < HEARTBEAT_RUNS_AFTER_DEPLOY) {
      return {
        page: false,
        why: `only ${sinceDeploy} of the first ${HEARTBEAT_RUNS_AFTER_DEPLOY} runs after the deploy at ${formatInstant(deployedMs)} were due (${schedule})`,
      };
    }
  }
  const lastRun = input.lastRunMs ?? input.windowStartMs;
  const from = Math.max(lastRun, deployedMs ?? Number.NEGATIVE_INFINITY);
  const missed = dueRuns(probe, from, until);
  const after =
    from !== lastRun
      ? `since the deploy at ${formatInstant(from)}`
      : input.lastRunMs === undefined
        ? `since ${formatInstant(from)} (no stored run since)`
        : `since the last run at ${formatInstant(from)}`;
  if (missed === 0) {
    return { page: false, why: `no run was due ${after} (${schedule})` };
  }
  return {
    page: true,
    missing: {
      count: missed,
      text: `Runs due and missing: ${missed} ${after} (${schedule}; the newest due run is given one interval to finish).`,
    },
  };
}
