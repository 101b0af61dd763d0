import { readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createUndiciTransport } from '../functions/adapters/undici-transport.ts';
import { warmUpGenerator } from '../functions/adapters/warm-up.ts';
import { compileAssertions } from '../functions/core/assertions.ts';
import { runBurst } from '../functions/core/engines/burst-engine.ts';
import { watchCpuWait } from '../functions/core/engines/cpu-wait.ts';
import { EngineContext } from '../functions/core/engines/engine-context.ts';
import { ShardRecorder } from '../functions/core/shard-recorder.ts';
import type { PreparedRequest } from '../functions/core/transport.ts';
import { clockShift } from '../test/helpers/clock-shift.mjs';

/**
 * One closed-model load on the real transport, engine and recorder against bench/timed-target.py, which
 * stamps each response with its arrival and end on the machine's monotonic clock (x-served). Each request's
 * error (perfprobe's latency − the server's service time) splits into the way there (write → arrival) and the
 * way back (server end → response complete here), and GC pauses are matched to the requests they overlapped.
 * With --profile, a CPU profile of the load splits the generator's own time by where it went.
 * Usage: p99-breakdown-run.ts <port> <connections> <seconds> [--profile]; prints JSON.
 */
const [portArg, connectionsArg, secondsArg, flag] = process.argv.slice(2);
const port = Number(portArg);
const connections = Number(connectionsArg);
const seconds = Number(secondsArg);
const origin = `http://127.0.0.1:${port}`;
const shift = clockShift();

const request: PreparedRequest = {
  origin,
  path: '/',
  method: 'GET',
  headers: { 'user-agent': 'perfprobe-bench' },
  body: undefined,
  timeoutMs: 10_000,
  bodyCap: 1024,
  captureHeaders: true,
  captureBody: false,
};
// As a run does: the generator warmed at this concurrency first.
await warmUpGenerator(connections);
const transport = createUndiciTransport({ origin, connections, timeoutMs: 10_000, connection: 'reuse' });
await transport.preconnect();
const recorder = new ShardRecorder(performance.now());
const ctx = new EngineContext(transport, request, recorder, compileAssertions(undefined), {
  errorRate: 0.9,
  minRequests: 100_000,
});
type Row = { start: number; end: number; up: number; service: number; down: number };
const rows: Row[] = [];
ctx.observe = (exchange) => {
  const served = exchange.headers?.['x-served'];
  if (served === undefined || exchange.status !== 200) return;
  const [arrived, ended] = served.split(',').map(Number) as [number, number];
  rows.push({
    start: exchange.startedMs,
    end: exchange.endedMs,
    up: arrived - (exchange.startedMs + shift),
    service: ended - arrived,
    down: exchange.endedMs + shift - ended,
  });
};
const gcs: { start: number; end: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
});
gcObserver.observe({ entryTypes: ['gc'] });
const loop = monitorEventLoopDelay({ resolution: 10 });
const session = flag === '--profile' ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
/** CPU time of this process's other threads (V8's compiler and GC helpers, libuv's pool), ns. */
const helperCpuNs = () =>
  readdirSync('/proc/self/task')
    .filter((tid) => Number(tid) !== process.pid)
    .reduce((sum, tid) => {
      try {
        return sum + Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        return sum;
      }
    }, 0);
const helpersBefore = helperCpuNs();
const cpuWait = watchCpuWait();
loop.enable();
const cpuBefore = process.cpuUsage();
await runBurst(ctx, {
  kind: 'burst',
  connections,
  durationMs: seconds * 1000,
  requests: undefined,
  maxDurationMs: seconds * 1000,
});
const cpu = process.cpuUsage(cpuBefore);
const mainWaitedMs = cpuWait.stop();
const helperCpuMs = (helperCpuNs() - helpersBefore) / 1e6;
loop.disable();
const profile = session ? (await session.post('Profiler.stop')).profile : undefined;
await new Promise((r) => setImmediate(r));
for (const e of gcObserver.takeRecords()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
gcObserver.disconnect();
await transport.close();

/** Self time of the profile by owner: ours (functions/), undici, Node's own JS, native/GC, idle; µs per request. */
function bySource(): Record<string, number> | undefined {
  if (!profile) return undefined;
  const owner = new Map<number, string>();
  for (const node of profile.nodes) {
    const url = node.callFrame.url;
    const name = node.callFrame.functionName;
    owner.set(
      node.id,
      name === '(idle)'
        ? 'idle'
        : name === '(garbage collector)'
          ? 'gc'
          : url.includes('/undici/')
            ? 'undici'
            : url.includes('/hdr-histogram-js/') || url.includes('/functions/')
              ? 'perfprobe'
              : url.startsWith('node:')
                ? 'node (net, streams, timers)'
                : 'native (syscalls, V8)',
    );
  }
  const totals: Record<string, number> = {};
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const key = owner.get(samples[i]!) ?? 'native (syscalls, V8)';
    totals[key] = (totals[key] ?? 0) + (deltas[i] ?? 0);
  }
  for (const key of Object.keys(totals)) totals[key] = Math.round((totals[key]! / rows.length) * 100) / 100;
  return totals;
}

const errorOf = (r: Row) => r.end - r.start - r.service;
rows.sort((a, b) => errorOf(a) - errorOf(b));
const at = (p: number) => rows[Math.max(0, Math.ceil((p / 100) * rows.length) - 1)]!;
const tail = rows.slice(Math.max(0, Math.ceil(0.99 * rows.length) - 1));
const overlapGc = (r: Row) =>
  gcs.reduce((sum, g) => sum + Math.max(0, Math.min(r.end, g.end) - Math.max(r.start, g.start)), 0);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const r3 = (n: number) => Math.round(n * 1000) / 1000;
const pick = (r: Row) => ({ error: r3(errorOf(r)), up: r3(r.up), down: r3(r.down), gc: r3(overlapGc(r)) });
process.stdout.write(
  `${JSON.stringify({
    connections,
    requests: rows.length,
    p50: pick(at(50)),
    p99: pick(at(99)),
    tail: {
      count: tail.length,
      error: r3(mean(tail.map(errorOf))),
      up: r3(mean(tail.map((r) => r.up))),
      down: r3(mean(tail.map((r) => r.down))),
      gc: r3(mean(tail.map(overlapGc))),
      withGc: tail.filter((r) => overlapGc(r) > 0).length,
    },
    // Requests of the first wave (sent in the run's first 5 ms) among the worst 1 %: a cold generator's doing.
    firstWaveInTail: tail.filter((r) => r.start - rows.reduce((m, x) => Math.min(m, x.start), Infinity) < 5)
      .length,
    mainWaitedMs,
    helperCpuMs: r3(helperCpuMs),
    floor: { up: r3(Math.min(...rows.map((r) => r.up))), down: r3(Math.min(...rows.map((r) => r.down))) },
    gc: { count: gcs.length, totalMs: r3(mean(gcs.map((g) => g.end - g.start)) * gcs.length) },
    loopDelayP99Ms: r3(loop.percentile(99) / 1e6 - 10),
    cpuUsPerRequest: r3((cpu.user + cpu.system) / rows.length),
    profileUsPerRequest: bySource(),
  })}\n`,
);
