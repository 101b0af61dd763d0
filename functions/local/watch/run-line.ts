import { ERROR_CLASSES } from '../../core/error-classes.ts';
import { describeCheck, formatMillis, formatPercent } from '../../core/notify/figures.ts';
import type { ResolvedProbe } from '../../core/plan.ts';
import type { RunResult } from '../../core/run-result.ts';
import type { RunStore } from '../../core/run-store.ts';
import { DAY_MS, type SloSpec } from '../../core/slo/slo-spec.ts';
import { sloStatus } from '../../core/slo/slo-status.ts';
import { objectiveLine } from '../../core/slo/slo-words.ts';

const count = (n: number) => n.toLocaleString('en-US');

/** "connection_refused 12": the run's most frequent error class (the first in report order on a tie). */
export function topError(run: RunResult): string | undefined {
  let top: [string, number] | undefined;
  for (const name of ERROR_CLASSES) {
    const n = run.errors[name] ?? 0;
    if (n > 0 && (top === undefined || n > top[1])) top = [name, n];
  }
  return top && `${top[0]} ${count(top[1])}`;
}

/**
 * What failed, as the alert lines say it: the failed critical checks (the failed warnings of a warn), then the
 * top error class.
 */
export function whatFailed(run: RunResult): string {
  const failed = run.sla.checks.filter((c) => !c.passed);
  const critical = failed.filter((c) => c.severity === 'critical');
  const error = topError(run);
  return [...(critical.length > 0 ? critical : failed).map(describeCheck), ...(error ? [error] : [])].join(
    ', ',
  );
}

/** One watch line per run: "breach  p50 … errors 100 %  4,481 requests  valid: p99 812 ms > 400 ms, http_5xx 3". */
export function runLine(run: RunResult): string {
  const { latencyMs: l } = run;
  const latency =
    l.max > 0
      ? `p50 ${formatMillis(l.p50)}  p95 ${formatMillis(l.p95)}  p99 ${formatMillis(l.p99)}`
      : 'no response completed';
  const validity = run.validity.valid ? 'valid' : `INVALID (${run.validity.reasons.join('; ')})`;
  const why = run.sla.verdict === 'pass' ? '' : whatFailed(run);
  return `${run.sla.verdict.padEnd(7)} ${latency}  errors ${formatPercent(run.errorRate)}  ${count(run.requests.total)} requests  ${validity}${why ? `: ${why}` : ''}`;
}

/**
 * One watch line per run of a probe with an `slo`: each objective over its window as the store now holds it,
 * "slo availability 99.9 %/30d: SLI 99.98 %, 71 % of the budget left, burning 16× over the last hour, …".
 */
export async function sloLine(probe: ResolvedProbe, slo: SloSpec, store: RunStore): Promise<string> {
  const now = new Date();
  const from = new Date(now.getTime() - slo.windowDays * DAY_MS);
  try {
    const runs = await store.runsBetween(probe.environment, probe.id, from, now, Number.POSITIVE_INFINITY);
    const status = sloStatus(probe.id, slo, runs, now);
    return `slo ${status.objectives.map((o) => objectiveLine(status, o)).join('; ')}`;
  } catch (error) {
    return `slo not computed: ${(error as Error).message}`;
  }
}
