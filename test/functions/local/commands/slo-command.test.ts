import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunStore } from '../../../../functions/adapters/dynamo-run-store.ts';
import { createFileRunStore } from '../../../../functions/adapters/file-run-store.ts';
import type { RunResult } from '../../../../functions/core/run-result.ts';
import { type SloOutput, sloCommand } from '../../../../functions/local/commands/slo-command.ts';
import { perfprobe, repoRoot } from '../../../helpers/cli-process.ts';
import { storedRun } from '../../../helpers/stored-runs.ts';
import { textSink } from '../../../helpers/text-sink.ts';
import { type LocalRunsTable, localRunsTable } from '../../handlers/runs-table.ts';

// Inside the repo (git-ignored) so the suite can `import { defineSuite } from 'perfprobe'`.
const work = join(repoRoot, '.perfprobe', `slo-command-test-${process.pid}`);
const suitePath = join(work, 'bank.ts');
const storeDir = join(work, 'store');
const NOW = new Date();
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const repeat = (n: number, us: number) => Array<number>(n).fill(us);

/**
 * A known mix: ten days ago 9,990 fast requests, 10 failed; two hours ago 990 fast, 10 slow (80 ms); twenty
 * minutes ago 980 fast, 15 slow, 5 fast 5xx (2 ms: bad for latency too); and an invalid run with 300 failures
 * that must not count.
 */
const RUNS: RunResult[] = [
  storedRun({
    runId: 'a',
    startedAt: ago(240 * HOUR),
    latenciesUs: repeat(9_990, 12_000),
    failed: 10,
    environment: 'prod',
    probeId: 'login',
  }),
  storedRun({
    runId: 'b',
    startedAt: ago(2 * HOUR),
    latenciesUs: [...repeat(990, 12_000), ...repeat(10, 80_000)],
    environment: 'prod',
    probeId: 'login',
  }),
  storedRun({
    runId: 'c',
    startedAt: ago(HOUR / 3),
    latenciesUs: [...repeat(980, 12_000), ...repeat(15, 80_000)],
    failedLatenciesUs: repeat(5, 2_000),
    environment: 'prod',
    probeId: 'login',
  }),
  storedRun({
    runId: 'd',
    startedAt: ago(HOUR / 6),
    latenciesUs: repeat(700, 12_000),
    failed: 300,
    valid: false,
    environment: 'prod',
    probeId: 'login',
  }),
];

let table: LocalRunsTable;

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  writeFileSync(
    suitePath,
    `import { defineSuite } from 'perfprobe';

export default defineSuite({
  name: 'bank',
  environments: { prod: { baseUrl: 'https://api.bank.example' } },
  probes: [
    { id: 'login', request: { url: '/login' },
      slo: { window: '30d', availability: '99.9%', latency: { threshold: '50ms', target: '99%' } } },
    { id: 'health', request: { url: '/health' } },
  ],
});
`,
  );
  const store = createFileRunStore({ dir: storeDir, suite: 'bank', retentionDays: 90, now: () => NOW });
  for (const run of RUNS) await store.save(run);
  table = await localRunsTable();
  const dynamo = createRunStore(table.dynamo, table.tableName, 90, 'bank');
  for (const run of RUNS) await dynamo.save(run);
}, 30_000);

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await table.close();
});

function expectKnownMix(output: SloOutput): void {
  const [login] = output.probes;
  expect(output.probes.map((p) => p.probeId)).toEqual(['login']);
  expect(login!.runs).toEqual({ total: 4, valid: 3, invalid: 1 });
  const [availability, latency] = login!.objectives;
  // 12,000 requests of valid runs, 15 failed; 11,960 succeeded within 50 ms: 25 slow and 15 failed are bad.
  expect(availability).toMatchObject({
    objective: 'availability',
    counts: { valid: 12_000, good: 11_985, bad: 15 },
  });
  expect(availability!.budget.allowed).toBeCloseTo(12, 9);
  expect(availability!.budget.left).toBeCloseTo(1 - 15 / 12, 9);
  expect(availability!.burn.hour).toBeCloseTo(5 / 1000 / 0.001, 9);
  expect(availability!.burn.sixHours).toBeCloseTo(5 / 2000 / 0.001, 9);
  expect(latency).toMatchObject({
    objective: 'latency',
    thresholdMs: 50,
    counts: { valid: 12_000, good: 11_960, bad: 40 },
  });
  expect(latency!.budget.left).toBeCloseTo(1 - 40 / 120, 9);
  // The last hour: 15 slow and 5 fast failures of 1,000 requests.
  expect(latency!.burn.hour).toBeCloseTo(20 / 1000 / 0.01, 9);
  expect(latency!.exhaustedInMs).toBeCloseTo(((1 - 40 / 120) * 30 * 24 * HOUR) / 2, -1);
}

describe('perfprobe slo', () => {
  it('reports the exact SLIs, budgets and burn rates from the local store, and writes them with --json', async () => {
    const out = textSink();
    const json = join(work, 'slo.json');

    const result = await sloCommand({
      suitePath,
      json,
      now: NOW,
      out,
      store: (suite) =>
        createFileRunStore({ dir: storeDir, suite: suite.name, retentionDays: 90, now: () => NOW }),
    });

    expectKnownMix(result);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(result)));
    expect(out.text()).toContain(
      'availability 99.9 %/30d: SLI 99.875 %, the budget is spent (125 % used), burning 5× over the last hour',
    );
    expect(out.text()).toMatch(
      /latency <= 50 ms 99 %\/30d: SLI 99\.6667 %, 66 % of the budget left, burning 2× over the last hour, gone in 10 days at this rate/,
    );
    expect(out.text()).toContain('1 of 4 runs invalid (not counted)');
  });

  it('reads a deployed table with --table through the same code, from the command line', async () => {
    const endpoint = await table.dynamo.config.endpoint?.();
    const json = join(work, 'slo-table.json');

    const { code, stderr } = await perfprobe(['slo', suitePath, '--table', table.tableName, '--json', json], {
      AWS_ENDPOINT_URL_DYNAMODB: `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const output = JSON.parse(readFileSync(json, 'utf8')) as SloOutput;
    expect(output.probes[0]?.objectives[0]?.counts).toEqual({ valid: 12_000, good: 11_985, bad: 15 });
    expect(output.probes[0]?.objectives[1]?.counts).toEqual({ valid: 12_000, good: 11_960, bad: 40 });
  });

  it('exits 2 when no selected probe has an slo', async () => {
    const { code, stderr } = await perfprobe(['slo', suitePath, '--probe', 'health', '--store', storeDir]);

    expect(code).toBe(2);
    expect(stderr).toContain(
      "no selected probe has an slo (add slo: { window: '30d', availability: '99.9%' } to a probe)",
    );
  });
});
