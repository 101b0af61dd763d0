import { ERROR_CLASSES } from '../../core/error-classes.ts';
import type { RunResult } from '../../core/run-result.ts';
import type { SlaCheck } from '../../core/sla.ts';
import {
  formatCpuWait,
  formatElapsed,
  formatObserved,
  formatThreshold,
  hasLatency,
  isDefaultCheck,
  NOT_MEASURED,
} from '../report.ts';
import { escapeHtml as h } from './escape.ts';

export const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
export const pct = (f: number) => `${(100 * f).toFixed(f > 0 && f < 0.001 ? 3 : 2)}%`;
export const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

const VERDICT = { pass: 'pass', warn: 'warn', breach: 'breach', invalid: 'invalid' } as const;

export function verdictBadge(verdict: RunResult['sla']['verdict'] | 'none'): string {
  return verdict === 'none'
    ? '<span class="verdict none">no run</span>'
    : `<span class="verdict ${verdict}">${VERDICT[verdict]}</span>`;
}

export interface TableLayout {
  /** Right-aligned numeric columns. */
  readonly numeric?: readonly number[];
  /** Columns of names that may break anywhere (long dotted check names) rather than widen the table. */
  readonly wrap?: readonly number[];
  /** Columns of figures kept on one line ("≤ 1000 ms"). */
  readonly nowrap?: readonly number[];
  /** A header row above the column heads: [label, columns spanned], already-escaped HTML. */
  readonly groups?: readonly (readonly [string, number])[];
}

/** A table from header cells and rows of already-escaped HTML cells. */
export function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  layout: TableLayout | readonly number[] = [],
): string {
  const {
    numeric = [],
    wrap = [],
    nowrap = [],
    groups,
  } = Array.isArray(layout) ? { numeric: layout as readonly number[] } : (layout as TableLayout);
  const cls = (i: number) => {
    const names = [numeric.includes(i) && 'n', wrap.includes(i) && 'name', nowrap.includes(i) && 'fig'];
    const joined = names.filter(Boolean).join(' ');
    return joined ? ` class="${joined}"` : '';
  };
  const th = head.map((c, i) => `<th${cls(i)}>${c}</th>`).join('');
  const group = groups
    ? `<tr>${groups.map(([label, span]) => `<th colspan="${span}" class="group">${label}</th>`).join('')}</tr>`
    : '';
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('');
  return `<table>${head.length ? `<thead>${group}<tr>${th}</tr></thead>` : ''}<tbody>${body}</tbody></table>`;
}

/** A name as HTML that may break after a dot before a word ("steps.<wbr>settled.<wbr>p95"), never inside "p99.9". */
const breakable = (name: string) => h(name).replace(/\.(?=[A-Za-z])/g, '.<wbr>');

/** A flow run counts iterations (each one pass through its steps), not HTTP requests. */
export const isFlow = (run: RunResult) => run.steps !== undefined;

/** The HTTP requests a flow sent: one per step run, every poll of an `until` step. */
export function flowHttpRequests(run: RunResult): number {
  return (run.steps ?? []).reduce((n, s) => n + (s.polls ?? s.requests.total), 0);
}

function checkResult(check: SlaCheck): string {
  if (check.regression?.unjudged) return '<span class="muted">not judged</span>';
  if (check.passed) return '<span class="result-ok">pass</span>';
  return check.severity === 'critical'
    ? '<span class="result-bad">FAIL</span>'
    : '<span class="result-warn">warn</span>';
}

export function checksTable(run: RunResult): string {
  if (run.sla.checks.length === 0) return '<p class="muted">No SLA checks.</p>';
  return table(
    ['check', 'severity', 'threshold', 'observed', 'result'],
    run.sla.checks.map((c) => [
      `${breakable(c.name)}${isDefaultCheck(c) ? ' (default)' : ''}`,
      h(c.severity),
      h(formatThreshold(c)),
      h(formatObserved(c)),
      checkResult(c),
    ]),
    { wrap: [0], nowrap: [2, 3] },
  );
}

