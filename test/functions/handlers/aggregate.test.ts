import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import { deploySuite } from '../../../functions/core/cloud/deployed-suite.ts';
import { ShardRecorder } from '../../../functions/core/shard-recorder.ts';
import { validateSuite } from '../../../functions/core/suite/validate-suite.ts';
import { createAggregateHandler } from '../../../functions/handlers/aggregate.ts';
import { refusedPort } from '../../helpers/servers.ts';
import { deploySuiteInput } from '../../helpers/stacks.ts';

const cloudWatch = mockClient(CloudWatchClient);
afterEach(() => cloudWatch.reset());

describe('aggregate handler', () => {
  it('still publishes the run (and its heartbeat) when the table is down, then fails the step naming the store', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const deployed = deploySuite(validateSuite(deploySuiteInput()), 'prod');
    // A real DynamoDB client against a port nothing listens on: the table is unreachable.
    const dynamo = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${await refusedPort()}`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const aggregate = createAggregateHandler(
      () => deployed,
      () => ({
        store: createRunStore(dynamo, 'runs', 90),
        cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }),
      }),
    );
    const recorder = new ShardRecorder(0);
    for (let i = 0; i < 3; i++) recorder.record(i * 10, 2_000, 200, undefined, 10);
    const shard = recorder.toResult({
      probeId: 'health',
      shard: 0,
      kind: 'latency',
      startedAt: new Date().toISOString(),
      durationMs: 30,
      generator: {
        intendedRequests: 3,
        sent: 3,
        lateSends: 0,
        queuedSends: 0,
        unsent: 0,
        eventLoopDelayP99Ms: 0,
      },
    });
    const task = { runId: 'r-1', probeId: 'health', startAt: Date.now(), shards: 1 };

    const outcome = aggregate({ ...task, tasks: [{ ...task, shard: 0 }], outcomes: [shard] }, {} as Context);

    await expect(outcome).rejects.toThrow(/^run r-1 aggregated but store: .*ECONNREFUSED/);
    const [call] = cloudWatch.commandCalls(PutMetricDataCommand);
    const data = call!.args[0].input.MetricData!;
    expect(data.find((d) => d.MetricName === 'Heartbeat')?.Value).toBe(1);
    expect(data.find((d) => d.MetricName === 'Requests')?.Value).toBe(3);
    dynamo.destroy();
  });
});
