import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunStore } from '../../../../functions/adapters/dynamo-run-store.ts';
import { createFileRunStore } from '../../../../functions/adapters/file-run-store.ts';
import {
  createLatencyHistogram,
  decodeHistogram,
  percentileMs,
} from '../../../../functions/core/histogram.ts';
import type { RunResult } from '../../../../functions/core/run-result.ts';
import { baselineSaveCommand } from '../../../../functions/local/commands/baseline-command.ts';
import { historyCommand } from '../../../../functions/local/commands/history-command.ts';
import { reportCommand } from '../../../../functions/local/commands/report-command.ts';
import { runCommand } from '../../../../functions/local/commands/run-command.ts';
import { type DemoApi, startDemoApi } from '../../../../functions/local/demo-api.ts';
import { textSink } from '../../../helpers/text-sink.ts';
import { type LocalRunsTable, localRunsTable } from '../../handlers/runs-table.ts';

let api: DemoApi;
let table: LocalRunsTable;
let dir: string;
let runs: RunResult[];

beforeAll(async () => {
  api = await startDemoApi();
  process.env.PERFPROBE_DEMO_URL = api.url;
  table = await localRunsTable();
  dir = await mkdtemp(join(tmpdir(), 'perfprobe-history-'));
  runs = [];
  // Two `perfprobe run` of the demo suite's health probe, recorded in a local store.
  for (let i = 0; i < 2; i++) {
    const { results } = await runCommand({
      suitePath: 'probes/demo.ts',
      probes: ['health'],
      store: dir,
      quiet: true,
      out: textSink(),
    });
    runs.push(...results);
  }
}, 30_000);

afterAll(async () => {
  await api.close();
  await table.close();
  await rm(dir, { recursive: true, force: true });
});

describe('perfprobe history', () => {
  it('shows both runs of the demo probe, percentiles equal to one histogram of all their samples', async () => {
    // The runs' histograms added by hdr-histogram-js itself, not by the merge history uses.
    const all = createLatencyHistogram();
    for (const run of runs) all.add(decodeHistogram(run.histogram));
    const out = textSink();

    const history = await historyCommand({
      suitePath: 'probes/demo.ts',
      probes: ['health'],
      sinceMs: 3_600_000,
      store: (suite) => createFileRunStore({ dir, suite: suite.name, retentionDays: suite.retentionDays }),
      out,
    });

    const [probe] = history.probes;
    expect(probe?.total.runs.total).toBe(2);
    expect(probe?.total.requests).toBe(runs.reduce((n, r) => n + r.requests.total, 0));
    // Five responses a run; if not, say what the runs saw.
    expect(all.totalCount, JSON.stringify(runs.map((r) => [r.requests, r.errors, r.sampleErrors]))).toBe(10);
    const latency = probe?.total.latencyMs;
    expect(latency).toEqual({
      p50: percentileMs(all, 50),
      p95: percentileMs(all, 95),
      p99: percentileMs(all, 99),
      max: percentileMs(all, 100),
    });
    expect(out.text()).toMatch(/^ {2}all\s+2\s/m);
  });

  it('answers the same from a deployed runs table (dynalite) through the same port', async () => {
    const local = (suite: { name: string; retentionDays: number }) =>
      createFileRunStore({ dir, suite: suite.name, retentionDays: suite.retentionDays });
    const deployed = (suite: { name: string; retentionDays: number }) =>
      createRunStore(table.dynamo, table.tableName, suite.retentionDays, suite.name);
    for (const run of runs) await deployed({ name: 'demo-bank', retentionDays: 90 }).save(run);
    const now = new Date();
    const options = { suitePath: 'probes/demo.ts', probes: ['health'], sinceMs: 3_600_000, now };

    const fromFiles = await historyCommand({ ...options, store: local, out: textSink() });
    const fromTable = await historyCommand({ ...options, store: deployed, out: textSink() });

    expect(fromTable).toEqual(fromFiles);
  });

  it('says when a probe has no runs in the window', async () => {
    const out = textSink();

    await historyCommand({
      suitePath: 'probes/demo.ts',
      probes: ['fx-rates'],
      sinceMs: 3_600_000,
      store: (suite) => createFileRunStore({ dir, suite: suite.name, retentionDays: suite.retentionDays }),
      out,
    });

    expect(out.text()).toContain('fx-rates');
    expect(out.text()).toContain('no runs stored in this window');
  });

  it("reports each probe's latest stored run as Markdown and JUnit, and names probes with none", async () => {
    const md = join(dir, 'report.md');
    const junit = join(dir, 'report.xml');

    await reportCommand({
      suitePath: 'probes/demo.ts',
      probes: ['health', 'fx-rates'],
      sinceMs: 3_600_000,
      md,
      junit,
      store: (suite) => createFileRunStore({ dir, suite: suite.name, retentionDays: suite.retentionDays }),
      out: textSink(),
    });

    const latest = runs[1]!;
    const text = await readFile(md, 'utf8');
    expect(text).toContain(`### health\n\nlatency, started ${latest.startedAt}`);
    expect(text).toContain('_No run stored since');
    expect(text).toContain('for: fx-rates._');
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain(`<testsuite name="demo-bank.local.health" tests="${latest.sla.checks.length + 1}"`);
    expect(xml).not.toContain('fx-rates');
  });

  it('leaves a probe with no run out of a saved baseline, and says so', async () => {
    const out = textSink();
    const file = join(dir, 'baseline.json');

    const saved = await baselineSaveCommand({
      suitePath: 'probes/demo.ts',
      probes: ['health', 'accounts-list'],
      sinceMs: 3_600_000,
      outFile: file,
      store: (suite) => createFileRunStore({ dir, suite: suite.name, retentionDays: suite.retentionDays }),
      out,
    });

    expect(Object.keys(saved.probes)).toEqual(['health']);
    expect(JSON.parse(await readFile(file, 'utf8')).probes['accounts-list']).toBeUndefined();
    expect(out.text()).toMatch(/^health\s+2\s+\d+\.\d{1,2}\s/m);
    expect(out.text()).toContain(
      'no valid run with a response in the window, so not in the baseline (run --baseline says so for them): accounts-list',
    );
  });
});
