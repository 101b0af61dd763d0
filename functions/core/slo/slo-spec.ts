// An SLO as the suite states it, in plain values: the deployed functions read these, and importing them from the
// schema would bundle zod into every Lambda.

/** One probe's objectives over a rolling window (`slo` in the suite, see suite/slo-schema.ts). */
export interface SloSpec {
  /** The rolling window, whole days (1 … 90). */
  readonly windowDays: number;
  /** Fraction of valid requests that must succeed, e.g. 0.999. */
  readonly availability?: number | undefined;
  /** Fraction of requests that must succeed at or under `thresholdMs`. */
  readonly latency?: { readonly thresholdMs: number; readonly target: number } | undefined;
}

export type SloObjective = 'availability' | 'latency';

export const DAY_MS = 86_400_000;

/** Window bounds: a day is the shortest that spreads a budget over more than one bad hour; 90 is the store's default retention. */
export const SLO_WINDOW_DAYS = { min: 1, max: 90 } as const;

/**
 * The SRE workbook's multi-window, multi-burn-rate alerts (chapter 5, "Alerting on SLOs"): a long window says the
 * budget is burning that fast, a short one (1/12 of it) that it still is, so a page ends soon after the cause.
 * At 14.4× a 30-day budget loses 2 % in the hour; at 6×, 5 % in six hours; at 1× it is spent by the window's end.
 */
export const BURN_ALERTS = [
  { name: 'fast', burnRate: 14.4, longMs: 3_600_000, shortMs: 300_000, page: true },
  { name: 'slow', burnRate: 6, longMs: 6 * 3_600_000, shortMs: 30 * 60_000, page: true },
  { name: 'budget', burnRate: 1, longMs: 3 * DAY_MS, shortMs: 6 * 3_600_000, page: false },
] as const;

export type BurnAlertName = (typeof BURN_ALERTS)[number]['name'];

/** The fastest burn anything pages on: a target whose budget × this reaches 100 % could never page. */
export const FASTEST_PAGED_BURN = BURN_ALERTS[0].burnRate;

/** The objectives a spec states, in a fixed order. */
export function sloObjectives(slo: SloSpec): SloObjective[] {
  const out: SloObjective[] = [];
  if (slo.availability !== undefined) out.push('availability');
  if (slo.latency !== undefined) out.push('latency');
  return out;
}

/** The target of one objective. */
export function sloTarget(slo: SloSpec, objective: SloObjective): number {
  return objective === 'availability' ? slo.availability! : slo.latency!.target;
}
