import { machineryAlarms } from '../adapters/machinery-alarms.ts';
import type { ProbeAlarmKind } from '../core/cloud/deployed-suite.ts';
import { systemAlarmName } from '../core/cloud/deployed-suite.ts';
import { machineryCause, machineryHoldReason } from '../core/notify/machinery-cause.ts';
import type { Hold, NotifyScope, ProbeRuns } from './notify-shared.ts';

/**
 * Holds a cannot-measure or heartbeat page whose cause perfprobe's own alarm already paged (a worker's errors,
 * Plan's throttles…), in ALARM now or since the trouble began: one cause, one page. The tick re-checks the hold,
 * so the page goes out if the probe goes on failing without that alarm. Any other alarm reads nothing.
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
  const alarms = await machineryAlarms(cloudWatch, systemAlarmName(scope.names, ''), (message, details) =>
    scope.logger.warn(message, details),
  );
  const cause = machineryCause(scope.names, check, runs.runs, alarms);
  return cause === undefined ? undefined : { why: machineryHoldReason(cause) };
}
