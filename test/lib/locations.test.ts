import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { systemAlarmCount } from '../../functions/core/cloud/cost-model.ts';
import { locationTables } from '../../functions/core/cloud/deployed-locations.ts';
import { deployedNames, deploySuite } from '../../functions/core/cloud/deployed-suite.ts';
import { stackEstimate } from '../../functions/core/cloud/stack-layout.ts';
import { validateSuite } from '../../functions/core/suite/validate-suite.ts';
import { type PerfprobeStack, perfprobeStacks, stackName } from '../../lib/perfprobe-stack.ts';
import { ProbeSuite } from '../../lib/probe-suite.ts';
import { deploySuiteInput } from '../helpers/stacks.ts';
import { authorizationPaths } from './authorization-paths.ts';
import { eventMatches } from './event-pattern.ts';
import type { TemplateJson } from './policy-evaluator.ts';

const ACCOUNT = '123456789012';
const LOCATIONS = ['eu-west-1', 'eu-central-1', 'us-east-1'];
const HOME_BUS = `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/default`;

/** The deploy suite with prod in three locations, and its load probe narrowed to home. */
function threeLocations() {
  const input = deploySuiteInput();
  Object.assign(input.environments.prod, { locations: LOCATIONS });
  Object.assign(input.probes[1]!, { locations: ['eu-west-1'] });
  return input;
}

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped.
type Json = any;

/** A CloudFormation value with the partition resolved (the stacks' account and regions are concrete). */
function resolved(value: Json): Json {
  if (typeof value === 'string') return value;
  if (value?.Ref === 'AWS::Partition') return 'aws';
  if (value?.['Fn::Join']) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map(resolved).join(separator);
  }
  return value;
}

function synthAll(input: unknown, options: { nag?: boolean; analyticsReporting?: boolean } = {}) {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [] },
    ...(options.analyticsReporting ? { analyticsReporting: true } : {}),
  });
  const stacks = perfprobeStacks(app, { suite: validateSuite(input), environment: 'prod', account: ACCOUNT });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Throws on any unacknowledged cdk-nag finding of any stack.
  app.synth();
  return stacks.map((stack) => ({ stack, template: Template.fromStack(stack) }));
}

/** Every resource of a type, as [logical id, resource]. */
function resources(template: Template, type: string): [string, Json][] {
  return Object.entries(template.findResources(type));
}

