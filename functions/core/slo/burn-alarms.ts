import { alarmPeriodSeconds, maxEvaluationSeconds } from '../cloud/alert-policy.ts';
import {
  BURN_ALERTS,
  type BurnAlertName,
  type SloObjective,
  type SloSpec,
  sloObjectives,
  sloTarget,
} from './slo-spec.ts';

/** One multi-window burn-rate alert of one objective, as deployed: two metric alarms and a composite over both. */
export interface BurnAlarm {
  readonly objective: SloObjective;
  readonly level: BurnAlertName;
  readonly burnRate: number;
  /** Pages on-call; a 1× burn over three days is a notice. */
  readonly page: boolean;
  /** Each window is one alarm datum whose period is the window (evaluation periods 1). */
  readonly longSeconds: number;
  readonly shortSeconds: number;
  /** 1 − target, as the expression divides by it. */
  readonly budget: number;
  /** Metrics each of its two metric alarms reads (CloudWatch bills an alarm per metric). */
  readonly metricsPerAlarm: number;
}

/** Metric alarms and composites one objective deploys: a long and a short window per alert, and their AND. */
export const METRIC_ALARMS_PER_BURN = 2;
export const COMPOSITES_PER_BURN = 1;

/**
 * The burn alerts of a probe's SLO, with windows CloudWatch can evaluate. A window is one datum of its own
 * length (the sum over the last hour is one 3,600 s datum), never a sum of several: alarms cannot add periods.
 * Periods are whole minutes; PutMetricAlarm caps period × evaluation periods at one day below hourly periods
 * and seven days from hourly up, so the 3-day window is one 259,200 s datum (allowed: hourly or longer, and 3
 * days ≤ 7). A short window must hold a run: it is at least the probe's interval (a probe every 10 minutes is
 * confirmed over 10, not 5), and a long window is never shorter than its short one.
 */
export function burnAlarms(slo: SloSpec, intervalMs: number): BurnAlarm[] {
  const interval = alarmPeriodSeconds(intervalMs);
  return sloObjectives(slo).flatMap((objective) =>
    BURN_ALERTS.map((alert): BurnAlarm => {
      const shortSeconds = Math.max(alert.shortMs / 1000, interval);
      const longSeconds = Math.max(alert.longMs / 1000, shortSeconds);
      for (const seconds of [shortSeconds, longSeconds]) {
        if (seconds > maxEvaluationSeconds(seconds)) {
          throw new RangeError(`a ${seconds} s burn window is longer than CloudWatch evaluates`);
        }
      }
      return {
        objective,
        level: alert.name,
        burnRate: alert.burnRate,
        page: alert.page,
        longSeconds,
        shortSeconds,
        budget: +(1 - sloTarget(slo, objective)).toPrecision(12),
        // Either objective reads one percentile rank of SloOutcome.
        metricsPerAlarm: 1,
      };
    }),
  );
}
