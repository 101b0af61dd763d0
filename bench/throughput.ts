import { loadavg } from 'node:os';
import {
  fixed,
  type GeneratorRun,
  generators,
  markdownTable,
  median,
  type Section,
  startProcess,
  wrkAvailable,
} from './tools.ts';

/**
 * Generator throughput: perfprobe's burst engine, autocannon and wrk (one thread) against the same local target,
 * interleaved (A B C A B C …, rotating who goes first) so machine noise hits all alike. Ratios come from runs
 * made back to back; CPU is the whole process's user + system time (start-up included) per 10,000 requests.
 */
type Tool = 'perfprobe' | 'autocannon' | 'wrk';

interface Trial {
  readonly target: string;
  readonly tool: Tool;
  readonly connections: number;
  readonly requests: number;
  readonly rps: number;
  readonly p99Ms: number;
  readonly cpuMs: number;
}

/** Each tool's flags for a closed-model run of `connections` for `seconds`. */
const RUNNERS: Record<Tool, (url: string, connections: number, seconds: number) => Promise<GeneratorRun>> = {
  perfprobe: (url, c, s) => generators.perfprobe(url, `--connections ${c} --duration ${s} --timeout 10`),
  autocannon: (url, c, s) => generators.autocannon(url, `--connections ${c} --duration ${s}`),
  wrk: (url, c, s) => generators.wrk(url, `-c${c} -d${s}s --timeout 10s`),
};

export async function throughputSection(options: {
  pairs: number;
  seconds: number;
  connections: number[];
  targets: string[];
}): Promise<Section> {
  const tools: Tool[] = wrkAvailable ? ['perfprobe', 'autocannon', 'wrk'] : ['perfprobe', 'autocannon'];
  const notes: string[] = [];
  if (!wrkAvailable) {
    const note = 'wrk skipped: not installed (Debian: apt-get install wrk)';
    notes.push(note);
    process.stdout.write(`${note}\n`);
  }
  const trials: Trial[] = [];
  const rows: string[][] = [];
  const perRound: string[] = [];
  const loads: number[] = [];
  for (const target of options.targets) {
    const server = await startProcess(`bench/${target}-target.ts`);
    try {
      // A cold target (JIT, socket buffers) slows whoever runs first: warm it with a run nobody is scored on.
      await RUNNERS.autocannon(server.url, 50, 3);
      for (const connections of options.connections) {
        const here: Trial[] = [];
        const ratios: Record<string, number[]> = { autocannon: [], wrk: [] };
        for (let round = 0; round < options.pairs; round++) {
          const order = tools.map((_, i) => tools[(i + round) % tools.length]!);
          const got = new Map<Tool, Trial>();
          for (const tool of order) {
            const r = await RUNNERS[tool](server.url, connections, options.seconds);
            got.set(tool, {
              target,
              tool,
              connections,
              requests: r.requests,
              rps: r.rps,
              p99Ms: r.p99Ms,
              cpuMs: r.cpuMs,
            });
          }
          const p = got.get('perfprobe')!;
          const line = [`${target} c=${connections} round ${round + 1}/${options.pairs}:`];
          for (const tool of tools) {
            line.push(`${tool} ${got.get(tool)!.rps.toFixed(0)}/s`);
            if (tool !== 'perfprobe') ratios[tool]!.push(p.rps / got.get(tool)!.rps);
          }
          loads.push(loadavg()[0]!);
          line.push(`(load ${loadavg()[0]!.toFixed(2)})`);
          process.stdout.write(`${line.join(' ')}\n`);
          here.push(...got.values());
        }
        trials.push(...here);
        perRound.push(
          `- ${target} c=${connections}, perfprobe / autocannon by round: ${ratios.autocannon!.map((r) => fixed(r)).join(', ')}${ratios.wrk!.length > 0 ? `; perfprobe / wrk: ${ratios.wrk!.map((r) => fixed(r)).join(', ')}` : ''}`,
        );
        const of = (tool: Tool) => here.filter((t) => t.tool === tool);
        const cpu = (tool: Tool) => median(of(tool).map((t) => (t.cpuMs / t.requests) * 10_000));
        const ratio = (tool: 'autocannon' | 'wrk') =>
          ratios[tool]!.length === 0
            ? 'n/a'
            : `${fixed(median(ratios[tool]!))} (${fixed(Math.min(...ratios[tool]!))}–${fixed(Math.max(...ratios[tool]!))})`;
        rows.push([
          target,
          String(connections),
          ...tools.map((t) => fixed(median(of(t).map((x) => x.rps)), 0)),
          ...(wrkAvailable ? [] : ['n/a']),
          ratio('autocannon'),
          ratio('wrk'),
          ...tools.map((t) => fixed(cpu(t), 0)),
          ...(wrkAvailable ? [] : ['n/a']),
        ]);
      }
    } finally {
      await server.stop();
    }
  }
  const markdown = [
    `Each cell is the median of ${options.pairs} rounds of ${options.seconds} s; a ratio is perfprobe ÷ the peer in the same round (median, min–max). CPU per 10,000 requests counts the whole process, start-up included (perfprobe's CLI start-up is about 1.2 s of it). Load average (1 min) during the rounds: ${fixed(Math.min(...loads))}–${fixed(Math.max(...loads))}.`,
    ...notes,
    '',
    markdownTable(
      [
        'target',
        'connections',
        'perfprobe req/s',
        'autocannon req/s',
        'wrk req/s',
        'perfprobe / autocannon',
        'perfprobe / wrk',
        'perfprobe CPU ms',
        'autocannon CPU ms',
        'wrk CPU ms',
      ],
      rows,
    ),
    '',
    ...perRound,
  ].join('\n');
  return { title: 'Generator throughput', markdown, json: { trials } };
}
