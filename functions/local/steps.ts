import type { RunResult } from '../core/run-result.ts';
import { table } from './style.ts';

const NOT_MEASURED = '–';

/**
 * A flow's steps, one row each in the flow's order: runs, failures by class, latency percentiles of the
 * successful runs and an `until` step's polls; undefined for a run without steps.
 */
export function formatSteps(result: RunResult, ms: (n: number) => string): string | undefined {
  const steps = result.steps;
  if (steps === undefined || steps.length === 0) return undefined;
  const rows = steps.map((step) => {
    const l = step.latencyMs;
    const measured = l.max > 0;
    const errors = Object.entries(step.errors).map(([cls, n]) => `${cls} ${n}`);
    return [
      `  ${step.name}`,
      String(step.requests.total),
      errors.join(' ') || 'none',
      ...[l.p50, l.p95, l.p99, l.max].map((v) => (measured ? ms(v) : NOT_MEASURED)),
      step.polls === undefined ? '' : String(step.polls),
    ];
  });
  return table(
    [['step ms', 'runs', 'errors', 'p50', 'p95', 'p99', 'max', 'polls'], ...rows],
    ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r'],
  );
}
