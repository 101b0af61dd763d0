import { describe, expect, it } from 'vitest';
import { compileAssertions } from '../../../../functions/core/assertions.ts';
import { EngineContext } from '../../../../functions/core/engines/engine-context.ts';
import { runRate } from '../../../../functions/core/engines/rate-engine.ts';
import { ShardRecorder } from '../../../../functions/core/shard-recorder.ts';
import type { Exchange, Lane, PreparedRequest, Transport } from '../../../../functions/core/transport.ts';
import { formatRun } from '../../../../functions/local/report.ts';
import { runProbeLocally } from '../../../../functions/local/run-probe.ts';
import { createStyle } from '../../../../functions/local/style.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { rawHttpServer } from '../../../helpers/raw-http-server.ts';

/** undici's hold before it writes on a kept-alive connection is about 0.1 ms here; this transport holds longer. */
const WRITE_DELAY_MS = 0.3;
const SERVICE_MS = 2;

/** Spins the loop (as undici's Immediate does) until `ms`, then calls `fn` with the time. */
function at(ms: number, fn: (now: number) => void): void {
  const now = performance.now();
  if (now >= ms) fn(now);
  else setImmediate(() => at(ms, fn));
}

/**
 * Lanes that write each request WRITE_DELAY_MS after it is handed over (a transport's own hold before the
 * write) and answer SERVICE_MS after the write: the write times are what the target would see.
 */
function delayedWriteTransport(connections: number, writes: number[]): Transport {
  const lane: Lane = {
    send(_request, onDone) {
      at(performance.now() + WRITE_DELAY_MS, (written) => {
        writes.push(written);
        at(written + SERVICE_MS, (ended) => {
          const exchange: Exchange = {
            status: 200,
            errorClass: undefined,
            errorMessage: undefined,
            headers: undefined,
            body: undefined,
            bodyTruncated: false,
            bytes: 2,
            startedMs: written,
            endedMs: ended,
            phases: { dnsMs: -1, connectMs: -1, tlsMs: -1, ttfbMs: ended - written, downloadMs: 0 },
            staleRetried: false,
          };
          queueMicrotask(() => onDone(exchange));
        });
      });
    },
    unreachable: () => undefined,
  };
  const lanes = Array.from({ length: connections }, () => lane);
  return {
    lanes,
    addLane: () => {
      lanes.push(lane);
      return lane;
    },
    preconnect: async () => {},
    counters: () => ({ connectAttempts: connections, staleRetries: 0 }),
    close: async () => {},
  };
}

const request: PreparedRequest = {
  origin: 'http://127.0.0.1:1',
  path: '/',
  method: 'GET',
  headers: {},
  body: undefined,
  timeoutMs: 1_000,
  bodyCap: 1_024,
  captureHeaders: false,
  captureBody: false,
};

describe('an open-model run on a transport that holds each request before writing it', () => {
  it('hands arrivals over early by the hold it learned, so the writes leave on time, and reports that', async () => {
    const writes: number[] = [];
    const recorder = new ShardRecorder(performance.now());
    const ctx = new EngineContext(
      delayedWriteTransport(4, writes),
      request,
      recorder,
      compileAssertions(undefined),
      { errorRate: 1, minRequests: Number.MAX_SAFE_INTEGER },
    );
    // What the engine counts each latency from: its intended time, or its write when that left early.
    const late: number[] = [];
    const finish = ctx.finish.bind(ctx);
    ctx.finish = (exchange, fromMs, nowMs) => {
      late.push(exchange.startedMs - fromMs);
      finish(exchange, fromMs, nowMs);
    };
    await runRate(
      ctx,
      {
        kind: 'rate',
        stages: [{ fromRate: 200, toRate: 200, durationMs: 1_000 }],
        connections: 4,
        maxConnections: 4,
      },
      1_000,
    );

    expect(writes).toHaveLength(200);
    // The lead is learned over the first writes: judge the rest. Without it every write would leave
    // WRITE_DELAY_MS or more after its intended time.
    const sorted = late.slice(50).sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(0.1);
    // The run reports the lateness at the write, not at the hand-over.
    expect(ctx.sendLateness.getValueAtPercentile(50) / 1000).toBeLessThan(0.1);
    // A write that left early counts its latency from the write: no latency below the service time.
    expect(recorder.histogram.minNonZeroValue / 1000).toBeGreaterThanOrEqual(SERVICE_MS * 0.97);
  });
});

describe('an open-model run on a server that resets each kept-alive connection 30 ms into its second request', () => {
  it("does not call the stale connection's retry the generator's lateness", async () => {
    const server = await rawHttpServer((socket, request) => {
      if (request.onConnection === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      else setTimeout(() => socket.resetAndDestroy(), 30);
    });
    try {
      const result = await runProbeLocally(
        probeFor(server.url, { load: { kind: 'rate', rate: 50, duration: '1s' } }),
      );
      expect(result.staleRetries).toBeGreaterThan(10);
      // Each retry's write came 30 ms after the first one: before, that was reported as send lateness p50 ~30 ms.
      expect(result.validity.sendLatenessMs!.p50).toBeLessThan(5);
      expect(result.validity.lateSends).toBe(0);
      // The report says what happened instead.
      expect(formatRun(result, createStyle({ isTTY: false }))).toContain(
        `, stale-connection retries ${result.staleRetries})`,
      );
    } finally {
      await server.close();
    }
  });
});
