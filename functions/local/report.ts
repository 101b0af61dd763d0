import type { ResolvedProbe } from '../core/plan.ts';
import type { RunResult } from '../core/run-result.ts';
import type { SlaCheck } from '../core/sla.ts';
import { describeTraces } from '../core/trace-text.ts';
import { formatPhases } from './phases.ts';
import { formatRateLimit } from './rate-limit-line.ts';
import { formatSteps } from './steps.ts';
import { type Style, table } from './style.ts';
import { formatConnection } from './tls-line.ts';

const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const pct = (f: number) => `${(100 * f).toFixed(f > 0 && f < 0.001 ? 3 : 2)}%`;
const plural = (n: number, word: string) => `${num(n)} ${word}${n === 1 ? '' : 's'}`;

/** Shown where a latency would be when no response completed: 0.00 would read as "very fast". */
export const NOT_MEASURED = '–';

/** The histogram records only completed responses (at least 1 µs each), so max 0 means none completed. */
export const hasLatency = (result: RunResult) => result.latencyMs.max > 0;

/** "850 ms" below a second (0.0 s would hide it), "12.3 s" above. */
export function formatElapsed(durationMs: number): string {
  return durationMs < 1000 ? `${Math.round(durationMs)} ms` : `${(durationMs / 1000).toFixed(1)} s`;
}

/** Requests a load is planned to send, when it is a count rather than a rate or a duration. */
export function plannedRequests(probe: ResolvedProbe): number | undefined {
  return probe.load.kind === 'rate' ? undefined : probe.load.requests;
}

/** The errorRate SLA a probe gets when it declares none (set by evaluateSla, `isDefault` on the check). */
export const isDefaultCheck = (check: SlaCheck) => check.isDefault === true;

/** The certificate-expiry SLA's metric: days, a minimum. */
const CERT_DAYS = 'tls.certificate.daysLeft';

/** An error rate, the run's or a step's ("steps.create.errorRate"). */
const isErrorRate = (check: SlaCheck) => check.metric === 'errorRate' || check.metric.endsWith('.errorRate');

/**
 * "130 ms (4.3 % of the run)": the generator's wait for a CPU, which is only large or small against the run's
 * length; empty when the run did not record it.
 */
export function formatCpuWait(result: RunResult): string {
  const waited = result.validity.cpuWaitMs;
  if (waited === undefined) return '';
  const share =
    result.durationMs > 0 ? ` (${((100 * waited) / result.durationMs).toFixed(1)} % of the run)` : '';
  return `${waited} ms${share}`;
}

/**
 * "463 of 620 arrivals (74.7 %) waited in perfprobe's queue, longest 812 ms": time the generator added to the
 * latencies (every connection busy at the pool's cap), in the run's headline; undefined when none waited.
 */
export function formatQueue(result: RunResult): string | undefined {
  const v = result.validity;
  // Every arrival a rate run did not send waited in that queue first.
  const waited = v.queuedSends + v.unsent;
  if (result.kind !== 'rate' || waited === 0) return undefined;
  const arrivals = result.requests.total;
  const share = arrivals > 0 ? ` (${((100 * waited) / arrivals).toFixed(1)} %)` : '';
  const longest = v.longestQueueWaitMs === undefined ? '' : `, longest ${num(v.longestQueueWaitMs)} ms`;
  return `${num(waited)} of ${plural(arrivals, 'arrival')}${share} waited in perfprobe's queue${longest}`;
}

export function formatObserved(check: SlaCheck): string {
  const r = check.regression;
  if (r?.unjudged) return `not judged: ${r.unjudged}`;
  if (check.observed === null) return 'no responses';
  if (check.metric === 'rateLimit.compliant') return check.passed ? 'compliant' : 'not compliant';
  if (r && r.relative !== null && r.absoluteMs !== null) {
    const sign = (n: number) => (n >= 0 ? '+' : '−');
    const p = r.test ? `, U test p=${r.test.pValue < 0.0001 ? '<0.0001' : r.test.pValue.toFixed(4)}` : '';
    return `${ms(check.observed)} ms (${sign(r.relative)}${(100 * Math.abs(r.relative)).toFixed(1)}%, ${sign(r.absoluteMs)}${ms(Math.abs(r.absoluteMs))} ms${p})`;
  }
  if (isErrorRate(check)) return pct(check.observed);
  if (check.metric === 'throughputRps') return `${num(check.observed)}/s`;
  if (check.metric === CERT_DAYS) return `${check.observed} days`;
  return `${ms(check.observed)} ms`;
}

