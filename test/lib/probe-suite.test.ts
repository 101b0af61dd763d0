import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { type CfnKey, Key } from 'aws-cdk-lib/aws-kms';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { probeAlarmCount } from '../../functions/core/cloud/alert-policy.ts';
import { checkGroups } from '../../functions/core/cloud/check-groups.ts';
import { SuiteValidationError, validateSuite } from '../../functions/core/suite/validate-suite.ts';
import { PerfprobeStack } from '../../lib/perfprobe-stack.ts';
import { ProbeSuite, type ProbeSuiteProps } from '../../lib/probe-suite.ts';
import { deploySuiteInput, synthDefaultStack, synthStack } from '../helpers/stacks.ts';
import { renderDefinition } from '../helpers/state-machine-definition.ts';
import { eventMatches } from './event-pattern.ts';

/** The template with what changes on every code edit (asset hashes) replaced, for the snapshot. */
function stripAssetHashes(template: unknown): unknown {
  return JSON.parse(
    JSON.stringify(template)
      .replace(/[0-9a-f]{64}(\.zip)?/g, '<asset-hash>')
      // A Lambda version's logical id carries a hash of the function's code.
      .replace(/CurrentVersion[0-9A-F]{8}[0-9a-f]{32}/g, 'CurrentVersion<hash>'),
  );
}

