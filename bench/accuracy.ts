import {
  fixed,
  type GeneratorRun,
  generators,
  markdownTable,
  type Section,
  startProcess,
  wrkAvailable,
} from './tools.ts';

/**
 * Accuracy against a server whose service times are known (test/helpers/timed-server.mjs measures every one it
 * serves): each tool's p50/p90/p99 minus the truth. Then a stall in rate mode, where the truth is what a
 * client arriving on schedule would wait, and a tool that stops sending while the server stalls (coordinated
 * omission) under-reports it.
 */
const SERVER = 'test/helpers/timed-server.mjs';
// p50, p90 and p99 fall inside a group, never on a boundary between two delays: 20, 50 and 200 ms.
const MIX = [
  [40, 10],
  [45, 20],
  [10, 50],
  [5, 200],
];
const RATE = 200;
const STALL_RUN_S = 10;
const STALL = { stallAfterMs: 4_000, stallMs: 1_000 };

type Percentiles = { p50: number; p90: number; p99: number };

const percentiles = (r: GeneratorRun): Percentiles => ({ p50: r.p50Ms, p90: r.p90Ms, p99: r.p99Ms });

/** The stall's truth: every arrival of the schedule waits until the stall ends (nearest-rank p99). */
function expectedStallP99Ms(): number {
  const waits: number[] = [];
  for (let i = 0; i < RATE * STALL_RUN_S; i++) {
    const t = (i * 1000) / RATE;
    const end = STALL.stallAfterMs + STALL.stallMs;
    waits.push(t >= STALL.stallAfterMs && t < end ? end - t : 0);
  }
  waits.sort((a, b) => a - b);
  return waits[Math.ceil(0.99 * waits.length) - 1]!;
}

export async function accuracySection(): Promise<Section> {
  const rows: string[][] = [];
  const json: Record<string, unknown>[] = [];
  const tools = {
    perfprobe: (url: string) => generators.perfprobe(url, '--connections 10 --duration 5'),
    autocannon: (url: string) => generators.autocannon(url, '--connections 10 --duration 5'),
    ...(wrkAvailable ? { wrk: (url: string) => generators.wrk(url, '-c10 -d5s') } : {}),
  };
  for (const [name, plan] of [
    ['fixed 20 ms', { fixedMs: 20 }],
    ['mix 10/20/50/200 ms', { cycle: MIX }],
  ] as const) {
    const server = await startProcess(SERVER, [JSON.stringify(plan)]);
    try {
      for (const [tool, run] of Object.entries(tools)) {
        const measured = percentiles(await run(server.url));
        const truth = (await (await fetch(`${server.url}__stats`)).json()) as Percentiles;
        const delta = (k: keyof Percentiles) =>
          `${fixed(measured[k])} (${measured[k] >= truth[k] ? '+' : ''}${fixed(measured[k] - truth[k])})`;
        rows.push([
          name,
          tool,
          `${fixed(truth.p50)} / ${fixed(truth.p90)} / ${fixed(truth.p99)}`,
          delta('p50'),
          delta('p90'),
          delta('p99'),
        ]);
        json.push({ server: name, tool, truth, measured });
        process.stdout.write(
          `accuracy ${name} ${tool}: ${JSON.stringify(measured)} truth ${JSON.stringify(truth)}\n`,
        );
      }
    } finally {
      await server.stop();
    }
  }

  const expected = expectedStallP99Ms();
  const stallRows: string[][] = [];
  const stallRuns = {
    perfprobe: (url: string) => generators.perfprobe(url, `--rate ${RATE} --duration ${STALL_RUN_S}`),
    autocannon: (url: string) =>
      generators.autocannon(url, `--overallRate ${RATE} --connections 10 --duration ${STALL_RUN_S}`),
  };
  for (const [tool, run] of Object.entries(stallRuns)) {
    const server = await startProcess(SERVER, [JSON.stringify(STALL)]);
    try {
      const measured = percentiles(await run(server.url));
      stallRows.push([tool, fixed(measured.p50), fixed(measured.p99), fixed(expected, 0)]);
      json.push({ server: 'stall', tool, expectedP99Ms: expected, measured });
      process.stdout.write(`accuracy stall ${tool}: p99 ${measured.p99} ms, expected ${expected}\n`);
    } finally {
      await server.stop();
    }
  }
  stallRows.push(['wrk', 'n/a', 'n/a', 'no rate mode (wrk2 is not packaged)']);

  const markdown = [
    'Truth is what the server measured for the requests it served (arrival to response, nearest rank), fetched after each run. Cells: measured ms (measured − truth). 10 connections, 5 s, burst. autocannon reports whole milliseconds (so 20.06 reads 20.00), and every client also sees the loopback and its own event loop (≥ 0.2 ms), so a negative or zero difference is resolution, not precision.',
    '',
    markdownTable(['server', 'tool', 'truth p50 / p90 / p99 ms', 'p50', 'p90', 'p99'], rows),
    '',
    `Stall in rate mode: ${RATE} requests/s for ${STALL_RUN_S} s; the server answers nothing for ${STALL.stallMs / 1000} s from the ${STALL.stallAfterMs / 1000}th second. Expected p99 = what arrivals on schedule wait (nearest rank over all ${RATE * STALL_RUN_S}), plus the ~0 ms service time.`,
    '',
    markdownTable(['tool', 'p50 ms', 'p99 ms', 'expected p99 ms'], stallRows),
  ].join('\n');
  return { title: 'Accuracy', markdown, json };
}
