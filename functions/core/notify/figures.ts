import type { SlaCheck } from '../sla.ts';

/**
 * Numbers as on-call reads them: units always, no false precision. ASCII only, because SNS refuses a Subject
 * with anything else (and SMS gateways mangle it).
 */
export function formatMillis(ms: number): string {
  const digits = ms >= 100 ? 0 : ms >= 10 ? 1 : 2;
  return `${+ms.toFixed(digits)} ms`;
}

export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  const digits = pct === 0 || pct >= 10 ? 1 : pct >= 1 ? 2 : 3;
  return `${+pct.toFixed(digits)} %`;
}

/** A check's value in its metric's unit: "errorRate" and "steps.<step>.errorRate" are fractions, latencies ms. */
export function formatValue(metric: string, value: number): string {
  if (metric === 'errorRate' || metric.endsWith('.errorRate')) return formatPercent(value);
  if (metric === 'throughputRps') return `${+value.toFixed(1)} req/s`;
  return formatMillis(value);
}

/** "+11 %", "-3 %": a change against a baseline. */
function formatChange(relative: number): string {
  const pct = relative * 100;
  return `${pct >= 0 ? '+' : ''}${+pct.toFixed(Math.abs(pct) >= 10 ? 0 : 1)} %`;
}

/**
 * A regression check: the change against the baseline, and which of its three conditions (relative limit,
 * minDelta, U test) held, so a check above its relative limit that still passed says why it passed.
 */
function describeRegression(check: SlaCheck, figures: NonNullable<SlaCheck['regression']>): string {
  if (figures.unjudged !== undefined || check.observed === null || figures.baselineMs === null) {
    return `${check.name} not judged (${figures.unjudged ?? 'nothing measured'})`;
  }
  const observed = formatMillis(check.observed);
  const change = `${figures.relative === null ? '' : `${formatChange(figures.relative)} `}vs baseline ${formatMillis(figures.baselineMs)}`;
  const test = figures.test;
  const pValue = test ? `p=${+test.pValue.toPrecision(2)}` : 'no U test';
  if (!check.passed)
    return `${check.name} ${observed} > ${formatMillis(check.threshold)} (${change}, ${pValue})`;
  const within = (figures.relative ?? 0) <= figures.allowedRelative;
  if (within) return `${check.name} ${observed} <= ${formatMillis(check.threshold)} (${change})`;
  const held: string[] = [];
  if ((figures.absoluteMs ?? 0) <= figures.minDeltaMs) {
    held.push(
      `rise ${formatMillis(figures.absoluteMs ?? 0)} not above minDelta ${formatMillis(figures.minDeltaMs)}`,
    );
  }
  if (test === null || test.pValue >= test.alpha) held.push(`not significant: ${pValue}`);
  return `${check.name} ${observed} (${change}, ${held.join(', ') || 'passed'})`;
}

/**
 * "p99 812 ms > 400 ms", "errorRate 100 % > 1 %", "minThroughput 80 req/s < 100 req/s",
 * "steps.login.errorRate 50 % > 1 %", "rateLimit not compliant", "regression.p95 80 ms (+11 % vs baseline 72 ms,
 * not significant: p=0.2)". Each in its metric's unit (functions/core/sla.ts).
 */
export function describeCheck(check: SlaCheck): string {
  if (check.regression !== undefined) return describeRegression(check, check.regression);
  // The limiter's verdict is one yes/no (1 = compliant); its reasons are in the run's rateLimit figures.
  if (check.metric === 'rateLimit.compliant') {
    if (check.passed) return `${check.name} compliant`;
    return `${check.name} not compliant (${check.reason ?? 'the limiter did not keep to its limit'})`;
  }
  const atLeast = check.metric === 'throughputRps';
  const threshold = formatValue(check.metric, check.threshold);
  if (check.observed === null)
    return `${check.name} not measured (no response completed; limit ${threshold})`;
  const sign = check.passed ? (atLeast ? '>=' : '<=') : atLeast ? '<' : '>';
  const suffix = check.isDefault ? ' (default SLA)' : '';
  return `${check.name} ${formatValue(check.metric, check.observed)} ${sign} ${threshold}${suffix}`;
}

/** "14 min", "2 h 5 min", "45 s": how long an incident lasted. */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** "2026-11-30 06:01 UTC": minutes are what a page needs. */
export function formatInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
