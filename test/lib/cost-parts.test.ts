import { describe, expect, it } from 'vitest';
import { suiteFixedCost, systemAlarmCount } from '../../functions/core/cloud/cost-model.ts';
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
