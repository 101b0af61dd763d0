import { describe, expect, it } from 'vitest';
import { aggregateRun } from '../../../../functions/core/aggregate-run.ts';
import {
  METRICS,
  pausedRunData,
  publishedMetrics,
  runMetricData,
  SLO_GOOD_AT_OR_UNDER,
  SLO_OUTCOME,
  VERDICT,
} from '../../../../functions/core/cloud/metric-data.ts';
import {
  createLatencyHistogram,
  encodeHistogram,
  summarizeLatency,
} from '../../../../functions/core/histogram.ts';
import { planRun } from '../../../../functions/core/plan.ts';
import { ShardRecorder } from '../../../../functions/core/shard-recorder.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { storedRun } from '../../../helpers/stored-runs.ts';

const probe = probeFor('https://api.example.com', {
  load: { kind: 'burst', connections: 2, requests: 4 },
  shards: 2,
  sla: { p99: 100 },
});
const plan = planRun(probe, { runId: 'r', startAt: 0, shards: 2 });

function shard(index: number, latencyUs: number) {
  const recorder = new ShardRecorder(0);
  for (let i = 0; i < 2; i++) recorder.record(i, latencyUs, 200, undefined, 10);
  return recorder.toResult({
    probeId: 'p',
    shard: index,
    kind: 'burst',
    startedAt: '2026-11-30T06:00:00.000Z',
    durationMs: 1_000,
    generator: {
      intendedRequests: undefined,
      sent: 2,
      lateSends: 0,
      queuedSends: 0,
      unsent: 0,
      eventLoopDelayP99Ms: 0,
    },
  });
}

const names = (suite: string, run: Parameters<typeof runMetricData>[1], storeFailed = false) =>
  runMetricData(suite, run, { storeFailed }).map((d) => d.MetricName);

describe('run metric data', () => {
  it('publishes a valid run whole: its latency distribution, counts (the heartbeat) and verdict, under Suite, Environment, Probe', () => {
    const run = aggregateRun(plan, [shard(0, 2_000), shard(1, 2_000)]);
    const data = runMetricData('bank', run);
    expect(data.map((d) => d.MetricName)).toEqual(['Latency', 'Requests', 'Errors', 'Verdict', 'Throughput']);
    expect(data.find((d) => d.MetricName === 'Verdict')?.Value).toBe(VERDICT.met);
    expect(data[0]).toMatchObject({ Values: [2], Counts: [4] });
    for (const d of data) {
      expect(d.Dimensions).toEqual([
        { Name: 'Suite', Value: 'bank' },
        { Name: 'Environment', Value: 'test' },
        { Name: 'Probe', Value: 'p' },
      ]);
    }
  });

  it('keeps an invalid run out of the latency and SLA alarms: no Latency, Verdict invalid whatever its SLA said', () => {
    // One of two shards reported: measured, so it beats, but it cannot judge the target.
    const run = aggregateRun(plan, [shard(0, 900_000)]);
    expect(run.validity.valid).toBe(false);
    expect(run.sla.passed).toBe(false);
    expect(names('bank', run)).toEqual(['Requests', 'Errors', 'Verdict', 'Throughput']);
    expect(runMetricData('bank', run).find((d) => d.MetricName === 'Verdict')?.Value).toBe(VERDICT.invalid);
  });

  it('says breached for a valid run that broke its SLA', () => {
    const run = aggregateRun(plan, [shard(0, 900_000), shard(1, 900_000)]);
    expect(run.validity.valid).toBe(true);
    expect(runMetricData('bank', run).find((d) => d.MetricName === 'Verdict')?.Value).toBe(VERDICT.breached);
  });

  it('still beats when no shard reported: the pipeline ran it, and its invalid Verdict says it measured nothing', () => {
    const run = aggregateRun(plan, []);
    expect(names('bank', run)).toEqual(['Requests', 'Errors', 'Verdict', 'Throughput']);
    expect(runMetricData('bank', run).find((d) => d.MetricName === 'Verdict')?.Value).toBe(VERDICT.invalid);
  });

  it('publishes four metrics for a latency check and five for a load (throughput), each a custom metric', () => {
    expect(publishedMetrics('latency')).toEqual(['Latency', 'Requests', 'Errors', 'Verdict']);
    expect(publishedMetrics('rate')).toEqual(['Latency', 'Requests', 'Errors', 'Throughput', 'Verdict']);
  });

  it('beats for a paused run with Requests 0 and nothing else: no verdict, so neither SLA nor cannot-measure moves', () => {
    const at = new Date('2026-11-30T06:00:00.000Z');
    expect(pausedRunData('bank', 'prod', 'p', at)).toEqual([
      {
        MetricName: 'Requests',
        Dimensions: [
          { Name: 'Suite', Value: 'bank' },
          { Name: 'Environment', Value: 'prod' },
          { Name: 'Probe', Value: 'p' },
        ],
        Timestamp: at,
        Unit: 'Count',
        Value: 0,
      },
    ]);
  });

  it('adds StoreFailed 1 when the table refused the run, and counts it in no run-by-run cost', () => {
    const run = aggregateRun(plan, [shard(0, 5_000), shard(1, 5_000)]);
    const data = runMetricData('bank', run, { storeFailed: true });
    expect(data.at(-1)).toMatchObject({ MetricName: 'StoreFailed', Unit: 'Count', Value: 1 });
    expect(names('bank', run)).not.toContain('StoreFailed');
    expect(publishedMetrics('burst')).not.toContain(METRICS.storeFailed);
  });

  it("publishes an alarmed flow step's latency under a Step dimension, for valid runs only", () => {
    const stepHistogram = createLatencyHistogram();
    for (const us of [280_000, 290_000, 300_000]) stepHistogram.recordValue(us);
    const step = (name: string) => ({
      name,
      requests: { total: 3, ok: 3, failed: 0 },
      errorRate: 0,
      errors: {},
      latencyMs: summarizeLatency(stepHistogram),
      histogram: encodeHistogram(stepHistogram),
    });
    const run = {
      ...aggregateRun(plan, [shard(0, 2_000), shard(1, 2_000)]),
      steps: [step('login'), step('settled')],
    };

    const data = runMetricData('bank', run, { alarmedSteps: ['settled'] });

    const stepData = data.filter((d) => d.Dimensions.some((x) => x.Name === 'Step'));
    // Only the step with an alarm: each step's metric is a custom metric of its own ($0.30 a month).
    expect(stepData).toEqual([
      {
        MetricName: 'Latency',
        Dimensions: [
          { Name: 'Suite', Value: 'bank' },
          { Name: 'Environment', Value: 'test' },
          { Name: 'Probe', Value: 'p' },
          { Name: 'Step', Value: 'settled' },
        ],
        Timestamp: new Date(run.startedAt),
        Unit: 'Milliseconds',
        Values: [280, 290, 300].map((ms) => expect.closeTo(ms, 0)),
        Counts: [1, 1, 1],
      },
    ]);
    const invalid = { ...run, validity: { ...run.validity, valid: false } };
    expect(
      runMetricData('bank', invalid, { alarmedSteps: ['settled'] }).filter((d) =>
        d.Dimensions.some((x) => x.Name === 'Step'),
      ),
    ).toEqual([]);
  });
});

