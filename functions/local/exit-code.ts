import type { RunResult } from '../core/run-result.ts';

/**
 * The exit code of `perfprobe run` and `perfprobe probe`: 0 when every critical SLA held on valid runs, else 1.
 * An invalid run (interrupted, generator behind, shards missing) cannot prove its SLA, and no run proves nothing.
 */
export function exitCodeOf(results: readonly RunResult[]): 0 | 1 {
  return results.length > 0 && results.every((r) => r.sla.passed && r.validity.valid) ? 0 : 1;
}