describe('ProbeSuite template', () => {
  const { stack, template } = synthDefaultStack();

  it('matches the snapshot (asset hashes stripped)', () => {
    expect(stripAssetHashes(template.toJSON())).toMatchSnapshot();
  });

  it("has a load's own schedule (probe id) and one per group of checks (group key), with the scheduled time, never retried, with a dead-letter queue", () => {
    const schedules = template.findResources('AWS::Scheduler::Schedule');
    expect(Object.keys(schedules)).toHaveLength(2);
    // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON.
    const byTarget: Record<string, any> = Object.fromEntries(
      Object.values(schedules).map((s) => {
        const input = JSON.parse(s.Properties.Target.Input);
        return [input.probeId ?? input.checks, s.Properties];
      }),
    );
    const [group] = checkGroups(stack.probes.deployed);
    expect(group!.probeIds).toEqual(['health']);
    expect(Object.keys(byTarget).sort()).toEqual(['accounts', group!.key].sort());
    // The scheduled time keys Plan's lease: a duplicate (at-least-once) execution sends no load.
    expect(JSON.parse(byTarget.accounts.Target.Input)).toEqual({
      probeId: 'accounts',
      scheduledTime: '<aws.scheduler.scheduled-time>',
    });
    expect(JSON.parse(byTarget[group!.key].Target.Input)).toEqual({
      checks: group!.key,
      scheduledTime: '<aws.scheduler.scheduled-time>',
    });
    for (const props of Object.values(byTarget)) {
      expect(props.Target.RetryPolicy.MaximumRetryAttempts).toBe(0);
      expect(props.Target.DeadLetterConfig.Arn).toBeDefined();
    }
    expect(byTarget[group!.key].ScheduleExpression).toBe('rate(1 minute)');
    expect(byTarget.accounts.ScheduleExpression).toBe('cron(0 * * * ? *)');
    expect(byTarget.accounts.ScheduleExpressionTimezone).toBe('Europe/Berlin');
  });

  it('runs small probes on Express state machines whose every task has a timeout', () => {
    // One for latency checks (small worker), one for load (full-vCPU worker).
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
    const machines = template.findResources('AWS::StepFunctions::StateMachine', {
      Properties: {
        StateMachineType: 'EXPRESS',
        // X-Ray only when the environment asks (tracing: true).
        TracingConfiguration: { Enabled: false },
        LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
      },
    });
    expect(Object.keys(machines)).toHaveLength(2);
    const [, machine] = Object.entries(machines).find(([id]) => id.includes('LoadRuns'))!;
    const definition = renderDefinition(machine.Properties.DefinitionString) as {
      StartAt: string;
      TimeoutSeconds: number;
      States: Record<string, Record<string, unknown>>;
    };
    expect(definition.StartAt).toBe('Plan');
    expect(definition.TimeoutSeconds).toBe(300);
    const map = definition.States.Shards as {
      ItemProcessor: { States: Record<string, Record<string, unknown>> };
    };
    const tasks = { ...definition.States, ...map.ItemProcessor.States };
    for (const name of ['Plan', 'Worker', 'Aggregate']) {
      expect(tasks[name]?.Type).toBe('Task');
      expect(tasks[name]?.TimeoutSeconds).toBeGreaterThan(0);
      // Only Lambda's own service errors are retried: a worker failure never turns into extra load.
      expect(tasks[name]?.Retry).toEqual([
        expect.objectContaining({
          ErrorEquals: [
            'Lambda.ServiceException',
            'Lambda.AWSLambdaException',
            'Lambda.SdkClientException',
            'Lambda.TooManyRequestsException',
          ],
          JitterStrategy: 'FULL',
        }),
      ]);
    }
    expect(tasks.Worker?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'ShardLost' },
    ]);
    expect(definition.States.Shards).toMatchObject({ Type: 'Map', ItemsPath: '$.tasks', MaxConcurrency: 6 });
  });

  it('alarms per probe: M of N breached periods (missing ignored) and a heartbeat (missing is breaching)', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const named = (name: string) => alarms.find((a) => a.AlarmName === name);
    const healthBreach = named('perfprobe.bank.prod.probe.health.sla');
    // The SLA part of the Verdict (see VERDICT_EXPRESSIONS; test/lib/probe-alarm-meaning.test.ts evaluates it).
    const verdict = (expression: string) => [
      expect.objectContaining({ Expression: expression, ReturnData: true }),
      {
        Id: 'verdict',
        MetricStat: {
          Metric: {
            Namespace: 'Perfprobe',
            MetricName: 'Verdict',
            Dimensions: [
              { Name: 'Environment', Value: 'prod' },
              { Name: 'Probe', Value: 'health' },
              { Name: 'Suite', Value: 'bank' },
            ],
          },
          Period: 60,
          Stat: 'Maximum',
        },
        ReturnData: false,
      },
    ];
    expect(healthBreach).toMatchObject({
      Metrics: verdict('IF(verdict < 2, verdict)'),
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
    });
    expect(named('perfprobe.bank.prod.probe.health.cannot-measure')?.Metrics).toEqual(
      verdict('IF(verdict >= 2, 1, 0)'),
    );
    const periodOf = (name: string) => named(name)?.Metrics?.[1]?.MetricStat?.Period;
    expect(periodOf('perfprobe.bank.prod.probe.accounts.sla')).toBe(3600);
    expect(named('perfprobe.bank.prod.probe.accounts.sla')).toMatchObject({
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
    expect(named('perfprobe.bank.prod.probe.health.heartbeat')).toMatchObject({
      MetricName: 'Requests',
      Statistic: 'SampleCount',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(named('perfprobe.bank.prod.probe.accounts.heartbeat')).toMatchObject({
      Period: 3600,
      EvaluationPeriods: 2,
    });
    for (const alarm of alarms.filter((a) => a.Namespace === 'Perfprobe')) {
      expect(alarm.Dimensions).toContainEqual({ Name: 'Suite', Value: 'bank' });
    }
    for (const alarm of alarms.filter((a) => a.Metrics !== undefined)) {
      for (const m of alarm.Metrics.filter((x: { MetricStat?: unknown }) => x.MetricStat)) {
        expect(m.MetricStat.Metric.Dimensions).toContainEqual({ Name: 'Suite', Value: 'bank' });
      }
    }
    expect(healthBreach?.AlarmDescription).toContain('broke in 2 of the last 3 periods of 1m');
    expect(named('perfprobe.bank.prod.probe.health.heartbeat')?.AlarmDescription).toContain(
      'no run completed in the last 3 periods of 1m',
    );
  });

  it('pages "cannot measure" when a probe\'s runs are invalid K periods in a row (K = missedRuns)', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const named = (name: string) => alarms.find((a) => a.AlarmName === name);
    const health = named('perfprobe.bank.prod.probe.health.cannot-measure');
    // The cannot-measure part of the Verdict: 1 for an invalid run, 0 for a valid one, missing without a run.
    expect(health?.Metrics?.[0]).toMatchObject({ Expression: 'IF(verdict >= 2, 1, 0)' });
    expect(health).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'ignore',
    });
    expect(health?.AlarmDescription).toMatch(
      /^probe prod\/health \(suite bank\) cannot measure: its runs were invalid for 3 periods of 1m in a row/,
    );
    expect(health?.Metrics?.[1]?.MetricStat?.Period).toBe(60);
    expect(named('perfprobe.bank.prod.probe.accounts.cannot-measure')?.Metrics?.[1]?.MetricStat?.Period).toBe(
      3600,
    );
    expect(named('perfprobe.bank.prod.probe.accounts.cannot-measure')).toMatchObject({
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
  });

  it('judges alert.latency M of N periods like the SLA, on the latency only valid runs publish', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const p99 = alarms.find((a) => a.AlarmName === 'perfprobe.bank.prod.probe.accounts.latency-p99');
    expect(p99).toMatchObject({
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 400,
      Period: 3600,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'ignore',
    });
    expect(p99?.AlarmDescription).toContain('in 3 of the last 5 periods of 1h');
  });

  it('raises "perfprobe itself is failing" for dead letters, failed or timed-out executions and failed stores', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const named = (name: string) => alarms.find((a) => a.AlarmName === name);
    expect(named('perfprobe.bank.prod.system.schedule-dead-letters')).toMatchObject({
      Namespace: 'AWS/SQS',
      // Each new dead letter fires again: depth would stay in alarm from the first message on.
      MetricName: 'NumberOfMessagesSent',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    for (const runner of ['checks', 'load']) {
      expect(named(`perfprobe.bank.prod.system.${runner}-executions-failed`)).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Statistic: 'Sum',
        Threshold: 1,
      });
      expect(named(`perfprobe.bank.prod.system.${runner}-executions-timed-out`)).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsTimedOut',
      });
    }
    expect(named('perfprobe.bank.prod.probe.health.store-failed')).toMatchObject({
      MetricName: 'StoreFailed',
      Statistic: 'Maximum',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    for (const alarm of alarms.filter((a) => /\.system\.|store-failed/.test(a.AlarmName))) {
      expect(alarm.AlarmDescription).toMatch(/^perfprobe itself is failing/);
    }
  });

  it("sends perfprobe's own alarms to the topic, and the probes' verdicts through the notifier, each described whole", () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    // 2 probes × (SLA, heartbeat, cannot measure, store failed) + 1 latency + DLQ + 2 machines × 2 + Errors and
    // Throttles of Plan, Aggregate, 2 workers and the notifier + the notifier's dead letters + 2 topics ×
    // (delivery failed, dead letters) + the drill alarm.
    expect(alarms).toHaveLength(30);
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic')).find(
      (id) => !id.includes('Watch'),
    );
    const watchId = Object.keys(template.findResources('AWS::SNS::Topic')).find((id) => id.includes('Watch'));
    for (const alarm of alarms) {
      expect(alarm.AlarmDescription.length).toBeLessThanOrEqual(1024);
      expect(alarm.AlarmName.startsWith('perfprobe.bank.prod.')).toBe(true);
      if (/\.system\.(notifier|alarms)-/.test(alarm.AlarmName)) {
        // The notifier's and the alarm topic's own failures: by the watch's topic, which shares neither.
        expect(alarm.AlarmActions).toEqual([{ Ref: watchId }]);
        expect(alarm.OKActions).toEqual(alarm.AlarmActions);
      } else if (/\.system\.|store-failed$/.test(alarm.AlarmName)) {
        // Straight to the topic: a broken notifier must still page.
        expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
        expect(alarm.OKActions).toEqual(alarm.AlarmActions);
      } else {
        // The rule on state changes carries these (test/lib/authorization-paths.test.ts walks the route).
        expect(alarm.AlarmActions).toBeUndefined();
        expect(alarm.OKActions).toBeUndefined();
      }
    }
  });

  it('creates a drill alarm that only `perfprobe drill` raises, routed through the notifier, and names it in the outputs', () => {
    const [drillId, drill] = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).find(
      ([, a]) => a.Properties.AlarmName === 'perfprobe.bank.prod.drill',
    )!;
    // A metric nothing publishes, missing data no breach: never raised but by a drill, and back to OK by itself.
    expect(drill.Properties).toMatchObject({
      Namespace: 'Perfprobe',
      MetricName: 'Drill',
      Dimensions: [
        { Name: 'Environment', Value: 'prod' },
        { Name: 'Suite', Value: 'bank' },
      ],
      TreatMissingData: 'notBreaching',
    });
    expect(drill.Properties.AlarmActions).toBeUndefined();
    const [rule] = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.EventPattern !== undefined,
    );
    expect(rule!.Properties.EventPattern.detail.alarmName).toContain('perfprobe.bank.prod.drill');
    template.hasOutput('DrillAlarm', { Value: { Ref: drillId } });
    const [logsId] = Object.keys(template.findResources('AWS::Logs::LogGroup')).filter((id) =>
      id.includes('NotifierFunctionLogs'),
    );
    template.hasOutput('NotifierLogGroup', { Value: { Ref: logsId } });
  });

  it("routes the schedules' dead-letter alarm both to the topic and through the rule, and lets the notifier peek at the queue", () => {
    const name = 'perfprobe.bank.prod.system.schedule-dead-letters';
    const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
    const [queueId] = Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) =>
      id.includes('ScheduleDeadLetters'),
    );
    const [functionId, notifier] = Object.entries(template.findResources('AWS::Lambda::Function')).find(
      ([id]) => id.includes('NotifierFunction'),
    )!;
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(
      (a) => a.Properties.AlarmName === name,
    )!;
    const [rule] = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.EventPattern !== undefined,
    );
    const stateChange = (alarmName: string) => ({
      source: 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      detail: { alarmName },
    });

    // Directly: a broken notifier still pages.
    expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
    // And through the rule, to the notifier, which adds what the dead letters say.
    expect(rule!.Properties.EventPattern.detail.alarmName).toContain(name);
    expect(rule!.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
    expect(eventMatches(rule!.Properties.EventPattern, stateChange(name))).toBe(true);
    // No other system alarm: those pages are CloudWatch's own text, their descriptions say the fix.
    for (const other of ['notifier-errors', 'notifier-dead-letters', 'checks-executions-failed']) {
      expect(
        eventMatches(rule!.Properties.EventPattern, stateChange(`perfprobe.bank.prod.system.${other}`)),
      ).toBe(false);
    }
    expect(notifier.Properties.Environment.Variables.SCHEDULE_DEAD_LETTERS).toEqual({ Ref: queueId });
    // The peek only: ReceiveMessage, on that queue (SSE-SQS: an SQS-owned key, nothing to decrypt with).
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const sqs = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:Receive')));
    expect(sqs).toEqual([
      { Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    ]);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    expect(template.findResources('AWS::SQS::Queue')[queueId!]!.Properties.KmsMasterKeyId).toBeUndefined();
  });

  it('outputs a read-only policy for on-call (Query the table, find it, nothing more) and a separate one for silences only', () => {
    const [tableId] = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    const policies = Object.entries(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(2);
    const [readId, read] = policies.find(([id]) => id.includes('OnCallReadRuns'))!;
    expect(read.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } },
      { Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } },
    ]);
    // Writing a silence is a write: its own policy, limited to the environment's silences partition.
    const [silenceId, silence] = policies.find(([id]) => id.includes('OnCallSilence'))!;
    expect(silence.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['prod#.silences'] } },
      },
      { Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } },
    ]);
    for (const [id, policy] of [
      [readId, read],
      [silenceId, silence],
    ] as const) {
      expect(policy.Properties.Roles).toBeUndefined();
      template.hasOutput('*', { Value: { Ref: id } });
    }
    // Fixed output keys: `perfprobe runs` and `silence` find the table by the key RunsTable in the stack's outputs.
    template.hasOutput('OnCallReadRunsPolicy', { Value: { Ref: readId } });
    template.hasOutput('OnCallSilencePolicy', { Value: { Ref: silenceId } });
    template.hasOutput('RunsTable', { Value: { Ref: tableId } });
  });

  it('re-checks open incidents every 5 minutes: a schedule rule invoking the notifier, retried, dead-lettered', () => {
    const [queueId] = Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) =>
      id.includes('NotifierDeadLetters'),
    );
    const [functionId] = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) =>
      id.includes('NotifierFunction'),
    );
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 2 },
        },
      ],
    });
  });

  it('delivers alarm state changes to the notifier with retries and a dead-letter queue at both hops', () => {
    const [queueId] = Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) =>
      id.includes('NotifierDeadLetters'),
    );
    const [functionId] = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) =>
      id.includes('NotifierFunction'),
    );
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
      },
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 },
        },
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('stores runs on demand with the documented keys, TTL, point-in-time recovery and encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('sends alarms to a KMS-encrypted, TLS-only topic with the suite subscriptions', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/perfprobe',
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('deploys functions on nodejs22.x arm64 without X-Ray unless the environment asks; the load worker gets a full vCPU', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties);
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      // No TracingConfig: Lambda's default, PassThrough (no trace of its own).
      expect(fn.TracingConfig).toBeUndefined();
    }
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    for (const m of machines) expect(m.Properties.TracingConfiguration).toEqual({ Enabled: false });
    // tracing: true turns X-Ray on for every function and state machine of the environment.
    const input = deploySuiteInput();
    (input.environments.prod as Record<string, unknown>).tracing = true;
    const traced = synthStack(input).template;
    for (const f of Object.values(traced.findResources('AWS::Lambda::Function'))) {
      expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
    for (const m of Object.values(traced.findResources('AWS::StepFunctions::StateMachine'))) {
      expect(m.Properties.TracingConfiguration).toEqual({ Enabled: true });
    }
    expect(functions.map((f) => f.MemorySize).sort()).toEqual([1769, 256, 256, 256, 512]);
  });

  it('moves runs beyond five minutes or 40 shards to a Standard state machine with a Distributed Map', () => {
    const input = deploySuiteInput();
    input.probes.push({
      id: 'soak',
      request: { url: '/accounts' },
      schedule: 'rate(1 day)',
      load: { kind: 'rate', rate: 100, duration: '1m' } as never,
      shards: 50,
      sla: { p99: 500 },
    } as never);
    const { template: withSoak } = synthStack(input);
    withSoak.resourceCountIs('AWS::StepFunctions::StateMachine', 3);
    const machines = Object.values(withSoak.findResources('AWS::StepFunctions::StateMachine'));
    const standard = machines.find((m) => m.Properties.StateMachineType === 'STANDARD');
    expect(JSON.stringify(standard?.Properties.DefinitionString)).toContain('DISTRIBUTED');
  });

  it('refuses a percentile alarm the samples per interval cannot support, saying what to change', () => {
    const input = deploySuiteInput();
    (input.probes[0] as Record<string, unknown>).alert = { latency: { p99: '300ms' } };
    expect(() => synthStack(input)).toThrow(SuiteValidationError);
    try {
      synthStack(input);
    } catch (error) {
      expect((error as SuiteValidationError).problems).toEqual([
        {
          path: 'probes[0].alert.latency.p99',
          message: expect.stringMatching(
            /^p99 needs at least 1,000 samples an interval, and this probe is sure of only 3 per run: send more requests per run/,
          ),
        },
      ]);
    }
  });

  it('lets each worker read exactly the secrets its probes reference', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    const reads = policies.filter((s) => JSON.stringify(s.Resource).includes('parameter/bank/prod/token'));
    // Both workers (checks and load) run probes that use ${token}.
    expect(reads).toHaveLength(2);
    for (const statement of reads) {
      expect(statement.Action).toBe('ssm:GetParameter');
      expect(JSON.stringify(statement.Resource)).toContain(
        ':ssm:eu-west-1:123456789012:parameter/bank/prod/token',
      );
    }
  });

  it('names a kill switch parameter it does not own (an update cannot reset it), read by Plan and the notifier only', () => {
    // CloudFormation would put a parameter it owns back to its template value on an update: the stack only names it.
    expect(template.findResources('AWS::SSM::Parameter')).toEqual({});
    const arn = ':parameter/perfprobe/bank/prod/kill-switch"';
    const readers = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([, fn]) => fn.Properties.Environment?.Variables?.KILL_SWITCH_PARAMETER !== undefined,
    );
    expect(readers.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual([
      'ProbesPlan',
      'ProbesNotifierFunction',
    ]);
    for (const [, fn] of readers) {
      expect(fn.Properties.Environment.Variables.KILL_SWITCH_PARAMETER).toBe(
        '/perfprobe/bank/prod/kill-switch',
      );
    }
    const granted = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes(arn),
    );
    expect(
      granted.map((p) => JSON.stringify(p.Properties.Roles).match(/Probes(Plan|Notifier)/)?.[1]),
    ).toEqual(['Plan', 'Notifier']);
  });

  it('refuses env: secret references for a deployed environment, naming the variable', () => {
    const input = deploySuiteInput();
    input.environments.prod.variables.token.secret = 'env:BANK_TOKEN';
    expect(() => synthStack(input)).toThrow(
      /environments\.prod\.variables\.token: "env:BANK_TOKEN" resolves only where `perfprobe run` runs/,
    );
  });

  it('refuses a schedule whose runs would overlap (twice the load on the target)', () => {
    const input = deploySuiteInput();
    (input.probes[1] as Record<string, unknown>).alert = { interval: '1m' };
    expect(() => synthStack(input)).toThrow(
      /probes\[1\]\.schedule: a run may send load for up to .* not less than the 1m between runs: runs would overlap/,
    );
  });

  it('refuses a cron schedule without an alert interval, naming the field', () => {
    const input = deploySuiteInput();
    delete (input.probes[1] as Record<string, unknown>).alert;
    expect(() => synthStack(input)).toThrow(/probes\[1\]\.alert\.interval: expected the time between runs/);
  });
});

