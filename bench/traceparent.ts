import { performance } from 'node:perf_hooks';
import { newTraceparent } from '../functions/adapters/traceparent.ts';
import { fixed, markdownTable, median, onCore, type Section, startProcess, timed } from './tools.ts';

/**
 * What the W3C traceparent header costs: the same perfprobe runs with it on and off against the canned target,
 * interleaved (on first in even rounds, off first in odd ones), medians over rounds; and the cost of making one
 * header value, timed in this process.
 */
const ROUNDS = Number(process.env.BENCH_TRACEPARENT_ROUNDS ?? 10);
const CASES = [
  { kind: 'latency', name: 'latency check, 1 kept-alive connection, 500 sequential requests' },
  { kind: 'burst', name: 'burst, 10 connections, 1 s' },
] as const;

type Mode = 'on' | 'off';
interface Trial {
  readonly round: number;
  readonly mode: Mode;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly valid: boolean;
  readonly traced: number;
}

/** Every paired trial of one case, run in one generator process pinned to core 1 (see traceparent-run.ts). */
async function trials(url: string, kind: string): Promise<Trial[]> {
  const { stdout } = await timed(
    `${onCore(1, 'node')} bin/run-ts.js bench/traceparent-run.ts ${url} ${kind} ${ROUNDS}`,
  );
  const all = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Trial);
  for (const t of all) {
    if (t.mode === 'on' ? t.traced === 0 : t.traced > 0)
      throw new Error(`traceparent ${t.mode}: traced ${t.traced}`);
  }
  return all;
}

/** ns per newTraceparent(), over a million calls after a warm-up (refills of the random pool included). */
function headerCostNs(): number {
  let keep = 0;
  for (let i = 0; i < 100_000; i++) keep += newTraceparent().length;
  const n = 1_000_000;
  const start = performance.now();
  for (let i = 0; i < n; i++) keep += newTraceparent().length;
  const ns = ((performance.now() - start) * 1e6) / n;
  if (keep === 0) throw new Error('unreachable');
  return ns;
}

/** The middle half of a sample: how far runs of the same kind spread on this machine (the noise). */
function spread(xs: readonly number[], digits = 3): string {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `${fixed(at(0.25), digits)}–${fixed(at(0.75), digits)}`;
}

export async function traceparentSection(): Promise<Section> {
  const target = await startProcess('bench/canned-target.ts');
  const rows: string[][] = [];
  const json: Record<string, unknown>[] = [];
  try {
    for (const { kind, name } of CASES) {
      const all = await trials(target.url, kind);
      const of = (mode: Mode) => all.filter((t) => t.mode === mode);
      const pairDiff = (key: 'p50' | 'p99' | 'rps') =>
        median(of('on').map((on) => on[key] - of('off').find((off) => off.round === on.round)![key]));
      for (const key of ['p50', 'p99'] as const) {
        rows.push([
          name,
          key,
          fixed(median(of('off').map((t) => t[key])), 3),
          fixed(median(of('on').map((t) => t[key])), 3),
          `${pairDiff(key) >= 0 ? '+' : ''}${fixed(pairDiff(key), 3)}`,
          spread(of('off').map((t) => t[key])),
        ]);
      }
      rows.push([
        name,
        'req/s',
        fixed(median(of('off').map((t) => t.rps)), 0),
        fixed(median(of('on').map((t) => t.rps)), 0),
        `${pairDiff('rps') >= 0 ? '+' : ''}${fixed(pairDiff('rps'), 0)}`,
        spread(
          of('off').map((t) => t.rps),
          0,
        ),
      ]);
      const invalid = all.filter((t) => !t.valid).length;
      process.stdout.write(`traceparent ${kind}: ${all.length} trials, ${invalid} invalid\n`);
      json.push({ kind, rounds: ROUNDS, invalid, trials: all });
    }
  } finally {
    await target.stop();
  }
  const ns = headerCostNs();
  json.push({ headerCostNs: ns });
  const markdown = [
    `The same perfprobe run with \`transport.traceparent\` off and on (the default) against the canned target: ${ROUNDS} rounds of both in one generator process, who goes first alternating, after one unmeasured run of each. "on − off" is the median of the rounds' paired differences; the last column is the middle half of the off runs, the machine's own spread: a difference inside it is not measurable. Making one header value (\`newTraceparent\`: 24 random bytes from a pooled buffer, hex) takes ${fixed(ns, 0)} ns, measured in-process over a million calls.`,
    '',
    markdownTable(['run', 'figure', 'off', 'on', 'on − off (paired)', 'off runs, middle half'], rows),
  ].join('\n');
  return { title: 'traceparent on and off', markdown, json };
}
