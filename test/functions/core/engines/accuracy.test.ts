import { afterEach, describe, expect, it } from 'vitest';
import { runProbeLocally } from '../../../../functions/local/run-probe.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { platformOverheadMs } from '../../../helpers/raw-client.ts';
import { httpServer, type Running, timedServer } from '../../../helpers/servers.ts';

let target: Running | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

// Real timing on a shared 2-core VM: a host hiccup (an idle vCPU woken late, seen up to 3 ms at times) can
// push one run past a tight bound. A retry absorbs that; a real regression fails every attempt.
describe('latency accuracy against real loopback servers', { retry: 2 }, () => {
  it('measures a fixed 20 ms delay: p50 within 1 ms plus 5 % of what the server actually took', async () => {
    const floor = await platformOverheadMs(4);
    const server = await timedServer({ fixedMs: 20 });
    target = server;

    const result = await runProbeLocally(
      probeFor(target.url, { load: { kind: 'burst', connections: 4, requests: 200 } }),
    );

    // The truth is the service time the server really gave (its timers overshoot ~1 ms on this VM, for
    // autocannon too); the measurement may add only histogram precision, 1 ms, and what this machine adds for
    // a raw-socket client right now (floor) on top.
    const truth = await server.truth();
    expect(truth.count).toBe(200);
    expect(truth.p50).toBeGreaterThanOrEqual(20);
    expect(result.requests.ok).toBe(200);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(truth.p50 * 0.999);
    expect(result.latencyMs.p50).toBeLessThanOrEqual(truth.p50 + 1 + 0.05 * 20 + floor);
  });

  it('recovers p50 / p90 / p99 of a deterministic latency mix', async () => {
    // Of every 200 requests: 120 at 10 ms, 66 at 20 ms, 13 at 50 ms, 1 at 100 ms. Over 400 requests, sorted,
    // rank 200 (p50) falls inside the 10 ms group (1-240), rank 360 (p90) inside the 20 ms group (241-372) and
    // rank 396 (p99) inside the 50 ms group (373-398): no truth sits on a group boundary.
    const floor = await platformOverheadMs(2);
    const server = await timedServer({
      cycle: [
        [120, 10],
        [66, 20],
        [13, 50],
        [1, 100],
      ],
    });
    target = server;

    const result = await runProbeLocally(
      probeFor(target.url, { load: { kind: 'burst', connections: 2, requests: 400 } }),
    );

    const truth = await server.truth();
    const within = (observed: number, actual: number, nominal: number) => {
      expect(actual).toBeGreaterThanOrEqual(nominal);
      // Histogram precision is 0.1 %; loopback adds what the machine adds for any client (floor).
      expect(observed).toBeGreaterThanOrEqual(actual * 0.999);
      expect(observed).toBeLessThanOrEqual(actual * 1.05 + 1 + floor);
    };
    expect(truth.count).toBe(400);
    within(result.latencyMs.p50, truth.p50, 10);
    within(result.latencyMs.p90, truth.p90, 20);
    within(result.latencyMs.p99, truth.p99, 50);
    within(result.latencyMs.max, truth.max, 100);
  });

  it('shows a one-second stall in p99 under the rate engine (no coordinated omission)', async () => {
    // The server freezes from 1.0 s to 2.0 s after the first request: everything in that window waits.
    target = await timedServer({ stallAfterMs: 1_000, stallMs: 1_000 });

    const result = await runProbeLocally(
      probeFor(target.url, { load: { kind: 'rate', rate: 100, duration: '3s', connections: 200 } }),
    );

    expect(result.requests.total).toBe(300);
    expect(result.errors).toEqual({});
    // A third of the arrivals fall in the stall; latency counts from their intended send times, so the
    // first arrival of the stall waited the whole second and p99 sits close to it.
    expect(result.latencyMs.p99).toBeGreaterThan(900);
    expect(result.latencyMs.max).toBeLessThan(1_200);
    expect(result.latencyMs.p50).toBeLessThan(50);
    expect(result.validity.valid).toBe(true);
  });
});