describe('the paging path, watched (from the synthesized template)', () => {
  const { template } = synthDefaultStack();
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON.
  const resources = (type: string): [string, any][] => Object.entries(template.findResources(type));
  const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const topics = resources('AWS::SNS::Topic').map(([id]) => id);
  const mainTopic = topics.find((id) => !id.includes('Watch'))!;

  it('gives every subscription a dead-letter queue, and HTTPS ones a delivery policy that outlasts a short outage', () => {
    const subscriptions = resources('AWS::SNS::Subscription').map(([, s]) => s.Properties);
    // On-call's email and https endpoint, on the alarm topic and (by default) on the watch's topic.
    expect(subscriptions).toHaveLength(4);
    for (const subscription of subscriptions) {
      expect(subscription.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][1]).toBe('Arn');
      if (subscription.Protocol === 'https') {
        const retry = subscription.DeliveryPolicy.healthyRetryPolicy;
        expect(retry.numRetries).toBeGreaterThan(3);
        // SNS refuses a policy whose retries take longer than an hour in total.
        const backoff =
          retry.numRetries - retry.numNoDelayRetries - retry.numMinDelayRetries - retry.numMaxDelayRetries;
        expect(
          retry.numMinDelayRetries * retry.minDelayTarget +
            backoff * retry.maxDelayTarget +
            retry.numMaxDelayRetries * retry.maxDelayTarget,
        ).toBeLessThanOrEqual(3_600);
      } else {
        expect(subscription.DeliveryPolicy).toBeUndefined();
      }
    }
  });

  it("logs every topic's HTTP(S) delivery status", () => {
    for (const [, topic] of resources('AWS::SNS::Topic')) {
      expect(topic.Properties.DeliveryStatusLogging).toEqual([
        expect.objectContaining({ Protocol: 'http/s', FailureFeedbackRoleArn: expect.anything() }),
      ]);
    }
  });

  it("alarms on failed deliveries and on the subscriptions' dead letters by another topic than the one watched", () => {
    const failed = alarms.filter((a) => a.MetricName === 'NumberOfNotificationsFailed');
    expect(failed.length).toBe(2);
    const watching = (alarm: { Dimensions: { Value: { 'Fn::GetAtt': string[] } }[] }) =>
      alarm.Dimensions[0]!.Value['Fn::GetAtt'][0];
    for (const alarm of failed) {
      expect(alarm.AlarmActions).toHaveLength(1);
      expect(alarm.AlarmActions[0].Ref).not.toBe(watching(alarm));
    }
    const onMain = failed.find((a) => watching(a) === mainTopic)!;
    expect(onMain.AlarmActions[0].Ref).toMatch(/Watch/);
    const [watchKey] = resources('AWS::KMS::Key').filter(([id]) => id.includes('Watch'));
    const [watchTopic] = resources('AWS::SNS::Topic').filter(([id]) => id.includes('Watch'));
    const [mainTopicResource] = resources('AWS::SNS::Topic').filter(([id]) => id === mainTopic);
    // Its own key: a disabled or edited key of the main topic cannot silence it.
    expect(watchTopic![1].Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [watchKey![0], 'Arn'] });
    expect(mainTopicResource![1].Properties.KmsMasterKeyId).not.toEqual(
      watchTopic![1].Properties.KmsMasterKeyId,
    );
  });

  it('alarms on Errors and Throttles of every function of the stack, worded as perfprobe failing', () => {
    const functions = resources('AWS::Lambda::Function');
    expect(functions).toHaveLength(5);
    for (const [id] of functions) {
      for (const metric of ['Errors', 'Throttles']) {
        const alarm = alarms.find(
          (a) =>
            a.Namespace === 'AWS/Lambda' &&
            a.MetricName === metric &&
            JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: id } }]),
        );
        expect(alarm, `${metric} of ${id}`).toMatchObject({ Threshold: 1, TreatMissingData: 'notBreaching' });
        expect(alarm.AlarmDescription).toMatch(
          /^perfprobe itself is failing \(bank\/prod\): .* (failed|throttled) /,
        );
        expect(alarm.AlarmActions).toHaveLength(1);
      }
    }
  });

  it("reserves the notifier's concurrency", () => {
    const [, notifier] = resources('AWS::Lambda::Function').find(
      ([, f]) => f.Properties.Description === 'perfprobe notify',
    )!;
    expect(notifier.Properties.ReservedConcurrentExecutions).toBeGreaterThan(0);
  });

  it('alarms on dead letters by the messages sent, never by the depth (the depth is on the dashboard)', () => {
    const queues = alarms.filter((a) => a.Namespace === 'AWS/SQS');
    // The schedules', the notifier's, and the two topics' subscriptions' dead-letter queues.
    expect(queues).toHaveLength(4);
    for (const alarm of queues) expect(alarm.MetricName).toBe('NumberOfMessagesSent');
    expect(alarms.some((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toBe(false);
    const [, dashboard] = resources('AWS::CloudWatch::Dashboard')[0]!;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(body).toContain('perfprobe itself: function errors and throttles');
    expect(body).toContain('ApproximateNumberOfMessagesVisible');
  });

  it('keeps every published function version through a deploy, and the state machines call only those', () => {
    const versions = resources('AWS::Lambda::Version');
    // Plan, Aggregate and the two workers: the versions the state machines call.
    expect(versions).toHaveLength(4);
    for (const [, version] of versions) {
      expect(version.DeletionPolicy).toBe('Retain');
      expect(version.UpdateReplacePolicy).toBe('Retain');
    }
    const versionIds = new Set(versions.map(([id]) => id));
    const functionIds = new Set(resources('AWS::Lambda::Function').map(([id]) => id));
    for (const [, machine] of resources('AWS::StepFunctions::StateMachine')) {
      const parts = machine.Properties.DefinitionString['Fn::Join'][1] as unknown[];
      const refs = parts.flatMap((part) =>
        typeof part === 'object' && part !== null && 'Ref' in part ? [(part as { Ref: string }).Ref] : [],
      );
      const called = refs.filter((id) => versionIds.has(id) || functionIds.has(id));
      // Plan, Worker, ShardLost (the worker again) and Aggregate: every one a retained version.
      expect(called).toHaveLength(4);
      for (const id of called) expect(versionIds.has(id), id).toBe(true);
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  function nagged(addToStack?: (stack: Stack) => void) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new PerfprobeStack(app, 'perfprobe-bank-prod', {
      suite: validateSuite(deploySuiteInput()),
      environment: 'prod',
    });
    addToStack?.(stack);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    return () => app.synth();
  }

  it('passes with zero unacknowledged findings', () => {
    expect(nagged()).not.toThrow();
  });

  it('passes in a stack with a concrete account and region, with a customer-managed key for the table, logs and queues', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'perfprobe-bank-prod', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const input = deploySuiteInput();
    // Acknowledgements that name an ARN: a Secrets Manager secret, a key under an alias, DescribeAlarms, logs.
    input.environments.prod.variables = {
      token: { secret: 'ssm:/bank/prod/token' },
      signing: { secret: 'secretsmanager:bank/prod/signing#kms=alias/bank-secrets' },
    } as never;
    input.defaults.headers = { authorization: 'Bearer ${token}', 'x-signing': '${signing}' } as never;
    const key = new Key(stack, 'BankKey', { enableKeyRotation: true });
    new ProbeSuite(stack, 'Probes', { suite: validateSuite(input), environment: 'prod', encryptionKey: key });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();

    const template = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as CfnKey), 'Arn'] };
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
    });
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.length).toBeGreaterThan(0);
    for (const group of logGroups) expect(group.Properties.KmsKeyId).toEqual(keyArn);
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(4);
    for (const queue of queues) expect(queue.Properties.KmsMasterKeyId).toEqual(keyArn);
  });

  it('does fail on an unacknowledged finding (the check is live)', () => {
    expect(nagged((stack) => new Queue(stack, 'Unencrypted'))).toThrow(/AwsSolutions-SQS4/);
  });
});

