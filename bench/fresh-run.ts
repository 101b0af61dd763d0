import { subscribe } from 'node:diagnostics_channel';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createUndiciTransport } from '../functions/adapters/undici-transport.ts';
import type { Exchange, Lane, Transport, TransportOptions } from '../functions/core/transport.ts';
import { resolveProbe } from '../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../functions/core/suite/validate-suite.ts';
import { runProbeLocally } from '../functions/local/run-probe.ts';

/**
 * One fresh-connection latency check as a process of its own (pinned like the other generators), by one client:
 * - `perfprobe`: a latency probe run as `perfprobe run` runs it (warm-up, engine, transport, recorder);
 * - `node`: a bare `net.connect` client doing the same exchange on a new socket each time (the floor for Node).
 * Each request's phases, ms: the send decision → the connect() call, the TCP connect, connected → the request's
 * write, the write → the first response byte, the first byte → the end; and the whole sample.
 * Usage: fresh-run.ts <port> <perfprobe|node> <requests> <intervalMs>; prints JSON.
 */
const [portArg, client, requestsArg, intervalArg] = process.argv.slice(2);
const port = Number(portArg);
const requests = Number(requestsArg);
const intervalMs = Number(intervalArg);
if (!port || (client !== 'perfprobe' && client !== 'node') || !requests || !(intervalMs >= 0))
  throw new Error('usage: fresh-run.ts <port> <perfprobe|node> <requests> <intervalMs>');

export interface FreshRow {
  readonly totalMs: number;
  readonly toConnectMs: number;
  readonly connectMs: number;
  readonly toWriteMs: number;
  readonly ttfbMs: number;
  readonly endMs: number;
}

/** perfprobe's own samples, with the send decision and the socket's creation timed from outside the transport. */
async function perfprobeRows(): Promise<{ rows: FreshRow[]; p50Ms: number; connectP50Ms: number }> {
  const created: number[] = [];
  // Published by net.connect as it creates the socket: the connect() call, seen without touching the transport.
  subscribe('net.client.socket', () => created.push(performance.now()));
  const decided: number[] = [];
  const exchanges: Exchange[] = [];
  const timed = (lane: Lane): Lane => ({
    send: (request, onDone) => {
      decided.push(performance.now());
      lane.send(request, (exchange) => {
        exchanges.push(exchange);
        onDone(exchange);
      });
    },
    unreachable: () => lane.unreachable(),
  });
  const transport = (options: TransportOptions): Transport => {
    const inner = createUndiciTransport(options);
    return { ...inner, lanes: inner.lanes.map(timed), addLane: () => timed(inner.addLane()) };
  };
  const suite = validateSuite({
    name: 'bench',
    environments: { bench: { baseUrl: `http://127.0.0.1:${port}` } },
    probes: [
      {
        id: 'fresh',
        request: { url: '/', headers: { 'user-agent': 'perfprobe-bench' } },
        load: { kind: 'latency', requests, interval: intervalMs },
      },
    ],
  });
  const result = await runProbeLocally(resolveProbe(suite, suite.probes[0]!, 'bench'), { transport });
  // The warm-up's own connections (reuse, in-process server) come first: the run's are the last `requests`.
  const sockets = created.slice(-exchanges.length);
  const rows = exchanges.map((e, i) => {
    const write = e.endedMs - e.phases.downloadMs - e.phases.ttfbMs;
    const connectCall = sockets[i]!;
    return {
      totalMs: e.endedMs - e.startedMs,
      toConnectMs: connectCall - decided[i]!,
      connectMs: e.phases.connectMs,
      toWriteMs: write - connectCall - e.phases.connectMs,
      ttfbMs: e.phases.ttfbMs,
      endMs: e.phases.downloadMs,
    };
  });
  return { rows, p50Ms: result.latencyMs.p50, connectP50Ms: result.phasesMs?.connect?.p50 ?? Number.NaN };
}

const REQUEST = Buffer.from(
  `GET / HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nuser-agent: perfprobe-bench\r\nconnection: close\r\n\r\n`,
);

/** One exchange on a new socket, as little as Node allows: connect, write, read to the end of the body. */
function nodeExchange(): Promise<FreshRow> {
  return new Promise((resolve, reject) => {
    const decided = performance.now();
    const socket: Socket = connect(port, '127.0.0.1');
    const called = performance.now();
    let connected = 0;
    let firstByte = 0;
    let head: Buffer | undefined;
    socket.setNoDelay(true);
    socket.once('connect', () => {
      connected = performance.now();
      socket.write(REQUEST);
    });
    socket.on('data', (chunk: Buffer) => {
      const now = performance.now();
      if (firstByte === 0) firstByte = now;
      head = head === undefined ? chunk : Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head.toString('latin1', 0, end))?.[1] ?? 0);
      if (head.length < end + 4 + length) return;
      socket.destroy();
      resolve({
        totalMs: now - decided,
        toConnectMs: called - decided,
        connectMs: connected - called,
        // The write is made in the connect callback: nothing in between.
        toWriteMs: 0,
        ttfbMs: firstByte - connected,
        endMs: now - firstByte,
      });
    });
    socket.once('error', reject);
  });
}

async function nodeRows(): Promise<{ rows: FreshRow[]; p50Ms: number; connectP50Ms: number }> {
  const rows: FreshRow[] = [];
  const origin = performance.now();
  for (let k = 0; k < requests; k++) {
    const wait = origin + k * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    rows.push(await nodeExchange());
  }
  const p50 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length / 2) - 1)]!;
  return { rows, p50Ms: p50(rows.map((r) => r.totalMs)), connectP50Ms: p50(rows.map((r) => r.connectMs)) };
}

const out = client === 'perfprobe' ? await perfprobeRows() : await nodeRows();
process.stdout.write(`${JSON.stringify(out)}\n`);
