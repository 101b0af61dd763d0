import type { RunResult } from '../../functions/core/run-result.ts';
import { evaluateSla } from '../../functions/core/sla.ts';

/**
 * A stored-run stand-in: a latency check of 1,000 requests at `errorRate`, started at `startedAt`, judged
 * against a critical 1 % errorRate. No latency samples, so only the error rate is judged.
 */
export function runResult(
  probeId: string,
  errorRate: number,
  startedAt: string,
  environment = 'test',
): RunResult {
  const measured = {
    version: 1 as const,
    runId: `run-${probeId}-${startedAt}`,
    environment,
    probeId,
    kind: 'latency' as const,
    startedAt,
    durationMs: 1000,
    requests: { total: 1000, ok: 1000 * (1 - errorRate), failed: 1000 * errorRate },
    throughputRps: 1000,
    errorRate,
    latencyMs: { min: 0, mean: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 },
    statusCodes: {},
    errors: errorRate > 0 ? { http_5xx: 1000 * errorRate } : {},
    bytesReceived: 0,
    histogram: '',
    timeline: [],
    coverage: { planned: 1, reported: 1 },
    partial: false,
    validity: {
      valid: true,
      intendedRps: 1000,
      achievedRps: 1000,
      lateSends: 0,
      queuedSends: 0,
      unsent: 0,
      eventLoopDelayP99Ms: 1,
      reasons: [],
    },
    sampleErrors: errorRate > 0 ? ['http_5xx: status 503'] : [],
  };
  return { ...measured, sla: evaluateSla({ errorRate: { critical: 0.01 } }, measured) };
}
