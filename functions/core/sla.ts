import { decodeHistogram, percentileMs } from './histogram.ts';
import { type Baseline, checkRegression, type RegressionSpec } from './regression.ts';
import type { RunMeasurement } from './run-result.ts';
import type { SlaCheck, SlaReport } from './sla-report.ts';
import { DEFAULT_CERT_WARN_DAYS, DEFAULT_ERROR_RATE, percentileOf } from './suite/limits.ts';
import type { SlaSpec, Threshold } from './suite/sla-schema.ts';

// Where SlaCheck was always imported from (reports, notifier); the types live in sla-report.ts, a leaf.
export type { Severity, SlaCheck, SlaReport } from './sla-report.ts';

/** The SLA's thresholds (p95, errorRate, …), without its regression rule. */
export function slaThresholds(sla: SlaSpec | undefined): [string, Threshold][] {
  // Stryker disable next-line ConditionalExpression,StringLiteral,MethodExpression: a regression rule has neither warn nor critical, so it adds no check either way
  return Object.entries(sla ?? {}).filter((entry): entry is [string, Threshold] => entry[0] !== 'regression');
}

/** The SLA's regression rule, if it has one. */
export function slaRegression(sla: SlaSpec | undefined): RegressionSpec | undefined {
  return sla?.regression as RegressionSpec | undefined;
}

type Observation = { metric: string; observed: number | null; atLeast: boolean };

/** A step's SLA (`steps.<step>.<key>`), read from that step's own merged histogram and counts. */
function observeStep(step: string, key: string, run: RunMeasurement): Observation {
  const measured = run.steps?.find((s) => s.name === step);
  const metric = `steps.${step}.${key === 'errorRate' ? 'errorRate' : `latency.${key.replace('.', '')}`}`;
  // Stryker disable next-line BooleanLiteral: nothing observed fails the check whichever way atLeast points
  if (measured === undefined) return { metric, observed: null, atLeast: false };
  if (key === 'errorRate') return { metric, observed: measured.errorRate, atLeast: false };
  const hasSamples = measured.latencyMs.max > 0;
  if (!hasSamples) {
    // Stryker disable next-line BooleanLiteral: nothing observed fails the check whichever way atLeast points
    return { metric, observed: null, atLeast: false };
  }
  if (key === 'max' || key === 'mean') return { metric, observed: measured.latencyMs[key], atLeast: false };
  return {
    metric: `steps.${step}.latency.p${String(percentileOf(key)!).replace('.', '')}`,
    observed: percentileMs(decodeHistogram(measured.histogram), percentileOf(key)!),
    atLeast: false,
  };
}

function observe(name: string, run: RunMeasurement): Observation {
  const step = /^steps\.([^.]+)\.(.+)$/.exec(name);
  if (step !== null) return observeStep(step[1]!, step[2]!, run);
  if (name === 'errorRate') return { metric: 'errorRate', observed: run.errorRate, atLeast: false };
  if (name === 'minThroughput')
    return { metric: 'throughputRps', observed: run.throughputRps, atLeast: true };
  if (name === 'certDaysLeft') {
    // No TLS connection seen (an http target, or none connected): nothing to judge, so it cannot pass.
    return {
      metric: 'tls.certificate.daysLeft',
      observed: run.tls?.certificate.daysLeft ?? null,
      atLeast: true,
    };
  }
  const hasSamples = run.latencyMs.max > 0;
  if (name === 'max')
    return { metric: 'latency.max', observed: hasSamples ? run.latencyMs.max : null, atLeast: false };
  if (name === 'mean') {
    return { metric: 'latency.mean', observed: hasSamples ? run.latencyMs.mean : null, atLeast: false };
  }
  const p = percentileOf(name)!;
  // Any percentile, read from the merged histogram itself, not interpolated between summary fields.
  const observed = hasSamples ? percentileMs(decodeHistogram(run.histogram), p) : null;
  return { metric: `latency.p${String(p).replace('.', '')}`, observed, atLeast: false };
}

export interface RegressionInput {
  /** The rule; a probe's own `sla.regression` unless the caller (`run --baseline`) supplies a default. */
  readonly spec: RegressionSpec;
  /** undefined when none could be read: the checks then say so and pass. */
  readonly baseline: Baseline | undefined;
}

/**
 * Compares a run against its SLAs. Pure. A probe without an errorRate SLA is held to a default critical one
 * (DEFAULT_ERROR_RATE: 0 for latency checks, 1 % for loads): a run whose every request failed must not pass
 * just because its author wrote only latency targets. Regression checks (critical) are judged when given a
 * regression input; a probe with `sla.regression` judged without one gets checks that say no baseline was read.
 * A run that saw a TLS certificate and names no certDaysLeft SLA gets a default warn at DEFAULT_CERT_WARN_DAYS.
 */
export function evaluateSla(
  sla: SlaSpec | undefined,
  run: RunMeasurement,
  regression?: RegressionInput,
): SlaReport {
  const checks: SlaCheck[] = [];
  const thresholds = slaThresholds(sla);
  const hasErrorRate = thresholds.some(([name]) => name === 'errorRate');
  for (const [name, threshold] of thresholds) {
    const { metric, observed, atLeast } = observe(name, run);
    for (const severity of ['warn', 'critical'] as const) {
      const limit = threshold[severity];
      if (limit === undefined) continue;
      const passed = observed !== null && (atLeast ? observed >= limit : observed <= limit);
      checks.push({ name, severity, metric, threshold: limit, observed, passed });
    }
  }
  if (!hasErrorRate) {
    const threshold = DEFAULT_ERROR_RATE[run.kind];
    checks.push({
      name: 'errorRate',
      severity: 'critical',
      metric: 'errorRate',
      threshold,
      observed: run.errorRate,
      passed: run.errorRate <= threshold,
      isDefault: true,
    });
  }
  if (run.tls !== undefined && !thresholds.some(([name]) => name === 'certDaysLeft')) {
    // Every HTTPS probe warns before its certificate expires; a warning fails no run and pages nobody.
    const daysLeft = run.tls.certificate.daysLeft;
    checks.push({
      name: 'certDaysLeft',
      severity: 'warn',
      metric: 'tls.certificate.daysLeft',
      threshold: DEFAULT_CERT_WARN_DAYS,
      observed: daysLeft,
      passed: daysLeft >= DEFAULT_CERT_WARN_DAYS,
      isDefault: true,
    });
  }
  const rule = regression?.spec ?? slaRegression(sla);
  if (rule) {
    for (const check of checkRegression(rule, run, regression?.baseline)) {
      checks.push({ ...check, severity: 'critical' });
    }
  }
  if (run.rateLimit !== undefined) {
    // The limiter's behaviour is the point of a rate-limit probe: a critical check, 1 for compliant.
    checks.push({
      name: 'rateLimit',
      severity: 'critical',
      metric: 'rateLimit.compliant',
      threshold: 1,
      observed: run.rateLimit.passed ? 1 : 0,
      passed: run.rateLimit.passed,
      ...(run.rateLimit.passed ? {} : { reason: run.rateLimit.reasons.join('; ') }),
    });
  }
  const criticalFailed = checks.some((c) => c.severity === 'critical' && !c.passed);
  const warnFailed = checks.some((c) => c.severity === 'warn' && !c.passed);
  const valid = run.validity.valid;
  const verdict = !valid ? 'invalid' : criticalFailed ? 'breach' : warnFailed ? 'warn' : 'pass';
  // An invalid run neither passes nor breaches: it could not measure.
  return { passed: valid && !criticalFailed, verdict, checks };
}
