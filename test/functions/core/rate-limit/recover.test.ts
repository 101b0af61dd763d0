import { describe, expect, it } from 'vitest';
import type { ErrorClass } from '../../../../functions/core/error-classes.ts';
import { recoverAfterRejection } from '../../../../functions/core/rate-limit/recover.ts';
import type { Exchange, Lane, PreparedRequest } from '../../../../functions/core/transport.ts';

const request = { origin: 'http://127.0.0.1:9', path: '/limited', method: 'GET' } as PreparedRequest;

/** A lane that answers every request with `status` (or fails it with `errorClass`), and notes when it was sent. */
function lane(status: number, errorClass?: ErrorClass) {
  const sentAt: number[] = [];
  const fake = {
    send(_request: PreparedRequest, onDone: (exchange: Exchange) => void) {
      sentAt.push(performance.now());
      setImmediate(() => onDone({ status, errorClass } as Exchange));
    },
    unreachable: () => undefined,
  } as Lane;
  return { lane: fake, sentAt };
}

describe('recoverAfterRejection', () => {
  it('waits what the last 429 advertised from when it arrived, then reports how long after it a request succeeded', async () => {
    const { lane: target, sentAt } = lane(200);
    const clock = () => performance.now();
    const last = { atMs: clock(), waitMs: 60 };

    const recovery = await recoverAfterRejection(target, request, last, clock);

    expect(sentAt[0]! - last.atMs).toBeGreaterThanOrEqual(58);
    expect(recovery).toEqual({ afterMs: expect.any(Number) });
    expect((recovery as { afterMs: number }).afterMs).toBeGreaterThanOrEqual(58);
  });

  it('also waits until the declared policy has room again, when that is later than the advice', async () => {
    const { lane: target, sentAt } = lane(200);
    const clock = () => performance.now();
    const last = { atMs: clock(), waitMs: 10 };

    const recovery = await recoverAfterRejection(target, request, last, clock, undefined, last.atMs + 80);

    expect(sentAt[0]! - last.atMs).toBeGreaterThanOrEqual(78);
    expect((recovery as { afterMs: number }).afterMs).toBeGreaterThanOrEqual(78);
  });

  it('keeps to the advice when the policy has room earlier', async () => {
    const { lane: target, sentAt } = lane(200);
    const clock = () => performance.now();
    const last = { atMs: clock(), waitMs: 80 };

    await recoverAfterRejection(target, request, last, clock, undefined, last.atMs + 10);

    expect(sentAt[0]! - last.atMs).toBeGreaterThanOrEqual(78);
  });

  it('reports the time from the 429 to the success, to the ms', async () => {
    const times = [1_000, 1_250.6];
    const recovery = await recoverAfterRejection(
      lane(204).lane,
      request,
      { atMs: 900, waitMs: 50 },
      () => times.shift()!,
    );

    expect(recovery).toEqual({ afterMs: 351 });
  });

  it.each([
    [429, undefined, 'a request sent after the advertised 50 ms wait still got 429'],
    [500, undefined, 'a request sent after the advertised 50 ms wait still got 500'],
    [0, 'connection_reset', 'a request sent after the advertised 50 ms wait failed (connection_reset)'],
  ] as const)('fails when the request after the wait got %i %s', async (status, errorClass, failed) => {
    const recovery = await recoverAfterRejection(
      lane(status, errorClass).lane,
      request,
      { atMs: 0, waitMs: 50 },
      () => 100,
    );

    expect(recovery).toEqual({ failed });
  });

  it('counts any answer below 500 but a 429 as the limiter letting it through', async () => {
    const recovery = await recoverAfterRejection(lane(499).lane, request, { atMs: 0, waitMs: 50 }, () => 100);

    expect(recovery).toEqual({ afterMs: 100 });
  });

  it('sends nothing once the run stopped, before or during the wait', async () => {
    const before = lane(200);
    const stopped = AbortSignal.abort();
    expect(
      await recoverAfterRejection(before.lane, request, { atMs: 0, waitMs: 50 }, () => 100, stopped),
    ).toEqual({
      failed: 'the run stopped before the request after the advertised wait',
    });

    const during = lane(200);
    const controller = new AbortController();
    const waiting = recoverAfterRejection(
      during.lane,
      request,
      { atMs: 0, waitMs: 60_000 },
      () => 0,
      controller.signal,
    );
    setTimeout(() => controller.abort(), 10);
    expect(await waiting).toEqual({ failed: 'the run stopped before the request after the advertised wait' });
    expect([...before.sentAt, ...during.sentAt]).toEqual([]);
  });
});
