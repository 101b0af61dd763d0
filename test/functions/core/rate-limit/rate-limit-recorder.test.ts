import { describe, expect, it } from 'vitest';
import {
  RateLimitRecorder,
  WINDOW_SLACK_MS,
} from '../../../../functions/core/rate-limit/rate-limit-recorder.ts';
import type { Exchange } from '../../../../functions/core/transport.ts';

/** A finished exchange sent at `startedMs` (monotonic), answered `status`. */
const exchange = (startedMs: number, status: number, headers?: Record<string, string>): Exchange => ({
  status,
  errorClass: status === 0 ? 'connection_refused' : undefined,
  errorMessage: undefined,
  headers,
  body: undefined,
  bodyTruncated: false,
  bytes: 0,
  startedMs,
  endedMs: startedMs + 5,
  phases: { dnsMs: -1, connectMs: -1, tlsMs: -1, ttfbMs: 5, downloadMs: 0 },
  staleRetried: false,
});
const ok = (t: number) => exchange(t, 200);
const refused = (t: number) => exchange(t, 429, { 'retry-after': '1' });

/** Records the exchanges in order (each ending 5 ms after its send) and returns the shard's observations. */
function observe(recorder: RateLimitRecorder, exchanges: readonly Exchange[]) {
  for (const e of exchanges) recorder.record(e, e.endedMs);
  return recorder.toResult(undefined);
}

