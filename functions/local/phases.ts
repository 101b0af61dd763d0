import type { RunResult } from '../core/run-result.ts';
import { table } from './style.ts';

const ORDER = ['dns', 'connect', 'tls', 'ttfb', 'download'] as const;

/**
 * "phase ms / p50 p95 p99" rows, phases that never happened (reused connections, plain HTTP) left out; undefined
 * when the run has no phase data.
 */
export function formatPhases(result: RunResult, ms: (n: number) => string): string | undefined {
  const phases = result.phasesMs;
  if (phases === undefined) return undefined;
  const rows = ORDER.flatMap((name) => {
    const p = phases[name];
    return p !== undefined && p.count > 0 ? [[`  ${name}`, ms(p.p50), ms(p.p95), ms(p.p99)]] : [];
  });
  if (rows.length === 0) return undefined;
  return table([['phase ms', 'p50', 'p95', 'p99'], ...rows], ['l', 'r', 'r', 'r']);
}
