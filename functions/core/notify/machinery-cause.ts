import type { DeployedNames, ProbeAlarmKind } from '../cloud/deployed-suite.ts';
import type { RunResult } from '../run-result.ts';
import { formatInstant } from './figures.ts';

/** One of perfprobe's own alarms in ALARM (DescribeAlarms), which CloudWatch paged directly. */
export interface FiringAlarm {
  readonly name: string;
  readonly sinceMs: number;
}

/**
 * The machinery alarm already paged for the cause of this probe alarm, if one is firing: one cause, one page.
 * - cannot-measure, when the latest run lost shards (partial): a worker's Errors or Throttles alarm. A run that
 *   is invalid for another reason (a starved generator, a refused secret) is its own cause, whatever fires.
 * - heartbeat (no runs stored): Plan's or Aggregate's Errors or Throttles, or a state machine's failed or
 *   timed-out executions.
 * Nothing else is held: a breach is the target's, never the machinery's.
 */
export function machineryCause(
  names: DeployedNames,
  check: ProbeAlarmKind,
  latest: Pick<RunResult, 'partial'> | undefined,
  firing: readonly FiringAlarm[],
): FiringAlarm | undefined {
  const system = `${names.alarmPrefix}system.`;
  const explains = (what: RegExp) =>
    firing
      .filter((a) => a.name.startsWith(system) && what.test(a.name.slice(system.length)))
      .sort((a, b) => a.sinceMs - b.sinceMs)[0];
  if (check === 'cannot-measure') {
    return latest?.partial === true ? explains(/^[a-z0-9]+-worker-(errors|throttles)$/) : undefined;
  }
  if (check === 'heartbeat') {
    return explains(/^((plan|aggregate)-(errors|throttles)|[a-z0-9]+-executions-(failed|timed-out))$/);
  }
  return undefined;
}

/** Why the page is held: the machinery's own page told on-call, and this one follows only if it outlasts it. */
export function machineryHoldReason(cause: FiringAlarm): string {
  return `perfprobe itself is failing: ${cause.name} is in ALARM since ${formatInstant(cause.sinceMs)} and paged on its own; this is its consequence, paged only if it outlasts that alarm`;
}
