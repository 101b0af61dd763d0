import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What every benchmark shares: the project root, process helpers and statistics. */
export const root = fileURLToPath(new URL('..', import.meta.url));
export const resultsDir = join(root, 'bench', 'results');

// With two or more cores and taskset, targets get core 0 and generators core 1: each side has a whole core and
// the scheduler cannot hand one of them the other's time. Without taskset, or on one core, nothing is pinned.
export const pinned = availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
export const onCore = (core: number, command: string) => (pinned ? `taskset -c ${core} ${command}` : command);

export const wrkAvailable = spawnSync('wrk', ['--version']).error === undefined;

export interface Section {
  readonly title: string;
  readonly markdown: string;
  readonly json: unknown;
}

/**
 * Runs a command under bash's `time`, for the child's user + system CPU without extra dependencies.
 * @param okCodes exit codes that still carry a result (perfprobe exits 1 for an invalid run, and writes it).
 */
export function timed(
  command: string,
  okCodes: readonly number[] = [0],
): Promise<{ cpuMs: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `TIMEFORMAT='%U %S'; time (${command} 2>/dev/null)`], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const [user, sys] = stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
      if (!okCodes.includes(code ?? -1) || user === undefined || sys === undefined)
        reject(new Error(`${command} exited ${code}: ${stderr}`));
      else resolve({ cpuMs: (user + sys) * 1000, stdout });
    });
  });
}

/** Starts a target script in its own process (pinned to core 0); it prints its port on the first line. */
export async function startProcess(
  script: string,
  args: string[] = [],
): Promise<{ port: number; url: string; child: ChildProcess; stop(): Promise<void> }> {
  const runner = script.endsWith('.ts')
    ? `${process.execPath} ${join(root, 'bin/run-ts.js')}`
    : script.endsWith('.py')
      ? 'python3'
      : process.execPath;
  const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const command = onCore(0, `${runner} ${join(root, script)} ${quoted}`);
  const child = spawn('bash', ['-c', `exec ${command}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(chunk.toString().trim().split('\n')[0]);
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** wrk's text report: requests, duration and the latency distribution (`--latency`), in ms. */
export function parseWrk(text: string): {
  requests: number;
  seconds: number;
  percentilesMs: Record<string, number>;
} {
  const total = /(\d+) requests in ([\d.]+)(ms|s|m)/.exec(text);
  if (!total) throw new Error(`unexpected wrk output: ${text}`);
  const toMs = (value: string, unit: string) =>
    Number(value) * (unit === 'us' ? 0.001 : unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000);
  const percentilesMs: Record<string, number> = {};
  for (const m of text.matchAll(/^\s+(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m)\s*$/gm)) {
    percentilesMs[`p${m[1]}`] = toMs(m[2]!, m[3]!);
  }
  return { requests: Number(total[1]), seconds: toMs(total[2]!, total[3]!) / 1000, percentilesMs };
}

/** What one run of a load generator reported (latencies in ms) and what it cost (whole-process CPU). */
export interface GeneratorRun {
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly cpuMs: number;
  /** perfprobe's own verdict on the run (a starved generator makes it invalid); undefined for other tools. */
  readonly valid?: boolean;
}

/** The generators under comparison, each pinned to core 1; `args` are the tool's own flags. */
export const generators = {
  /** @param checkout another checkout of perfprobe to run instead of this one (a before/after comparison). */
  async perfprobe(url: string, args: string, checkout?: string): Promise<GeneratorRun> {
    const json = join(resultsDir, 'perfprobe-trial.json');
    const { cpuMs } = await timed(
      `${checkout ? `cd '${checkout}' && ` : ''}${onCore(1, 'node')} bin/perfprobe.js probe ${url} ${args} --json ${json} > /dev/null`,
      [0, 1],
    );
    const r = JSON.parse(readFileSync(json, 'utf8'));
    const { p50, p90, p99 } = r.latencyMs;
    return {
      requests: r.requests.total,
      rps: r.requests.total / (r.durationMs / 1000),
      p50Ms: p50,
      p90Ms: p90,
      p99Ms: p99,
      cpuMs,
      valid: r.validity.valid,
    };
  },
  async autocannon(url: string, args: string): Promise<GeneratorRun> {
    const { cpuMs, stdout } = await timed(
      `${onCore(1, 'node')} node_modules/autocannon/autocannon.js --json ${args} ${url}`,
    );
    const r = JSON.parse(stdout);
    const { p50, p90, p99 } = r.latency;
    return {
      requests: r.requests.total,
      rps: r.requests.total / r.duration,
      p50Ms: p50,
      p90Ms: p90,
      p99Ms: p99,
      cpuMs,
    };
  },
  async wrk(url: string, args: string): Promise<GeneratorRun> {
    const { cpuMs, stdout } = await timed(`${onCore(1, 'wrk')} -t1 --latency ${args} ${url}`);
    const r = parseWrk(stdout);
    const at = (p: string) => r.percentilesMs[p] ?? Number.NaN;
    return {
      requests: r.requests,
      rps: r.requests / r.seconds,
      p50Ms: at('p50'),
      p90Ms: at('p90'),
      p99Ms: at('p99'),
      cpuMs,
    };
  },
};