/** The statements of every inline policy attached to the role of that logical id. */
function roleStatements(template: Template, roleId: string): Json[] {
  return resources(template, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: Json) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

function alarmChange(alarmName: string, region: string, state = 'ALARM') {
  return {
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    region,
    account: ACCOUNT,
    detail: { alarmName, state: { value: state }, previousState: { value: 'OK' } },
  };
}

describe('an environment in three locations (synthesized with cdk-nag AwsSolutions)', () => {
  const synthesized = synthAll(threeLocations(), { nag: true });
  const byRegion = Object.fromEntries(synthesized.map((s) => [s.stack.region, s]));
  const home = byRegion['eu-west-1']!;
  const others = synthesized.filter((s) => s !== home);

  it('is one stack per location, in its region, named after the environment and the location', () => {
    const single = stackName('bank', 'prod');
    expect(synthesized.map((s) => [s.stack.stackName, s.stack.region, s.stack.account])).toEqual(
      LOCATIONS.map((l) => [`${single}-${l}`, l, ACCOUNT]),
    );
  });

  it('has exactly one AWS::SNS::Topic-holding stack: home, with the notifier and the dashboard', () => {
    const withTopics = synthesized.filter((s) => resources(s.template, 'AWS::SNS::Topic').length > 0);
    expect(withTopics.map((s) => s.stack.region)).toEqual(['eu-west-1']);
    home.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    home.template.hasResourceProperties('AWS::Lambda::Function', { Description: 'perfprobe notify' });
    for (const { template } of others) {
      template.resourceCountIs('AWS::SNS::Topic', 0);
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
      expect(
        resources(template, 'AWS::Lambda::Function').map(([, f]) => f.Properties.Description),
      ).not.toContain('perfprobe notify');
    }
  });

  it("forwards every other location's alarm state changes to home's default event bus, with a role that may only put events there", () => {
    for (const { template } of others) {
      const rules = resources(template, 'AWS::Events::Rule');
      expect(rules).toHaveLength(1);
      const [, rule] = rules[0]!;
      expect(rule.Properties.Targets).toHaveLength(1);
      const [target] = rule.Properties.Targets;
      expect(resolved(target.Arn)).toBe(HOME_BUS);
      const roleId = target.RoleArn['Fn::GetAtt'][0];
      expect(roleStatements(template, roleId)).toEqual([
        { Action: 'events:PutEvents', Effect: 'Allow', Resource: target.Arn },
      ]);
      const role = template.toJSON().Resources[roleId];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
        },
      ]);
      // What EventBridge cannot deliver is kept, in this region.
      expect(target.DeadLetterConfig.Arn['Fn::GetAtt'][1]).toBe('Arn');
      // This environment's alarms, the probes' and perfprobe's own; nobody else's.
      const pattern = rule.Properties.EventPattern;
      expect(eventMatches(pattern, alarmChange('perfprobe.bank.prod.probe.health.sla', 'us-east-1'))).toBe(
        true,
      );
      expect(eventMatches(pattern, alarmChange('perfprobe.bank.prod.system.plan-errors', 'us-east-1'))).toBe(
        true,
      );
      expect(eventMatches(pattern, alarmChange('perfprobe.bank.staging.probe.health.sla', 'us-east-1'))).toBe(
        false,
      );
      expect(eventMatches(pattern, alarmChange('perfprobe.bank2.prod.probe.health.sla', 'us-east-1'))).toBe(
        false,
      );
    }
  });

  it("lets home's notifier rule take the forwarded probe alarms (its pattern names no region)", () => {
    const [, notifierRule] = resources(home.template, 'AWS::Events::Rule').find(([id]) =>
      id.includes('AlarmStateChanges'),
    )!;
    const pattern = notifierRule.Properties.EventPattern;
    expect(pattern.region).toBeUndefined();
    for (const region of LOCATIONS) {
      expect(eventMatches(pattern, alarmChange('perfprobe.bank.prod.probe.health.sla', region))).toBe(true);
    }
  });

  it("publishes the other locations' machinery alarms to the topic directly (never through the notifier), home's own not twice", () => {
    const [, route] = resources(home.template, 'AWS::Events::Rule').find(([id]) =>
      id.includes('RemoteMachinery'),
    )!;
    const pattern = route.Properties.EventPattern;
    const machinery = 'perfprobe.bank.prod.system.checks-worker-errors';
    expect(eventMatches(pattern, alarmChange(machinery, 'eu-central-1'))).toBe(true);
    expect(eventMatches(pattern, alarmChange(machinery, 'us-east-1', 'OK'))).toBe(true);
    expect(
      eventMatches(pattern, alarmChange('perfprobe.bank.prod.probe.health.store-failed', 'us-east-1')),
    ).toBe(true);
    expect(
      eventMatches(pattern, alarmChange('perfprobe.bank.prod.system.forwarding-dead-letters', 'us-east-1')),
    ).toBe(true);
    // Home's machinery alarms publish to the topic themselves; the probes' verdicts are the notifier's.
    expect(eventMatches(pattern, alarmChange(machinery, 'eu-west-1'))).toBe(false);
    expect(eventMatches(pattern, alarmChange('perfprobe.bank.prod.probe.health.sla', 'us-east-1'))).toBe(
      false,
    );
    expect(eventMatches(pattern, alarmChange(machinery, 'us-east-1', 'INSUFFICIENT_DATA'))).toBe(false);
    const [target] = route.Properties.Targets;
    const [topicId] = resources(home.template, 'AWS::SNS::Topic').find(([id]) => id.includes('Alarms'))!;
    expect(target.Arn).toEqual({ Ref: topicId });
    expect(target.InputTransformer.InputPathsMap).toMatchObject({
      region: '$.region',
      'detail-alarmName': '$.detail.alarmName',
      'detail-state-value': '$.detail.state.value',
    });
    expect(target.InputTransformer.InputTemplate).toMatch(
      /^"perfprobe bank\/prod in <region>: <detail-alarmName> is <detail-state-value> \(was /,
    );
    const statements = roleStatements(home.template, target.RoleArn['Fn::GetAtt'][0]);
    expect(statements.map((s) => s.Action)).toEqual(['sns:Publish', ['kms:Decrypt', 'kms:GenerateDataKey*']]);
    expect(statements[0].Resource).toEqual({ Ref: topicId });
  });

  it("sends the schedules' dead-letter alarm to the notifier from home only (it peeks at home's queue); the others' to the topic", () => {
    const rules = resources(home.template, 'AWS::Events::Rule');
    const pattern = (part: string) => rules.find(([id]) => id.includes(part))![1].Properties.EventPattern;
    const alarm = 'perfprobe.bank.prod.system.schedule-dead-letters';
    const matching = (region: string) =>
      ['AlarmStateChanges', 'ScheduleDeadLetterChanges', 'RemoteMachinery'].filter((part) =>
        eventMatches(pattern(part), alarmChange(alarm, region)),
      );
    expect(matching('eu-west-1')).toEqual(['ScheduleDeadLetterChanges']);
    expect(matching('us-east-1')).toEqual(['RemoteMachinery']);
    expect(matching('eu-central-1')).toEqual(['RemoteMachinery']);
  });

  it('passes the authorization walk in every stack: alarms forwarded, the bus put, the topic published, its key used', () => {
    for (const { stack, template } of synthesized) {
      const env = { account: ACCOUNT, region: stack.region, partition: 'aws' };
      const paths = authorizationPaths(template.toJSON() as TemplateJson, env, stack.probes.deployed);
      expect(
        paths.filter((p) => p.problems.length > 0),
        stack.region,
      ).toEqual([]);
      const kinds = (pattern: RegExp) => paths.filter((p) => pattern.test(p.path)).length;
      if (stack === home.stack) {
        expect(kinds(/^rule \S*RemoteMachinery\S* → topic /)).toBe(1);
        expect(kinds(/^rule \S*RemoteMachinery\S* → key /)).toBe(2);
        expect(kinds(/ → arn:aws:events:/)).toBe(0);
      } else {
        // Every alarm without actions (all of them here) reaches home's bus through the forwarding rule.
        const alarms = resources(template, 'AWS::CloudWatch::Alarm').length;
        expect(kinds(new RegExp(`^alarm \\S+ → rule \\S+ → ${HOME_BUS}$`))).toBe(alarms);
        expect(kinds(new RegExp(`^rule \\S+ → ${HOME_BUS}$`))).toBe(1);
        expect(kinds(/^rule \S+: events\.amazonaws\.com assumes /)).toBe(1);
      }
    }
  });

  it('gives no alarm of another location an action (they have no topic): forwarding is their only way', () => {
    for (const { template } of others) {
      for (const [, alarm] of resources(template, 'AWS::CloudWatch::Alarm')) {
        expect(alarm.Properties.AlarmActions).toBeUndefined();
        expect(alarm.Properties.OKActions).toBeUndefined();
      }
    }
  });

  it('puts a probe narrowed to one location (accounts: home) only there: its schedule, alarms and runner', () => {
    const names = (template: Template) =>
      resources(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.AlarmName as string);
    expect(names(home.template).filter((n) => n.includes('.probe.accounts.')).length).toBeGreaterThan(0);
    for (const { template } of others) {
      expect(names(template).filter((n) => n.includes('.probe.accounts.'))).toEqual([]);
      expect(names(template)).toContain('perfprobe.bank.prod.probe.health.sla');
      // Only the checks' runner: the load probe's worker and state machine stay home.
      template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
      template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    }
    home.template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
  });

  it("tells each location's functions where they run (PERFPROBE_LOCATION, its index, the list)", () => {
    LOCATIONS.forEach((location, index) => {
      const { template } = byRegion[location]!;
      const functions = resources(template, 'AWS::Lambda::Function').map(([, f]) => f.Properties);
      expect(functions.length).toBeGreaterThanOrEqual(3);
      for (const fn of functions) {
        expect(fn.Environment.Variables).toMatchObject({
          PERFPROBE_LOCATION: location,
          PERFPROBE_LOCATION_INDEX: String(index),
          PERFPROBE_LOCATIONS: LOCATIONS.join(','),
        });
      }
    });
  });

  it("names every location's runs table, and lets home's notifier read (never write) the others' runs and probe alarms", () => {
    const tables = Object.fromEntries(
      synthesized.map(({ stack, template }) => {
        const [[, table]] = resources(template, 'AWS::DynamoDB::Table') as [[string, Json]];
        return [stack.region, table.Properties.TableName as string];
      }),
    );
    expect(tables).toEqual(
      Object.fromEntries(LOCATIONS.map((l) => [l, `${stackName('bank', 'prod')}-${l}-runs`])),
    );
    const [, notifier] = resources(home.template, 'AWS::Lambda::Function').find(
      ([, f]) => f.Properties.Description === 'perfprobe notify',
    )!;
    expect(JSON.parse(notifier.Properties.Environment.Variables.PERFPROBE_RUNS_TABLES)).toEqual(tables);
    // What the readers of every location's runs compute without the stacks (the notifier, the CLI).
    expect(
      locationTables(deploySuite(validateSuite(threeLocations()), 'prod'), deployedNames('bank', 'prod')),
    ).toEqual(LOCATIONS.map((l) => ({ location: l, region: l, table: tables[l] })));
    const statements = roleStatements(home.template, notifier.Properties.Role['Fn::GetAtt'][0]);
    for (const location of ['eu-central-1', 'us-east-1']) {
      const onTable = statements.filter(
        (s) => resolved(s.Resource) === `arn:aws:dynamodb:${location}:${ACCOUNT}:table/${tables[location]}`,
      );
      expect(onTable.map((s) => s.Action)).toEqual([['dynamodb:Query', 'dynamodb:GetItem']]);
      const onAlarms = statements.filter((s) =>
        String(resolved(s.Resource)).startsWith(`arn:aws:cloudwatch:${location}:`),
      );
      expect(onAlarms.map((s) => [s.Action, resolved(s.Resource)])).toEqual([
        [
          'cloudwatch:DescribeAlarms',
          `arn:aws:cloudwatch:${location}:${ACCOUNT}:alarm:perfprobe.bank.prod.probe.*`,
        ],
      ]);
    }
  });

  it("draws each probe's lines on home's dashboard from every location it runs in (cross-region widgets)", () => {
    const [[, board]] = resources(home.template, 'AWS::CloudWatch::Dashboard') as [[string, Json]];
    const body = JSON.stringify(board.Properties.DashboardBody);
    for (const location of LOCATIONS) {
      expect(body).toContain(`{\\"label\\":\\"p99 ${location}\\",\\"region\\":\\"${location}\\"`);
    }
  });
});

