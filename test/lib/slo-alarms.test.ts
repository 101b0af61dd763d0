import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { validateSuite } from '../../functions/core/suite/validate-suite.ts';
import { PerfprobeStack } from '../../lib/perfprobe-stack.ts';
import { deploySuiteInput, synthStack } from '../helpers/stacks.ts';
import { eventMatches } from './event-pattern.ts';

interface Query {
  readonly Id: string;
  readonly Expression?: string;
  readonly ReturnData?: boolean;
  readonly MetricStat?: {
    readonly Metric: { readonly MetricName: string; readonly Dimensions: { Name: string; Value: string }[] };
    readonly Period: number;
    readonly Stat: string;
  };
}

const SLO = { window: '30d', availability: '99.9%', latency: { threshold: '50ms', target: '99%' } };

function synthWithSlo(schedule = 'rate(1 minute)') {
  const input = deploySuiteInput();
  Object.assign(input.probes[0]!, { slo: SLO, schedule });
  const { template } = synthStack(input);
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties as Record<string, unknown>,
  );
  const byName = (suffix: string) => {
    const found = alarms.filter((a) => String(a.AlarmName).endsWith(`.probe.health.${suffix}`));
    expect(found, suffix).toHaveLength(1);
    return found[0]!;
  };
  const composites = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm')).map(
    (a) => a.Properties as Record<string, unknown>,
  );
  return { template, alarms, byName, composites };
}

/** The alarm's metric math: its expression, and each metric's name, statistic and period. */
function mathOf(alarm: Record<string, unknown>) {
  const queries = alarm.Metrics as Query[];
  const expression = queries.find((q) => q.ReturnData !== false)!;
  const metrics = Object.fromEntries(
    queries
      .filter((q) => q.MetricStat)
      .map((q) => [q.Id, [q.MetricStat!.Metric.MetricName, q.MetricStat!.Stat, q.MetricStat!.Period]]),
  );
  return {
    expression: expression.Expression,
    metrics,
    threshold: alarm.Threshold,
    comparison: alarm.ComparisonOperator,
    evaluationPeriods: alarm.EvaluationPeriods,
    missing: alarm.TreatMissingData,
  };
}

describe('SLO burn-rate alarms', () => {
  const { template, alarms, byName, composites } = synthWithSlo();

  it("alarms on the failed share of the valid runs' requests ÷ the budget over the workbook windows: 14.4× in 1 h and 5 min", () => {
    // SloOutcome at or under 2.5: good and slow requests, every success; invalid runs publish none.
    expect(mathOf(byName('burn-availability-fast-long'))).toEqual({
      expression: '(100 - good) / 100 / 0.001',
      metrics: { good: ['SloOutcome', 'PR(:2.5)', 3_600] },
      threshold: 14.4,
      comparison: 'GreaterThanThreshold',
      evaluationPeriods: 1,
      missing: 'notBreaching',
    });
    expect(mathOf(byName('burn-availability-fast-short')).metrics).toEqual({
      good: ['SloOutcome', 'PR(:2.5)', 300],
    });
  });

  it('pages on 6× over 6 h confirmed over 30 min, and notices 1× over 3 days confirmed over 6 h', () => {
    const periods = (suffix: string) => {
      const math = mathOf(byName(suffix));
      return [math.threshold, math.metrics.good?.[2]];
    };
    expect(periods('burn-availability-slow-long')).toEqual([6, 21_600]);
    expect(periods('burn-availability-slow-short')).toEqual([6, 1_800]);
    expect(periods('burn-availability-budget-long')).toEqual([1, 259_200]);
    expect(periods('burn-availability-budget-short')).toEqual([1, 21_600]);
  });

  it('reads the latency burn from the share of good requests: SloOutcome at or under 1.5, successful within 50 ms', () => {
    expect(mathOf(byName('burn-latency-fast-long'))).toEqual({
      expression: '(100 - good) / 100 / 0.01',
      metrics: { good: ['SloOutcome', 'PR(:1.5)', 3_600] },
      threshold: 14.4,
      comparison: 'GreaterThanThreshold',
      evaluationPeriods: 1,
      missing: 'notBreaching',
    });
  });

  it("keeps every window within CloudWatch's evaluation limits (1 day under hourly periods, 7 days from hourly)", () => {
    const windows = alarms.filter((a) => String(a.AlarmName).includes('.burn-'));
    expect(windows).toHaveLength(12);
    for (const alarm of windows) {
      const period = (alarm.Metrics as Query[]).find((q) => q.MetricStat)!.MetricStat!.Period;
      const total = period * (alarm.EvaluationPeriods as number);
      expect(period % 60).toBe(0);
      expect(total).toBeLessThanOrEqual(period < 3_600 ? 86_400 : 604_800);
    }
  });

  it('pages through a composite of both windows, which only the notifier rule hears', () => {
    expect(composites).toHaveLength(6);
    const fast = composites.find((c) => String(c.AlarmName).endsWith('.probe.health.slo-availability-fast'))!;
    const long = byName('burn-availability-fast-long').AlarmName;
    const short = byName('burn-availability-fast-short').AlarmName;
    const logicalId = (name: unknown) =>
      Object.entries(template.findResources('AWS::CloudWatch::Alarm')).find(
        ([, a]) => a.Properties.AlarmName === name,
      )![0];
    // (ALARM("<long's ARN>") AND ALARM("<short's ARN>")), the ARNs by reference.
    expect(fast.AlarmRule).toEqual({
      'Fn::Join': [
        '',
        [
          '(ALARM("',
          { 'Fn::GetAtt': [logicalId(long), 'Arn'] },
          '") AND ALARM("',
          { 'Fn::GetAtt': [logicalId(short), 'Arn'] },
          '"))',
        ],
      ],
    });
    expect(fast.AlarmActions).toBeUndefined();
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    const heard = (alarmName: unknown) =>
      rules.filter((r) =>
        eventMatches(r.Properties.EventPattern, {
          source: 'aws.cloudwatch',
          'detail-type': 'CloudWatch Alarm State Change',
          detail: { alarmName },
        }),
      ).length;
    expect(composites.map((c) => heard(c.AlarmName))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(heard(long)).toBe(0);
    expect(heard(short)).toBe(0);
  });

  it('stretches a short window to the interval, so it always holds a run', () => {
    const tenMinutes = synthWithSlo('rate(10 minutes)');
    expect(mathOf(tenMinutes.byName('burn-availability-fast-short')).metrics.good?.[2]).toBe(600);
    expect(mathOf(tenMinutes.byName('burn-availability-fast-long')).metrics.good?.[2]).toBe(3_600);
  });

  it('passes cdk-nag AwsSolutions with the burn alarms and composites in the stack', () => {
    const input = deploySuiteInput();
    Object.assign(input.probes[0]!, { slo: SLO });
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new PerfprobeStack(app, 'perfprobe-bank-prod', { suite: validateSuite(input), environment: 'prod' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).not.toThrow();
  });
});
