import { createLatencyHistogram, encodeHistogram, summarizeLatency } from '../../functions/core/histogram.ts';
import type { RunMeasurement, RunResult } from '../../functions/core/run-result.ts';
import { evaluateSla } from '../../functions/core/sla.ts';
import type { SlaSpec } from '../../functions/core/suite/sla-schema.ts';

export interface StoredRunInput {
  readonly runId: string;
  readonly startedAt: string;
  readonly latenciesUs: readonly number[];
  /** Requests that failed without a response (no latency). */
  readonly failed?: number;
  /** Requests that failed with a timed response (a fast 500): in the histogram and its failed part. */
  readonly failedLatenciesUs?: readonly number[];
  readonly valid?: boolean;
  readonly environment?: string;
  readonly probeId?: string;
  readonly sla?: SlaSpec;
}

/** A RunResult as a run of `latenciesUs` would produce it (histogram, summary, verdict), for store tests. */
export function storedRun(input: StoredRunInput): RunResult {
  const histogram = createLatencyHistogram();
  for (const us of input.latenciesUs) histogram.recordValue(us);
  const failedTimed = input.failedLatenciesUs ?? [];
  const failedHistogram = createLatencyHistogram();
  for (const us of failedTimed) {
    histogram.recordValue(us);
    failedHistogram.recordValue(us);
  }
  const failed = (input.failed ?? 0) + failedTimed.length;
  const total = input.latenciesUs.length + failed;
  const valid = input.valid ?? true;
  const measurement: RunMeasurement = {
    version: 1,
    runId: input.runId,
    environment: input.environment ?? 'local',
    probeId: input.probeId ?? 'health',
    kind: 'burst',
    startedAt: input.startedAt,
    durationMs: 1000,
    requests: { total, ok: input.latenciesUs.length, failed },
    throughputRps: total,
    errorRate: total === 0 ? 0 : failed / total,
    latencyMs: summarizeLatency(histogram),
    statusCodes: { '200': input.latenciesUs.length, ...(failed ? { '503': failed } : {}) },
    errors: failed ? { http_5xx: failed } : {},
    bytesReceived: 0,
    histogram: encodeHistogram(histogram),
    ...(failedTimed.length > 0 ? { failedHistogram: encodeHistogram(failedHistogram) } : {}),
    timeline: [],
    coverage: { planned: 1, reported: 1 },
    partial: false,
    validity: {
      valid,
      intendedRps: undefined,
      achievedRps: total,
      lateSends: 0,
      queuedSends: 0,
      unsent: 0,
      eventLoopDelayP99Ms: 0,
      reasons: valid ? [] : ['the generator was late'],
    },
    sampleErrors: [],
  };
  return { ...measurement, sla: evaluateSla(input.sla, measurement) };
}

/** Deterministic latencies: log-normal around `medianUs`, `n` of them, for a seed. */
export function lognormalLatencies(n: number, medianUs: number, seed: number, spread = 0.6): number[] {
  let x = seed;
  const rand = () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    // Box-Muller from two uniforms.
    const z = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
    out.push(Math.max(1, Math.round(medianUs * Math.exp(spread * z))));
  }
  return out;
}
