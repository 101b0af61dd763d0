import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishRunMetrics, publishRunsMetrics } from '../../../functions/adapters/cloudwatch-publisher.ts';
import { runMetricData } from '../../../functions/core/cloud/metric-data.ts';
import type { RunMeasurement, RunResult } from '../../../functions/core/run-result.ts';
import { evaluateSla } from '../../../functions/core/sla.ts';
import { runResult } from '../../helpers/run-results.ts';

const cloudWatch = mockClient(CloudWatchClient);
afterEach(() => cloudWatch.reset());

const startedAt = '2026-11-30T06:00:00.000Z';
const Dimensions = [
  { Name: 'Suite', Value: 'bank' },
  { Name: 'Environment', Value: 'prod' },
  { Name: 'Probe', Value: 'accounts' },
];
const Timestamp = new Date(startedAt);

/** A run that saw a certificate with `daysLeft`, judged against `sla.certDaysLeft: { critical: 7 }`. */
function certRun(daysLeft: number | undefined, valid = true): RunResult {
  const base = runResult('accounts', 0, startedAt, 'prod');
  const certificate = {
    subject: 'CN=api.bank.example',
    issuer: 'CN=Bank CA',
    validTo: '2027-01-03T00:00:00.000Z',
    daysLeft,
  };
  const measured: RunMeasurement = {
    ...base,
    validity: { ...base.validity, valid, reasons: valid ? [] : ['generator late'] },
    ...(daysLeft === undefined
      ? {}
      : {
          tls: {
            protocol: 'TLSv1.3',
            cipher: 'TLS_AES_128_GCM_SHA256',
            alpn: 'h2',
            certificate: { ...certificate, daysLeft },
          },
        }),
  };
  return { ...measured, sla: evaluateSla({ certDaysLeft: { critical: 7 } }, measured) };
}

async function published(run: RunResult, certAlarm: boolean) {
  cloudWatch.on(PutMetricDataCommand).resolves({});
  await publishRunMetrics(new CloudWatchClient({ region: 'eu-west-1' }), 'bank', run, { certAlarm });
  return cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
}

describe('publishing a probe with a declared certDaysLeft', () => {
  it("publishes the certificate's days left, and leaves its failure out of the Verdict (the cert-expiry alarm pages it)", async () => {
    const calls = await published(certRun(6), true);

    expect(calls).toEqual([
      {
        Namespace: 'Perfprobe',
        MetricData: [
          { MetricName: 'Requests', Dimensions, Timestamp, Unit: 'Count', Value: 1000 },
          { MetricName: 'Errors', Dimensions, Timestamp, Unit: 'Count', Value: 0 },
          { MetricName: 'Verdict', Dimensions, Timestamp, Unit: 'None', Value: 0 },
          { MetricName: 'CertDaysLeft', Dimensions, Timestamp, Unit: 'None', Value: 6 },
        ],
      },
    ]);
  });

  it('publishes the days left of an invalid run too: the certificate does not depend on the load delivered', async () => {
    const [call] = await published(certRun(30, false), true);

    expect(call?.MetricData?.filter((d) => d.MetricName === 'CertDaysLeft')).toEqual([
      { MetricName: 'CertDaysLeft', Dimensions, Timestamp, Unit: 'None', Value: 30 },
    ]);
    expect(call?.MetricData?.find((d) => d.MetricName === 'Verdict')?.Value).toBe(2);
  });

  it('publishes no CertDaysLeft for a run that saw no certificate', async () => {
    const [call] = await published(certRun(undefined), true);

    expect(call?.MetricData?.map((d) => d.MetricName)).toEqual(['Requests', 'Errors', 'Verdict']);
    // Nothing seen fails the check, and with no CertDaysLeft datum the Verdict (the SLA alarm) is what reports it.
    expect(call?.MetricData?.find((d) => d.MetricName === 'Verdict')?.Value).toBe(1);
  });

  it('publishes neither CertDaysLeft nor a cert exemption for a probe without the alarm', async () => {
    const [call] = await published(certRun(6), false);

    expect(call?.MetricData?.map((d) => d.MetricName)).not.toContain('CertDaysLeft');
    expect(call?.MetricData?.find((d) => d.MetricName === 'Verdict')?.Value).toBe(1);
  });
});

describe('publishing the checks of one tick', () => {
  beforeEach(() => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
  });

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
