import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  GetMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { locationStackName } from '../../../../functions/core/cloud/deployed-locations.ts';
import { deployedNames, drillAlarmName } from '../../../../functions/core/cloud/deployed-suite.ts';
import { main } from '../../../../functions/local/cli.ts';
import { drillCommand } from '../../../../functions/local/commands/drill-command.ts';
import { textSink } from '../../../helpers/text-sink.ts';

/*
 * `perfprobe drill` against mocked CloudWatch, CloudWatch Logs, CloudFormation and SNS (no local server exists for
 * them): the exact requests, and each hop passed, failed (with AWS's error) or unknown (unreadable).
 */

const names = deployedNames('bank', 'prod');
const ALARM = drillAlarmName(names);
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:perfprobe-bank-prod-Alarms1234';
const TOPIC = 'perfprobe-bank-prod-Alarms1234';
const WATCH_TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:perfprobe-bank-prod-Watch5678';
const LOG_GROUP = '/aws/lambda/perfprobe-bank-prod-notifier';
const START = Date.UTC(2026, 11, 7, 22, 30, 20);

let dir: string;
let suitePath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drill-'));
  suitePath = join(dir, 'bank.ts');
  await writeFile(
    suitePath,
    `export default {
  name: 'bank',
  environments: { prod: { baseUrl: 'https://api.example.com' } },
  probes: [{ id: 'login', request: { url: '/login' } }],
};\n`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cloudWatch = mockClient(CloudWatchClient);
const logs = mockClient(CloudWatchLogsClient);
const cloudFormation = mockClient(CloudFormationClient);
const sns = mockClient(SNSClient);

afterEach(() => {
  cloudWatch.reset();
  logs.reset();
  cloudFormation.reset();
  sns.reset();
  vi.restoreAllMocks();
});

function stackWithOutputs(outputs: Record<string, string>) {
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: names.stack,
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}

const subscription = (topicArn: string, Protocol: string, Endpoint: string, confirmed = true) => ({
  TopicArn: topicArn,
  Protocol,
  Endpoint,
  SubscriptionArn: confirmed ? `${topicArn}:0f1e2d3c-aaaa-bbbb-cccc-${Protocol}` : 'PendingConfirmation',
});

/** The stack's outputs, and one confirmed email subscription on each topic (a test replaces them where it needs). */
function deployedStack() {
  stackWithOutputs({
    RunsTable: 'runs',
    AlarmTopic: TOPIC_ARN,
    WatchTopic: WATCH_TOPIC_ARN,
    DrillAlarm: ALARM,
    NotifierLogGroup: LOG_GROUP,
  });
  sns
    .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC_ARN })
    .resolves({ Subscriptions: [subscription(TOPIC_ARN, 'email', 'oncall@bank.example')] })
    .on(ListSubscriptionsByTopicCommand, { TopicArn: WATCH_TOPIC_ARN })
    .resolves({ Subscriptions: [subscription(WATCH_TOPIC_ARN, 'email', 'oncall@bank.example')] });
}

const historyItem = (to: string) => ({
  AlarmName: ALARM,
  Timestamp: new Date(START + 2_000),
  HistoryItemType: 'StateUpdate' as const,
  HistorySummary: `Alarm updated from OK to ${to}`,
  HistoryData: JSON.stringify({ oldState: { stateValue: 'OK' }, newState: { stateValue: to } }),
});

const logLine = (fields: Record<string, unknown>) => ({
  timestamp: START + 5_000,
  message: JSON.stringify({ level: 'INFO', service: 'perfprobe', alarm: ALARM, ...fields }),
});

const notified = logLine({
  message: 'notified',
  kind: 'drill',
  subject: 'DRILL bank/prod: paging path test, no action needed',
  messageId: 'm-1',
});

const deliveries = (delivered: number[], failed: number[]) => ({
  MetricDataResults: [
    { Id: 'delivered', Values: delivered, Timestamps: delivered.map(() => new Date(START)) },
    { Id: 'failed', Values: failed, Timestamps: failed.map(() => new Date(START)) },
  ],
});

/** The drill with the mocked clients and a clock that moves only when the drill waits. */
async function drill(wait = '1m') {
  let t = START;
  const out = textSink();
  const sleeps: number[] = [];
  const code = await drillCommand({
    suitePath,
    env: 'prod',
    region: 'eu-west-1',
    wait,
    out,
    clients: {
      cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }),
      logs: new CloudWatchLogsClient({ region: 'eu-west-1' }),
      cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
      sns: new SNSClient({ region: 'eu-west-1' }),
    },
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  });
  return { code, text: out.text(), sleeps };
}

