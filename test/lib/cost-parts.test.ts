import { describe, expect, it } from 'vitest';
import { systemAlarmCount } from '../../functions/core/cloud/cost-model.ts';
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
});
