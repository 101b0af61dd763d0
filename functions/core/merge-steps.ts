import { ERROR_CLASSES, type ErrorCounts } from './error-classes.ts';
import { encodeHistogram, mergeEncoded, summarizeLatency } from './histogram.ts';
import type { StepSummary } from './run-result.ts';
import type { ShardResult } from './shard-result.ts';

/**
 * A flow's steps across shards, by name in the flow's order: histograms added and percentiles read from the sum,
 * exactly as the run's own (never averaged). Undefined when no shard ran a flow.
 */
export function mergeSteps(shards: readonly ShardResult[]): StepSummary[] | undefined {
  const byName = new Map<
    string,
    {
      encoded: string[];
      total: number;
      ok: number;
      failed: number;
      errors: Record<string, number>;
      polls?: number;
    }
  >();
  for (const shard of shards) {
    for (const step of shard.steps ?? []) {
      let merged = byName.get(step.name);
      if (merged === undefined) {
        merged = { encoded: [], total: 0, ok: 0, failed: 0, errors: {} };
        byName.set(step.name, merged);
      }
      merged.encoded.push(step.histogram);
      merged.total += step.requests.total;
      merged.ok += step.requests.ok;
      merged.failed += step.requests.failed;
      for (const [cls, n] of Object.entries(step.errors))
        merged.errors[cls] = (merged.errors[cls] ?? 0) + (n ?? 0);
      if (step.polls !== undefined) merged.polls = (merged.polls ?? 0) + step.polls;
    }
  }
  if (byName.size === 0) return undefined;
  return [...byName].map(([name, m]) => {
    const histogram = mergeEncoded(m.encoded);
    const errors: ErrorCounts = {};
    for (const cls of ERROR_CLASSES) if (m.errors[cls]) errors[cls] = m.errors[cls];
    return {
      name,
      requests: { total: m.total, ok: m.ok, failed: m.failed },
      errorRate: m.total > 0 ? m.failed / m.total : 0,
      errors,
      latencyMs: summarizeLatency(histogram),
      histogram: encodeHistogram(histogram),
      ...(m.polls === undefined ? {} : { polls: m.polls }),
    };
  });
}
