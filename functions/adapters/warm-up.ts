import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileAssertions } from '../core/assertions.ts';
import { runBurst } from '../core/engines/burst-engine.ts';
import { EngineContext } from '../core/engines/engine-context.ts';
import { runLatency } from '../core/engines/latency-engine.ts';
import { ShardRecorder } from '../core/shard-recorder.ts';
import type { PreparedRequest } from '../core/transport.ts';
import { createUndiciTransport } from './undici-transport.ts';

/**
 * Exchanges through the engine, the transport and the recorder at the run's concurrency, so the code a run uses
 * is compiled before its first sample. Three sequential requests (the first version) left the first wave of a
 * 10-connection burst 6–9 ms slow, against 10–16 ms with none (bench/p99-breakdown-run.ts, tail by start time).
 */
const MAX_WARM_CONNECTIONS = 8;
const REQUESTS_PER_CONNECTION = 25;
/** On a slow or busy machine the warm-up gives up early rather than delay the run's start. */
const WARM_MAX_MS = 500;

/**
 * A fresh connection's path (a new socket, undici's connect and parser set-up, the close) is one a kept-alive
 * warm-up never takes. 100 sequential fresh exchanges took a 20-request latency check's connect phase from
 * 0.73 to 0.56 ms here, 400 no further (bench: fresh). A latency check waits for its warm-up, so it stops at
 * FRESH_WARM_MAX_MS whatever it got through: a starved machine (here at load 17 on 2 cores: 5–13 exchanges) is
 * left colder rather than started late.
 */
const FRESH_REQUESTS = 100;
const FRESH_WARM_MAX_MS = 250;

let warmed: Promise<void> = Promise.resolve();
let warmedConnections = 0;
let warmedFresh = false;

/**
 * Sends requests to a throwaway server in this process: a few for a run on one connection, a few hundred for a
 * concurrent load, once per process and concurrency (a later run with more connections warms again), and for a
 * run on fresh connections, a hundred of those once per process (a latency check needs no other). Nothing is
 * sent to the target and nothing is recorded in a run. Resolves to the exchanges that succeeded in this call; a
 * failure here only leaves the generator cold.
 */
export async function warmUpGenerator(
  connections: number,
  connection: 'fresh' | 'reuse' = 'reuse',
): Promise<number> {
  if (connection === 'reuse') return warmKeptAlive(connections);
  const fresh = await warmFresh();
  return fresh + (connections > 1 ? await warmKeptAlive(connections) : 0);
}

function warmFresh(): Promise<number> {
  if (warmedFresh) return warmed.then(() => 0);
  warmedFresh = true;
  const run = warmed.then(() => warmUp(1, FRESH_REQUESTS, 'fresh', FRESH_WARM_MAX_MS)).catch(() => 0);
  warmed = run.then((done) => {
    if (done === 0) warmedFresh = false;
  });
  return run;
}

function warmKeptAlive(connections: number): Promise<number> {
  const lanes = Math.min(Math.max(1, connections), MAX_WARM_CONNECTIONS);
  if (lanes <= warmedConnections) return warmed.then(() => 0);
  const before = warmedConnections;
  warmedConnections = lanes;
  const run = warmed
    .then(() => warmUp(lanes, lanes === 1 ? 3 : lanes * REQUESTS_PER_CONNECTION, 'reuse', WARM_MAX_MS))
    .catch(() => 0);
  warmed = run.then((done) => {
    // Nothing went through (no loopback, a refused listen): the next run tries again.
    if (done === 0 && warmedConnections === lanes) warmedConnections = before;
  });
  return run;
}

async function warmUp(
  connections: number,
  requests: number,
  connection: 'fresh' | 'reuse',
  maxMs: number,
): Promise<number> {
  const server = createServer((_, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"warm":true}');
  }).listen(0, '127.0.0.1');
  try {
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const transport = createUndiciTransport({
      origin,
      connections,
      timeoutMs: maxMs,
      connection,
    });
    const request: PreparedRequest = {
      origin,
      path: '/',
      method: 'GET',
      headers: {},
      body: undefined,
      timeoutMs: maxMs,
      bodyCap: 1_024,
      captureHeaders: true,
      captureBody: true,
    };
    const recorder = new ShardRecorder(performance.now());
    const ctx = new EngineContext(transport, request, recorder, compileAssertions(undefined), {
      errorRate: 1,
      minRequests: Number.MAX_SAFE_INTEGER,
    });
    try {
      if (connection === 'fresh') {
        // A latency check's own engine, back to back. It has no duration cap of its own, and would wait for the
        // request in flight: at the cap, closing the transport ends that one too.
        const cap = setTimeout(() => {
          ctx.stop();
          void transport.close();
        }, maxMs);
        await runLatency(ctx, { kind: 'latency', requests, intervalMs: 0 }).finally(() => clearTimeout(cap));
        return recorder.total - recorder.failed;
      }
      await runBurst(ctx, {
        kind: 'burst',
        connections,
        durationMs: undefined,
        requests,
        maxDurationMs: maxMs,
      });
      return recorder.total - recorder.failed;
    } finally {
      await transport.close();
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
