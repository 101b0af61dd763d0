import { firingAlarms } from '../adapters/firing-alarms.ts';
import type { ProbeAlarmKind } from '../core/cloud/deployed-suite.ts';
import { systemAlarmName } from '../core/cloud/deployed-suite.ts';
import { machineryCause, machineryHoldReason } from '../core/notify/machinery-cause.ts';
import type { Hold, NotifyScope, ProbeRuns } from './notify-shared.ts';

/**
 * Holds a cannot-measure or heartbeat page whose cause perfprobe's own alarm already paged (a worker's errors,
 * Plan's throttles…): one cause, one page. The tick re-checks the hold, so the page goes out if the probe still
 * cannot measure once that alarm is OK again. Any other alarm reads nothing.
 */
export async function machineryHold(
  scope: NotifyScope,
  check: ProbeAlarmKind,
  runs: ProbeRuns,
  /** A location's own incident (several locations): its machinery alarms are in its region. */
  location?: string,
): Promise<Hold | undefined> {
  if (check !== 'cannot-measure' && check !== 'heartbeat') return undefined;
  const cloudWatch =
    location === undefined
      ? scope.deps.cloudWatch
      : (scope.deps.cloudWatchAt?.(location) ?? scope.deps.cloudWatch);
  const firing = await firingAlarms(cloudWatch, systemAlarmName(scope.names, ''), (message, details) =>
    scope.logger.warn(message, details),
  );
  const cause = machineryCause(scope.names, check, runs.runs[0], firing);
  return cause === undefined ? undefined : { why: machineryHoldReason(cause) };
}