describe("perfprobe cost's own alarms per location, against the synthesized stacks", () => {
  it("counts each stack's machinery, drill and forwarding alarms as systemAlarmCount does", () => {
    const input = threeLocations();
    const deployed = deploySuite(validateSuite(input), 'prod');
    for (const { stack, template } of synthAll(input)) {
      const own = resources(template, 'AWS::CloudWatch::Alarm')
        .map(([, a]) => a.Properties.AlarmName as string)
        .filter((n) => /\.system\.|\.drill$/.test(n));
      expect(systemAlarmCount(deployed, stack.region), stack.region).toBe(own.length);
    }
  });
});

describe("validate's estimate of each location's stack", () => {
  it('counts the resources exactly and errs high on bytes by at most 10 %', () => {
    const input = threeLocations();
    const deployed = deploySuite(validateSuite(input), 'prod');
    for (const { stack, template } of synthAll(input, { analyticsReporting: true })) {
      const json = template.toJSON() as { Resources: Record<string, unknown> };
      const bytes = Buffer.byteLength(JSON.stringify(json, undefined, 1));
      const estimate = stackEstimate(deployed, stack.region);
      expect(estimate.resources, stack.region).toBe(Object.keys(json.Resources).length);
      expect(estimate.templateBytes, stack.region).toBeGreaterThanOrEqual(bytes);
      expect(estimate.templateBytes, stack.region).toBeLessThanOrEqual(bytes * 1.1);
    }
  });
});

