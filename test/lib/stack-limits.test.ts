import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { stackEstimate } from '../../functions/core/cloud/deploy-checks.ts';
import { checkResourceCount, templateSizeProblems } from '../../lib/stack-limits.ts';
import { deploySuiteInput, synthStack } from '../helpers/stacks.ts';

/**
 * The deploy tests' suite plus `count` latency probes with long ids and URLs (the texts that recur), and
 * subscribers of warn-level notices (a topic of their own).
 */
function suiteOf(count: number, name = 'bank') {
  const input = { ...deploySuiteInput(), name };
  (input.environments.prod.notify as Record<string, unknown>).warn = { email: ['perf-team@example.com'] };
  for (let i = 0; i < count; i++) {
    input.probes.push({
      id: `items-with-a-rather-long-probe-identifier-${i}`,
      request: { url: `/v1/customers/accounts/items/${i}/details?expand=balances` },
      schedule: 'rate(5 minutes)',
      load: { kind: 'latency', requests: 3, interval: '1s' },
    } as never);
  }
  return input;
}

describe("deploy-checks' stack estimate against the synthesized template", () => {
  for (const [label, input] of [
    ['the deploy suite', deploySuiteInput()],
    ['30 more probes, long names', suiteOf(30, 'a-suite-with-a-long-name')],
  ] as const) {
    it(`counts the resources exactly and errs high on bytes by at most 10 % (${label})`, () => {
      const { stack, template } = synthStack(input);
      const json = template.toJSON() as { Resources: Record<string, unknown> };
      // As `cdk synth` writes it: one-space indent.
      const bytes = Buffer.byteLength(JSON.stringify(json, undefined, 1));
      const estimate = stackEstimate(stack.probes.deployed);
      expect(estimate.resources).toBe(Object.keys(json.Resources).length);
      expect(estimate.templateBytes).toBeGreaterThanOrEqual(bytes);
      expect(estimate.templateBytes).toBeLessThanOrEqual(bytes * 1.1);
      const dashboard = JSON.stringify(
        Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0],
      );
      expect(estimate.dashboardWidgets).toBe(dashboard.match(/\\"type\\":\\"(metric|text)\\"/g)?.length);
    });
  }
});

describe('synth-time limits on the real stack', () => {
  it('refuses a stack over 500 resources at synth, with the count', () => {
    const app = new App();
    const stack = new Stack(app, 'Big');
    for (let i = 0; i < 501; i++) new CfnResource(stack, `Topic${i}`, { type: 'AWS::SNS::Topic' });
    checkResourceCount(stack, 'big.ts');
    expect(() => app.synth()).toThrow(
      /big\.ts: the stack has 501 resources, more than CloudFormation's limit of 500: split the suite/,
    );
  });

  it('measures the written template and refuses one over 1 MB, with its size', () => {
    const app = new App();
    const stack = new Stack(app, 'Wordy');
    new CfnResource(stack, 'Parameter', {
      type: 'AWS::SSM::Parameter',
      properties: { Type: 'String', Value: 'x'.repeat(1_100_000) },
    });
    const assembly = app.synth();
    const written = readFileSync(join(assembly.directory, 'Wordy.template.json')).length;
    expect(templateSizeProblems(assembly)).toEqual([
      `the template of Wordy has ${written.toLocaleString('en-US')} bytes, more than CloudFormation's limit of 1,048,576: split the suite into several suite files (each deploys its own stack), e.g. one per team or API`,
    ]);
  });
});