describe('RateLimitRecorder', () => {
  it('counts responses, 429s and 5xx; a transport failure is not the limiter', () => {
    const recorder = new RateLimitRecorder(20, 1_000);
    const result = observe(recorder, [ok(0), exchange(1, 500), exchange(2, 0), refused(3)]);

    expect(result).toEqual({
      limit: 20,
      windowMs: 1_000,
      responses: 3,
      rejected: 1,
      expectedRejected: 0,
      withinLimit429s: 1,
      adviceProblems: 0,
      http5xx: 1,
      samples: [],
      // Three limiter answers sent at 0, 1 and 3 ms: their 3 ms span widened by one send's share (3 × 3/2).
      sendSpanMs: 5,
    });
    expect(recorder.lastRejection).toEqual({ atMs: 8, waitMs: 1_000 });
  });

  it("remembers the last 429's advertised wait, or the window when it advertised none usable", () => {
    const recorder = new RateLimitRecorder(1, 500);
    recorder.record(exchange(0, 429, { 'retry-after': '3' }), 10);
    expect(recorder.lastRejection).toEqual({ atMs: 10, waitMs: 3_000 });
    recorder.record(exchange(20, 429, {}), 30);
    expect(recorder.lastRejection).toEqual({ atMs: 30, waitMs: 500 });
  });

  it('counts a wait longer than ten windows (at least a minute) as a problem, and keeps three distinct samples', () => {
    const recorder = new RateLimitRecorder(1, 10_000);
    const result = observe(recorder, [
      exchange(0, 429, { 'retry-after': '100' }),
      exchange(1, 429, { 'retry-after': '101' }),
      exchange(2, 429, {}),
      exchange(3, 429, {}),
      exchange(4, 429, { 'retry-after': 'soon' }),
      exchange(5, 429, { 'retry-after': '102' }),
    ]);

    expect(result.adviceProblems).toBe(5);
    expect(result.samples).toEqual([
      'Retry-After asks for 101 s, more than 100 s',
      'no Retry-After or RateLimit reset header',
      'Retry-After "soon" is neither seconds nor an HTTP date',
    ]);
    expect(new RateLimitRecorder(1, 1_000).maxWaitMs).toBe(60_000);
  });

  it('calls a 429 within the limit when fewer than `limit` were accepted in the window (with slack) before it', () => {
    const limit2 = (accepted: number[], rejectedAt: number) =>
      observe(new RateLimitRecorder(2, 1_000), [...accepted.map(ok), refused(rejectedAt)]).withinLimit429s;
    const t = 5_000;
    const earliest = t - 1_000 - WINDOW_SLACK_MS;
    const latest = t + WINDOW_SLACK_MS;

    expect(limit2([t - 500, t - 100], t)).toBe(0);
    // Sends are recorded as their responses end, not in the order they left.
    expect(limit2([t - 100, t - 500], t)).toBe(0);
    expect(limit2([t - 500], t)).toBe(1);
    // The window with its slack: [t − windowMs − slack, t + slack).
    expect(limit2([earliest, latest - 0.5], t)).toBe(0);
    expect(limit2([earliest - 0.5, latest - 0.5], t)).toBe(1);
    expect(limit2([earliest, latest], t)).toBe(1);
  });

  it('expects the rejections of an exact sliding-window limiter of the same sends, a send leaving the window at windowMs', () => {
    // Limit 2 per 1,000 ms: 0 and 100 kept, 200 refused; at 1,000 the send at 0 has left the window, at 1,100 the one at 100.
    const sends = [ok(0), ok(100), refused(200), ok(1_000), ok(1_100), refused(1_150)];

    expect(observe(new RateLimitRecorder(2, 1_000), sends).expectedRejected).toBe(2);
  });

  it('keeps any number of send times, sorted as numbers', () => {
    const recorder = new RateLimitRecorder(1_000, 1_000);
    // 3,000 sends, out of order; an exact limiter of 1,000 per second refuses none of 3,000 over 3 s.
    const times = Array.from({ length: 3_000 }, (_, i) => ((i * 7_919) % 3_000) + 0.5);
    const result = observe(recorder, times.map(ok));

    expect(result.responses).toBe(3_000);
    expect(result.expectedRejected).toBe(0);
    const tight = observe(
      new RateLimitRecorder(1_000, 1_000),
      // 1,500 sends within 750 ms, newest first: 500 above the limit.
      Array.from({ length: 1_500 }, (_, i) => ok((1_499 - i) / 2)),
    );
    expect(tight.expectedRejected).toBe(500);
  });

  it('spans first to last send plus one average gap, whichever kind of answer comes first or last', () => {
    const span = (exchanges: readonly Exchange[]) =>
      observe(new RateLimitRecorder(2, 1_000), exchanges).sendSpanMs;

    // Admitted first and last (recorded out of order): 100 to 400 ms, 4 sends cover 300 × 4/3.
    expect(span([ok(400), ok(100), ok(250), refused(200)])).toBe(400);
    // Refused first and last: 50 to 150 ms, 3 sends cover 100 × 3/2.
    expect(span([refused(50), ok(100), refused(150)])).toBe(150);
    // Two sends cover twice their gap.
    expect(span([ok(0), ok(300)])).toBe(600);
  });

  it('spans one window for a single send or none (it used one window of quota)', () => {
    expect(observe(new RateLimitRecorder(2, 1_000), [ok(700)]).sendSpanMs).toBe(1_000);
    expect(observe(new RateLimitRecorder(2, 60_000), []).sendSpanMs).toBe(60_000);
  });

  it('replays the sends in send order for the exact limiter, whatever answered them', () => {
    // Limit 1 per 1,000 ms; the target refused 0 and admitted 500 and 1,200. An exact limiter keeps 0, refuses
    // 500, and keeps 1,200 (0 has left its window): one rejection, not the two of replaying admitted sends first.
    const sends = [refused(0), ok(500), ok(1_200)];

    expect(observe(new RateLimitRecorder(1, 1_000), sends).expectedRejected).toBe(1);
  });

  it('passes the recovery on', () => {
    const recorder = new RateLimitRecorder(1, 1_000);

    expect(recorder.toResult({ afterMs: 1_003 }).recovery).toEqual({ afterMs: 1_003 });
    expect(recorder.toResult(undefined)).not.toHaveProperty('recovery');
  });
});

describe('RateLimitRecorder.policyRoomAtMs', () => {
  it('has room at any time while fewer than `limit` requests were accepted', () => {
    const recorder = new RateLimitRecorder(3, 1_000);
    observe(recorder, [ok(100), refused(150), ok(200)]);

    expect(recorder.policyRoomAtMs()).toBe(Number.NEGATIVE_INFINITY);
  });

  it('has room one window (plus the send slack) after the limit-th newest accepted send, not before', () => {
    // A 429 at 150, then the load's own requests admitted in the next window used up its quota: a request sent
    // after the 429's advice alone would be the limit + 1-th of that window.
    const recorder = new RateLimitRecorder(3, 1_000);
    observe(recorder, [ok(100), refused(150), ok(1_100), ok(1_200), ok(1_300)]);

    expect(recorder.policyRoomAtMs()).toBe(1_100 + 1_000 + WINDOW_SLACK_MS);
  });

  it('counts only accepted sends, in send order', () => {
    const recorder = new RateLimitRecorder(2, 500);
    observe(recorder, [ok(900), refused(950), refused(960), ok(400), exchange(450, 500)]);

    // 5xx used the quota too; the 2nd newest accepted send is at 450.
    expect(recorder.policyRoomAtMs()).toBe(450 + 500 + WINDOW_SLACK_MS);
  });
});
