import type { RunResult } from '../core/run-result.ts';
import type { SlaCheck } from '../core/sla.ts';
import { type Style, table } from './style.ts';

const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const pct = (f: number) => `${(100 * f).toFixed(f > 0 && f < 0.001 ? 3 : 2)}%`;

export function formatObserved(check: SlaCheck): string {
  if (check.observed === null) return 'no responses';
  if (check.metric === 'errorRate') return pct(check.observed);
  if (check.metric === 'throughputRps') return `${num(check.observed)}/s`;
  return `${ms(check.observed)} ms`;
}

export function formatThreshold(check: SlaCheck): string {
  if (check.metric === 'errorRate') return `≤ ${pct(check.threshold)}`;
  if (check.metric === 'throughputRps') return `≥ ${num(check.threshold)}/s`;
  return `≤ ${ms(check.threshold)} ms`;
}

export function verdictLabel(result: RunResult, s: Style): string {
  switch (result.sla.verdict) {
    case 'pass':
      return s.green('PASS');
    case 'warn':
      return s.yellow('WARN');
    case 'breach':
      return s.red('BREACH');
    case 'invalid':
      return s.yellow('INVALID');
  }
}

/** The detailed, human summary of one run. */
export function formatRun(result: RunResult, s: Style): string {
  const l = result.latencyMs;
  const lines: string[] = [];
  lines.push(
    `${s.bold(result.probeId)} ${s.dim(`(${result.kind}, env ${result.environment})`)}  ${num(result.requests.total)} requests in ${(result.durationMs / 1000).toFixed(1)} s, ${num(result.throughputRps)} req/s, ${num(result.bytesReceived / 1024)} KiB read`,
  );
  lines.push(
    table(
      [
        ['latency ms', 'min', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean'],
        ['', ...[l.min, l.p50, l.p90, l.p95, l.p99, l.p999, l.max, l.mean].map(ms)],
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    )
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n'),
  );
  const statuses = Object.entries(result.statusCodes).map(([code, n]) => `${code} ×${num(n)}`);
  lines.push(`  status     ${statuses.join('  ') || 'none'}`);
  const errors = Object.entries(result.errors).map(([cls, n]) => `${cls} ${num(n ?? 0)}`);
  lines.push(
    `  errors     ${errors.length ? s.red(`${errors.join('  ')} (${pct(result.errorRate)})`) : 'none'}`,
  );
  for (const sample of result.sampleErrors) lines.push(s.dim(`             ${sample}`));
  if (result.stoppedEarly) lines.push(`  stopped    ${s.yellow(result.stoppedEarly)}`);
  const v = result.validity;
  const rate =
    v.intendedRps !== undefined ? `, sent ${num(v.achievedRps)} of ${num(v.intendedRps)} req/s planned` : '';
  const generator = `late sends ${v.lateSends}, queued ${v.queuedSends}, unsent ${v.unsent}, loop delay p99 ${v.eventLoopDelayP99Ms} ms`;
  lines.push(
    `  validity   ${v.valid ? s.green('valid') : s.yellow(`INVALID: ${v.reasons.join('; ')}`)}${rate} ${s.dim(`(${generator})`)}`,
  );
  if (result.sla.checks.length > 0) {
    const rows = result.sla.checks.map((c) => [
      `${c.name} (${c.severity})`,
      formatThreshold(c),
      formatObserved(c),
      c.passed ? s.green('pass') : c.severity === 'critical' ? s.red('FAIL') : s.yellow('warn'),
    ]);
    lines.push(`  SLA        ${verdictLabel(result, s)}`);
    lines.push(
      table(rows)
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n'),
    );
  }
  return lines.join('\n');
}

/** Probes × verdicts, one line each, for `perfprobe run`. */
export function formatSuiteTable(results: readonly RunResult[], s: Style): string {
  const rows = [
    ['probe', 'kind', 'requests', 'p50 ms', 'p99 ms', 'errors', 'req/s', 'verdict', 'failed checks'],
  ];
  for (const r of results) {
    const failed = r.sla.checks
      .filter((c) => !c.passed)
      .map((c) => `${c.name} ${formatObserved(c)} (${c.severity} ${formatThreshold(c)})`)
      .join(', ');
    rows.push([
      r.probeId,
      r.kind,
      num(r.requests.total),
      ms(r.latencyMs.p50),
      ms(r.latencyMs.p99),
      pct(r.errorRate),
      num(r.throughputRps),
      verdictLabel(r, s),
      r.sla.verdict === 'invalid' ? r.validity.reasons.join('; ') : failed,
    ]);
  }
  return table(rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'l']);
}