export function validityTable(run: RunResult): string {
  const v = run.validity;
  const rows: string[][] = [
    ['valid', v.valid ? '<span class="result-ok">yes</span>' : '<span class="result-bad">no</span>'],
    ['achieved', `${h(num(v.achievedRps))} req/s`],
  ];
  if (v.intendedRps !== undefined) rows.push(['planned', `${h(num(v.intendedRps))} req/s`]);
  rows.push(
    ['late sends', h(num(v.lateSends))],
    ['queued sends', h(num(v.queuedSends))],
    ['unsent', h(num(v.unsent))],
    ['event-loop delay p99', `${h(ms(v.eventLoopDelayP99Ms))} ms`],
  );
  if (v.longestQueueWaitMs) rows.push(['longest queue wait', `${h(ms(v.longestQueueWaitMs))} ms`]);
  if (v.pool) rows.push(['connections (cap)', h(`${num(v.pool.size)} (${num(v.pool.cap)})`)]);
  if (v.gcPauseMs)
    rows.push(['GC pauses (longest)', h(`${ms(v.gcPauseMs.total)} ms (${ms(v.gcPauseMs.max)} ms)`)]);
  if (v.cpuWaitMs !== undefined) rows.push(['waited for a CPU', h(formatCpuWait(run))]);
  if (run.staleRetries) rows.push(['stale-connection retries', h(num(run.staleRetries))]);
  if (v.sendLatenessMs) {
    const s = v.sendLatenessMs;
    rows.push(['send lateness p50 / p99 / max', h(`${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)} ms`)]);
  }
  rows.push(['shards reported', h(`${run.coverage.reported} of ${run.coverage.planned}`)]);
  if (run.stoppedEarly) rows.push(['stopped early', h(run.stoppedEarly)]);
  for (const reason of v.reasons) rows.push(['why invalid', h(reason)]);
  return table([], rows);
}

export function errorsSection(run: RunResult): string {
  // A flow's errors and statuses are per iteration: the status of the response that ended it.
  const of = isFlow(run) ? 'of iterations' : 'of requests';
  const statusHead = isFlow(run) ? ['last HTTP status', 'iterations'] : ['HTTP status', 'count'];
  const classes = ERROR_CLASSES.flatMap((c) => {
    const n = run.errors[c] ?? 0;
    return n > 0 ? [[h(c), h(num(n)), h(pct(run.requests.total ? n / run.requests.total : 0))]] : [];
  });
  const statuses = Object.entries(run.statusCodes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => [h(code), h(num(n))]);
  const parts = [
    classes.length
      ? table(['error class', 'count', of], classes, [1, 2])
      : '<p class="muted">No failed requests.</p>',
  ];
  if (statuses.length) parts.push(table(statusHead, statuses, [1]));
  if (run.sampleErrors.length) {
    // Samples were redacted where they were recorded (the run's secret values never leave the shard).
    parts.push(
      `<p class="label">Sample errors</p><ul class="samples">${run.sampleErrors.map((s) => `<li><code>${h(s)}</code></li>`).join('')}</ul>`,
    );
  }
  return parts.join('');
}

const PHASE_ORDER = ['dns', 'connect', 'tls', 'ttfb', 'download'] as const;

export function phasesTable(run: RunResult): string {
  const phases = run.phasesMs;
  const rows = PHASE_ORDER.flatMap((name) => {
    const p = phases?.[name];
    return p && p.count > 0 ? [[h(name), h(num(p.count)), h(ms(p.p50)), h(ms(p.p95)), h(ms(p.p99))]] : [];
  });
  if (rows.length === 0) return '<p class="muted">No phase timings (none recorded for this run).</p>';
  return table(['phase', 'count', 'p50 ms', 'p95 ms', 'p99 ms'], rows, [1, 2, 3, 4]);
}

export function stepsTable(run: RunResult): string {
  if (!run.steps?.length) return '';
  return table(
    ['step', 'runs', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    run.steps.map((s) => {
      const l = s.latencyMs;
      const measured = l.max > 0;
      const cell = (v: number) => h(measured ? ms(v) : NOT_MEASURED);
      return [
        h(s.name),
        h(num(s.requests.total)),
        h(pct(s.errorRate)),
        cell(l.p50),
        cell(l.p95),
        cell(l.p99),
        cell(l.max),
      ];
    }),
    { numeric: [1, 2, 3, 4, 5, 6], wrap: [0] },
  );
}

/** One line about the run: what it was, when, how much. */
export function runFacts(run: RunResult): string {
  const l = run.latencyMs;
  const latency = hasLatency(run)
    ? `p50 ${ms(l.p50)} ms, p95 ${ms(l.p95)} ms, p99 ${ms(l.p99)} ms, max ${ms(l.max)} ms`
    : 'no response completed';
  const sent = isFlow(run)
    ? `${num(run.requests.total)} iterations (${num(flowHttpRequests(run))} HTTP requests), ${num(run.throughputRps)} iterations/s`
    : `${num(run.requests.total)} requests, ${num(run.throughputRps)} req/s`;
  return h(
    `${run.kind}${isFlow(run) ? ' flow' : ''} run ${run.runId}, started ${run.startedAt}, ${formatElapsed(run.durationMs)}: ${sent}, errors ${pct(run.errorRate)}; ${latency}`,
  );
}
