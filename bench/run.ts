import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: perfprobe's burst engine against autocannon on the same local server, interleaved
 * (A B A B ...) so machine noise hits both alike. Reports medians, per-pair ratios and CPU per 10k requests.
 * Options: BENCH_PAIRS (default 5), BENCH_SECONDS (default 5), BENCH_CONNECTIONS (default "10,50,200").
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const pairs = Number(process.env.BENCH_PAIRS ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connectionSets = (process.env.BENCH_CONNECTIONS ?? '10,50,200').split(',').map(Number);
const out = join(root, 'bench', 'results');
mkdirSync(out, { recursive: true });

interface Trial {
  readonly tool: 'perfprobe' | 'autocannon';
  readonly connections: number;
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMs: number;
}

async function startTarget(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(root, 'bin/run-ts.js'), join(root, 'bench/target-server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
    `node bin/perfprobe.js probe ${url} --connections ${connections} --duration ${seconds} --timeout 10 --json ${json} > /dev/null`,
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
    `node node_modules/autocannon/autocannon.js --json --connections ${connections} --duration ${seconds} ${url}`,
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

const target = await startTarget();
const url = `http://127.0.0.1:${target.port}/`;
const trials: Trial[] = [];
const rows: string[] = [];
try {
  for (const connections of connectionSets) {
    const ratios: number[] = [];
    for (let i = 0; i < pairs; i++) {
      // Alternate who goes first, so neither tool always runs on a warmer server.
      const order = i % 2 === 0 ? [perfprobe, autocannon] : [autocannon, perfprobe];
      const got: Trial[] = [];
      for (const run of order) got.push(await run(url, connections));
      const p = got.find((t) => t.tool === 'perfprobe')!;
      const a = got.find((t) => t.tool === 'autocannon')!;
      ratios.push(p.rps / a.rps);
      trials.push(...got);
      process.stdout.write(
        `c=${connections} pair ${i + 1}/${pairs}: perfprobe ${p.rps.toFixed(0)} req/s, autocannon ${a.rps.toFixed(0)} req/s, ratio ${(p.rps / a.rps).toFixed(2)}\n`,
      );
    }
    const of = (tool: Trial['tool']) =>
      trials.filter((t) => t.tool === tool && t.connections === connections);
    const cpuPer10k = (ts: Trial[]) => median(ts.map((t) => (t.cpuMs / t.requests) * 10_000));
    const pp = of('perfprobe');
    const ac = of('autocannon');
    rows.push(
      `| ${connections} | ${median(pp.map((t) => t.rps)).toFixed(0)} | ${median(ac.map((t) => t.rps)).toFixed(0)} | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ${cpuPer10k(pp).toFixed(0)} | ${cpuPer10k(ac).toFixed(0)} | ${median(pp.map((t) => t.p99Ms)).toFixed(2)} | ${median(ac.map((t) => t.p99Ms)).toFixed(2)} |`,
    );
  }
} finally {
  target.child.kill('SIGTERM');
}

const table = [
  '| connections | perfprobe req/s (median) | autocannon req/s (median) | ratio perfprobe/autocannon, median (min–max of pairs) | perfprobe CPU ms / 10k req | autocannon CPU ms / 10k req | perfprobe p99 ms | autocannon p99 ms |',
  '|---|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
const md = `# Benchmark results

Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, ${pairs} interleaved pairs of ${seconds} s per connection count, target server in its own process on 127.0.0.1).
CPU is user + system time of the whole generator process (including start-up) per 10,000 requests. Ratios come from pairs run back to back; absolute numbers depend on the machine.

${table}
`;
writeFileSync(join(root, 'bench', 'RESULTS.md'), md);
writeFileSync(join(out, 'latest.json'), `${JSON.stringify({ pairs, seconds, trials }, null, 2)}\n`);
process.stdout.write(`\n${table}\n\nwrote bench/RESULTS.md and bench/results/latest.json\n`);
