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

export function formatValue(metric: string, value: number): string {
  if (metric === 'errorRate') return formatPercent(value);
  if (metric === 'throughputRps') return `${+value.toFixed(1)} req/s`;
  return formatMillis(value);
}

/** "p99 812 ms > 400 ms", "errorRate 100 % > 1 %", "minThroughput 80 req/s < 100 req/s". */
export function describeCheck(check: SlaCheck): string {
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
