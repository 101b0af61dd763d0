import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { generateShardLoad } from '../functions/adapters/generate-load.ts';
import { aggregateRun } from '../functions/core/aggregate-run.ts';
import { checkStartOffsetMs } from '../functions/core/cloud/check-groups.ts';
import { CHECKS_PER_WORKER } from '../functions/core/cloud/run-sizing.ts';
import { planRun, type ResolvedProbe } from '../functions/core/plan.ts';
import { resolveProbe } from '../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../functions/core/suite/validate-suite.ts';
import type { Section } from './tools.ts';

/** The target answers every request after this long: the percentiles then show what the generator adds. */
const ANSWER_MS = 20;

/** A loopback target in its own process (its timers do not share the generator's event loop). */
async function delayedTarget(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s=require('node:http').createServer((q,r)=>setTimeout(()=>r.end('{"ok":true}'),${ANSWER_MS}));s.listen(0,'127.0.0.1',()=>process.stdout.write(s.address().port+'\\n'));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${String(chunk).trim()}`, stop: () => child.kill() };
}

/** `count` latency checks as a suite deploys them: 10 requests a second apart (as a one-minute check spaces them), a fresh connection each. */
function checks(baseUrl: string, count: number): ResolvedProbe[] {
  const suite = validateSuite({
    name: 'bench',
    environments: { bench: { baseUrl, caps: { maxRate: 5_000 } } },
    probes: Array.from({ length: count }, (_, i) => ({
      id: `check-${i}`,
      request: { url: `/c/${i}` },
      load: { kind: 'latency', requests: 10, interval: '1s' },
    })),
  });
  return suite.probes.map((p) => resolveProbe(suite, p, 'bench'));
}

/** The worker's batch: every check its own one-shard run, starts spread as the worker spreads them. */
async function runBatch(probes: readonly ResolvedProbe[]) {
  const start = Date.now();
  return Promise.all(
    probes.map(async (probe, index) => {
      const plan = planRun(probe, {
        runId: `r${index}`,
        startAt: start + checkStartOffsetMs(index),
        shards: 1,
      });
      return aggregateRun(plan, [await generateShardLoad(plan, 0)]);
    }),
  );
}

/**
 * The bound on checks per worker: check-0 alone and check-0 among CHECKS_PER_WORKER, alternating, `rounds` each.
 * Batched percentiles within the spread of the runs alone mean the batch does not change what a check measures.
 */
export async function batchedChecksSection(rounds = 5): Promise<Section> {
  const target = await delayedTarget();
  try {
    const all = checks(target.url, CHECKS_PER_WORKER);
    const alone: number[][] = [];
    const batched: number[][] = [];
    for (let round = 0; round < rounds; round++) {
      const [one] = await runBatch(all.slice(0, 1));
      const [first] = await runBatch(all);
      alone.push([one!.latencyMs.p50, one!.latencyMs.p99]);
      batched.push([first!.latencyMs.p50, first!.latencyMs.p99]);
    }
    const range = (rows: number[][], i: number) =>
      `${Math.min(...rows.map((r) => r[i]!)).toFixed(2)}–${Math.max(...rows.map((r) => r[i]!)).toFixed(2)}`;
    const markdown = [
      `check-0 (10 requests 1 s apart, fresh connections) against a target answering in ${ANSWER_MS} ms, alone and among ${CHECKS_PER_WORKER} checks in one process, ${rounds} rounds each (ms, min–max over rounds):`,
      '',
      '| | p50 | p99 |',
      '|---|---|---|',
      `| alone | ${range(alone, 0)} | ${range(alone, 1)} |`,
      `| among ${CHECKS_PER_WORKER} | ${range(batched, 0)} | ${range(batched, 1)} |`,
    ].join('\n');
    process.stdout.write(`${markdown}\n`);
    return { title: 'Checks per worker', markdown, json: { alone, batched, answerMs: ANSWER_MS } };
  } finally {
    target.stop();
  }
}
