import { formatMs } from '../durations.ts';
import type { RateLimitShardResult, ShardResult } from '../shard-result.ts';

/** The verdict on a target's limiter (RunResult.rateLimit), judged as a critical check. */
export interface RateLimitVerdict {
  readonly limit: number;
  readonly windowMs: number;
  /** 429s of all responses. */
  readonly observed429Share: number;
  /** What a limiter of exactly `limit` per sliding window would have rejected of the same sends. */
  readonly expected429Share: number;
  /** Responses other than 429: what the limiter let through (absent in runs judged before it was counted). */
  readonly admitted?: number;
  /** What a limiter of exactly `limit` per sliding window would have let through of the same sends. */
  readonly expectedAdmitted?: number;
  /** 429s for requests within the limit: each one is a wrong answer. */
  readonly withinLimit429s: number;
  /** Every 429 said when to retry (Retry-After or RateLimit reset), with a sane value. */
  readonly retryAfterValid: boolean;
  /** From the last 429 to the success of a request sent after its advertised wait; null when it did not succeed; absent without a 429. */
  readonly recoveredAfterMs?: number | null;
  readonly passed: boolean;
  /** Why it failed, in words; empty when it passed. */
  readonly reasons: readonly string[];
}

/**
 * A limiter that limits too little lets through what was promised to be refused (a partner over its quota). It
 * may admit this share more than an exact sliding-window limiter of the declared limit would of the same sends,
 * plus one window's `limit`: a fixed window or a token bucket lines its windows up differently and lets one burst
 * through at an edge. Beyond that it over-admits. In a run of k windows at r times the limit, a limiter that does
 * not limit at all is caught when k × (r − 1.1) > 1 (2 s at 1.5× is too short; 4 s at 5× is not).
 */
const OVER_ADMISSION_SHARE = 0.1;

/** "5/s", "100/min", "1000/h", or "20 per 2s": the declared limit as written for a reader. */
function formatLimit(limit: number, windowMs: number): string {
  const unit =
    windowMs === 1_000 ? 's' : windowMs === 60_000 ? 'min' : windowMs === 3_600_000 ? 'h' : undefined;
  return unit === undefined ? `${limit} per ${formatMs(windowMs)}` : `${limit}/${unit}`;
}

/**
 * "admitted 49 in 4 s against 5/s (2.45×): …" when the limiter let through more than the tolerance allows (see
 * OVER_ADMISSION_SHARE); undefined otherwise, or when nothing was above the limit.
 */
function overAdmission(
  first: RateLimitShardResult,
  admitted: number,
  expectedAdmitted: number,
  spanMs: number | undefined,
): string | undefined {
  const allowed = Math.floor(expectedAdmitted * (1 + OVER_ADMISSION_SHARE)) + first.limit;
  if (admitted <= allowed || expectedAdmitted === 0) return undefined;
  const span = spanMs === undefined ? '' : ` in ${+(spanMs / 1000).toFixed(1)} s`;
  return (
    `admitted ${admitted}${span} against ${formatLimit(first.limit, first.windowMs)} ` +
    `(${(admitted / expectedAdmitted).toFixed(2)}×): an exact limiter admits ${expectedAdmitted} of these requests, ` +
    `and more than ${allowed} (${100 * OVER_ADMISSION_SHARE} % and one window's ${first.limit} above it) is over-admission`
  );
}

/** Judges the limiter from the shards' observations (a rate-limited probe runs as one shard). Pure. */
export function judgeRateLimit(shards: readonly ShardResult[]): RateLimitVerdict | undefined {
  const seen = shards.flatMap((s) => (s.rateLimit ? [s.rateLimit] : []));
  const first = seen[0];
  if (first === undefined) return undefined;
  const sum = (key: keyof Omit<RateLimitShardResult, 'samples' | 'recovery' | 'sendSpanMs'>) =>
    seen.reduce((n, s) => n + s[key], 0);
  const responses = sum('responses');
  const rejected = sum('rejected');
  const expected = sum('expectedRejected');
  const within = sum('withinLimit429s');
  const adviceProblems = sum('adviceProblems');
  const http5xx = sum('http5xx');
  const recovery = seen.find((s) => s.recovery !== undefined)?.recovery;
  const observed429Share = responses > 0 ? rejected / responses : 0;
  const expected429Share = responses > 0 ? expected / responses : 0;
  const reasons: string[] = [];
  if (responses === 0) reasons.push('no response to judge the limiter by');
  const admitted = responses - rejected;
  const expectedAdmitted = responses - expected;
  // One shard in practice (see the suite's shards rule); the longest span stands for the run.
  const spans = seen.flatMap((s) => (s.sendSpanMs === undefined ? [] : [s.sendSpanMs]));
  const spanMs = spans.length > 0 ? Math.max(...spans) : undefined;
  const over = overAdmission(first, admitted, expectedAdmitted, spanMs);
  if (over !== undefined) reasons.push(over);
  if (within > 0) reasons.push(`${within} 429s for requests within the limit of ${first.limit}`);
  if (adviceProblems > 0) {
    const samples = seen.flatMap((s) => s.samples).slice(0, 2);
    reasons.push(`${adviceProblems} of ${rejected} 429s did not say when to retry (${samples.join('; ')})`);
  }
  if (http5xx > 0) reasons.push(`${http5xx} 5xx responses`);
  if (recovery !== undefined && 'failed' in recovery) reasons.push(recovery.failed);
  return {
    limit: first.limit,
    windowMs: first.windowMs,
    observed429Share,
    expected429Share,
    admitted,
    expectedAdmitted,
    withinLimit429s: within,
    retryAfterValid: adviceProblems === 0,
    ...(recovery === undefined ? {} : { recoveredAfterMs: 'afterMs' in recovery ? recovery.afterMs : null }),
    passed: reasons.length === 0,
    reasons,
  };
}
