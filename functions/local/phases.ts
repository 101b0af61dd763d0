import type { RunResult } from '../core/run-result.ts';
import { table } from './style.ts';

/** Milliseconds per phase of a request, exact percentiles from the merged per-phase histograms. */
export interface PhaseSummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly count: number;
}

// TODO(issue 8): the transport branch adds `phasesMs` to RunMeasurement (functions/core/run-result.ts); read it
// from RunResult directly once that lands. Until then this is the agreed shape.
export interface RequestPhasesMs {
  readonly dns?: PhaseSummary | undefined;
  readonly connect?: PhaseSummary | undefined;
  readonly tls?: PhaseSummary | undefined;
  readonly ttfb: PhaseSummary;
  readonly download: PhaseSummary;
}

const ORDER = ['dns', 'connect', 'tls', 'ttfb', 'download'] as const;

/**
 * "phase ms / p50 p95 p99" rows, phases that never happened (reused connections, plain HTTP) left out; undefined
 * when the run has no phase data.
 */
export function formatPhases(result: RunResult, ms: (n: number) => string): string | undefined {
  const phases = (result as RunResult & { phasesMs?: RequestPhasesMs }).phasesMs;
  if (phases === undefined) return undefined;
  const rows = ORDER.flatMap((name) => {
    const p = phases[name];
    return p !== undefined && p.count > 0 ? [[`  ${name}`, ms(p.p50), ms(p.p95), ms(p.p99)]] : [];
  });
  if (rows.length === 0) return undefined;
  return table([['phase ms', 'p50', 'p95', 'p99'], ...rows], ['l', 'r', 'r', 'r']);
}