/** "  passed   alarm history    2 delivered..." → "passed alarm history". */
const results = (text: string) =>
  text.split('\n').flatMap((l) => {
    const hop = /^ {2}(\S+)\s+(.+?) {2}/.exec(l);
    return hop ? [`${hop[1]} ${hop[2]}`] : [];
  });

describe('perfprobe drill', () => {
  it('passes every hop when the alarm changed, the notifier paged and SNS delivered, with the exact requests', async () => {
    deployedStack();
    cloudWatch.on(SetAlarmStateCommand).resolves({});
    cloudWatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [historyItem('ALARM')] });
    cloudWatch.on(GetMetricDataCommand).resolves(deliveries([2], [0]));
    logs.on(FilterLogEventsCommand).resolves({ events: [notified] });

    const { code, text, sleeps } = await drill();

    expect(code).toBe(0);
    expect(sleeps).toEqual([]);
    expect(results(text)).toEqual([
      'passed raised to ALARM',
      'passed alarm history',
      'passed notifier paged',
      'passed topic delivered',
      'passed subscriptions confirmed',
      'passed back to OK',
    ]);
    expect(text).toContain(
      'published "DRILL bank/prod: paging path test, no action needed" (SNS message m-1)',
    );
    expect(text).toContain(`2 delivered by ${TOPIC}, none failed`);
    expect(text).toContain(
      `confirmed: 1 on perfprobe-bank-prod-Alarms1234, 1 on perfprobe-bank-prod-Watch5678`,
    );
    expect(text).toMatch(/every hop passed: a page reaches on-call\n$/);
    expect(sns.commandCalls(ListSubscriptionsByTopicCommand).map((c) => c.args[0].input)).toEqual([
      { TopicArn: TOPIC_ARN, NextToken: undefined },
      { TopicArn: WATCH_TOPIC_ARN, NextToken: undefined },
    ]);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)[0]!.args[0].input).toEqual({
      StackName: names.stack,
    });
    expect(cloudWatch.commandCalls(SetAlarmStateCommand).map((c) => c.args[0].input)).toEqual([
      {
        AlarmName: ALARM,
        StateValue: 'ALARM',
        StateReason: 'perfprobe drill 2026-12-07T22:30:20.000Z: proving the paging path, nothing is broken',
      },
      { AlarmName: ALARM, StateValue: 'OK', StateReason: 'perfprobe drill 2026-12-07T22:30:20.000Z: over' },
    ]);
    expect(cloudWatch.commandCalls(DescribeAlarmHistoryCommand)[0]!.args[0].input).toEqual({
      AlarmName: ALARM,
      HistoryItemType: 'StateUpdate',
      StartDate: new Date(START),
      ScanBy: 'TimestampAscending',
    });
    expect(logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input).toEqual({
      logGroupName: LOG_GROUP,
      startTime: START,
      filterPattern: `{ $.alarm = "${ALARM}" }`,
    });
    const metric = (MetricName: string) => ({
      Namespace: 'AWS/SNS',
      MetricName,
      Dimensions: [{ Name: 'TopicName', Value: TOPIC }],
    });
    expect(cloudWatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input).toEqual({
      StartTime: new Date(Date.UTC(2026, 11, 7, 22, 30)),
      EndTime: new Date(Date.UTC(2026, 11, 7, 23, 30)),
      MetricDataQueries: [
        {
          Id: 'delivered',
          MetricStat: { Metric: metric('NumberOfNotificationsDelivered'), Period: 60, Stat: 'Sum' },
        },
        {
          Id: 'failed',
          MetricStat: { Metric: metric('NumberOfNotificationsFailed'), Period: 60, Stat: 'Sum' },
        },
      ],
    });
  });

  it('reads again until a late hop shows up, within the wait', async () => {
    deployedStack();
    cloudWatch.on(SetAlarmStateCommand).resolves({});
    cloudWatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [historyItem('ALARM')] });
    // SNS's metrics come a minute or two after the page.
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce(deliveries([], []))
      .resolvesOnce(deliveries([], []))
      .resolves(deliveries([1], [0]));
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: [] })
      .resolves({ events: [notified] });

    const { code, sleeps } = await drill('5m');

    expect(code).toBe(0);
    expect(sleeps).toEqual([15_000, 15_000]);
    // Each hop is read until it is final, then no more.
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(2);
    expect(cloudWatch.commandCalls(DescribeAlarmHistoryCommand)).toHaveLength(1);
    expect(cloudWatch.commandCalls(GetMetricDataCommand)).toHaveLength(3);
  });

  it('fails the delivery hop when SNS counted failed deliveries, and the notifier hop when it did not page', async () => {
    deployedStack();
    cloudWatch.on(SetAlarmStateCommand).resolves({});
    cloudWatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [historyItem('ALARM')] });
    cloudWatch.on(GetMetricDataCommand).resolves(deliveries([1, 0], [0, 3]));
    logs.on(FilterLogEventsCommand).resolves({
      events: [logLine({ message: 'not notified', why: 'OK -> ALARM: no such stack' })],
    });

    const { code, text } = await drill();

    expect(code).toBe(1);
    expect(results(text)).toEqual([
      'passed raised to ALARM',
      'passed alarm history',
      'failed notifier paged',
      'failed topic delivered',
      'passed subscriptions confirmed',
      'passed back to OK',
    ]);
    expect(text).toContain('not notified: OK -> ALARM: no such stack');
    expect(text).toContain(`3 deliveries of ${TOPIC} failed (1 delivered)`);
    expect(text).toMatch(/2 of 6 hops did not pass\n$/);
  });

  it('fails a hop that never showed within the wait, saying so', async () => {
    deployedStack();
    cloudWatch.on(SetAlarmStateCommand).resolves({});
    // Only the drill's own OK from an earlier drill: no change into ALARM.
    cloudWatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [historyItem('OK')] });
    cloudWatch.on(GetMetricDataCommand).resolves(deliveries([], []));
    logs.on(FilterLogEventsCommand).resolves({ events: [notified] });

    const { code, text, sleeps } = await drill('30s');

    expect(code).toBe(1);
    expect(sleeps).toEqual([15_000, 15_000]);
    expect(text).toMatch(/alarm history +no change into ALARM recorded: not seen within 30 s/);
    expect(text).toContain(`no delivery by ${TOPIC}: not seen within 30 s`);
  });

  it('says unknown, with the error, for a hop it could not read, and fails the rest of the path honestly', async () => {
    deployedStack();
    cloudWatch.on(SetAlarmStateCommand).resolves({});
    const denied = Object.assign(new Error('not authorized to perform: logs:FilterLogEvents'), {
      name: 'AccessDeniedException',
    });
    logs.on(FilterLogEventsCommand).rejects(denied);
    cloudWatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [historyItem('ALARM')] });
    cloudWatch.on(GetMetricDataCommand).resolves(deliveries([1], [0]));

    const { code, text } = await drill('30s');

    expect(code).toBe(1);
    expect(results(text)).toEqual([
      'passed raised to ALARM',
      'passed alarm history',
      'unknown notifier paged',
      'passed topic delivered',
      'passed subscriptions confirmed',
      'passed back to OK',
    ]);
    expect(text).toContain(
      'could not be read: AccessDeniedException: not authorized to perform: logs:FilterLogEvents',
    );
  });

  it('fails the first hop with the AWS error when the alarm cannot be set, and reads nothing after it', async () => {
    deployedStack();
    cloudWatch.on(SetAlarmStateCommand).rejects(
      Object.assign(new Error('not authorized to perform: cloudwatch:SetAlarmState'), {
        name: 'AccessDenied',
      }),
    );

    const { code, text } = await drill();

    expect(code).toBe(1);
    expect(results(text)).toEqual([
      'failed raised to ALARM',
      'unknown alarm history',
      'unknown notifier paged',
      'unknown topic delivered',
      'unknown subscriptions confirmed',
    ]);
    expect(text).toContain('AccessDenied: not authorized to perform: cloudwatch:SetAlarmState');
    expect(cloudWatch.commandCalls(DescribeAlarmHistoryCommand)).toHaveLength(0);
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(0);
  });

  it('fails the subscriptions hop for one pending confirmation on either topic, naming it (an HTTPS one by its host)', async () => {
    deployedStack();
    cloudWatch.on(SetAlarmStateCommand).resolves({});
    cloudWatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [historyItem('ALARM')] });
    cloudWatch.on(GetMetricDataCommand).resolves(deliveries([1], [0]));
    logs.on(FilterLogEventsCommand).resolves({ events: [notified] });
    // More than one page of subscriptions: the pending one is on the second.
    sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC_ARN, NextToken: undefined })
      .resolves({ Subscriptions: [subscription(TOPIC_ARN, 'email', 'oncall@bank.example')], NextToken: 'p2' })
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC_ARN, NextToken: 'p2' })
      .resolves({
        Subscriptions: [subscription(TOPIC_ARN, 'email', 'new-hire@bank.example', false)],
      })
      .on(ListSubscriptionsByTopicCommand, { TopicArn: WATCH_TOPIC_ARN })
      .resolves({
        Subscriptions: [
          subscription(
            WATCH_TOPIC_ARN,
            'https',
            'https://events.pagerduty.com/integration/KEY123/enqueue',
            false,
          ),
        ],
      });

    const { code, text } = await drill();

    expect(code).toBe(1);
    expect(results(text)).toContain('failed subscriptions confirmed');
    expect(text).toContain(
      '2 pending confirmation, so they receive nothing until confirmed (an email by the link AWS mailed, an endpoint by its SubscribeURL): email new-hire@bank.example on perfprobe-bank-prod-Alarms1234, https events.pagerduty.com on perfprobe-bank-prod-Watch5678',
    );
    expect(text).not.toContain('KEY123');
    expect(text).toMatch(/1 of 6 hops did not pass\n$/);
    expect(sns.commandCalls(ListSubscriptionsByTopicCommand)).toHaveLength(3);
  });

  it('fails the subscriptions hop when the alarm topic has none, and passes one without a watch topic output', async () => {
    cloudWatch.on(SetAlarmStateCommand).resolves({});
    cloudWatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [historyItem('ALARM')] });
    cloudWatch.on(GetMetricDataCommand).resolves(deliveries([1], [0]));
    logs.on(FilterLogEventsCommand).resolves({ events: [notified] });
    stackWithOutputs({ AlarmTopic: TOPIC_ARN, DrillAlarm: ALARM, NotifierLogGroup: LOG_GROUP });
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] });

    const none = await drill();

    expect(none.code).toBe(1);
    expect(none.text).toContain(
      'subscriptions confirmed  no subscription on perfprobe-bank-prod-Alarms1234: no page reaches anyone',
    );
    expect(sns.commandCalls(ListSubscriptionsByTopicCommand).map((c) => c.args[0].input.TopicArn)).toEqual([
      TOPIC_ARN,
    ]);

    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [subscription(TOPIC_ARN, 'email', 'oncall@bank.example')],
    });
    const one = await drill();

    expect(one.code).toBe(0);
    expect(one.text).toContain('confirmed: 1 on perfprobe-bank-prod-Alarms1234\n');
  });

  it('refuses, exit 2, a stack deployed without the drill outputs, naming them', async () => {
    stackWithOutputs({ RunsTable: 'runs', AlarmTopic: TOPIC_ARN });
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    const code = await main(['drill', suitePath, '--env', 'prod', '--region', 'eu-west-1']);

    expect(code).toBe(2);
    expect(stderr).toContain(
      `stack ${names.stack} in eu-west-1 has no DrillAlarm, NotifierLogGroup output: it was deployed by an older perfprobe`,
    );
    expect(cloudWatch.commandCalls(SetAlarmStateCommand)).toHaveLength(0);
  });

  it('runs from the command line and exits 0 when every hop passed', async () => {
    deployedStack();
    cloudWatch.on(SetAlarmStateCommand).resolves({});
    cloudWatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [historyItem('ALARM')] });
    cloudWatch.on(GetMetricDataCommand).resolves(deliveries([1], [0]));
    logs.on(FilterLogEventsCommand).resolves({ events: [notified] });
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });

    const code = await main(['drill', suitePath, '-e', 'prod', '--region', 'eu-west-1', '--wait', '1m']);

    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(`^drill ${ALARM.replaceAll('.', '\\.')} \\(stack ${names.stack}, eu-west-1\\)`),
    );
  });

  it('refuses a --wait it cannot use, naming the flag', async () => {
    await expect(drillCommand({ suitePath, env: 'prod', region: 'eu-west-1', wait: '2h' })).rejects.toThrow(
      '--wait: expected seconds (like 10) or a duration like "500ms", above 0 and at most 30m, got "2h"',
    );
  });
});

