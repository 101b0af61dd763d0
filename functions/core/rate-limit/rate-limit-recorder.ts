import type { RateLimitShardResult } from '../shard-result.ts';
import type { Exchange } from '../transport.ts';
import { maxAdvisedWaitMs, retryAdvice } from './retry-advice.ts';

/**
 * Send-time slack, both sides, when counting a window's accepted requests: the client stamps a send before the
 * limiter sees it, and two connections may deliver sends a few ms apart out of order.
 */
export const WINDOW_SLACK_MS = 50;
const MAX_SAMPLES = 3;

/** A growable list of send times (ms), kept as numbers, not objects. */
class Times {
  private data = new Float64Array(1_024);
  length = 0;
  push(t: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = t;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

/** Index of the first value ≥ x in a sorted array. */
function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** See RateLimitShardResult.sendSpanMs; one window for a single send (it used one window's quota). */
function sendSpanMs(accepted: Float64Array, rejected: Float64Array, windowMs: number): number {
  const n = accepted.length + rejected.length;
  if (n < 2) return windowMs;
  const first = Math.min(accepted[0] ?? Number.POSITIVE_INFINITY, rejected[0] ?? Number.POSITIVE_INFINITY);
  const last = Math.max(
    accepted.at(-1) ?? Number.NEGATIVE_INFINITY,
    rejected.at(-1) ?? Number.NEGATIVE_INFINITY,
  );
  return Math.round(((last - first) * n) / (n - 1));
}

/**
 * What a run saw of the target's limiter: send times of accepted and rejected (429) requests, the wait each 429
 * advertised, and 5xx answers. Judged at the end of the shard (see toResult): a 429 is "within the limit" when
 * fewer than `limit` requests were accepted in the window before its send.
 */
export class RateLimitRecorder {
  private readonly accepted = new Times();
  private readonly rejected = new Times();
  private responses = 0;
  private http5xx = 0;
  private adviceProblems = 0;
  private readonly samples = new Set<string>();
  /** The last 429: when its response ended (monotonic ms) and the wait it advertised. */
  lastRejection: { readonly atMs: number; readonly waitMs: number } | undefined;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    /** The longest sane advertised wait (see maxAdvisedWaitMs). */
    readonly maxWaitMs = maxAdvisedWaitMs(windowMs),
  ) {}

  /** One finished exchange; `nowMs` is when it ended (monotonic). Transport failures are not the limiter's. */
  record(exchange: Exchange, nowMs: number): void {
    if (exchange.status === 0) return;
    this.responses++;
    if (exchange.status === 429) {
      this.rejected.push(exchange.startedMs);
      const advice = retryAdvice(exchange.headers, Date.now(), this.maxWaitMs);
      if ('problem' in advice) {
        this.adviceProblems++;
        if (this.samples.size < MAX_SAMPLES) this.samples.add(advice.problem);
        this.lastRejection = { atMs: nowMs, waitMs: this.windowMs };
      } else this.lastRejection = { atMs: nowMs, waitMs: advice.waitMs };
      return;
    }
    // Whatever the limiter let through used its quota, a 5xx included.
    this.accepted.push(exchange.startedMs);
    if (exchange.status >= 500) this.http5xx++;
  }

  /**
   * When the declared policy next has room for a request (monotonic ms): the load's own accepted requests use the
   * quota too, so a request sent after a 429's advice may still be the `limit + 1`-th of its window. Fewer than
   * `limit` accepted sends in the trailing window (with the send-time slack) leaves room; so does any time at or
   * after the limit-th newest accepted send plus one window.
   */
  policyRoomAtMs(): number {
    const accepted = this.accepted.sorted();
    const nth = accepted[accepted.length - this.limit];
    return nth === undefined ? Number.NEGATIVE_INFINITY : nth + this.windowMs + WINDOW_SLACK_MS;
  }

  toResult(recovery: RateLimitShardResult['recovery']): RateLimitShardResult {
    const accepted = this.accepted.sorted();
    const rejected = this.rejected.sorted();
    let withinLimit = 0;
    for (const t of rejected) {
      const inWindow =
        lowerBound(accepted, t + WINDOW_SLACK_MS) - lowerBound(accepted, t - this.windowMs - WINDOW_SLACK_MS);
      if (inWindow < this.limit) withinLimit++;
    }
    return {
      limit: this.limit,
      windowMs: this.windowMs,
      responses: this.responses,
      rejected: rejected.length,
      expectedRejected: this.idealRejections(accepted, rejected),
      sendSpanMs: sendSpanMs(accepted, rejected, this.windowMs),
      withinLimit429s: withinLimit,
      adviceProblems: this.adviceProblems,
      http5xx: this.http5xx,
      samples: [...this.samples],
      ...(recovery === undefined ? {} : { recovery }),
    };
  }

  /** What a limiter that allows exactly `limit` per sliding window would have rejected of the same sends. */
  private idealRejections(accepted: Float64Array, rejected: Float64Array): number {
    const sends = new Float64Array(accepted.length + rejected.length);
    sends.set(accepted);
    sends.set(rejected, accepted.length);
    sends.sort();
    const kept: number[] = [];
    let head = 0;
    let rejections = 0;
    for (const t of sends) {
      while (head < kept.length && kept[head]! <= t - this.windowMs) head++;
      if (kept.length - head < this.limit) kept.push(t);
      else rejections++;
    }
    return rejections;
  }
}