describe('SloOutcome: the SLO burn alarms read it', () => {
  // 6 successes at 10 ms, 2 at 200 ms, a 500 at 2 ms and one refused request, in a valid run.
  const run = storedRun({
    runId: 's',
    startedAt: '2026-12-01T00:00:00.000Z',
    latenciesUs: [...Array<number>(6).fill(10_000), 200_000, 200_000],
    failedLatenciesUs: [2_000],
    failed: 1,
  });
  const outcome = (r: typeof run, slo: { latencyThresholdMs?: number }) =>
    runMetricData('bank', r, { slo }).filter((d) => d.MetricName === METRICS.sloOutcome);

  it('splits a valid run into good, slow and failed requests: a fast 500 is failed, not good', () => {
    expect(outcome(run, { latencyThresholdMs: 50 })).toEqual([
      expect.objectContaining({
        Unit: 'None',
        Values: [SLO_OUTCOME.good, SLO_OUTCOME.slow, SLO_OUTCOME.failed],
        Counts: [6, 2, 2],
      }),
    ]);
  });

  it('counts every success as good without a latency objective, and leaves out outcomes nobody had', () => {
    expect(outcome(run, {})[0]).toMatchObject({
      Values: [SLO_OUTCOME.good, SLO_OUTCOME.failed],
      Counts: [8, 2],
    });
    const clean = storedRun({ runId: 'c', startedAt: run.startedAt, latenciesUs: [10_000, 10_000] });
    expect(outcome(clean, { latencyThresholdMs: 50 })[0]).toMatchObject({
      Values: [SLO_OUTCOME.good],
      Counts: [2],
    });
  });

  it('is published for valid runs of probes with an SLO only: an invalid run burns no budget', () => {
    expect(
      outcome({ ...run, validity: { ...run.validity, valid: false } }, { latencyThresholdMs: 50 }),
    ).toEqual([]);
    expect(runMetricData('bank', run).map((d) => d.MetricName)).not.toContain(METRICS.sloOutcome);
    expect(publishedMetrics('latency', { slo: true })).toEqual([
      'Latency',
      'Requests',
      'Errors',
      'Verdict',
      'SloOutcome',
    ]);
  });

  it('ranks good at or under 1.5 and every success at or under 2.5', () => {
    expect(SLO_OUTCOME.good).toBeLessThan(SLO_GOOD_AT_OR_UNDER.latency);
    expect(SLO_OUTCOME.slow).toBeGreaterThan(SLO_GOOD_AT_OR_UNDER.latency);
    expect(SLO_OUTCOME.slow).toBeLessThan(SLO_GOOD_AT_OR_UNDER.availability);
    expect(SLO_OUTCOME.failed).toBeGreaterThan(SLO_GOOD_AT_OR_UNDER.availability);
  });
});