describe('perfprobe drill with several locations', () => {
  const LOCATIONS = ['eu-west-1', 'eu-central-1', 'us-east-1'];
  let locatedSuite: string;
  beforeAll(async () => {
    locatedSuite = join(dir, 'located.ts');
    await writeFile(
      locatedSuite,
      `export default ${JSON.stringify({
        name: 'bank',
        environments: { prod: { baseUrl: 'https://api.example.com', locations: LOCATIONS } },
        probes: [{ id: 'login', request: { url: '/login' } }],
      })};\n`,
    );
  });
  const home = locationStackName(names, 'eu-west-1');
  const central = locationStackName(names, 'eu-central-1');
  // Each location's drill alarm has the environment's one name: alarm names are per region.
  const CENTRAL_ALARM = ALARM;

  it("raises eu-central-1's drill alarm in its region and reads its page at home, from home's stack", async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: home })
      .resolves({
        Stacks: [
          {
            StackName: home,
            CreationTime: new Date(),
            StackStatus: 'UPDATE_COMPLETE',
            Outputs: [
              { OutputKey: 'AlarmTopic', OutputValue: TOPIC_ARN },
              { OutputKey: 'DrillAlarm', OutputValue: ALARM },
              { OutputKey: 'NotifierLogGroup', OutputValue: LOG_GROUP },
            ],
          },
        ],
      })
      .on(DescribeStacksCommand, { StackName: central })
      .resolves({
        Stacks: [
          {
            StackName: central,
            CreationTime: new Date(),
            StackStatus: 'UPDATE_COMPLETE',
            Outputs: [{ OutputKey: 'DrillAlarm', OutputValue: CENTRAL_ALARM }],
          },
        ],
      });
    sns
      .on(ListSubscriptionsByTopicCommand)
      .resolves({ Subscriptions: [subscription(TOPIC_ARN, 'email', 'oncall@bank.example')] });
    cloudWatch.on(SetAlarmStateCommand).resolves({});
    cloudWatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [historyItem('ALARM')] });
    cloudWatch.on(GetMetricDataCommand).resolves(deliveries([1], [0]));
    logs.on(FilterLogEventsCommand).resolves({ events: [notified] });
    const atHome = new CloudWatchClient({ region: 'eu-west-1' });
    const inCentral = new CloudWatchClient({ region: 'eu-central-1' });
    const out = textSink();

    const code = await drillCommand({
      suitePath: locatedSuite,
      env: 'prod',
      location: 'eu-central-1',
      wait: '1m',
      out,
      clients: {
        cloudWatch: atHome,
        logs: new CloudWatchLogsClient({ region: 'eu-west-1' }),
        cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
        sns: new SNSClient({ region: 'eu-west-1' }),
        location: {
          cloudWatch: inCentral,
          cloudFormation: new CloudFormationClient({ region: 'eu-central-1' }),
        },
      },
      now: () => START,
      sleep: async () => {},
    });

    expect(code).toBe(0);
    expect(out.text().split('\n')[0]).toBe(
      `drill ${CENTRAL_ALARM} (stack ${central}, eu-central-1; paged from ${home}, eu-west-1): up to 1m`,
    );
    const on = (command: Parameters<typeof cloudWatch.commandCalls>[0]) =>
      cloudWatch.commandCalls(command).map((c) => (c.thisValue === inCentral ? 'eu-central-1' : 'eu-west-1'));
    // The alarm is raised, read and lowered where it lives; SNS's deliveries are read at home.
    expect(on(SetAlarmStateCommand)).toEqual(['eu-central-1', 'eu-central-1']);
    expect(on(DescribeAlarmHistoryCommand)).toEqual(['eu-central-1']);
    expect(on(GetMetricDataCommand)).toEqual(['eu-west-1']);
    expect(cloudFormation.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.StackName)).toEqual([
      home,
      central,
    ]);
  });

  it('refuses --region with several locations and a location the environment does not name', async () => {
    await expect(drillCommand({ suitePath: locatedSuite, env: 'prod', region: 'eu-west-1' })).rejects.toThrow(
      '--region: prod runs in several locations (eu-west-1, eu-central-1, us-east-1), each stack in its own region: use --location',
    );
    await expect(
      drillCommand({ suitePath: locatedSuite, env: 'prod', location: 'ap-south-1' }),
    ).rejects.toThrow('--location: expected one of eu-west-1, eu-central-1, us-east-1, got "ap-south-1"');
  });
});