export function formatThreshold(check: SlaCheck): string {
  if (check.metric === 'rateLimit.compliant') return 'compliant';
  const r = check.regression;
  if (r) {
    // A regression is all three at once: rise above the share, above minDelta, and p below alpha.
    const delta = r.minDeltaMs > 0 ? `, > +${ms(r.minDeltaMs)} ms` : '';
    const base = r.baselineMs === null ? 'no baseline' : `baseline ${ms(r.baselineMs)} ms`;
    return `regressed if > +${(100 * r.allowedRelative).toFixed(0)}%${delta} and p < ${r.test?.alpha ?? 'alpha'} (${base}, ${r.baselineRuns} runs, ${r.source})`;
  }
  if (isErrorRate(check)) return `≤ ${pct(check.threshold)}`;
  if (check.metric === 'throughputRps') return `≥ ${num(check.threshold)}/s`;
  if (check.metric === CERT_DAYS) return `≥ ${check.threshold} days`;
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

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');

export interface FormatRunOptions {
  /** The plan's request count (latency checks, bursts of N requests): achieved is then "sent n of N". */
  readonly plannedRequests?: number | undefined;
}

function formatRate(result: RunResult, options: FormatRunOptions): string {
  const v = result.validity;
  // A latency check's rate is requests over (n-1) intervals plus the last response: n/(n-1) of the plan, not a
  // shortfall or an excess. What it planned is a count, so compare counts.
  if (result.kind === 'latency' || (v.intendedRps === undefined && options.plannedRequests !== undefined)) {
    return options.plannedRequests === undefined
      ? ''
      : `, sent ${num(result.requests.total)} of ${plural(options.plannedRequests, result.steps ? 'iteration' : 'request')} planned`;
  }
  return v.intendedRps !== undefined
    ? `, sent ${num(v.achievedRps)} of ${num(v.intendedRps)} req/s planned`
    : '';
}

/** The detailed, human summary of one run. */
export function formatRun(result: RunResult, s: Style, options: FormatRunOptions = {}): string {
  const l = result.latencyMs;
  const measured = hasLatency(result);
  const lines: string[] = [];
  const queue = formatQueue(result);
  lines.push(
    `${s.bold(result.probeId)} ${s.dim(`(${result.kind}${result.steps ? ' flow' : ''}, env ${result.environment})`)}  ${plural(result.requests.total, result.steps ? 'iteration' : 'request')} in ${formatElapsed(result.durationMs)}, ${num(result.throughputRps)} req/s, ${num(result.bytesReceived / 1024)} KiB read${queue === undefined ? '' : `; ${s.yellow(queue)}`}`,
  );
  lines.push(
    indent(
      table(
        [
          ['latency ms', 'min', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean'],
          [
            '',
            ...[l.min, l.p50, l.p90, l.p95, l.p99, l.p999, l.max, l.mean].map((v) =>
              measured ? ms(v) : NOT_MEASURED,
            ),
          ],
        ],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
      '  ',
    ),
  );
  const steps = formatSteps(result, ms);
  if (steps !== undefined) lines.push(indent(steps, '  '));
  const phases = formatPhases(result, ms);
  if (phases !== undefined) lines.push(indent(phases, '  '));
  const connection = formatConnection(result);
  if (connection !== undefined) lines.push(`  connection ${connection}`);
  const statuses = Object.entries(result.statusCodes).map(([code, n]) => `${code} ×${num(n)}`);
  lines.push(`  status     ${statuses.join('  ') || 'none'}`);
  const errors = Object.entries(result.errors).map(([cls, n]) => `${cls} ${num(n ?? 0)}`);
  lines.push(
    `  errors     ${errors.length ? s.red(`${errors.join('  ')} (${pct(result.errorRate)})`) : 'none'}`,
  );
  for (const sample of result.sampleErrors) lines.push(s.dim(`             ${sample}`));
  const traces = describeTraces(result.traces);
  if (traces !== undefined) lines.push(`  trace ids  ${traces}`);
  if (result.stoppedEarly) lines.push(`  stopped    ${s.yellow(result.stoppedEarly)}`);
  const limiter = formatRateLimit(result);
  if (limiter !== undefined) {
    lines.push(`  rate limit ${result.rateLimit?.passed ? limiter : s.red(limiter)}`);
    for (const reason of result.rateLimit?.reasons ?? []) lines.push(s.dim(`             ${reason}`));
  }
  const v = result.validity;
  const lateness = v.sendLatenessMs
    ? `send lateness p50 ${v.sendLatenessMs.p50} / p99 ${v.sendLatenessMs.p99} ms, `
    : '';
  const pool = v.pool ? `, pool ${v.pool.size} of ${v.pool.cap} connections` : '';
  const generator = `${lateness}late sends ${v.lateSends}, queued ${v.queuedSends}, unsent ${v.unsent}${pool}, loop delay p99 ${v.eventLoopDelayP99Ms} ms${v.gcPauseMs ? `, GC pauses ${v.gcPauseMs.total} ms (longest ${v.gcPauseMs.max})` : ''}${v.stealMs !== undefined ? `, steal ${v.stealMs} ms` : ''}${v.cpuWaitMs !== undefined ? `, CPU wait ${formatCpuWait(result)}` : ''}${result.staleRetries ? `, stale-connection retries ${result.staleRetries}` : ''}`;
  lines.push(
    `  validity   ${v.valid ? s.green('valid') : s.yellow(`INVALID: ${v.reasons.join('; ')}`)}${formatRate(result, options)} ${s.dim(`(${generator})`)}`,
  );
  if (result.sla.checks.length > 0) {
    const rows = result.sla.checks.map((c) => [
      `${c.name} (${c.severity})${isDefaultCheck(c) ? ' (default)' : ''}`,
      formatThreshold(c),
      formatObserved(c),
      c.passed ? s.green('pass') : c.severity === 'critical' ? s.red('FAIL') : s.yellow('warn'),
    ]);
    lines.push(`  SLA        ${verdictLabel(result, s)}`);
    lines.push(indent(table(rows), '    '));
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
      .map(
        (c) =>
          `${c.name} ${formatObserved(c)}${c.reason ? `: ${c.reason}` : ''} (${c.severity} ${formatThreshold(c)})${isDefaultCheck(c) ? ' (default)' : ''}`,
      )
      .join(', ');
    const queue = formatQueue(r);
    const verdictNote = r.sla.verdict === 'invalid' ? r.validity.reasons.join('; ') : failed;
    const measured = hasLatency(r);
    rows.push([
      r.probeId,
      r.kind,
      // A flow counts whole iterations (each several HTTP requests), and says so.
      r.steps?.length ? `${num(r.requests.total)} iterations` : num(r.requests.total),
      measured ? ms(r.latencyMs.p50) : NOT_MEASURED,
      measured ? ms(r.latencyMs.p99) : NOT_MEASURED,
      pct(r.errorRate),
      num(r.throughputRps),
      verdictLabel(r, s),
      // The queue is named here too when the reasons do not already (a target's stall queued arrivals).
      queue === undefined || verdictNote.includes("perfprobe's queue")
        ? verdictNote
        : [verdictNote, queue].filter(Boolean).join('; '),
    ]);
  }
  return table(rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'l']);
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/**
 * "127.0.0.1:8080" when every request of the run was refused by a loopback address (nothing listening there: a
 * local service not started), else undefined. Any other failure, or a remote host, is the target's to explain.
 */
export function loopbackRefused(probe: ResolvedProbe, result: RunResult): string | undefined {
  const refused = result.errors.connection_refused ?? 0;
  if (result.requests.ok > 0 || refused === 0 || refused !== result.requests.failed) return undefined;
  let url: URL;
  try {
    url = new URL(probe.request.url);
  } catch {
    return undefined;
  }
  if (!LOOPBACK_HOSTS.has(url.hostname) && !/^127\.\d+\.\d+\.\d+$/.test(url.hostname)) return undefined;
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/** The line that says why every request was refused, and how the demo's API is started. */
export function unreachableHint(addresses: readonly string[]): string {
  return `hint: nothing is listening on ${addresses.join(', ')} (every request: connection refused): start the service there first (the demo suite's API: \`perfprobe demo-api\`, or \`npm start\` for the whole demo)`;
}
