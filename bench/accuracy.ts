import { fixed, type GeneratorRun, generators, markdownTable, type Section, startProcess } from './tools.ts';

/**
 * A stall in rate mode, where the truth is what a client arriving on schedule would wait: a tool that stops
 * sending while the server stalls (coordinated omission) under-reports it. (Precision against the server's own
 * service times is bench/precision.ts.)
 */
const SERVER = 'test/helpers/timed-server.mjs';
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
  const json: Record<string, unknown>[] = [];
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
    `Stall in rate mode: ${RATE} requests/s for ${STALL_RUN_S} s; the server answers nothing for ${STALL.stallMs / 1000} s from the ${STALL.stallAfterMs / 1000}th second. Expected p99 = what arrivals on schedule wait (nearest rank over all ${RATE * STALL_RUN_S}), plus the ~0 ms service time. A tool that stops sending while the server stalls (coordinated omission) under-reports it. Precision against the server's own times, fixed and mixed delays, is the section above.`,
    '',
    markdownTable(['tool', 'p50 ms', 'p99 ms', 'expected p99 ms'], stallRows),
  ].join('\n');
  return { title: 'Accuracy under a stall (coordinated omission)', markdown, json };
}
