import { formatMs } from '../../durations.ts';
import type { RunResult } from '../../run-result.ts';
import type { SlaCheck } from '../../sla.ts';
import { describeFailedTrace, describeSlowTrace } from '../../trace-text.ts';
import { formatInstant, formatMillis, formatPercent } from '../figures.ts';
import { clipTo } from './parts.ts';

/*
 * The figures part of a message: what a run measured, its errors, where the time went, the last good run.
 * Alertmanager's default.tmpl names its parts the same way (`__text_alert_list`) and every kind reuses them.
 */

const SAMPLE_MAX = 200;
const SAMPLES_SHOWN = 3;

export function runFigures(run: RunResult): string {
  const { total, ok, failed } = run.requests;
  const validity = run.validity.valid ? 'valid' : 'INVALID';
  const latency =
    run.latencyMs.max > 0
      ? `, p50 ${formatMillis(run.latencyMs.p50)}, p95 ${formatMillis(run.latencyMs.p95)}, p99 ${formatMillis(run.latencyMs.p99)}`
      : ', no response completed';
  // Without a request there is no rate: "errorRate 0 %" would read as healthy.
  if (total === 0) return `0 requests, ${validity}, no request completed`;
  return `${total} requests (${ok} ok, ${failed} failed), ${validity}${latency}, errorRate ${formatPercent(run.errorRate)}`;
}

export function errorLines(run: RunResult): string[] {
  const counts = Object.entries(run.errors).filter(([, n]) => (n ?? 0) > 0);
  if (counts.length === 0) return [];
  counts.sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  // Samples were redacted where they were recorded (functions/core/redact.ts): no secret value reaches here.
  const samples = run.sampleErrors.slice(0, SAMPLES_SHOWN).map((s) => `  e.g. ${clipTo(s, SAMPLE_MAX)}`);
  return [`Errors: ${counts.map(([name, n]) => `${name} ${n}`).join(', ')}`, ...samples];
}

/**
 * The W3C trace ids to open in the target's own tracing (the run record keeps them, see RunResult.traces): the
 * slowest requests when latency broke, failed ones when the error rate did. Nothing for other checks.
 */
export function traceLines(run: RunResult, checks: readonly SlaCheck[], latencyAlarm: boolean): string[] {
  const traces = run.traces;
  if (traces === undefined) return [];
  const lines: string[] = [];
  if ((latencyAlarm || checks.some((c) => c.metric.includes('latency.'))) && traces.slowest.length > 0) {
    lines.push(`Trace ids (traceparent), slowest: ${traces.slowest.map(describeSlowTrace).join(', ')}`);
  }
  if (checks.some((c) => c.metric.endsWith('errorRate')) && traces.failed.length > 0) {
    lines.push(`Trace ids (traceparent), failed: ${traces.failed.map(describeFailedTrace).join(', ')}`);
  }
  return lines;
}

/** A phase "moved" when its p95 rose by both this share and PHASE_RISE_MS over the previous good run's. */
export const PHASE_RISE_SHARE = 0.5;
export const PHASE_RISE_MS = 5;
const PHASE_RULE = `+${PHASE_RISE_SHARE * 100} % and +${PHASE_RISE_MS} ms p95 vs the previous good run`;

/**
 * Where the time went: only the phases whose p95 rose noticeably against the good run (a phase that got faster
 * or barely moved says nothing about the breach). Without a good run there is nothing to compare.
 */
export function phaseLine(run: RunResult, good: RunResult | undefined): string[] {
  const phases = Object.entries(run.phasesMs ?? {});
  if (phases.length === 0 || good?.phasesMs === undefined) return [];
  const rose = phases.flatMap(([name, summary]) => {
    const was = good.phasesMs?.[name as keyof NonNullable<RunResult['phasesMs']>];
    if (!summary || !was) return [];
    const now = summary.p95;
    const moved = now - was.p95 >= PHASE_RISE_MS && now >= was.p95 * (1 + PHASE_RISE_SHARE);
    return moved ? [`${name} ${formatMillis(now)} (was ${formatMillis(was.p95)})`] : [];
  });
  return [
    rose.length > 0
      ? `Phases that rose (${PHASE_RULE}): ${rose.join(', ')}`
      : `Phases: unchanged (none rose by ${PHASE_RULE})`,
  ];
}

export function previousGoodLine(runs: readonly RunResult[], windowMs: number | undefined): string {
  const good = runs.find((r) => r.sla.verdict === 'pass');
  if (!good) {
    return `Previous good run: none among the stored runs${windowMs ? ` of the last ${formatMs(windowMs)}` : ''}.`;
  }
  return `Previous good run: ${formatInstant(Date.parse(good.startedAt))}: ${runFigures(good)}.`;
}

export function failedCritical(run: RunResult): SlaCheck[] {
  return run.sla.checks.filter((c) => c.severity === 'critical' && !c.passed);
}
