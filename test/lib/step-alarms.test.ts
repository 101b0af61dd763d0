import { describe, expect, it } from 'vitest';
import { problemsOf } from '../functions/core/suite/suite-fixtures.ts';
import { deploySuiteInput, synthStack } from '../helpers/stacks.ts';
import { eventMatches } from './event-pattern.ts';

// A flow's per-step alarm: the step's own latency (a Step dimension, valid runs only), M of N like alert.latency,
// reaching on-call through the notifier's rule.
const flowProbe = (alert: Record<string, unknown>) => ({
  id: 'pay',
  steps: [
    { name: 'login', request: { method: 'POST', url: '/login' }, capture: { session: { json: '$.token' } } },
    {
      name: 'settled',
      request: { url: '/payments/1', headers: { authorization: 'Bearer ${session}' } },
      until: { json: { '$.status': 'settled' }, every: '250ms', timeout: '30s' },
    },
  ],
  load: { kind: 'burst', connections: 10, requests: 400 },
  schedule: 'rate(1 hour)',
  alert,
});

describe('per-step alarms of a flow', () => {
  it('alarms on the step latency with a Step dimension, routed to the notifier', () => {
    const input = deploySuiteInput();
    input.probes.push(flowProbe({ steps: { settled: { p95: '1500ms' } } }) as never);

    const { template } = synthStack(input);

    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      (a.Properties.Dimensions as { Name: string; Value: string }[] | undefined)?.some(
        (d) => d.Name === 'Step',
      ),
    );
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]!.Properties;
    const dimensions = alarm.Dimensions as { Name: string; Value: string }[];
    expect(Object.fromEntries(dimensions.map((d) => [d.Name, d.Value]))).toEqual({
      Suite: 'bank',
      Environment: 'prod',
      Probe: 'pay',
      Step: 'settled',
    });
    expect([alarm.MetricName, alarm.ExtendedStatistic, alarm.Threshold]).toEqual(['Latency', 'p95', 1500]);
    expect([alarm.DatapointsToAlarm, alarm.EvaluationPeriods]).toEqual([2, 3]);
    expect(alarm.AlarmName).toMatch(/\.probe\.pay\.step-settled-p95$/);
    const stateChange = {
      source: 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      detail: { alarmName: alarm.AlarmName },
    };
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules.filter((r) => eventMatches(r.Properties.EventPattern, stateChange))).toHaveLength(1);
  });

  it('refuses an unknown step, and per-step alarms on a probe with one request, naming the path', () => {
    const suite = (probe: Record<string, unknown>) => ({
      name: 's',
      environments: { prod: { baseUrl: 'https://api.example.com' } },
      probes: [probe],
    });

    expect(problemsOf(suite(flowProbe({ steps: { nope: { p95: 100 } } })))).toContainEqual(
      expect.stringMatching(/^probes\[0\]\.alert\.steps\.nope: unknown step "nope" \(the flow's steps: /),
    );
    expect(
      problemsOf(suite({ id: 'one', request: { url: '/' }, alert: { steps: { x: { p95: 100 } } } })),
    ).toEqual([
      'probes[0].alert.steps: expected per-step alarms only on a probe with steps, got a probe with one request',
    ]);
  });
});