describe('an environment with one location', () => {
  it("is one stack under the environment's own name, in that region, forwarding nothing", () => {
    const input = deploySuiteInput();
    Object.assign(input.environments.prod, { locations: ['eu-central-1'] });
    const [only, ...rest] = synthAll(input) as [{ stack: PerfprobeStack; template: Template }];
    expect(rest).toEqual([]);
    expect(only.stack.stackName).toBe(stackName('bank', 'prod'));
    expect(only.stack.region).toBe('eu-central-1');
    only.template.resourceCountIs('AWS::SNS::Topic', 2);
    expect(resources(only.template, 'AWS::Events::Rule').map(([id]) => id)).not.toContainEqual(
      expect.stringMatching(/Forwarding|RemoteMachinery/),
    );
  });
});

describe('a ProbeSuite given a location', () => {
  const stackIn = (region: string) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    return new Stack(app, `s-${region}`, { env: { account: ACCOUNT, region } });
  };

  it("refuses one that is none of the environment's, naming them", () => {
    expect(
      () =>
        new ProbeSuite(stackIn('ap-south-1'), 'Probes', {
          suite: validateSuite(threeLocations()),
          environment: 'prod',
          location: 'ap-south-1',
        }),
    ).toThrow(
      'perfprobe bank/prod: location "ap-south-1" is none of the environment\'s locations (eu-west-1, eu-central-1, us-east-1)',
    );
  });

  it('refuses a customer-managed key with several locations (a key is regional)', () => {
    const stack = stackIn('eu-west-1');
    expect(
      () =>
        new ProbeSuite(stack, 'Probes', {
          suite: validateSuite(threeLocations()),
          environment: 'prod',
          encryptionKey: new Key(stack, 'Key', { enableKeyRotation: true }),
        }),
    ).toThrow(/encryptionKey with several locations \(eu-west-1, eu-central-1, us-east-1\) is not supported/);
  });
});
