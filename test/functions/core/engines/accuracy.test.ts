import { afterEach, describe, expect, it } from 'vitest';
import { formatRun } from '../../../../functions/local/report.ts';
import { runProbeLocally } from '../../../../functions/local/run-probe.ts';
import { createStyle } from '../../../../functions/local/style.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { rawClient } from '../../../helpers/raw-client.ts';
import { httpServer, type Running, timedServer } from '../../../helpers/servers.ts';

let target: Running | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

/** Nearest-rank percentile, as HdrHistogram reports one. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

// What the machine itself adds between a server's service time and what any client sees changes with the
// host's load (0.4 ms on a quiet host, 3 to 5 ms on a busy one). So each timing test runs a minimal raw-socket
// client against the same server at the same time, as the reference: perfprobe must stay within 1 ms plus 5 %
// of it, and never below what the server really did. A retry absorbs one host hiccup in one of the two
// clients; a real regression fails every attempt.
describe('latency accuracy against real loopback servers', { retry: 2 }, () => {
  it('measures a fixed 20 ms delay: p50 within 1 ms plus 5 % of a raw client, never below the server', async () => {
    const server = await timedServer({ fixedMs: 20 });
    target = server;

    const [result, raw] = await Promise.all([
      runProbeLocally(probeFor(target.url, { load: { kind: 'burst', connections: 4, requests: 200 } })),
      rawClient(server.port, 4, 200),
    ]);

    // The truth is the service time the server really gave (its timers overshoot ~1 ms on this VM).
    const truth = await server.truth();
    expect(truth.count).toBe(400);
    expect(truth.p50).toBeGreaterThanOrEqual(20);
    expect(result.requests.ok).toBe(200);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(truth.p50 * 0.999);
    expect(result.latencyMs.p50).toBeLessThanOrEqual(percentile(raw, 50) + 1 + 0.05 * 20);
  });

  it('recovers p50 / p90 / p99 of a deterministic latency mix', async () => {
    // Of every 200 requests: 120 at 10 ms, 66 at 20 ms, 13 at 50 ms, 1 at 100 ms. Sorted, rank 50 % falls inside
    // the 10 ms group (up to 60 %), 90 % inside the 20 ms group (60-93 %) and 99 % inside the 50 ms group
    // (93-99.5 %), with margin on both sides for how the two clients happen to share the cycle.
    const server = await timedServer({
      cycle: [
        [120, 10],
        [66, 20],
        [13, 50],
        [1, 100],
      ],
    });
    target = server;

    const [result, raw] = await Promise.all([
      runProbeLocally(probeFor(target.url, { load: { kind: 'burst', connections: 2, requests: 400 } })),
      rawClient(server.port, 2, 400),
    ]);

    expect((await server.truth()).count).toBe(800);
    // The tails are where a busy host's wake-up delays pile up, differently for two clients side by side
    // (measured on a loaded VM: p90 of perfprobe 0.5 to 3 ms off the raw client's, either way): the tail bounds
    // allow 10 % plus 2 ms, the median keeps 5 % plus 1 ms.
    for (const [key, p, nominal, slack, extra] of [
      ['p50', 50, 10, 1.05, 1],
      ['p90', 90, 20, 1.1, 2],
      ['p99', 99, 50, 1.1, 2],
    ] as const) {
      // The server waited at least the nominal delay; histogram precision is 0.1 %.
      expect(result.latencyMs[key]).toBeGreaterThanOrEqual(nominal * 0.999);
      expect(result.latencyMs[key]).toBeLessThanOrEqual(percentile(raw, p) * slack + extra);
    }
  });

  it('shows a one-second stall in p99 under the rate engine (no coordinated omission)', async () => {
    // The server freezes from 1.0 s to 2.0 s after the first request: everything in that window waits.
    target = await timedServer({ stallAfterMs: 1_000, stallMs: 1_000 });

    const result = await runProbeLocally(
      // The default pool (10) grows with the stall: every arrival in it gets a connection of its own.
      probeFor(target.url, { load: { kind: 'rate', rate: 100, duration: '3s' } }),
    );

    expect(result.requests.total).toBe(300);
    expect(result.errors).toEqual({});
    // A third of the arrivals fall in the stall; latency counts from their intended send times, so the
    // first arrival of the stall waited the whole second and p99 sits close to it.
    expect(result.latencyMs.p99).toBeGreaterThan(900);
    expect(result.latencyMs.max).toBeLessThan(1_200);
    expect(result.latencyMs.p50).toBeLessThan(50);
    // No arrival waited for perfprobe: the stall held about 100 connections, all opened for it.
    expect(result.validity.queuedSends).toBe(0);
    expect(result.validity.pool!.size).toBeGreaterThan(50);
    // Not asserted: validity. On a loaded host the rate engine's timer now and then fires over 10 ms late
    // (measured: 2 to 5 of 300 sends), which rightly flags the run; the rule itself is tested in merge-shards.
    expect(result.validity.lateSends).toBeLessThan(30);
  });
});

describe('shards', { retry: 2 }, () => {
  it('gives the same counts and percentiles for a load run whole and split into four shards', async () => {
    // Deterministic service times: of every 100 requests 85 take 20 ms and 15 take 60 ms, so p50 lies inside the
    // 20 ms group and p90 and p99 inside the 60 ms group, not on a boundary.
    const server = await timedServer({
      cycle: [
        [85, 20],
        [15, 60],
      ],
    });
    target = server;
    const probe = probeFor(target.url, { load: { kind: 'burst', connections: 8, requests: 400 } });

    const [whole, wholeRaw] = await Promise.all([runProbeLocally(probe), rawClient(server.port, 4, 200)]);
    const [split, splitRaw] = await Promise.all([
      runProbeLocally(probe, { shards: 4 }),
      rawClient(server.port, 4, 200),
    ]);

    expect(split.coverage).toEqual({ planned: 4, reported: 4 });
    expect(split.requests).toEqual(whole.requests);
    expect(split.statusCodes).toEqual(whole.statusCodes);
    // Exactness of the merge itself is the pure property test's job; here both runs must measure what the
    // server really did: at least the nominal delay, at most 1 ms plus 5 % above a raw client beside them.
    for (const [run, raw] of [
      [whole, wholeRaw],
      [split, splitRaw],
    ] as const) {
      for (const [key, p, nominal] of [
        ['p50', 50, 20],
        ['p90', 90, 60],
      ] as const) {
        expect(run.latencyMs[key]).toBeGreaterThanOrEqual(nominal * 0.999);
        expect(run.latencyMs[key]).toBeLessThanOrEqual(percentile(raw, p) * 1.05 + 1);
      }
      // p99 of 400 samples is the 4th slowest, of 200 raw samples the 2nd: one scheduler stall moves either by
      // several ms. The bound still tells the 60 ms group from the 20 ms one, which a lost shard would shift.
      expect(run.latencyMs.p99).toBeGreaterThanOrEqual(60 * 0.999);
      expect(run.latencyMs.p99).toBeLessThanOrEqual(percentile(raw, 99) * 1.05 + 10);
    }
  });
});

describe("the rate engine's connection pool", () => {
  it('grows while every connection is busy, so nothing waits in the queue below the cap', async () => {
    target = await httpServer((_, res) => setTimeout(() => res.end('ok'), 100));

    // 50/s on 100 ms responses keeps about 5 busy: 2 opened ahead are too few, the cap of 500 is not.
    const result = await runProbeLocally(
      probeFor(target.url, { load: { kind: 'rate', rate: 50, duration: '1s', connections: 2 } }),
    );

    expect(result.requests).toEqual({ total: 50, ok: 50, failed: 0 });
    expect(result.validity.queuedSends).toBe(0);
    expect(result.validity.unsent).toBe(0);
    expect(result.validity.pool!.cap).toBe(500);
    expect(result.validity.pool!.size).toBeGreaterThanOrEqual(5);
    // Grown only as far as arrivals found every connection busy: at most one per arrival.
    expect(result.validity.pool!.size).toBeLessThanOrEqual(50);
    // Nothing waited, so no queue is reported.
    expect(formatRun(result, createStyle({ isTTY: false }))).not.toContain("perfprobe's queue");
  });

  it("at the cap, against a target that answers steadily, says the queue is the generator's and which cap to raise", async () => {
    target = await httpServer((_, res) => setTimeout(() => res.end('ok'), 100));

    // 50/s on 100 ms responses needs about 5 connections; the environment allows 2.
    const result = await runProbeLocally(
      probeFor(
        target.url,
        {
          request: { url: '/', timeout: '500ms' },
          load: { kind: 'rate', rate: 50, duration: '1s' },
          abort: { errorRate: 0.9, minRequests: 1000 },
        },
        { maxConnections: 2 },
      ),
    );

    expect(result.requests.total).toBe(50);
    expect(result.validity.pool).toEqual({ size: 2, cap: 2 });
    expect(result.validity.queuedSends).toBeGreaterThan(0);
    // Arrivals that waited past the timeout for a connection are dropped, counted and classed aborted.
    expect(result.validity.unsent).toBe(result.errors.aborted ?? 0);
    expect(result.validity.unsent).toBeGreaterThan(0);
    // Still measured from the intended time: the queue is in the latencies...
    expect(result.latencyMs.p99).toBeGreaterThan(300);
    // ...and the run is invalid, not a breach of the target, with the cap to raise.
    expect(result.validity.valid).toBe(false);
    expect(result.sla.verdict).toBe('invalid');
    expect(result.validity.reasons).toContainEqual(
      expect.stringMatching(
        /^\d+ of 50 arrivals \(\d+\.\d %\) waited in perfprobe's queue \(longest \d+ ms\) with all 2 connections of caps\.maxConnections busy: at 50 req\/s the target's median answer of [\d.]+ ms keeps about \d+ busy; raise caps\.maxConnections to at least \d+$/,
      ),
    );
    const waited = result.validity.queuedSends + result.validity.unsent;
    expect(formatRun(result, createStyle({ isTTY: false })).split('\n')[0]).toMatch(
      new RegExp(
        `; ${waited} of 50 arrivals \\(\\d+\\.\\d %\\) waited in perfprobe's queue, longest [\\d,]+ ms$`,
      ),
    );
  });

  it("at the cap, against a target that stalls, keeps the run valid: the queue is the target's doing", async () => {
    // Answers at once, except for one second from 1.0 s on: 100/s holds 100 connections there, the cap is 20.
    target = await timedServer({ stallAfterMs: 1_000, stallMs: 1_000 });

    const result = await runProbeLocally(
      probeFor(target.url, { load: { kind: 'rate', rate: 100, duration: '3s' } }, { maxConnections: 20 }),
    );

    expect(result.errors).toEqual({});
    expect(result.validity.pool).toEqual({ size: 20, cap: 20 });
    expect(result.validity.queuedSends).toBeGreaterThan(50);
    expect(result.validity.longestQueueWaitMs).toBeGreaterThan(700);
    // Measured from the intended send times: the stall is in p99, the run is not blamed on the pool.
    expect(result.latencyMs.p99).toBeGreaterThan(900);
    expect(result.validity.reasons.filter((r) => r.includes('queue'))).toEqual([]);
  });

  it('at the cap, against a target that hangs, breaches with timeouts instead of calling the run invalid', async () => {
    target = await httpServer(() => {});

    const result = await runProbeLocally(
      probeFor(
        target.url,
        {
          request: { url: '/', timeout: '300ms' },
          load: { kind: 'rate', rate: 50, duration: '1s' },
          abort: { errorRate: 0.9, minRequests: 1000 },
        },
        { maxConnections: 5 },
      ),
    );

    // Growth stopped at the cap: never more than 5 requests in flight at the hung target.
    expect(result.validity.pool).toEqual({ size: 5, cap: 5 });
    expect(result.errors.timeout_headers).toBeGreaterThanOrEqual(5);
    expect(result.requests.ok).toBe(0);
    expect(result.validity.queuedSends + result.validity.unsent).toBeGreaterThan(0);
    expect(result.validity.reasons.filter((r) => r.includes('queue'))).toEqual([]);
    expect(result.sla.checks.find((c) => c.name === 'errorRate')?.passed).toBe(false);
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
    // Stopping early protects the target; it does not excuse the errors: the default errorRate SLA breaches.
    expect(result.sla.verdict).toBe('breach');
    expect(result.sla.checks).toContainEqual(expect.objectContaining({ name: 'errorRate', isDefault: true }));
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
