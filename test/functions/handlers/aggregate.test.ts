import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import { createShardStore, type ShardStore } from '../../../functions/adapters/dynamo-shard-store.ts';
import { deploySuite } from '../../../functions/core/cloud/deployed-suite.ts';
import { decodeHistogram } from '../../../functions/core/histogram.ts';
import { validateSuite } from '../../../functions/core/suite/validate-suite.ts';
import { createAggregateHandler, type RunSummary } from '../../../functions/handlers/aggregate.ts';
import { writeHealthAnswers, writeHealthShard } from '../../helpers/simulated-shard.ts';
import { deploySuiteInput } from '../../helpers/stacks.ts';
import { type LocalRunsTable, localRunsTable } from './runs-table.ts';

const cloudWatch = mockClient(CloudWatchClient);
const deployed = deploySuite(validateSuite(deploySuiteInput()), 'prod');
let table: LocalRunsTable;
let shards: ShardStore;

beforeAll(async () => {
  table = await localRunsTable();
  shards = createShardStore(table.dynamo, table.tableName);
});
afterAll(() => table?.close());
afterEach(() => cloudWatch.reset());

/** Three 2 ms responses of the `health` latency check, as its one worker wrote them. */
const measuredHealthRun = (runId: string, startedAt: string) => writeHealthShard(shards, runId, startedAt);

