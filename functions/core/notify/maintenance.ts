import type { MaintenanceWindow } from '../cloud/deployed-suite.ts';
import { cronTimes } from '../suite/cron-times.ts';

/**
 * The suite's maintenance window `atMs` falls in, with its end, if any: a window started by the first time its
 * cron fires after `atMs - duration`, if that is not after `atMs`.
 */
export function maintenanceAt(
  windows: readonly MaintenanceWindow[],
  atMs: number,
): { readonly window: MaintenanceWindow; readonly endsAt: string } | undefined {
  for (const window of windows) {
    const [start] = cronTimes(window.cron, window.timezone, new Date(atMs - window.durationMs), 1);
    if (start !== undefined && start.getTime() <= atMs) {
      return { window, endsAt: new Date(start.getTime() + window.durationMs).toISOString() };
    }
  }
  return undefined;
}
