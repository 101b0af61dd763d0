import { loadavg } from 'node:os';
import { fixed, markdownTable, median, onCore, type Section, startProcess, timed } from './tools.ts';

/**
 * Where perfprobe's closed-model error goes (bench/p99-breakdown-run.ts): against a fixed 20 ms target that
 * stamps each response with its arrival and end on the shared monotonic clock, each request's error splits into
 * the way there (our write → the server's arrival: loopback, and the server's own event loop) and the way back
 * (the server's end → our response complete: loopback, our event loop's queueing, undici's parsing and our
 * callbacks); GC pauses are matched to the requests they overlapped. Then a CPU profile of the same load says
 * what each request cost the generator, by owner.
 */
const SERVER = 'bench/timed-target.py';
const CONNECTIONS = [10, 20];
const SECONDS = 3;

interface Split {
  readonly error: number;
  readonly up: number;
  readonly down: number;
  readonly gc: number;
}

interface Breakdown {
  readonly requests: number;
  readonly p50: Split;
  readonly p99: Split;
  readonly tail: Split & { readonly count: number; readonly withGc: number };
  readonly floor: { readonly up: number; readonly down: number };
  readonly gc: { readonly count: number; readonly totalMs: number };
  readonly loopDelayP99Ms: number;
  readonly firstWaveInTail: number;
  readonly mainWaitedMs?: number;
  readonly helperCpuMs: number;
  readonly cpuUsPerRequest: number;
  readonly profileUsPerRequest?: Record<string, number>;
}

async function breakdown(port: number, connections: number, profile = false): Promise<Breakdown> {
  const { stdout } = await timed(
    `${onCore(1, 'node')} bin/run-ts.js bench/p99-breakdown-run.ts ${port} ${connections} ${SECONDS}${profile ? ' --profile' : ''}`,
  );
  return JSON.parse(stdout) as Breakdown;
}

export async function breakdownSection(options: { rounds: number }): Promise<Section> {
  const server = await startProcess(SERVER, [JSON.stringify({ fixedMs: 20 })]);
  const runs: Record<number, Breakdown[]> = Object.fromEntries(CONNECTIONS.map((c) => [c, []]));
  const loads: number[] = [];
  let profiled: Breakdown | undefined;
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const c of CONNECTIONS) {
        const b = await breakdown(server.port, c);
        runs[c]!.push(b);
        loads.push(loadavg()[0]!);
        process.stdout.write(
          `breakdown c=${c} round ${round + 1}: error p50 ${b.p50.error} p99 ${b.p99.error} ms; tail (worst 1%) way there ${b.tail.up}, way back ${b.tail.down}, GC in it ${b.tail.gc} ms (${b.tail.withGc} of ${b.tail.count} overlap a GC) (load ${loadavg()[0]!.toFixed(2)})\n`,
        );
      }
    }
    profiled = await breakdown(server.port, 20, true);
  } finally {
    await server.stop();
  }
  const m = (c: number, f: (b: Breakdown) => number, digits = 2) => fixed(median(runs[c]!.map(f)), digits);
  const rows = CONNECTIONS.map((c) => [
    String(c),
    m(c, (b) => b.p50.error),
    m(c, (b) => b.p99.error),
    `${m(c, (b) => b.floor.up)} / ${m(c, (b) => b.floor.down)}`,
    m(c, (b) => b.tail.up),
    m(c, (b) => b.tail.down),
    `${m(c, (b) => b.tail.gc)} (${m(c, (b) => b.tail.withGc / b.tail.count)} of them)`,
    `${m(c, (b) => b.gc.totalMs)} in ${m(c, (b) => b.gc.count)}`,
    m(c, (b) => b.loopDelayP99Ms),
    m(c, (b) => b.mainWaitedMs ?? Number.NaN),
    m(c, (b) => b.helperCpuMs, 0),
    m(c, (b) => b.firstWaveInTail / b.tail.count),
  ]);
  const cost = profiled?.profileUsPerRequest ?? {};
  const costRows = Object.entries(cost)
    .filter(([k]) => k !== 'idle')
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => [k, fixed(v, 1)]);
  const markdown = [
    `Closed model against a fixed 20 ms target (${SECONDS} s, medians of ${options.rounds} rounds; load average ${fixed(Math.min(...loads))}–${fixed(Math.max(...loads))} during the rounds). Error = perfprobe's latency − the server's service time, ms. The way there is our write → the server's arrival (loopback and the server's own event loop); the way back is the server's end → our response complete (loopback, our event-loop queueing, undici's parsing, our callbacks). Floor = the smallest of each over the run (the loopback alone). Tail = the mean over the worst 1 % of requests by error. The generator is warmed at the run's concurrency first, as a run is. Main thread waited = its time ready to run without the core (Linux schedstat; a run reports it as cpuWaitMs); other threads = the CPU time of V8's compiler and GC helpers and libuv's pool during the load, on the same core; first wave = the share of the worst 1 % sent in the run's first 5 ms.`,
    '',
    markdownTable(
      [
        'connections',
        'error p50',
        'error p99',
        'floor there / back',
        'tail: way there',
        'tail: way back',
        'tail: GC pause inside',
        'GC pauses ms',
        'loop delay p99',
        'main thread waited for a CPU ms',
        'other threads CPU ms',
        'tail share from the first wave',
      ],
      rows,
    ),
    '',
    `What one request cost the generator at 20 connections (CPU profile of a ${SECONDS} s load sampled every 0.1 ms, self time by owner, µs per request; "perfprobe" is functions/ and its HDR recording). At 1,000 requests/s the loop's fixed costs per turn (timers, polls) are spread over few requests, and this runner keeps each response's headers (for x-served), which a plain probe does not: read it for the split, not as the cost at full speed (see the throughput section).`,
    '',
    markdownTable(['owner', 'µs per request'], costRows),
  ].join('\n');
  return { title: 'Where the closed-model p99 goes', markdown, json: { runs, profiled } };
}
