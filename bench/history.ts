import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRunStore } from '../functions/adapters/dynamo-run-store.ts';
import { createFileRunStore } from '../functions/adapters/file-run-store.ts';
import { probeHistory } from '../functions/core/history.ts';
import type { RunResult } from '../functions/core/run-result.ts';
import type { RunStore } from '../functions/core/run-store.ts';
import { localRunsTable } from '../test/functions/handlers/runs-table.ts';
import { lognormalLatencies, storedRun } from '../test/helpers/stored-runs.ts';
import { fixed, markdownTable, median, type Section } from './tools.ts';

/**
 * History: a week of 1-minute runs (10,080) of one probe, each with its own histogram of `samples` latencies,
 * stored and then read back as `perfprobe history --since 7d` reads them (every run of the window, then
 * merged per hour and per day and for the week). Local store always; the runs table in dynalite unless
 * BENCH_HISTORY_DYNALITE=0 (dynalite is a single-process stand-in: its times say little about DynamoDB's).
 */
const RUNS = Number(process.env.BENCH_HISTORY_RUNS ?? 10_080);
const SAMPLES = Number(process.env.BENCH_HISTORY_SAMPLES ?? 60);
const REPEATS = 3;

function weekOfRuns(end: Date): RunResult[] {
  return Array.from({ length: RUNS }, (_, i) =>
    storedRun({
      runId: `r${i}`,
      environment: 'prod',
      startedAt: new Date(end.getTime() - (i + 1) * 60_000).toISOString(),
      latenciesUs: lognormalLatencies(SAMPLES, 20_000 + (i % 60) * 100, i + 1),
    }),
  );
}

async function measure(store: RunStore, end: Date) {
  const from = new Date(end.getTime() - 7 * 86_400_000);
  const queryMs: number[] = [];
  const totalMs: number[] = [];
  let runs = 0;
  let p99 = 0;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    const stored = await store.runsBetween('prod', 'health', from, end, Number.POSITIVE_INFINITY);
    const t1 = performance.now();
    const byHour = probeHistory('health', stored, 'hour', { from, to: end });
    probeHistory('health', stored, 'day', { from, to: end });
    const t2 = performance.now();
    queryMs.push(t1 - t0);
    totalMs.push(t2 - t0);
    runs = stored.length;
    p99 = byHour.total.latencyMs?.p99 ?? 0;
  }
  return { runs, queryMs: median(queryMs), totalMs: median(totalMs), p99 };
}

export async function historySection(): Promise<Section> {
  const end = new Date('2026-11-30T00:00:00Z');
  const runs = weekOfRuns(end);
  const rows: string[][] = [];
  const json: Record<string, unknown>[] = [];

  const dir = await mkdtemp(join(tmpdir(), 'perfprobe-bench-history-'));
  try {
    const store = createFileRunStore({ dir, suite: 'bench', retentionDays: 90, now: () => end });
    const w0 = performance.now();
    for (const run of runs) await store.save(run);
    const writeMs = performance.now() - w0;
    const m = await measure(store, end);
    rows.push([
      'local store (.perfprobe)',
      String(m.runs),
      fixed(writeMs / RUNS, 3),
      fixed(m.queryMs, 0),
      fixed(m.totalMs, 0),
      fixed(m.p99),
    ]);
    json.push({ store: 'file', writeMsPerRun: writeMs / RUNS, ...m });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  if (process.env.BENCH_HISTORY_DYNALITE !== '0') {
    const table = await localRunsTable();
    try {
      const store = createRunStore(table.dynamo, table.tableName, 90, 'bench');
      const w0 = performance.now();
      for (let i = 0; i < runs.length; i += 25)
        await Promise.all(runs.slice(i, i + 25).map((r) => store.save(r)));
      const writeMs = performance.now() - w0;
      const m = await measure(store, end);
      rows.push([
        'runs table (dynalite)',
        String(m.runs),
        fixed(writeMs / RUNS, 3),
        fixed(m.queryMs, 0),
        fixed(m.totalMs, 0),
        fixed(m.p99),
      ]);
      json.push({ store: 'dynalite', writeMsPerRun: writeMs / RUNS, ...m });
    } finally {
      await table.close();
    }
  }

  const markdown = `${RUNS.toLocaleString('en-US')} stored runs of one probe (a week of 1-minute runs, ${SAMPLES} latencies each), read as \`perfprobe history --since 7d\` reads them: every run of the window, newest first, then merged exactly per hour, per day and for the week. Median of ${REPEATS}.

${markdownTable(['store', 'runs read', 'write ms / run', 'query ms', 'query + merge by hour and by day ms', 'week p99 ms'], rows)}`;
  return { title: 'History over a week of runs', markdown, json };
}

// `node bin/run-ts.js bench/history.ts` runs this section alone (and writes no results file).
if (process.argv[1]?.endsWith('bench/history.ts')) {
  const section = await historySection();
  process.stdout.write(`${section.markdown}\n`);
}