describe('aggregate handler', () => {
  it('still publishes the run when the table refuses it, with StoreFailed 1, then fails the step naming the store', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const startedAt = '2026-11-30T06:00:00.000Z';
    const planned = await measuredHealthRun('r-1', startedAt);
    // The shard items are readable, but the run cannot be written: a table the role may not write looks the same.
    const aggregate = createAggregateHandler(
      () => deployed,
      () => ({
        store: createRunStore(table.dynamo, 'no-such-table', 90, 'bank'),
        shards,
        cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }),
      }),
    );

    const outcome = aggregate(planned, {} as Context);

    await expect(outcome).rejects.toThrow(/^run r-1 aggregated but store: ResourceNotFoundException/);
    const Dimensions = [
      { Name: 'Suite', Value: 'bank' },
      { Name: 'Environment', Value: 'prod' },
      { Name: 'Probe', Value: 'health' },
    ];
    const Timestamp = new Date(startedAt);
    expect(cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      {
        Namespace: 'Perfprobe',
        MetricData: [
          { MetricName: 'Latency', Dimensions, Timestamp, Unit: 'Milliseconds', Values: [2], Counts: [3] },
          { MetricName: 'Requests', Dimensions, Timestamp, Unit: 'Count', Value: 3 },
          { MetricName: 'Errors', Dimensions, Timestamp, Unit: 'Count', Value: 0 },
          { MetricName: 'Verdict', Dimensions, Timestamp, Unit: 'None', Value: 0 },
          { MetricName: 'StoreFailed', Dimensions, Timestamp, Unit: 'Count', Value: 1 },
        ],
      },
    ]);
  });

  it('stores the run even when CloudWatch refuses its metrics, then fails the step naming the publish', async () => {
    cloudWatch.on(PutMetricDataCommand).rejects(new Error('Throttling'));
    const planned = await measuredHealthRun('r-2', '2026-11-30T06:01:00.000Z');
    const store = createRunStore(table.dynamo, table.tableName, 90, 'bank');
    const aggregate = createAggregateHandler(
      () => deployed,
      () => ({ store, shards, cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }) }),
    );

    await expect(aggregate(planned, {} as Context)).rejects.toThrow(
      'run r-2 aggregated but publish: Error: Throttling',
    );
    const runs = await store.runsBetween(
      'prod',
      'health',
      new Date('2026-11-30T06:00:30Z'),
      new Date('2026-11-30T06:02:00Z'),
    );
    expect(runs.map((r) => r.runId)).toEqual(['r-2']);
  });

  it('stores the run with the region it was sent from, when it runs in a location', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const planned = await measuredHealthRun('r-located', '2026-11-30T06:05:00.000Z');
    const store = createRunStore(table.dynamo, table.tableName, 90, 'bank');
    const aggregate = createAggregateHandler(
      () => deployed,
      () => ({ store, shards, cloudWatch: new CloudWatchClient({ region: 'us-east-1' }) }),
      { location: 'us-east-1' },
    );

    await aggregate(planned, {} as Context);

    const runs = await store.runsBetween(
      'prod',
      'health',
      new Date('2026-11-30T06:04:30Z'),
      new Date('2026-11-30T06:06:00Z'),
    );
    expect(runs.map((r) => [r.runId, r.location])).toEqual([['r-located', 'us-east-1']]);
  });

  it('publishes CertDaysLeft for a probe that declares a critical certDaysLeft, and leaves that check out of the Verdict', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const input = deploySuiteInput();
    (input.probes[0] as Record<string, unknown>).sla = {
      p99: 250,
      errorRate: 0,
      certDaysLeft: { critical: 7 },
    };
    const certDeployed = deploySuite(validateSuite(input), 'prod');
    const startedAt = '2026-11-30T06:02:00.000Z';
    const certificate = {
      subject: 'CN=api.example.com',
      issuer: 'CN=CA',
      validTo: '2026-12-05T00:00:00.000Z',
      daysLeft: 5,
    };
    const planned = await writeHealthShard(shards, 'r-4', startedAt, 2_000, {
      tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', alpn: 'http/1.1', certificate },
    });
    const store = createRunStore(table.dynamo, table.tableName, 90, 'bank');
    const aggregate = createAggregateHandler(
      () => certDeployed,
      () => ({ store, shards, cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }) }),
    );

    const summary = await aggregate(planned, {} as Context);

    // The run breaches (its certificate has 5 days left, critical below 7), but the cert-expiry alarm pages that.
    expect((summary as RunSummary).verdict).toBe('breach');
    const data = cloudWatch.commandCalls(PutMetricDataCommand)[0]?.args[0].input.MetricData ?? [];
    const value = (name: string) => data.find((d) => d.MetricName === name)?.Value;
    expect(value('CertDaysLeft')).toBe(5);
    expect(value('Verdict')).toBe(0);
  });

  it('publishes SloOutcome for a probe with an SLO: a fast 500 is a failed request, not a good one', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const input = deploySuiteInput();
    (input.probes[0] as Record<string, unknown>).slo = {
      window: '30d',
      availability: '99%',
      latency: { threshold: '50ms', target: '99%' },
    };
    const sloDeployed = deploySuite(validateSuite(input), 'prod');
    // Two successes at 2 ms, one at 80 ms, a 500 at 1 ms.
    const planned = await writeHealthAnswers(shards, 'r-slo', '2026-11-30T06:03:00.000Z', [
      { latencyUs: 2_000, status: 200 },
      { latencyUs: 2_000, status: 200 },
      { latencyUs: 80_000, status: 200 },
      { latencyUs: 1_000, status: 500 },
    ]);
    const store = createRunStore(table.dynamo, table.tableName, 90, 'bank');
    const aggregate = createAggregateHandler(
      () => sloDeployed,
      () => ({ store, shards, cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }) }),
    );

    await aggregate(planned, {} as Context);

    const data = cloudWatch.commandCalls(PutMetricDataCommand)[0]?.args[0].input.MetricData ?? [];
    expect(data.find((d) => d.MetricName === 'SloOutcome')).toMatchObject({
      Values: [1, 2, 3],
      Counts: [2, 1, 1],
      Unit: 'None',
    });
    const stored = await store.runsBetween(
      'prod',
      'health',
      new Date('2026-11-30T06:03:00Z'),
      new Date('2026-11-30T06:04:00Z'),
    );
    expect(stored.map((r) => [r.runId, decodeHistogram(r.failedHistogram!).totalCount])).toEqual([
      ['r-slo', 1],
    ]);
  });

  it('leaves no trace for a duplicate plan: nothing read, stored or published', async () => {
    const aggregate = createAggregateHandler(
      () => deployed,
      () => {
        throw new Error('a duplicate must not reach the table or CloudWatch');
      },
    );

    const summary = await aggregate(
      { runId: 'r-3', probeId: 'health', startAt: 0, shards: 0, tasks: [], duplicate: true },
      {} as Context,
    );

    expect(summary).toMatchObject({ runId: 'r-3', verdict: 'duplicate', requests: 0 });
    expect(cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });
});