describe('regulated accounts', () => {
  function synthWith(extra: (stack: Stack) => Partial<ProbeSuiteProps>) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const env = { account: '123456789012', region: 'eu-west-1' };
    const shared = new Stack(app, 'Shared', { env });
    // The construct on its own, in a stack of the user's (as a bank's platform team would use it).
    const stack = new Stack(app, 'perfprobe-bank-prod', { env });
    new ProbeSuite(stack, 'Probes', {
      suite: validateSuite(deploySuiteInput()),
      environment: 'prod',
      ...extra(shared),
    });
    return { app, template: Template.fromStack(stack) };
  }

  it('logs each function only to its own log group: no AWSLambdaBasicExecutionRole', () => {
    const { template } = synthDefaultStack();
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(JSON.stringify(roles)).not.toContain('AWSLambdaBasicExecutionRole');
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    for (const fn of functions) {
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
      const statements = policies
        .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap((p) => p.Properties.PolicyDocument.Statement);
      const logs = statements.filter((s) => JSON.stringify(s.Action).includes('logs:'));
      expect(logs).toEqual([
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        },
      ]);
    }
  });

  it('puts a permissions boundary on every role it creates', () => {
    const { template } = synthWith((scope) => ({
      permissionsBoundary: ManagedPolicy.fromManagedPolicyName(scope, 'Boundary', 'bank-boundary'),
    }));
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    // Five functions (with the notifier), two state machines, the schedules, SNS's delivery logs of two topics.
    expect(roles).toHaveLength(10);
    for (const role of roles) {
      expect(JSON.stringify(role.Properties.PermissionsBoundary)).toContain(':policy/bank-boundary');
    }
  });

  it('places only the workers in the VPC, in the subnets and security groups given, with ENI rights inline', () => {
    const { template } = synthWith((scope) => {
      const vpc = new Vpc(scope, 'Vpc', { maxAzs: 2, natGateways: 0 });
      const group = new SecurityGroup(scope, 'Egress', { vpc, allowAllOutbound: false });
      return {
        vpc,
        subnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
        securityGroups: [group],
      };
    });
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
    const placed = functions.filter(([, f]) => f.Properties.VpcConfig !== undefined).map(([id]) => id);
    expect(placed.sort()).toEqual([
      expect.stringMatching(/ChecksWorker/),
      expect.stringMatching(/LoadWorker/),
    ]);
    for (const [id, fn] of functions.filter(([id]) => placed.includes(id))) {
      expect(fn.Properties.VpcConfig.SubnetIds).toHaveLength(2);
      expect(JSON.stringify(fn.Properties.VpcConfig.SecurityGroupIds)).toContain('Egress');
      expect(id).toMatch(/Worker/);
    }
    const eni = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('ec2:CreateNetworkInterface'),
    );
    expect(eni).toHaveLength(2);
  });

  it('still passes cdk-nag with workers in a VPC, every acknowledgement with its reason', () => {
    const { app } = synthWith((scope) => ({ vpc: new Vpc(scope, 'Vpc', { maxAzs: 2, natGateways: 0 }) }));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    // The shared stack's VPC is not ours to judge: only the probes' stack is checked.
    expect(() => app.synth()).not.toThrow(/perfprobe-bank-prod/);
  });
});

