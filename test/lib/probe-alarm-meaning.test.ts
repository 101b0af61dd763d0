import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateRun } from '../../functions/core/aggregate-run.ts';
import {
  type MetricDatum,
  pausedRunData,
  publishedMetrics,
  runMetricData,
} from '../../functions/core/cloud/metric-data.ts';
import { planRun, type ResolvedProbe } from '../../functions/core/plan.ts';
import { ShardRecorder } from '../../functions/core/shard-recorder.ts';
import { type AlarmProperties, alarmDatapoint } from '../helpers/alarm-datapoint.ts';
import { deploySuiteInput, synthStack } from '../helpers/stacks.ts';

/**
 * What each probe alarm evaluated per period before the verdict became one metric and the heartbeat the Requests
 * sample count (SlaBreached, InvalidRun and Heartbeat, as the old runMetricData published them): the alarms must
 * see the same datapoint, or the same missing one, for every kind of period. M of N, the threshold and the
 * missing-data treatment are then what judge it, as before.
 */
const BEFORE: Record<Outcome, Record<'sla' | 'cannot-measure' | 'heartbeat', number | undefined>> = {
  met: { sla: 0, 'cannot-measure': 0, heartbeat: 1 },
  breached: { sla: 1, 'cannot-measure': 0, heartbeat: 1 },
  // Invalid: never a breach (the SLA alarm skips the period), cannot-measure counts it, it still beats.
  'invalid (no shard reported)': { sla: undefined, 'cannot-measure': 1, heartbeat: 1 },
  // Paused by the kill switch: it beats and nothing else.
  paused: { sla: undefined, 'cannot-measure': undefined, heartbeat: 1 },
  // No run at all: every alarm's period is missing (the heartbeat's missing is breaching).
  'no run': { sla: undefined, 'cannot-measure': undefined, heartbeat: undefined },
};
type Outcome = 'met' | 'breached' | 'invalid (no shard reported)' | 'paused' | 'no run';

let alarms: Record<string, AlarmProperties & Record<string, unknown>>;
let probe: ResolvedProbe;

beforeAll(() => {
  const { stack, template } = synthStack(deploySuiteInput());
  alarms = Object.fromEntries(
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => [
      a.Properties.AlarmName as string,
      a.Properties,
    ]),
  );
  probe = stack.probes.deployed.probes.health!;
});

/** The datums one period of `outcome` publishes, from the real run pipeline (aggregateRun, runMetricData). */
function published(outcome: Outcome): MetricDatum[] {
  if (outcome === 'no run') return [];
  if (outcome === 'paused') return pausedRunData('bank', 'prod', 'health', new Date(0));
  const plan = planRun(probe, { runId: 'r', startAt: 0, shards: 1 });
  if (outcome === 'invalid (no shard reported)') return runMetricData('bank', aggregateRun(plan, []));
  const recorder = new ShardRecorder(0);
  // health's SLA: p99 ≤ 250 ms.
  const latencyUs = outcome === 'met' ? 20_000 : 900_000;
  for (let i = 0; i < 3; i++) recorder.record(i, latencyUs, 200, undefined, 10);
  const shard = recorder.toResult({
    probeId: 'health',
    shard: 0,
    kind: 'latency',
    startedAt: '2026-11-30T06:00:00.000Z',
    durationMs: 100,
    generator: {
      intendedRequests: 3,
      sent: 3,
      lateSends: 0,
      queuedSends: 0,
      unsent: 0,
      eventLoopDelayP99Ms: 0,
    },
  });
  const run = aggregateRun(plan, [shard]);
  expect(run.validity.valid).toBe(true);
  expect(run.sla.passed).toBe(outcome === 'met');
  return runMetricData('bank', run);
}

describe('probe alarms keep their meaning with four metrics a check', () => {
  it('publishes at most four custom metrics for a latency check', () => {
    expect(publishedMetrics('latency').length).toBeLessThanOrEqual(4);
  });

  for (const outcome of Object.keys(BEFORE) as Outcome[]) {
    it(`sees a period with a run ${outcome} exactly as before, alarm by alarm`, () => {
      const data = published(outcome);
      for (const [kind, before] of Object.entries(BEFORE[outcome])) {
        const alarm = alarms[`perfprobe.bank.prod.probe.health.${kind}`]!;
        expect({ kind, datapoint: alarmDatapoint(alarm, data) }).toEqual({ kind, datapoint: before });
      }
    });
  }

  it('judges them as before: SLA M of N with missing ignored, cannot-measure K in a row, heartbeat missing breaching', () => {
    const common = {
      Threshold: 1,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    };
    expect(alarms['perfprobe.bank.prod.probe.health.sla']).toMatchObject({
      ...common,
      DatapointsToAlarm: 2,
      TreatMissingData: 'ignore',
    });
    expect(alarms['perfprobe.bank.prod.probe.health.cannot-measure']).toMatchObject({
      ...common,
      DatapointsToAlarm: 3,
      TreatMissingData: 'ignore',
    });
    expect(alarms['perfprobe.bank.prod.probe.health.heartbeat']).toMatchObject({
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('reads one metric per alarm, so each costs one alarm metric ($0.10), math or not', () => {
    for (const kind of ['sla', 'cannot-measure', 'heartbeat', 'store-failed']) {
      const alarm = alarms[`perfprobe.bank.prod.probe.health.${kind}`]!;
      const metrics = alarm.Metrics?.filter((m) => m.MetricStat !== undefined).length ?? 1;
      expect({ kind, metrics }).toEqual({ kind, metrics: 1 });
    }
  });
});
