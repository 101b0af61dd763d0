import type { ObjectiveStatus, SloStatus } from './slo-status.ts';

/*
 * An SLO's figures in words, the same in the CLI, the HTML report, `watch` and the pages: "login availability
 * 99.9 %/30d: burning 16× over the last hour, 71 % of the budget left, gone in 1 day 19 h at this rate".
 */

/** "99.9 %", "99.95 %", "99 %": as many digits as the target has (up to four). */
export function formatTarget(fraction: number): string {
  return `${+(fraction * 100).toFixed(4)} %`;
}

/** "16×", "1.5×", "0.02×". */
export function formatBurn(burn: number): string {
  const digits = burn >= 10 ? 0 : burn >= 1 ? 1 : 2;
  return `${+burn.toFixed(digits)}×`;
}

const HOUR_MS = 3_600_000;

/** "1 day 19 h", "3 days", "5 h 12 min", "40 min": how long a budget lasts. */
export function formatLasting(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  const rest = Math.round((ms - days * 24 * HOUR_MS) / HOUR_MS);
  const dayText = `${days} day${days === 1 ? '' : 's'}`;
  return rest === 0 || rest === 24 ? dayText : `${dayText} ${rest} h`;
}

/** "availability 99.9 %/30d", "latency <= 300 ms 99 %/30d". */
export function objectiveLabel(objective: ObjectiveStatus, windowDays: number): string {
  const what =
    objective.objective === 'availability'
      ? 'availability'
      : `latency <= ${+objective.thresholdMs!.toFixed(3)} ms`;
  return `${what} ${formatTarget(objective.target)}/${windowDays}d`;
}

/** "71 % of the budget left", "the budget is spent (140 % used)", "no valid request measured". */
export function budgetLeftText(objective: ObjectiveStatus): string {
  const left = objective.budget.left;
  if (left === null) return 'nothing measured yet';
  if (left <= 0) return `the budget is spent (${Math.round(100 * (1 - left))} % used)`;
  return `${percentLeft(left)} % of the budget left`;
}

/** Whole percent of the budget left, rounded down (never flattering), past float noise (0.7 is 70, not 69). */
export function percentLeft(left: number): number {
  return Math.max(0, Math.floor(100 * left + 1e-9));
}

/** "gone in 1 day 19 h at this rate", "" while nothing burns. */
export function exhaustionText(objective: ObjectiveStatus): string {
  const ms = objective.exhaustedInMs;
  if (ms === null || ms === 0) return '';
  return `gone in ${formatLasting(ms)} at this rate`;
}

/** One line per objective: the SLI, the budget left, the burn and when it runs out. */
export function objectiveLine(status: SloStatus, objective: ObjectiveStatus): string {
  const sli = objective.sli === null ? 'no SLI yet' : `SLI ${formatTarget(objective.sli)}`;
  const burn =
    objective.burn.hour === null
      ? 'no run in the last hour'
      : `burning ${formatBurn(objective.burn.hour)} over the last hour`;
  return [
    `${objectiveLabel(objective, status.windowDays)}: ${sli}`,
    budgetLeftText(objective),
    burn,
    exhaustionText(objective),
  ]
    .filter(Boolean)
    .join(', ');
}