describe('budget and names', () => {
  it("reserves each worker's concurrency for the shards its probes run at once", () => {
    const { template } = synthDefaultStack();
    const workers = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([id]) => id.includes('Worker'))
      .map(([id, f]) => [
        id.replace(/^Probes(\w+?)Worker.*$/, '$1'),
        f.Properties.ReservedConcurrentExecutions,
      ]);
    expect(Object.fromEntries(workers)).toEqual({ Checks: 1, Load: 6 });
  });

  it('deploys a 64-character suite name with a 32-character environment (names shortened or hashed as needed)', () => {
    const input = deploySuiteInput() as Record<string, unknown>;
    input.name = 's'.repeat(64);
    input.environments = { ['e'.repeat(32)]: (input.environments as { prod: unknown }).prod };
    const { template } = synthStack(input, 'e'.repeat(32));
    const [topic] = Object.values(template.findResources('AWS::SNS::Topic'));
    expect(topic?.Properties.DisplayName).toHaveLength(100);
  });

  it('gives two suites with the same environment and probe ids no shared metric, alarm or name', () => {
    const names = (suite: string) => {
      const { stack, template } = synthStack({ ...deploySuiteInput(), name: suite });
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
      return {
        stack: stack.probes.names.stack,
        alarms: alarms.map((a) => a.AlarmName as string),
        metrics: [
          ...alarms
            .filter((a) => a.Namespace === 'Perfprobe')
            .map((a) => JSON.stringify([a.MetricName, a.Dimensions])),
          // The metric-math alarms' (the Verdict's parts).
          ...alarms
            .flatMap((a) => a.Metrics ?? [])
            .filter(
              (m: { MetricStat?: { Metric: { Namespace: string } } }) =>
                m.MetricStat?.Metric.Namespace === 'Perfprobe',
            )
            .map((m: { MetricStat: { Metric: { MetricName: string; Dimensions: unknown } } }) =>
              JSON.stringify([m.MetricStat.Metric.MetricName, m.MetricStat.Metric.Dimensions]),
            ),
        ],
        other: [
          ...Object.values(template.findResources('AWS::SSM::Parameter')).map((p) => p.Properties.Name),
          ...Object.values(template.findResources('AWS::CloudWatch::Dashboard')).map(
            (d) => d.Properties.DashboardName,
          ),
        ],
      };
    };
    const a = names('pay');
    const b = names('pay-eu');
    expect(a.stack).not.toBe(b.stack);
    for (const key of ['alarms', 'metrics', 'other'] as const) {
      expect(a[key].length).toBeGreaterThan(0);
      expect(a[key].filter((x) => b[key].includes(x))).toEqual([]);
    }
  });
});

