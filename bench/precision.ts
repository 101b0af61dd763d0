import { loadavg } from 'node:os';
import {
  fixed,
  type GeneratorRun,
  generators,
  markdownTable,
  median,
  onCore,
  type Section,
  startProcess,
  timed,
  wrkAvailable,
} from './tools.ts';

/**
 * Precision: each tool's p50/p90/p99 minus the server's own service times (bench/timed-target.py measures
 * arrival to the response handed to the kernel, for every request it serves), closed and open model, fixed and mixed delays. Tools in
 * a round run back to back, rotating who goes first; each cell is the median over rounds of that run's error.
 */
const SERVER = 'bench/timed-target.py';
// p50, p90 and p99 fall inside a group, never on a boundary between two delays: 20, 50 and 200 ms.
const MIX = [
  [40, 10],
  [45, 20],
  [10, 50],
  [5, 200],
];
const MIX_MEAN_MS = 28;

type Tool = 'perfprobe' | 'perfprobe before' | 'raw socket' | 'autocannon' | 'wrk';
/** Another checkout of perfprobe measured in the same rounds (BENCH_PERFPROBE_BEFORE), for a before/after. */
const BEFORE = process.env.BENCH_PERFPROBE_BEFORE;
type Percentiles = { p50: number; p90: number; p99: number; valid?: boolean | undefined };

interface Case {
  readonly name: string;
  readonly plan: Record<string, unknown>;
  readonly meanMs: number;
  readonly model: 'closed' | 'open';
  /** Closed: connections. Open: requests per second. */
  readonly load: number;
  readonly seconds: number;
}

const CASES: readonly Case[] = [
  {
    name: 'closed, 1 connection, fixed 10 ms',
    plan: { fixedMs: 10 },
    meanMs: 10,
    model: 'closed',
    load: 1,
    seconds: 3,
  },
  {
    name: 'closed, 10 connections, fixed 20 ms',
    plan: { fixedMs: 20 },
    meanMs: 20,
    model: 'closed',
    load: 10,
    seconds: 2,
  },
  {
    name: 'closed, 50 connections, fixed 20 ms',
    plan: { fixedMs: 20 },
    meanMs: 20,
    model: 'closed',
    load: 50,
    seconds: 2,
  },
  {
    name: 'closed, 10 connections, mix 10/20/50/200 ms',
    plan: { cycle: MIX },
    meanMs: MIX_MEAN_MS,
    model: 'closed',
    load: 10,
    seconds: 3,
  },
  {
    name: 'open, 100/s, fixed 10 ms',
    plan: { fixedMs: 10 },
    meanMs: 10,
    model: 'open',
    load: 100,
    seconds: 3,
  },
  {
    name: 'open, 1,000/s, fixed 10 ms',
    plan: { fixedMs: 10 },
    meanMs: 10,
    model: 'open',
    load: 1000,
    seconds: 2,
  },
  {
    name: 'open, 100/s, mix 10/20/50/200 ms',
    plan: { cycle: MIX },
    meanMs: MIX_MEAN_MS,
    model: 'open',
    load: 100,
    seconds: 3,
  },
];

/** Connections an open-model run may hold: the mean in flight, doubled, at least 10. */
const openConnections = (c: Case) => Math.max(10, Math.ceil((2 * c.load * c.meanMs) / 1000));

async function rawSocket(port: number, connections: number, requests: number): Promise<Percentiles> {
  const { stdout } = await timed(
    `${onCore(1, 'node')} bin/run-ts.js bench/raw-client-run.ts ${port} ${connections} ${requests}`,
  );
  return JSON.parse(stdout) as Percentiles;
}

const fromRun = (r: GeneratorRun): Percentiles => ({
  p50: r.p50Ms,
  p90: r.p90Ms,
  p99: r.p99Ms,
  valid: r.valid,
});

/** How each tool runs a case; undefined where it has no such mode. */
function runnerFor(tool: Tool, c: Case): ((url: string, port: number) => Promise<Percentiles>) | undefined {
  const s = c.seconds;
  const checkout = tool === 'perfprobe before' ? BEFORE : undefined;
  if (tool === 'perfprobe before' && checkout === undefined) return undefined;
  if (c.model === 'closed') {
    switch (tool) {
      case 'perfprobe':
      case 'perfprobe before':
        return async (url) =>
          fromRun(
            await generators.perfprobe(url, `--connections ${c.load} --duration ${s} --timeout 10`, checkout),
          );
      case 'raw socket':
        return (_, port) => rawSocket(port, c.load, Math.round((s * c.load * 1000) / c.meanMs));
      case 'autocannon':
        return async (url) =>
          fromRun(await generators.autocannon(url, `--connections ${c.load} --duration ${s}`));
      case 'wrk':
        return wrkAvailable
          ? async (url) => fromRun(await generators.wrk(url, `-c${c.load} -d${s}s --timeout 10s`))
          : undefined;
    }
  }
  const connections = openConnections(c);
  switch (tool) {
    case 'perfprobe':
    case 'perfprobe before':
      return async (url) =>
        fromRun(
          await generators.perfprobe(
            url,
            `--rate ${c.load} --connections ${connections} --duration ${s} --timeout 10`,
            checkout,
          ),
        );
    case 'autocannon':
      // Not an open model: a closed loop capped at the rate (a late response delays the next send).
      return async (url) =>
        fromRun(
          await generators.autocannon(
            url,
            `--overallRate ${c.load} --connections ${connections} --duration ${s}`,
          ),
        );
    default:
      return undefined;
  }
}

