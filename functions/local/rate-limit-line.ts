import type { RunResult } from '../core/run-result.ts';

const pct = (f: number) => `${(100 * f).toFixed(1)}%`;

/**
 * "429s 33.3% (expected 33.3%), admitted 40 (an exact limiter: 40), within-limit 429s 0, Retry-After valid,
 * recovered after 1,004 ms"; undefined without a rateLimit.
 */
export function formatRateLimit(result: RunResult): string | undefined {
  const r = result.rateLimit;
  if (r === undefined) return undefined;
  const recovered =
    r.recoveredAfterMs === undefined
      ? 'no 429 to recover from'
      : r.recoveredAfterMs === null
        ? 'did not recover'
        : `recovered after ${r.recoveredAfterMs.toLocaleString('en-US')} ms`;
  const admitted =
    r.admitted === undefined
      ? []
      : [`admitted ${r.admitted} (an exact limiter: ${r.expectedAdmitted ?? '?'})`];
  return [
    `${r.limit} per ${r.windowMs} ms: 429s ${pct(r.observed429Share)} (expected ${pct(r.expected429Share)})`,
    ...admitted,
    `within-limit 429s ${r.withinLimit429s}`,
    `Retry-After ${r.retryAfterValid ? 'valid' : 'missing or invalid'}`,
    recovered,
  ].join(', ');
}
