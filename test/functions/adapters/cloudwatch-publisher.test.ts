import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { publishRunsMetrics } from '../../../functions/adapters/cloudwatch-publisher.ts';
import { runMetricData } from '../../../functions/core/cloud/metric-data.ts';
import { runResult } from '../../helpers/run-results.ts';

const cloudWatch = mockClient(CloudWatchClient);
beforeEach(() => {
  cloudWatch.reset();
  cloudWatch.on(PutMetricDataCommand).resolves({});
});

describe('publishing the checks of one tick', () => {
  it('sends every run of the tick in one PutMetricData call, each run exactly as alone', async () => {
    const runs = ['a', 'b', 'c'].map((probeId) => runResult(probeId, 0, '2026-12-01T06:00:00.000Z'));
    await publishRunsMetrics(
      new CloudWatchClient({ region: 'eu-west-1' }),
      'bank',
      runs.map((run) => ({ run })),
    );

    expect(cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      { Namespace: 'Perfprobe', MetricData: runs.flatMap((run) => runMetricData('bank', run)) },
    ]);
  });

  it('starts another call rather than pass 1,000 datums, never splitting a run', async () => {
    const run = runResult('a', 0, '2026-12-01T06:00:00.000Z');
    const perRun = runMetricData('bank', run).length;
    const fit = Math.floor(1_000 / perRun);
    const runs = Array.from({ length: fit + 1 }, () => ({ run }));
    await publishRunsMetrics(new CloudWatchClient({ region: 'eu-west-1' }), 'bank', runs);

    const sizes = cloudWatch
      .commandCalls(PutMetricDataCommand)
      .map((c) => c.args[0].input.MetricData!.length);
    expect(sizes).toEqual([fit * perRun, perRun]);
  });
});