export async function precisionSection(options: { rounds: number }): Promise<Section> {
  const tools: Tool[] = [
    'perfprobe',
    ...(BEFORE ? (['perfprobe before'] as const) : []),
    'raw socket',
    'autocannon',
    'wrk',
  ];
  const rows: string[][] = [];
  const json: Record<string, unknown>[] = [];
  for (const c of CASES) {
    const server = await startProcess(SERVER, [JSON.stringify(c.plan)]);
    const stats = async (): Promise<Percentiles> =>
      (await (await fetch(`${server.url}__stats`)).json()) as Percentiles;
    try {
      const here = tools.filter((t) => runnerFor(t, c) !== undefined);
      const errors = new Map<Tool, Percentiles[]>(here.map((t) => [t, []]));
      const truths: Percentiles[] = [];
      const invalid = new Map<Tool, number>();
      await stats();
      for (let round = 0; round < options.rounds; round++) {
        const order = here.map((_, i) => here[(i + round) % here.length]!);
        for (const tool of order) {
          const measured = await runnerFor(tool, c)!(server.url, server.port);
          const truth = await stats();
          truths.push(truth);
          const error = {
            p50: measured.p50 - truth.p50,
            p90: measured.p90 - truth.p90,
            p99: measured.p99 - truth.p99,
          };
          errors.get(tool)!.push(error);
          if (measured.valid === false) invalid.set(tool, (invalid.get(tool) ?? 0) + 1);
          json.push({ case: c.name, tool, round, measured, truth });
          process.stdout.write(
            `precision ${c.name} ${tool} round ${round + 1}: error p50 ${fixed(error.p50)} p90 ${fixed(error.p90)} p99 ${fixed(error.p99)} ms${measured.valid === false ? ' (perfprobe: invalid run)' : ''} (load ${loadavg()[0]!.toFixed(2)})\n`,
          );
        }
      }
      const truthCell = (['p50', 'p90', 'p99'] as const)
        .map((k) => fixed(median(truths.map((t) => t[k]))))
        .join(' / ');
      for (const tool of tools) {
        const e = errors.get(tool);
        if (e === undefined) {
          if (tool !== 'perfprobe before') rows.push([c.name, tool, truthCell, 'no such mode', '', '']);
          continue;
        }
        const cell = (k: 'p50' | 'p90' | 'p99') => {
          const m = median(e.map((x) => x[k]));
          return `${m >= 0 ? '+' : ''}${fixed(m)}`;
        };
        const flagged = invalid.get(tool);
        const name = flagged ? `${tool} (${flagged} of ${e.length} runs invalid)` : tool;
        rows.push([c.name, name, truthCell, cell('p50'), cell('p90'), cell('p99')]);
      }
    } finally {
      await server.stop();
    }
  }
  const markdown = [
    `Error = the tool's percentile − the server's own (its arrival to its response handed to the kernel, nearest rank, fetched after each run), ms; each cell is the median over ${options.rounds} rounds, tools interleaved. Runs last 3 s (2 s at 10 and 50 connections and at 1,000/s). Open model: perfprobe is the only open-model tool here; autocannon's \`--overallRate\` caps a closed loop at the rate (a slow response delays the next send, so it cannot see queueing); wrk has no rate mode (wrk2 is not packaged) and the raw client is closed only. autocannon reports whole milliseconds, so its errors are ±1 ms. Every client also pays the loopback and the server's own HTTP parsing (the raw socket client shows that floor).`,
    ...(wrkAvailable ? [] : ['', 'wrk skipped: not installed (Debian: apt-get install wrk)']),
    ...(BEFORE
      ? ['', `"perfprobe before" is another checkout (BENCH_PERFPROBE_BEFORE), run in the same rounds.`]
      : []),
    '',
    markdownTable(['case', 'tool', 'truth p50 / p90 / p99 ms', 'Δ p50', 'Δ p90', 'Δ p99'], rows),
  ].join('\n');
  return { title: "Precision against the server's own times", markdown, json };
}