describe('shards', { retry: 2 }, () => {
  it('gives the same counts and percentiles for a load run whole and split into four shards', async () => {
    // Deterministic service times: of every 100 requests 85 take 20 ms and 15 take 60 ms, so p50 lies inside the
    // 20 ms group and p90 and p99 inside the 60 ms group, not on a boundary.
    const floor = await platformOverheadMs(8);
    const server = await timedServer({
      cycle: [
        [85, 20],
        [15, 60],
      ],
    });
    target = server;
    const probe = probeFor(target.url, { load: { kind: 'burst', connections: 8, requests: 400 } });

    const whole = await runProbeLocally(probe);
    const wholeTruth = await server.truth();
    const split = await runProbeLocally(probe, { shards: 4 });
    const splitTruth = await server.truth();

    expect(split.coverage).toEqual({ planned: 4, reported: 4 });
    expect(split.requests).toEqual(whole.requests);
    expect(split.statusCodes).toEqual(whole.statusCodes);
    // Exactness of the merge itself is the pure property test's job; here both runs must measure what the
    // server really did (two real runs differ in the tail by the machine's jitter, not by the merge).
    for (const [run, truth] of [
      [whole, wholeTruth],
      [split, splitTruth],
    ] as const) {
      // Within 1 ms plus 5 % of what the server really took, as for a fixed delay.
      for (const p of ['p50', 'p90'] as const) {
        expect(run.latencyMs[p]).toBeGreaterThanOrEqual(truth[p] * 0.999);
        expect(run.latencyMs[p]).toBeLessThanOrEqual(truth[p] * 1.05 + 1 + floor);
      }
      // p99 of 400 samples is the 4th slowest: one scheduler stall of this 2-core machine (server, four shards
      // and the test runner share it) moves it by several ms (CI saw 66.6 ms for a 60.3 ms truth). The bound
      // still tells the 60 ms group from the 20 ms group, which is what a lost or double-counted shard would shift.
      expect(run.latencyMs.p99).toBeGreaterThanOrEqual(truth.p99 * 0.999);
      expect(run.latencyMs.p99).toBeLessThanOrEqual(truth.p99 * 1.05 + 10 + floor);
    }
  });
});

describe('rate engine when the target holds every connection', () => {
  it('queues arrivals, counts them as queued, and still measures from the intended time', async () => {
    target = await httpServer((_, res) => setTimeout(() => res.end('ok'), 100));

    // 50/s with 2 connections and 100 ms responses: capacity is 20/s, so arrivals must queue.
    const result = await runProbeLocally(
      probeFor(target.url, {
        request: { url: '/', timeout: '500ms' },
        load: { kind: 'rate', rate: 50, duration: '1s', connections: 2 },
        abort: { errorRate: 0.9, minRequests: 1000 },
      }),
    );

    expect(result.requests.total).toBe(50);
    expect(result.validity.queuedSends).toBeGreaterThan(0);
    // Arrivals that waited past the timeout for a connection are dropped, counted and classed aborted.
    expect(result.validity.unsent).toBe(result.errors.aborted ?? 0);
    expect(result.validity.unsent).toBeGreaterThan(0);
    // Queueing is the target's doing, not the generator's: the run stays valid and the queue shows in p99.
    expect(result.validity.valid).toBe(true);
    expect(result.latencyMs.p99).toBeGreaterThan(300);
  });
});

describe('safety', () => {
  it('aborts a run whose error rate passes the abort limit, and says why', async () => {
    target = await httpServer((_, res) => {
      res.statusCode = 500;
      res.end();
    });

    const result = await runProbeLocally(
      probeFor(target.url, {
        load: { kind: 'burst', connections: 2, duration: '10s' },
        abort: { errorRate: 0.5, minRequests: 20 },
      }),
    );

    expect(result.durationMs).toBeLessThan(1_000);
    expect(result.requests.total).toBeLessThan(30);
    expect(result.stoppedEarly).toMatch(/^aborted: error rate 100.0% above the abort limit 50%/);
    expect(result.sla.verdict).toBe('pass');
  });

  it('stops sending on a signal, lets in-flight requests finish, and marks the run invalid, not breached', async () => {
    target = await httpServer((_, res) => setTimeout(() => res.end('ok'), 50));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();

    const result = await runProbeLocally(
      probeFor(target.url, { load: { kind: 'burst', connections: 4, duration: '10s' }, sla: { p99: 1 } }),
      { signal: controller.signal },
    );

    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result.stoppedEarly).toBe('interrupted: stopped by signal');
    // Requests already sent completed normally: nothing was cut, nothing counted as an error.
    expect(result.errors).toEqual({});
    expect(result.requests.ok).toBeGreaterThan(10);
    expect(result.validity.valid).toBe(false);
    expect(result.sla.verdict).toBe('invalid');
  });

  it('sends exactly the requested number of requests in a request-count burst', async () => {
    target = await httpServer((_, res) => res.end('ok'));

    const result = await runProbeLocally(
      probeFor(target.url, { load: { kind: 'burst', connections: 7, requests: 1_000 } }),
    );

    expect(result.requests).toEqual({ total: 1_000, ok: 1_000, failed: 0 });
  });

  it('ends a burst within its duration plus one request timeout against a target that hangs', async () => {
    target = await httpServer(() => {});
    const started = performance.now();

    const result = await runProbeLocally(
      probeFor(target.url, {
        request: { url: '/', timeout: '400ms' },
        load: { kind: 'burst', connections: 5, duration: '500ms' },
      }),
    );

    expect(performance.now() - started).toBeLessThan(500 + 400 + 200);
    expect(result.errors.timeout_headers).toBeGreaterThanOrEqual(5);
  });
});
