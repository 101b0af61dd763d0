import { describe, expect, it } from 'vitest';
import { PRICES } from '../../functions/core/cloud/aws-prices.ts';
import { probeMonthlyCost, suiteFixedCost, systemAlarmCount } from '../../functions/core/cloud/cost-model.ts';
import { deploySuiteInput, synthStack } from '../helpers/stacks.ts';

describe("perfprobe cost's per-environment parts against the synthesized template", () => {
  for (const [label, warn] of [
    ['without warn-level subscribers', false],
    ['with warn-level subscribers (a third topic)', true],
  ] as const) {
    it(`prices as many of perfprobe's own alarms and topic keys as the stack has (${label})`, () => {
      const input = deploySuiteInput();
      if (warn)
        (input.environments.prod.notify as Record<string, unknown>).warn = { email: ['perf@example.com'] };
      const { stack, template } = synthStack(input);
      const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
        (a) => a.Properties.AlarmName as string,
      );
      const own = names.filter((n) => /\.system\.|\.drill$/.test(n));

      expect(systemAlarmCount(stack.probes.deployed)).toBe(own.length);
      // The topics' keys: one per topic.
      expect(Object.keys(template.findResources('AWS::KMS::Key'))).toHaveLength(warn ? 3 : 2);
    });
  }

  for (const dashboard of [true, false]) {
    it(`prices the dashboard exactly when the stack has one (environments.prod.dashboard: ${dashboard})`, () => {
      const input = deploySuiteInput();
      (input.environments.prod as Record<string, unknown>).dashboard = dashboard;
      const { stack, template } = synthStack(input);
      const boards = Object.keys(template.findResources('AWS::CloudWatch::Dashboard')).length;
      const priced = suiteFixedCost(stack.probes.deployed).filter((l) => l.item === 'CloudWatch dashboard');

      expect(boards).toBe(dashboard ? 1 : 0);
      expect(priced).toHaveLength(boards);
    });
  }
});

describe("perfprobe cost's SLO lines against the synthesized template", () => {
  it('prices every metric the burn alarms read and every composite the stack deploys', () => {
    const input = deploySuiteInput();
    Object.assign(input.probes[0]!, {
      slo: { window: '30d', availability: '99.9%', latency: { threshold: '300ms', target: '99%' } },
    });
    const { stack, template } = synthStack(input);
    const burnAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      String(a.Properties.AlarmName).includes('.probe.health.burn-'),
    );
    const metrics = burnAlarms.reduce(
      (n, a) => n + (a.Properties.Metrics as { MetricStat?: unknown }[]).filter((m) => m.MetricStat).length,
      0,
    );
    const composites = Object.keys(template.findResources('AWS::CloudWatch::CompositeAlarm')).length;

    const lines = probeMonthlyCost(stack.probes.deployed.probes.health!, 90).lines;
    const line = (item: string) => lines.find((l) => l.item === item);
    // 12 window alarms, each reading one percentile rank of SloOutcome; 6 composites.
    expect([burnAlarms.length, metrics, composites]).toEqual([12, 12, 6]);
    expect(line('CloudWatch SLO burn alarms')?.usd).toBeCloseTo(metrics * PRICES.alarmMonth.usd, 9);
    expect(line('CloudWatch SLO composite alarms')?.usd).toBeCloseTo(
      composites * PRICES.compositeAlarmMonth.usd,
      9,
    );
    // The metric the burn alarms read is published by the probe with the SLO only.
    expect(line('CloudWatch custom metrics')?.basis).toContain('SloOutcome');
    const other = probeMonthlyCost(stack.probes.deployed.probes.accounts!, 90).lines;
    expect(other.map((l) => l.item)).not.toContain('CloudWatch SLO burn alarms');
    expect(other.find((l) => l.item === 'CloudWatch custom metrics')?.basis).not.toContain('SloOutcome');
  });
});
