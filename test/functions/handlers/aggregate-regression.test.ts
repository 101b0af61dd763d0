import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBaselineCache } from '../../../functions/adapters/dynamo-baseline-cache.ts';
import { createRunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import { createShardStore, type ShardStore } from '../../../functions/adapters/dynamo-shard-store.ts';
import { deploySuite } from '../../../functions/core/cloud/deployed-suite.ts';
import { validateSuite } from '../../../functions/core/suite/validate-suite.ts';
import { createAggregateHandler, type RunSummary } from '../../../functions/handlers/aggregate.ts';
import { writeHealthShard } from '../../helpers/simulated-shard.ts';
import { deploySuiteInput } from '../../helpers/stacks.ts';
import { lognormalLatencies, storedRun } from '../../helpers/stored-runs.ts';
import { type LocalRunsTable, localRunsTable } from './runs-table.ts';

const cloudWatch = mockClient(CloudWatchClient);
const input = deploySuiteInput();
const withRegression = {
  ...input,
  probes: input.probes.map((p) =>
    p.id === 'health'
      ? { ...p, sla: { ...p.sla, regression: { p50: '+20%', minRuns: 5, baseline: '1h' } } }
      : p,
  ),
};
const deployed = deploySuite(validateSuite(withRegression), 'prod');
let table: LocalRunsTable;
let shards: ShardStore;

beforeAll(async () => {
  table = await localRunsTable();
  shards = createShardStore(table.dynamo, table.tableName);
});
afterAll(() => table?.close());
afterEach(() => cloudWatch.reset());

/** The health check's three responses of `latencyUs` each, as its one worker wrote them. */
const measuredHealthRun = (runId: string, startedAt: string, latencyUs: number) =>
  writeHealthShard(shards, runId, startedAt, latencyUs);

describe('aggregate handler with sla.regression', () => {
  it('judges the run against the table runs of its baseline window, and a regression breaches', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const store = createRunStore(table.dynamo, table.tableName, 90, 'bank');
    // Five earlier runs at ~2 ms, within the hour before; one from the day before is outside the window.
    for (let i = 0; i < 5; i++) {
      await store.save(
        storedRun({
          runId: `base-${i}`,
          environment: 'prod',
          probeId: 'health',
          startedAt: `2026-11-30T05:${String(10 + i).padStart(2, '0')}:00.000Z`,
          latenciesUs: lognormalLatencies(200, 2_000, i + 1, 0.05),
        }),
      );
    }
    await store.save(
      storedRun({
        runId: 'old',
        environment: 'prod',
        probeId: 'health',
        startedAt: '2026-11-29T05:30:00.000Z',
        latenciesUs: lognormalLatencies(200, 3_000, 9, 0.05),
      }),
    );
    const planned = await measuredHealthRun('slow', '2026-11-30T06:00:00.000Z', 3_000);
    const aggregate = createAggregateHandler(
      () => deployed,
      () => ({ store, shards, cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }) }),
    );

    const summary = (await aggregate(planned, {} as Context)) as RunSummary;

    expect(summary.verdict).toBe('breach');
    const [stored] = await store.runsBetween(
      'prod',
      'health',
      new Date('2026-11-30T06:00:00Z'),
      new Date('2026-11-30T06:00:01Z'),
    );
    const check = stored?.sla.checks.find((c) => c.name === 'regression.p50');
    expect(check).toMatchObject({ passed: false, severity: 'critical' });
    expect(check?.regression).toMatchObject({ baselineRuns: 5, source: 'store, 1h before the run' });
    expect(check?.regression?.test?.pValue).toBeLessThan(0.01);
    const data = cloudWatch.commandCalls(PutMetricDataCommand)[0]?.args[0].input.MetricData ?? [];
    // Verdict 1: valid and breached (see VERDICT).
    expect(data.find((d) => d.MetricName === 'Verdict')?.Value).toBe(1);
  });

  it('merges the baseline window once an hour: the next run reuses it from the table instead of re-reading every run', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const real = createRunStore(table.dynamo, table.tableName, 90, 'bank');
    for (let i = 0; i < 5; i++) {
      await real.save(
        storedRun({
          runId: `hourly-${i}`,
          environment: 'prod',
          probeId: 'health',
          startedAt: `2026-12-01T05:${String(10 + i).padStart(2, '0')}:00.000Z`,
          latenciesUs: lognormalLatencies(200, 2_000, i + 11, 0.05),
        }),
      );
    }
    const windowsRead: string[] = [];
    const store = {
      ...real,
      save: real.save,
      runsBetween: (...args: Parameters<typeof real.runsBetween>) => {
        windowsRead.push(`${args[2].toISOString()}..${args[3].toISOString()}`);
        return real.runsBetween(...args);
      },
    };
    const baselines = createBaselineCache(table.dynamo, table.tableName);
    const aggregate = createAggregateHandler(
      () => deployed,
      () => ({ store, shards, cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }), baselines }),
    );

    await aggregate(await measuredHealthRun('h-1', '2026-12-01T06:00:00.000Z', 2_000), {} as Context);
    await aggregate(await measuredHealthRun('h-2', '2026-12-01T06:30:00.000Z', 3_000), {} as Context);
    await aggregate(await measuredHealthRun('h-3', '2026-12-01T07:00:00.000Z', 2_000), {} as Context);

    // Run 1 merges the window, run 2 (30 min later) reuses it, run 3 (an hour later) merges again.
    expect(windowsRead).toEqual([
      '2026-12-01T05:00:00.000Z..2026-12-01T05:59:59.999Z',
      '2026-12-01T06:00:00.000Z..2026-12-01T06:59:59.999Z',
    ]);
    const stored = await real.runsBetween(
      'prod',
      'health',
      new Date('2026-12-01T06:30:00Z'),
      new Date('2026-12-01T06:30:01Z'),
    );
    const check = stored[0]?.sla.checks.find((c) => c.name === 'regression.p50');
    // Judged against the reused baseline, which says so: still the five runs of 05:10–05:14.
    expect(check).toMatchObject({ passed: false });
    expect(check?.regression).toMatchObject({
      baselineRuns: 5,
      source: 'store, 1h before the run, merged for 2026-12-01T06:00:00.000Z (reused up to 1h)',
    });
  });
});