describe('alarm count', () => {
  it('is what alert-policy says a probe deploys (the cost model and the stack estimate count it)', () => {
    const { stack } = synthDefaultStack();
    for (const [id, alarms] of Object.entries(stack.probes.alarms)) {
      expect(alarms.all()).toHaveLength(probeAlarmCount(stack.probes.deployed.probes[id]!));
    }
  });
});

describe('certificate expiry alarm', () => {
  const input = deploySuiteInput();
  const [health, accounts] = input.probes as Record<string, unknown>[];
  // accounts declares a critical certDaysLeft; health only a warn one (which pages nobody, so no alarm).
  accounts!.sla = { p95: { warn: 200, critical: 500 }, certDaysLeft: { warn: 30, critical: 7 } };
  health!.sla = { p99: 250, errorRate: 0, certDaysLeft: { warn: 30 } };
  const { stack, template } = synthStack(input);
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);

  it('exists only for the probe that declares a critical certDaysLeft, below its critical days, one period, missing data ignored', () => {
    const cert = alarms.filter((a) => String(a.AlarmName).endsWith('.cert-expiry'));

    expect(cert).toHaveLength(1);
    expect(cert[0]).toMatchObject({
      AlarmName: 'perfprobe.bank.prod.probe.accounts.cert-expiry',
      Namespace: 'Perfprobe',
      MetricName: 'CertDaysLeft',
      Dimensions: expect.arrayContaining([{ Name: 'Probe', Value: 'accounts' }]),
      Statistic: 'Minimum',
      Period: 3600,
      Threshold: 7,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'ignore',
    });
    // Through the notifier, like every probe verdict.
    expect(cert[0]?.AlarmActions).toBeUndefined();
    expect(cert[0]?.AlarmDescription).toContain('fewer than 7 days left (sla.certDaysLeft critical 7)');
    expect(stack.probes.alarms.accounts?.all()).toHaveLength(
      probeAlarmCount(stack.probes.deployed.probes.accounts!),
    );
  });

  it("leaves certDaysLeft out of the SLA alarm's description: its own alarm pages it", () => {
    const sla = alarms.find((a) => a.AlarmName === 'perfprobe.bank.prod.probe.accounts.sla');

    expect(sla?.AlarmDescription).toContain('a critical SLA (p95 ≤ 500)');
  });

  it('reaches the notifier through the alarm state rule', () => {
    const [rule] = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.EventPattern !== undefined,
    );
    const stateChange = (alarmName: string) => ({
      source: 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      detail: { alarmName },
    });

    expect(
      eventMatches(
        rule!.Properties.EventPattern,
        stateChange('perfprobe.bank.prod.probe.accounts.cert-expiry'),
      ),
    ).toBe(true);
  });
});
