import { once } from 'node:events';
import { createServer } from 'node:http';
import { type AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createUndiciTransport } from '../functions/adapters/undici-transport.ts';
import { resolveProbe } from '../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../functions/core/suite/validate-suite.ts';
import type { Exchange, Lane, Transport, TransportOptions } from '../functions/core/transport.ts';
import { runProbeLocally } from '../functions/local/run-probe.ts';

/**
 * One fresh-connection latency check as a process of its own (pinned like the other generators), by one client:
 * - `perfprobe`: a latency probe run as `perfprobe run` runs it (warm-up, engine, transport, recorder);
 * - `node`: a bare `net` client doing the same exchange on a new socket each time (the floor for Node): the socket
 *   made ahead, then connect, write in the connect callback, read to the end of the body.
 * Each request's phases, ms: the send decision → the connect() call, the TCP connect, connected → the request's
 * write, the write → the first response byte, the first byte → the end; and the sample (from the connect() call,
 * as perfprobe counts a fresh connection's latency, to the end).
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

/** perfprobe's own samples and phases, with the send decision timed from outside the transport. */
async function perfprobeRows(): Promise<{ rows: FreshRow[]; p50Ms: number; connectP50Ms: number }> {
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
  const rows = exchanges.map((e, i) => {
    const write = e.endedMs - e.phases.downloadMs - e.phases.ttfbMs;
    // A fresh connection's sample starts at its connect() call (no DNS for an IP literal, no TLS for http).
    return {
      totalMs: e.endedMs - e.startedMs,
      toConnectMs: e.startedMs - decided[i]!,
      connectMs: e.phases.connectMs,
      toWriteMs: write - e.startedMs - e.phases.connectMs,
      ttfbMs: e.phases.ttfbMs,
      endMs: e.phases.downloadMs,
    };
  });
  return { rows, p50Ms: result.latencyMs.p50, connectP50Ms: result.phasesMs?.connect?.p50 ?? Number.NaN };
}

const request = (to: number) =>
  Buffer.from(
    `GET / HTTP/1.1\r\nhost: 127.0.0.1:${to}\r\nuser-agent: perfprobe-bench\r\nconnection: close\r\n\r\n`,
  );
const REQUEST = request(port);
/** As many exchanges as perfprobe's warm-up makes for a fresh-connection check, against an in-process server. */
const FLOOR_WARM_UP = 100;

/** One exchange on a new socket, as little as Node allows: connect, write, read to the end of the body. */
function nodeExchange(to = port, bytes = REQUEST): Promise<FreshRow> {
  return new Promise((resolve, reject) => {
    const decided = performance.now();
    const socket = new Socket();
    socket.setNoDelay(true);
    let called = 0;
    let connected = 0;
    let firstByte = 0;
    let head: Buffer | undefined;
    socket.once('connect', () => {
      connected = performance.now();
      socket.write(bytes);
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
        totalMs: now - called,
        toConnectMs: called - decided,
        connectMs: connected - called,
        // The write is made in the connect callback: nothing in between.
        toWriteMs: 0,
        ttfbMs: firstByte - connected,
        endMs: now - firstByte,
      });
    });
    socket.once('error', reject);
    called = performance.now();
    socket.connect(to, '127.0.0.1');
  });
}

async function nodeRows(): Promise<{ rows: FreshRow[]; p50Ms: number; connectP50Ms: number }> {
  // Warmed as perfprobe is, so the floor is Node's, not a cold start's.
  const server = createServer((_, res) => res.end()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const warmPort = (server.address() as AddressInfo).port;
  for (let k = 0; k < FLOOR_WARM_UP; k++) await nodeExchange(warmPort, request(warmPort));
  server.close();
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
