// The suite's defaults, limits and key formats as plain values: the deployed functions need these at run time,
// and importing them from schema.ts would bundle zod (455 KB minified) into every Lambda.

/** Hard ceilings no suite can lift: a typo must not turn a probe into a denial of service. */
export const HARD_LIMITS = {
  rate: 50_000,
  connections: 5_000,
  durationMs: 3_600_000,
  requests: 10_000_000,
  timeoutMs: 120_000,
} as const;

/**
 * Connections a rate load opens (in advance) when it names none: one per 10 requests/s of its peak rate, at least
 * 10, within the environment's cap. A pool sized rate × timeout (3,000 at 300/s) spends the run's first seconds
 * connecting and makes the generator late; ten connections serve 100/s at up to 100 ms a response, and a target
 * slower than the pool can absorb still queues arrivals, which shows the stall in latency as it should.
 */
export function defaultRateConnections(peakRate: number, maxConnections: number): number {
  return Math.min(maxConnections, Math.max(10, Math.ceil(peakRate / 10)));
}

/**
 * The errorRate SLA (critical) of a probe that names none: a latency check fails on any failed request (as
 * Checkly and Datadog do), a load tolerates 1 %. A run must be able to fail without the author asking.
 */
export const DEFAULT_ERROR_RATE = { latency: 0, burst: 0.01, rate: 0.01 } as const;

/** The load of a probe that names none: the classic synthetic check. */
export const DEFAULT_LOAD = { kind: 'latency', requests: 10, interval: 1_000 } as const;

/** The abort rule of a probe that names none. */
export const DEFAULT_ABORT = { errorRate: 0.5, minRequests: 20 } as const;

/** Days a stored run is kept when the suite names none. */
export const DEFAULT_RETENTION_DAYS = 90;

/** Caps applied when an environment names none. */
export const DEFAULT_CAPS = { maxRate: 100, maxConnections: 50, maxDurationMs: 300_000 } as const;

export const DEFAULT_ALERT = { breachedRuns: { atLeast: 2, of: 3 }, missedRuns: 3, recoverAfter: 2 } as const;

export const PERCENTILE_KEY = /^p(\d{1,2}(?:\.\d+)?|999)$/;

/** p50, p90, p99, p99.9 (also written p999) → 50, 90, 99, 99.9 */
export function percentileOf(key: string): number | undefined {
  const match = PERCENTILE_KEY.exec(key);
  if (!match) return undefined;
  const n = match[1] === '999' ? 99.9 : Number(match[1]);
  return n > 0 && n < 100 ? n : undefined;
}

export const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;

/** Interval between runs in milliseconds for a rate() expression; undefined for cron(). */
export function rateIntervalMs(expression: string): number | undefined {
  const match = RATE.exec(expression);
  if (!match) return undefined;
  const n = Number(match[1]);
  const unit = (match[2] as string).replace(/s$/, '');
  return n * (unit === 'minute' ? 60_000 : unit === 'hour' ? 3_600_000 : 86_400_000);
}

/** The default certificate-expiry warning of every HTTPS probe that names none: judged from the result, pages nobody. */
export const DEFAULT_CERT_WARN_DAYS = 14;
