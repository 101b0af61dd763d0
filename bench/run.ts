import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: perfprobe's burst engine against autocannon on the same local server, interleaved
 * (A B A B ...) so machine noise hits both alike. Reports medians, per-pair ratios and CPU per 10k requests.
 * Options: BENCH_PAIRS (default 5), BENCH_SECONDS (default 5), BENCH_CONNECTIONS (default "10,50,200"),
 * BENCH_TARGETS (default "canned,http").
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const pairs = Number(process.env.BENCH_PAIRS ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connectionSets = (process.env.BENCH_CONNECTIONS ?? '10,50,200').split(',').map(Number);
/**
 * canned: answers every request head with a prebuilt response, far cheaper than either tool, so the generator is
 * the bottleneck and the ratio measures the generators. http: a node:http server, which costs about as much per
 * request as a generator: closer to what users see, but the target caps both tools.
 */
const targets = (process.env.BENCH_TARGETS ?? 'canned,http').split(',') as ('canned' | 'http')[];
const out = join(root, 'bench', 'results');
// With two or more cores, the target gets core 0 and the generator core 1: each tool then has a whole core and
// the scheduler cannot hand one of them the target's time. Without taskset, or on one core, nothing is pinned.
const pinned = availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const onCore = (core: number, command: string) => (pinned ? `taskset -c ${core} ${command}` : command);
mkdirSync(out, { recursive: true });

interface Trial {
  readonly target?: string;
  readonly tool: 'perfprobe' | 'autocannon';
  readonly connections: number;
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMs: number;
}

async function startTarget(kind: 'canned' | 'http'): Promise<{ port: number; child: ChildProcess }> {
  const script = join(root, `bench/${kind}-target.ts`);
  const command = onCore(0, `${process.execPath} ${join(root, 'bin/run-ts.js')} ${script}`);
  const child = spawn('bash', ['-c', `exec ${command}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { port: Number(chunk.toString().trim()), child };
}

/** Runs a command under bash's `time` to get the child's user+system CPU without extra dependencies. */
function timed(command: string): Promise<{ cpuMs: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `TIMEFORMAT='%U %S'; time (${command} 2>/dev/null)`], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const [user, sys] = stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
      if (code !== 0 || user === undefined || sys === undefined)
        reject(new Error(`${command} exited ${code}: ${stderr}`));
      else resolve({ cpuMs: (user + sys) * 1000, stdout });
    });
  });
}

async function perfprobe(url: string, connections: number): Promise<Trial> {
  const json = join(out, 'perfprobe-trial.json');
  const { cpuMs } = await timed(
    `${onCore(1, 'node')} bin/perfprobe.js probe ${url} --connections ${connections} --duration ${seconds} --timeout 10 --json ${json} > /dev/null`,
  );
  const r = JSON.parse(readFileSync(json, 'utf8'));
  return {
    tool: 'perfprobe',
    connections,
    requests: r.requests.total,
    rps: r.requests.total / (r.durationMs / 1000),
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    cpuMs,
  };
}

async function autocannon(url: string, connections: number): Promise<Trial> {
  const { cpuMs, stdout } = await timed(
    `${onCore(1, 'node')} node_modules/autocannon/autocannon.js --json --connections ${connections} --duration ${seconds} ${url}`,
  );
  const r = JSON.parse(stdout);
  return {
    tool: 'autocannon',
    connections,
    requests: r.requests.total,
    rps: r.requests.total / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    cpuMs,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const trials: Trial[] = [];
const rows: string[] = [];
for (const kind of targets) {
  const target = await startTarget(kind);
  const url = `http://127.0.0.1:${target.port}/`;
  try {
    // A cold target (JIT, socket buffers) slows whoever runs first: warm it with a run nobody is scored on.
    await timed(
      `${onCore(1, 'node')} node_modules/autocannon/autocannon.js --connections 50 --duration 3 ${url} > /dev/null`,
    );
    for (const connections of connectionSets) {
      const ratios: number[] = [];
      const here: Trial[] = [];
      for (let i = 0; i < pairs; i++) {
        // Alternate who goes first, so neither tool always runs on a warmer server.
        const order = i % 2 === 0 ? [perfprobe, autocannon] : [autocannon, perfprobe];
        const got: Trial[] = [];
        for (const run of order) got.push({ target: kind, ...(await run(url, connections)) });
        const p = got.find((t) => t.tool === 'perfprobe')!;
        const a = got.find((t) => t.tool === 'autocannon')!;
        ratios.push(p.rps / a.rps);
        here.push(...got);
        process.stdout.write(
          `${kind} c=${connections} pair ${i + 1}/${pairs}: perfprobe ${p.rps.toFixed(0)} req/s, autocannon ${a.rps.toFixed(0)} req/s, ratio ${(p.rps / a.rps).toFixed(2)}\n`,
        );
      }
      trials.push(...here);
      const of = (tool: Trial['tool']) => here.filter((t) => t.tool === tool);
      const cpuPer10k = (ts: Trial[]) => median(ts.map((t) => (t.cpuMs / t.requests) * 10_000));
      const pp = of('perfprobe');
      const ac = of('autocannon');
      rows.push(
        `| ${kind} | ${connections} | ${median(pp.map((t) => t.rps)).toFixed(0)} | ${median(ac.map((t) => t.rps)).toFixed(0)} | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ${cpuPer10k(pp).toFixed(0)} | ${cpuPer10k(ac).toFixed(0)} | ${median(pp.map((t) => t.p99Ms)).toFixed(2)} | ${median(ac.map((t) => t.p99Ms)).toFixed(2)} |`,
      );
    }
  } finally {
    target.child.kill('SIGTERM');
  }
}

const table = [
  '| target | connections | perfprobe req/s (median) | autocannon req/s (median) | ratio perfprobe/autocannon, median (min–max of pairs) | perfprobe CPU ms / 10k req | autocannon CPU ms / 10k req | perfprobe p99 ms | autocannon p99 ms |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
const md = `# Benchmark results

Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, ${pairs} interleaved pairs of ${seconds} s per connection count, each target in its own process on 127.0.0.1, warmed by a discarded 3 s run${pinned ? '; target pinned to core 0, generators to core 1' : '; nothing pinned'}).
Targets: *canned* answers each request with a prebuilt response, far cheaper than either tool, so the generators are the bottleneck and the ratio compares them; *http* is a node:http server that costs about as much per request as a generator, closer to a real API.
CPU is user + system time of the whole generator process (including start-up) per 10,000 requests. Ratios come from pairs run back to back; absolute numbers depend on the machine.

${table}
`;
writeFileSync(join(root, 'bench', 'RESULTS.md'), md);
writeFileSync(join(out, 'latest.json'), `${JSON.stringify({ pairs, seconds, trials }, null, 2)}\n`);
process.stdout.write(`\n${table}\n\nwrote bench/RESULTS.md and bench/results/latest.json\n`);
