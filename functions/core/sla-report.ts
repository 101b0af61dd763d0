/**
 * The verdict of a run's SLAs, as stored and reported. A leaf of types: the result (run-result.ts) carries it and
 * the checks (sla.ts, regression.ts) produce it, so neither side imports the other for it.
 */

export type Severity = 'warn' | 'critical';

export interface SlaCheck {
  /** The SLA as written in the suite: "p95", "errorRate", "minThroughput". */
  readonly name: string;
  readonly severity: Severity;
  /** What was measured: "latency.p95" (ms), "errorRate" (fraction), "throughputRps". */
  readonly metric: string;
  readonly threshold: number;
  /** null when there was nothing to measure (no response completed). */
  readonly observed: number | null;
  readonly passed: boolean;
  /** Present when perfprobe added this check because the suite named none (reports show "(default)"). */
  readonly isDefault?: true;
  /** Why a yes/no check failed, in words (the rate-limit check: the limiter's reasons); absent when it passed. */
  readonly reason?: string;
  /** A regression check's baseline, change and test figures (`sla.regression`). */
  readonly regression?: RegressionFigures;
}

export interface SlaReport {
  /** True when the run was valid and no critical check failed (warn breaches do not fail a run). */
  readonly passed: boolean;
  /**
   * pass | warn (a warn target missed) | breach (a critical check failed) | invalid (the run could not deliver
   * its load: checks are shown but the run never counts as a breach).
   */
  readonly verdict: 'pass' | 'warn' | 'breach' | 'invalid';
  readonly checks: readonly SlaCheck[];
}

export interface RegressionFigures {
  /** The baseline's value of this percentile, ms; null when there was no usable baseline. */
  readonly baselineMs: number | null;
  readonly baselineRuns: number;
  readonly source: string;
  /** observed / baseline − 1, and observed − baseline in ms. */
  readonly relative: number | null;
  readonly absoluteMs: number | null;
  readonly allowedRelative: number;
  readonly minDeltaMs: number;
  /** The one-sided Mann-Whitney U test of the whole distribution: slower than the baseline? */
  readonly test: { readonly name: 'mann-whitney-u'; readonly pValue: number; readonly alpha: number } | null;
  /** Set when the check could not judge (no baseline, too few runs, nothing measured): it passes, and says why. */
  readonly unjudged?: string;
}
