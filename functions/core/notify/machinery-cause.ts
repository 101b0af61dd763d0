import type { DeployedNames, ProbeAlarmKind } from '../cloud/deployed-suite.ts';
import type { RunResult } from '../run-result.ts';
import { formatInstant } from './figures.ts';

/** One of perfprobe's own alarms as DescribeAlarms lists it: its state, and since when. */
export interface MachineryAlarm {
  readonly name: string;
  readonly state: string;
  readonly sinceMs: number;
}

/**
 * The machinery alarm that already paged this probe alarm's cause, if one did: one cause, one page. It paged
 * when it is in ALARM now, or went back to OK after the trouble began (so it was in ALARM, and paged, since
 * then: a worker failing every hour fires and clears its five-minute alarm each time).
 * - cannot-measure, when the latest run lost shards (partial): a worker's Errors or Throttles alarm, since the
 *   first of the invalid runs in a row. A run that is invalid for another reason (a starved generator, a
 *   refused secret) is its own cause, whatever fires.
 * - heartbeat: Plan's or Aggregate's Errors or Throttles, or a state machine's failed or timed-out executions,
 *   since the last stored run (without one, only an alarm in ALARM now).
 * Nothing else is held: a breach is the target's, never the machinery's.
 */
export function machineryCause(
  names: DeployedNames,
  check: ProbeAlarmKind,
  runs: readonly Pick<RunResult, 'partial' | 'startedAt' | 'validity'>[],
  alarms: readonly MachineryAlarm[],
): MachineryAlarm | undefined {
  const system = `${names.alarmPrefix}system.`;
  const explains = (what: RegExp, sinceMs: number) =>
    alarms
      .filter(
        (a) =>
          a.name.startsWith(system) &&
          what.test(a.name.slice(system.length)) &&
          (a.state === 'ALARM' || (a.state === 'OK' && a.sinceMs >= sinceMs)),
      )
      .sort((a, b) => a.sinceMs - b.sinceMs)[0];
  if (check === 'cannot-measure') {
    if (runs[0]?.partial !== true) return undefined;
    return explains(/^[a-z0-9]+-worker-(errors|throttles)$/, invalidSinceMs(runs));
  }
  if (check === 'heartbeat') {
    const last = runs[0] === undefined ? Number.POSITIVE_INFINITY : Date.parse(runs[0].startedAt);
    return explains(/^((plan|aggregate)-(errors|throttles)|[a-z0-9]+-executions-(failed|timed-out))$/, last);
  }
  return undefined;
}

/** When the invalid runs in a row (newest first) began: the oldest of them's start. */
function invalidSinceMs(runs: readonly Pick<RunResult, 'startedAt' | 'validity'>[]): number {
  let since = Number.POSITIVE_INFINITY;
  for (const run of runs) {
    if (run.validity.valid) break;
    since = Date.parse(run.startedAt);
  }
  return since;
}

/** Why the page is held: the machinery's own page told on-call of this cause. */
export function machineryHoldReason(cause: MachineryAlarm): string {
  const paged =
    cause.state === 'ALARM'
      ? `is in ALARM since ${formatInstant(cause.sinceMs)} and paged on its own`
      : `paged on its own since this began (back to OK at ${formatInstant(cause.sinceMs)}; it pages again at the next failure)`;
  return `perfprobe itself is failing: ${cause.name} ${paged}; this is its consequence, paged only if it goes on without that alarm`;
}
