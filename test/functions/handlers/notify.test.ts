import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createIncidentStore,
  type IncidentStore,
  incidentPartitionKey,
} from '../../../functions/adapters/dynamo-incident-store.ts';
import { createLeaseStore } from '../../../functions/adapters/dynamo-run-lease.ts';
import { createRunStore, type RunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import { createShardStore } from '../../../functions/adapters/dynamo-shard-store.ts';
import { createSilenceStore } from '../../../functions/adapters/dynamo-silence-store.ts';
import { forgetKillSwitch, killSwitchState } from '../../../functions/adapters/kill-switch.ts';
import { clearSecretCache } from '../../../functions/adapters/secrets.ts';
import type { DeployedSuite } from '../../../functions/core/cloud/deployed-suite.ts';
import type { MetricDatum } from '../../../functions/core/cloud/metric-data.ts';
import { RUN_KEYS } from '../../../functions/core/cloud/run-record.ts';
import type { AlarmStateChangeEvent } from '../../../functions/core/notify/alarm-event.ts';
import { formatSpan } from '../../../functions/core/notify/figures.ts';
import { createAggregateHandler } from '../../../functions/handlers/aggregate.ts';
import {
  createNotifyHandler,
  type NotifyDependencies,
  type NotifyOutcome,
} from '../../../functions/handlers/notify.ts';
import type { TickOutcome } from '../../../functions/handlers/notify-tick.ts';
import { createPlanHandler } from '../../../functions/handlers/plan.ts';
import { createWorkerHandler } from '../../../functions/handlers/worker.ts';
import { type AlarmProperties, alarmDatapoint } from '../../helpers/alarm-datapoint.ts';
import { runResult } from '../../helpers/run-results.ts';
import { httpServer, type Running } from '../../helpers/servers.ts';
import { deploySuiteInput, synthStack } from '../../helpers/stacks.ts';
import { renderDefinition } from '../../helpers/state-machine-definition.ts';
import { executeRun } from './execute-run.ts';
import { type LocalRunsTable, localRunsTable } from './runs-table.ts';

// AWS's documented example of the event (CloudWatch User Guide, "Alarm events and EventBridge"), as delivered;
// each test puts this stack's alarm, region and times into it.
const documented = JSON.parse(
  readFileSync(new URL('./fixtures/alarm-state-change.json', import.meta.url), 'utf8'),
) as AlarmStateChangeEvent;
// AWS's documented example of a scheduled rule's event (EventBridge User Guide), as the notifier's tick gets it.
const scheduled = JSON.parse(
  readFileSync(new URL('./fixtures/scheduled-event.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

const KILL_SWITCH = '/perfprobe/bank/prod/kill-switch';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ProbesAlarms044BF527';
const RUNBOOK = 'https://runbooks.example.com/bank/login';
const sns = mockClient(SNSClient);
const ssm = mockClient(SSMClient);
const cloudWatch = mockClient(CloudWatchClient);
// No local SQS exists: the peek's exact request is asserted instead.
const sqs = mockClient(SQSClient);

let target: Running;
let failing = false;
/** The trace ids of the traceparent headers the target saw. */
const traceIdsSeen: string[] = [];
let table: LocalRunsTable;
let store: RunStore;
let deployed: DeployedSuite;
let definition: Record<string, unknown>;
let alarms: Record<string, { AlarmName: string; AlarmDescription: string; [key: string]: unknown }>;
let ticks = 0;

beforeAll(async () => {
  target = await httpServer((req, res) => {
    const traceId = /^00-([0-9a-f]{32})-/.exec(String(req.headers.traceparent))?.[1];
    if (traceId) traceIdsSeen.push(traceId);
    res.statusCode = failing ? 503 : 200;
    res.end(failing ? 'upstream unavailable' : '{"ok":true}');
  });
  const input = deploySuiteInput(target.url);
  (input.environments.prod.variables as Record<string, unknown>).vault = { secret: 'ssm:/bank/prod/vault' };
  input.probes.push(
    {
      id: 'login',
      runbook: RUNBOOK,
      request: { url: '/login' },
      schedule: 'rate(1 minute)',
      load: { kind: 'latency', requests: 3, interval: '10ms' },
      sla: { p99: 400 },
      alert: { breachedRuns: { atLeast: 2, of: 3 }, remind: '1h' },
    } as never,
    // Business hours in Berlin: no run is due at night nor at the weekend.
    {
      id: 'office',
      request: { url: '/office' },
      schedule: { expression: 'cron(0/15 9-17 ? * MON-FRI *)', timezone: 'Europe/Berlin' },
      load: { kind: 'latency', requests: 1 },
      alert: { interval: '15m' },
    } as never,
    // Its secret cannot be read: every run is invalid ("cannot measure").
    {
      id: 'vault',
      request: { url: '/vault', headers: { 'x-vault-key': '${vault}' } },
      schedule: 'rate(1 minute)',
      load: { kind: 'latency', requests: 1 },
      alert: { invalidRuns: 2 },
    } as never,
    // One shard whose worker fails (its task is lost): the run is stored invalid with the worker's error.
    {
      id: 'ledger',
      request: { url: '/ledger' },
      schedule: 'rate(1 minute)',
      load: { kind: 'latency', requests: 1 },
    } as never,
  );
  const synthesized = synthStack(input);
  deployed = synthesized.stack.probes.deployed;
  const template = synthesized.template;
  const [, machine] = Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).find(
    ([id]) => id.includes('ChecksRuns'),
  )!;
  definition = renderDefinition(machine.Properties.DefinitionString);
  alarms = Object.fromEntries(
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => [
      a.Properties.AlarmName,
      a.Properties,
    ]),
  );
  const [synthesizedTable] = Object.values(template.findResources('AWS::DynamoDB::Table'));
  table = await localRunsTable(synthesizedTable!.Properties);
  store = createRunStore(table.dynamo, table.tableName, deployed.retentionDays, deployed.suite);
});

afterAll(async () => {
  await target?.close();
  await table?.close();
});

beforeEach(async () => {
  sns.reset();
  ssm.reset();
  cloudWatch.reset();
  sqs.reset();
  await clearSecretCache();
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  ssm.on(GetParameterCommand, { Name: '/bank/prod/token' }).resolves({ Parameter: { Value: 'tok-1' } });
  ssm.on(GetParameterCommand, { Name: '/bank/prod/vault' }).rejects(
    Object.assign(new Error('User is not authorized to perform: ssm:GetParameter'), {
      name: 'AccessDeniedException',
      $metadata: {},
    }),
  );
  cloudWatch.on(PutMetricDataCommand).resolves({});
  // The stack does not create the switch: until someone turns it on, it does not exist ("off").
  await forgetKillSwitch();
  ssm
    .on(GetParameterCommand, { Name: KILL_SWITCH })
    .rejects(Object.assign(new Error('Parameter not found'), { name: 'ParameterNotFound', $metadata: {} }));
});

const context = { getRemainingTimeInMillis: () => 60_000 } as Context;

/** One scheduled run of a probe through the synthesized Checks machine, stored in dynalite. */
async function run(probeId: string, options: { readonly workerFails?: Error } = {}) {
  const plan = createPlanHandler(() => deployed, {
    leadMs: () => 50,
    killSwitch: async () => 'off',
    leases: () => createLeaseStore(table.dynamo, table.tableName),
  });
  const shards = createShardStore(table.dynamo, table.tableName);
  const worker = createWorkerHandler(() => deployed, { shards: () => shards });
  const aggregate = createAggregateHandler(
    () => deployed,
    () => ({ store, shards, cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }) }),
  );
  ticks++;
  const { output } = await executeRun(
    definition,
    { probeId, scheduledTime: new Date(Date.UTC(2026, 10, 30, 3, ticks)).toISOString() },
    {
      Plan: (input) => plan(input as never, context),
      Worker: async (input) => {
        if (options.workerFails) throw options.workerFails;
        return worker(input as never, context);
      },
      ShardLost: (input) => worker(input as never, context),
      Aggregate: (input) => aggregate(input as never, context),
    },
  );
  // The checks machine ends with its tick's summary; the check's own run is in the table.
  expect(output).toMatchObject({ group: probeId, checks: 1 });
  const runs = await store.runsBetween('prod', probeId, new Date(0), new Date(Date.now() + 60_000));
  const latest = runs.reduce((a, b) => (a.startedAt > b.startedAt ? a : b));
  return { runId: latest.runId, verdict: latest.sla.verdict };
}

/** CloudWatch's "+0000" timestamps. */
const cwTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

/** The documented event, for this stack's alarm of `probeId`, changing `from` → `to` at `at`. */
function stateChange(
  probeId: string,
  kind: string,
  from: { value: string; at: number },
  to: { value: string; at: number },
): AlarmStateChangeEvent {
  return documentedChange(
    `perfprobe.bank.prod.probe.${probeId}.${kind}`,
    { Suite: 'bank', Environment: 'prod', Probe: probeId },
    from,
    to,
  );
}

/** The documented event for any alarm of this stack (its metric's `dimensions` as CloudWatch resolved them). */
function documentedChange(
  alarmName: string,
  dimensions: Record<string, string>,
  from: { value: string; at: number },
  to: { value: string; at: number; reason?: string; reasonData?: string },
): AlarmStateChangeEvent {
  const alarm = alarms[alarmName]!;
  const event = structuredClone(documented) as unknown as Record<string, unknown> & {
    detail: Record<string, unknown>;
  };
  event.region = 'eu-west-1';
  event.time = new Date(to.at).toISOString().replace(/\.\d+Z$/, 'Z');
  event.resources = [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`];
  event.detail.alarmName = alarmName;
  // A metric-math alarm (the Verdict's parts) lists its expression and the metric it reads, as CloudWatch does.
  const math = alarm.Metrics as AlarmProperties['Metrics'];
  event.detail.configuration = {
    description: alarm.AlarmDescription,
    metrics: math
      ? math.map((m) =>
          m.MetricStat
            ? {
                id: m.Id,
                metricStat: {
                  metric: {
                    dimensions,
                    name: m.MetricStat.Metric.MetricName,
                    namespace: m.MetricStat.Metric.Namespace,
                  },
                  period: m.MetricStat.Period,
                  stat: m.MetricStat.Stat,
                },
                returnData: false,
              }
            : { id: m.Id, expression: m.Expression, label: m.Label, returnData: true },
        )
      : [
          {
            id: 'm1',
            metricStat: {
              metric: {
                dimensions,
                name: alarm.MetricName,
                namespace: alarm.Namespace,
              },
              period: alarm.Period,
              stat: alarm.Statistic,
            },
            returnData: true,
          },
        ],
  };
  const reason = `Threshold Crossed: 2 out of the last 3 datapoints [1.0 (30/11/26 03:02:00), 1.0 (30/11/26 03:01:00)] were greater than or equal to the threshold (1.0) (minimum 2 datapoints for ${from.value} -> ${to.value} transition).`;
  event.detail.previousState = { value: from.value, reason: 'earlier', timestamp: cwTime(from.at) };
  event.detail.state = {
    value: to.value,
    reason: to.reason ?? reason,
    ...(to.reasonData ? { reasonData: to.reasonData } : {}),
    timestamp: cwTime(to.at),
  };
  return event as unknown as AlarmStateChangeEvent;
}

function dependencies(overrides: Partial<NotifyDependencies> = {}): NotifyDependencies {
  return {
    store,
    incidents: createIncidentStore(table.dynamo, table.tableName),
    silences: createSilenceStore(table.dynamo, table.tableName),
    sns: new SNSClient({ region: 'eu-west-1' }),
    cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }),
    killSwitch: () => killSwitchState(KILL_SWITCH),
    killSwitchParameter: KILL_SWITCH,
    topicArn: TOPIC,
    table: table.tableName,
    ...overrides,
  };
}

function notifier(overrides: Partial<NotifyDependencies> = {}) {
  return createNotifyHandler(
    () => deployed,
    () => dependencies(overrides),
  );
}

/** The notifier's schedule firing at `at`: AWS's documented scheduled event with this stack's rule. */
async function tick(at: number, overrides: Partial<NotifyDependencies> = {}): Promise<TickOutcome> {
  const event = {
    ...scheduled,
    region: 'eu-west-1',
    time: new Date(at).toISOString().replace(/\.\d+Z$/, 'Z'),
    resources: ['arn:aws:events:eu-west-1:123456789012:rule/perfprobe-bank-prod-NotifierTick'],
  };
  return (await notifier(overrides)(event, context)) as TickOutcome;
}

function published() {
  const calls = sns.commandCalls(PublishCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]!.args[0].input;
  const message = JSON.parse(String(input.Message)) as Record<string, string>;
  return { input, message, alarm: JSON.parse(message.default!) as Record<string, unknown> };
}

/** A page's minute-resolution time. */
const at = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** What varies between runs of this test (times, ids, ports, measured milliseconds), masked for snapshots. */
function masked(text: string): string {
  return (
    text
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<iso>')
      .replace(/<iso>#[0-9a-f]{4}\b/g, '<iso>#<silence>')
      .replace(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/g, '<time>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<run>')
      .replace(/\b[0-9a-f]{32}\b/g, '<trace id>')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
      .replace(/\d+(\.\d+)? ms/g, '<n> ms')
      // Which loopback phases rose by the rule's margin is the machine's noise, not the notifier's.
      .replace(/^Phases(:| that rose) .*$/m, 'Phases: <the phases that rose, or "unchanged">')
  );
}

describe('a failing target, through the synthesized state machine and the table, to the page', () => {
  // The alarm fires as the test runs, after the runs it is about were stored (real clock: one timeline).
  let breachAt = Date.now();
  let started = breachAt - 60_000;
  let dedupKey = '';

  it('pages a breach: the failed check with observed, threshold and units, errors, the good run, links, runbook', async () => {
    failing = false;
    expect((await run('login')).verdict).toBe('pass');
    failing = true;
    expect((await run('login')).verdict).toBe('breach');
    expect((await run('login')).verdict).toBe('breach');
    breachAt = Date.now();
    started = breachAt - 60_000;

    const outcome = await notifier()(
      stateChange('login', 'sla', { value: 'OK', at: started }, { value: 'ALARM', at: breachAt }),
      context,
    );

    const { input, message, alarm } = published();
    expect(input).toEqual({
      TopicArn: TOPIC,
      Subject: 'BREACH prod/login errorRate 100 % > 0 % (2 of 3 runs)',
      Message: expect.any(String),
      MessageStructure: 'json',
    });
    expect(Object.keys(message)).toEqual(['default', 'email', 'sms', 'https', 'sqs', 'lambda']);
    dedupKey = `perfprobe.bank.prod.probe.login.sla@${new Date(breachAt).toISOString()}`;
    expect(outcome).toEqual({ notified: true, dedupKey, subject: input.Subject, messageId: 'message-1' });
    // The CloudWatch alarm message's shape, so PagerDuty's and Opsgenie's CloudWatch integrations parse it.
    expect(alarm).toMatchObject({
      AlarmName: 'perfprobe.bank.prod.probe.login.sla',
      AWSAccountId: '123456789012',
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      Region: 'eu-west-1',
      AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:perfprobe.bank.prod.probe.login.sla',
      StateChangeTime: new Date(breachAt).toISOString(),
      Trigger: {
        MetricName: 'Verdict',
        Namespace: 'Perfprobe',
        Statistic: 'MAXIMUM',
        Period: 60,
        Dimensions: [
          { name: 'Suite', value: 'bank' },
          { name: 'Environment', value: 'prod' },
          { name: 'Probe', value: 'login' },
        ],
      },
      dedupKey,
      AlarmDescription: message.email,
    });
    expect(String(alarm.NewStateReason)).toMatch(
      /^BREACH prod\/login errorRate 100 % > 0 % \(2 of 3 runs\)\. CloudWatch: Threshold Crossed/,
    );
    const email = message.email!;
    expect(email).toContain('  - errorRate 100 % > 0 % (default SLA)');
    expect(email).toContain('Errors: http_5xx 3');
    // The failed requests' trace ids went from the worker through the stored run to the page: the target's own.
    const failedIds = /^Trace ids \(traceparent\), failed: (.*)$/m
      .exec(email)?.[1]
      ?.split(', ')
      .map((part) => /^([0-9a-f]{32}) \(http_5xx\)$/.exec(part)?.[1]);
    expect(failedIds).toHaveLength(3);
    for (const id of failedIds ?? []) expect(traceIdsSeen).toContain(id);
    expect(email).toMatch(
      /^Previous good run: \d{4}-\d\d-\d\d \d\d:\d\d UTC: 3 requests \(3 ok, 0 failed\), valid, /m,
    );
    expect(email).toContain(`Runbook:   ${RUNBOOK}`);
    expect(email).toContain(
      'From a shell: perfprobe runs <your suite file> --deployed --env prod --probe login --region eu-west-1',
    );
    // One start for the incident, the same in the email and the SMS: its first breaching run, labelled.
    const first =
      /, since (\d{4}-\d\d-\d\d \d\d:\d\d UTC) \(first breaching run\), alarm at \d{4}-.* UTC\.$/m.exec(
        email,
      );
    expect(first).not.toBeNull();
    expect(email).toMatch(
      /^Phases(: unchanged \(none rose by | that rose \()\+50 % and \+5 ms p95 vs the previous good run/m,
    );
    expect(email).toContain(
      'Alarm:     https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/perfprobe.bank.prod.probe.login.sla',
    );
    expect(message.sms!.length).toBeLessThanOrEqual(160);
    expect(message.sms).toBe(
      `BREACH prod/login errorRate 100 % > 0 % (2 of 3 runs). Since ${first![1]} (first breaching run). ${RUNBOOK}`,
    );
    expect(masked(email)).toMatchSnapshot();
  });

  it('reminds on-call while the incident stays open (alert.remind 1h): same dedupKey, how long, the latest figures', async () => {
    const early = await tick(breachAt + 59 * 60_000);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(early.outcomes).toEqual([]);

    const outcome = await tick(breachAt + 61 * 60_000);

    const { input, message, alarm } = published();
    expect(input).toEqual({
      TopicArn: TOPIC,
      Subject: 'REMINDER prod/login sla open 1 h 1 min: errorRate 100 % > 0 %',
      Message: expect.any(String),
      MessageStructure: 'json',
    });
    expect(outcome.outcomes).toEqual([
      { notified: true, dedupKey, subject: input.Subject, messageId: 'message-1' },
    ]);
    expect(alarm).toMatchObject({ NewStateValue: 'ALARM', dedupKey, perfprobe: { kind: 'reminder' } });
    expect(message.email).toMatch(
      /^REMINDER: the sla incident of probe prod\/login \(suite bank\) is still open after 1 h 1 min \(since .* UTC\); alert\.remind repeats this every 1 h until it recovers\.$/m,
    );
    expect(masked(message.email!)).toMatchSnapshot();
    // Told: the next tick has nothing to say.
    sns.resetHistory();
    await tick(breachAt + 66 * 60_000);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  let okAt = 0;
  it('holds the recovery at OK, and continues the same incident when it breaches again before recoverAfter runs passed: flapping', async () => {
    okAt = Date.now();
    const held = await notifier()(
      stateChange('login', 'sla', { value: 'ALARM', at: breachAt }, { value: 'OK', at: okAt }),
      context,
    );
    expect(held).toEqual({
      notified: false,
      dedupKey,
      why: expect.stringMatching(
        /^recovery held: 0 of 2 passing runs since OK at .* UTC \(alert\.recoverAfter\)$/,
      ),
    });
    failing = true;
    expect((await run('login')).verdict).toBe('breach');

    await notifier()(
      stateChange('login', 'sla', { value: 'OK', at: okAt }, { value: 'ALARM', at: okAt + 60_000 }),
      context,
    );

    const { input, message, alarm } = published();
    expect(input.Subject).toBe('FLAPPING prod/login errorRate 100 % > 0 % again 1 min after OK');
    expect(alarm).toMatchObject({ NewStateValue: 'ALARM', dedupKey, perfprobe: { kind: 'flapping' } });
    expect(message.email).toMatch(
      /^FLAPPING: probe prod\/login \(suite bank\) is breaching again 1 min after its alarm went back to OK, before alert\.recoverAfter \(2 passing runs\) announced a recovery: the same incident continues \(opened .* UTC, its first flap\)\. Further flaps of this incident are counted, not sent\.$/m,
    );
    expect(masked(message.email!)).toMatchSnapshot();
    failing = false;
  });

  it('announces the recovery only after recoverAfter (2) passing runs since the OK, under the same dedupKey', async () => {
    okAt = Date.now();
    await notifier()(
      stateChange('login', 'sla', { value: 'ALARM', at: okAt - 30_000 }, { value: 'OK', at: okAt }),
      context,
    );
    expect((await run('login')).verdict).toBe('pass');
    // Each tick comes a minute (the probe's interval) after the run it counts, on the runs' own (real) clock:
    // one timeline in the texts.
    const one = await tick(Date.now() + 60_000);
    expect(one.outcomes).toEqual([
      {
        notified: false,
        dedupKey,
        why: expect.stringMatching(/^recovery held: 1 of 2 passing runs since OK/),
      },
    ]);
    expect((await run('login')).verdict).toBe('pass');

    const recoveredAt = Date.now() + 60_000;
    const outcome = await tick(recoveredAt);

    const { input, message, alarm } = published();
    const lasted = formatSpan(recoveredAt - breachAt);
    expect(input.Subject).toBe(`RECOVERED prod/login after ${lasted}: errorRate 0 % <= 0 %`);
    expect(alarm).toMatchObject({ NewStateValue: 'OK', OldStateValue: 'ALARM', dedupKey });
    expect(outcome.outcomes).toEqual([expect.objectContaining({ notified: true, dedupKey })]);
    expect(message.email).toMatch(
      new RegExp(
        `^RECOVERED: probe prod/login \\(suite bank\\) is within its SLA again\\. The incident lasted ${lasted} \\(${at(breachAt)} to ${at(recoveredAt)}\\)\\.$`,
        'm',
      ),
    );
    expect(message.email).toContain(`CloudWatch went back to OK at ${at(okAt)}; `);
    expect(message.email).toMatch(
      /^CloudWatch went back to OK at .* UTC; 2 passing runs since \(alert\.recoverAfter 2\), so the recovery holds \(it flapped once before\)\.$/m,
    );
    expect(masked(message.email!)).toMatchSnapshot();
  });

  it('holds a breach during a silence of the probe (measuring goes on), and pages with one summary when the silence ends', async () => {
    const silences = createSilenceStore(table.dynamo, table.tableName);
    const start = Date.now();
    const silence = await silences.add({
      environment: 'prod',
      probeId: 'login',
      reason: 'database failover, CHG-1234',
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 3_600_000).toISOString(),
    });
    failing = true;
    // Two breaching runs, as the alarm (2 of 3) needs before it goes into ALARM.
    expect((await run('login')).verdict).toBe('breach');
    expect((await run('login')).verdict).toBe('breach');
    const alarmAt = Date.now();

    const held = await notifier()(
      stateChange('login', 'sla', { value: 'OK', at: alarmAt - 60_000 }, { value: 'ALARM', at: alarmAt }),
      context,
    );
    failing = false;
    const during = await tick(alarmAt + 1_000);
    // Ended after 10 minutes (`perfprobe silence --end`); the next tick sums it up.
    await silences.end('prod', silence.id, new Date(start + 600_000));
    const summary = await tick(start + 600_000 + 1_000);

    expect(held).toMatchObject({
      notified: false,
      why: expect.stringMatching(
        new RegExp(
          `^silenced until \\S+ \\(silence ${silence.id}: database failover, CHG-1234\\): BREACH prod/login errorRate 100 % > 0 %`,
        ),
      ),
    });
    expect(during.outcomes).toEqual([expect.objectContaining({ notified: false })]);
    const { input, message, alarm } = published();
    const opened = `perfprobe.bank.prod.probe.login.sla@${new Date(alarmAt).toISOString()}`;
    expect(input).toEqual({
      TopicArn: TOPIC,
      Subject: 'SILENCE ENDED prod/login: 1 page held, 1 still open',
      Message: expect.any(String),
      MessageStructure: 'json',
    });
    expect(summary.outcomes).toEqual([expect.objectContaining({ notified: true, dedupKey: opened })]);
    expect(alarm).toMatchObject({
      NewStateValue: 'ALARM',
      dedupKey: opened,
      perfprobe: { kind: 'silence-ended' },
    });
    expect(message.email).toContain('  - login: 2 runs, 2 breached, 0 invalid');
    expect(message.email).toMatch(
      /^ {2}- \d{4}-.* UTC BREACH prod\/login errorRate 100 % > 0 % \(2 of 3 runs\)$/m,
    );
    expect(message.email).toContain('Still open, so this message pages: probe.login.sla (since ');
    expect(masked(message.email!)).toMatchSnapshot();
    // One summary: the next tick neither repeats it nor pages the incident it told about.
    sns.resetHistory();
    await tick(start + 600_000 + 2_000);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(await silences.end('prod', 'no-such-silence', new Date())).toBe(false);
  });

  it('holds a heartbeat when no run of its cron schedule was due (a weekend), and pages once due runs are missing', async () => {
    const alarmName = 'perfprobe.bank.prod.probe.office.heartbeat';
    // Friday 17:45 in Berlin, the week's last run of a business-hours schedule.
    await store.save(runResult('office', 0, '2025-01-03T16:45:00.000Z', 'prod'));
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: alarmName, AlarmConfigurationUpdatedTimestamp: new Date('2024-12-20T10:00:00Z') },
      ],
    });
    // Three empty 15-minute periods after the last run: CloudWatch's heartbeat goes into ALARM on Friday evening.
    const friday = Date.parse('2025-01-03T17:30:00Z');

    const held = await notifier()(
      stateChange(
        'office',
        'heartbeat',
        { value: 'OK', at: friday - 3_600_000 },
        { value: 'ALARM', at: friday },
      ),
      context,
    );
    const saturday = await tick(Date.parse('2025-01-04T12:00:00Z'));
    // Monday: a deploy at 09:00 Berlin (08:00 UTC) re-configured the alarm; its first due run is no evidence yet.
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: alarmName, AlarmConfigurationUpdatedTimestamp: new Date('2025-01-06T08:00:00Z') },
      ],
    });
    const afterDeploy = await tick(Date.parse('2025-01-06T08:20:00Z'));
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    const due = await tick(Date.parse('2025-01-06T08:50:00Z'));

    const office = (outcomes: TickOutcome) =>
      outcomes.outcomes.filter((o) => o.dedupKey?.startsWith(alarmName));
    expect(held).toMatchObject({
      notified: false,
      why: 'no run was due since the last run at 2025-01-03 16:45 UTC (cron(0/15 9-17 ? * MON-FRI *) in Europe/Berlin): NO RUNS prod/office: none in the last 3 periods of 15m',
    });
    expect(office(saturday)).toEqual([
      expect.objectContaining({
        why: expect.stringMatching(/still held: no run was due since the last run at 2025-01-03 16:45 UTC/),
      }),
    ]);
    expect(office(afterDeploy)).toEqual([
      expect.objectContaining({
        why: expect.stringMatching(
          /still held: only 0 of the first 2 runs after the deploy at 2025-01-06 08:00 UTC were due \(cron/,
        ),
      }),
    ]);
    // Each look: has perfprobe's own machinery paged the cause (none of its alarms here), then the deploy time.
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual(
      Array(4)
        .fill([
          { AlarmNamePrefix: 'perfprobe.bank.prod.system.', AlarmTypes: ['MetricAlarm'] },
          { AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm'] },
        ])
        .flat(),
    );
    const { input, message, alarm } = published();
    expect(office(due)).toEqual([expect.objectContaining({ notified: true })]);
    // The count the body gives (due runs missing since the deploy), not the heartbeat's periods.
    expect(input.Subject).toBe('NO RUNS prod/office: 2 due runs missing');
    expect(message.email).toMatch(/^NO RUNS: probe prod\/office \(suite bank\) has 2 due runs missing; /);
    expect(alarm).toMatchObject({
      NewStateValue: 'ALARM',
      dedupKey: `${alarmName}@2025-01-03T17:30:00.000Z`,
    });
    expect(message.email).toContain(
      'Runs due and missing: 2 since the deploy at 2025-01-06 08:00 UTC (cron(0/15 9-17 ? * MON-FRI *) in Europe/Berlin; the newest due run is given one interval to finish).',
    );
    expect(masked(message.email!)).toMatchSnapshot();
  });

  it('reminds on-call every 24 h while the kill switch is on', async () => {
    ssm.on(GetParameterCommand, { Name: KILL_SWITCH }).resolves({ Parameter: { Value: 'on' } });
    const seen = Date.parse('2025-02-01T00:00:00Z');

    const first = await tick(seen);
    await tick(seen + 23 * 3_600_000);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    await tick(seen + 24 * 3_600_000);

    expect(first.outcomes.at(-1)).toEqual({ notified: false, why: 'kill switch on: first reminder in 24 h' });
    const { input, message, alarm } = published();
    expect(input).toEqual({
      TopicArn: TOPIC,
      Subject: 'KILL SWITCH ON bank/prod for 24 h: no probe is measuring',
      Message: expect.any(String),
      MessageStructure: 'json',
    });
    expect(alarm).toMatchObject({
      AlarmName: 'perfprobe.bank.prod.system.kill-switch',
      dedupKey: 'perfprobe.bank.prod.system.kill-switch@2025-02-01T00:00:00.000Z',
      perfprobe: { kind: 'kill-switch-on' },
    });
    expect(message.email).toContain(
      'Resume: aws ssm put-parameter --overwrite --name /perfprobe/bank/prod/kill-switch --value off',
    );
    expect(masked(message.email!)).toMatchSnapshot();
    expect(ssm.commandCalls(GetParameterCommand)[0]!.args[0].input).toEqual({
      Name: KILL_SWITCH,
      WithDecryption: false,
    });
    // Off again: no more reminders.
    await forgetKillSwitch();
    ssm.on(GetParameterCommand, { Name: KILL_SWITCH }).resolves({ Parameter: { Value: 'off' } });
    sns.resetHistory();
    await tick(seen + 48 * 3_600_000);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('holds the page in a maintenance window the suite declares', async () => {
    const inMaintenance = createNotifyHandler(
      () => ({
        ...deployed,
        maintenance: [{ cron: 'cron(* * * * ? *)', timezone: 'UTC', durationMs: 3_600_000 }],
      }),
      () => dependencies(),
    );

    const outcome = await inMaintenance(
      stateChange('health', 'heartbeat', { value: 'OK', at: started }, { value: 'ALARM', at: breachAt }),
      context,
    );

    expect(outcome).toMatchObject({ notified: false });
    expect((outcome as { why: string }).why).toMatch(
      /^in the maintenance window cron\(\* \* \* \* \? \*\) \(UTC\) until \S+ \(\S+#maintenance\): NO RUNS prod\/health/,
    );
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('says what failed and the likely fix when a probe cannot measure', async () => {
    // alert.invalidRuns (2) invalid runs in a row, as the cannot-measure alarm needs before it goes into ALARM.
    for (let i = 0; i < 2; i++) expect((await run('vault')).verdict).toBe('invalid');

    await notifier()(
      stateChange(
        'vault',
        'cannot-measure',
        { value: 'OK', at: Date.now() - 60_000 },
        { value: 'ALARM', at: Date.now() },
      ),
      context,
    );

    const { input, message } = published();
    expect(input.Subject).toBe('CANNOT MEASURE prod/vault: 2 invalid runs in a row');
    expect(message.email).toContain('Latest run: 0 requests, INVALID, no request completed.');
    expect(message.email).not.toContain('- no shard reported');
    expect(message.email).toContain('AccessDeniedException');
    expect(message.email).toContain(
      "Likely fix: the worker cannot read a secret its request uses: grant its role the read (and kms:Decrypt on the secret's key, declared as #kms= in the suite), or fix the reference, then redeploy.",
    );
    expect(masked(message.email!)).toMatchSnapshot();
  });

  it('sends nothing for INSUFFICIENT_DATA → OK (a new alarm) nor for a change into INSUFFICIENT_DATA', async () => {
    const quiet = await notifier()(
      stateChange('login', 'sla', { value: 'INSUFFICIENT_DATA', at: started }, { value: 'OK', at: breachAt }),
      context,
    );
    const unknown = await notifier()(
      stateChange(
        'login',
        'heartbeat',
        { value: 'OK', at: started },
        { value: 'INSUFFICIENT_DATA', at: breachAt },
      ),
      context,
    );

    expect(quiet).toEqual({
      notified: false,
      why: 'INSUFFICIENT_DATA -> OK: there was no incident to resolve',
    });
    expect(unknown).toEqual({ notified: false, why: 'OK -> INSUFFICIENT_DATA is no verdict' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("still pages, with CloudWatch's reason, when the runs table cannot be read", async () => {
    const broken: RunStore = {
      save: () => Promise.reject(new Error('unused')),
      runsBetween: () => Promise.reject(new Error('ResourceNotFoundException: Requested resource not found')),
    };

    await notifier({ store: broken })(
      stateChange('login', 'heartbeat', { value: 'OK', at: started }, { value: 'ALARM', at: breachAt }),
      context,
    );

    const { input, message } = published();
    expect(input.Subject).toBe('NO RUNS prod/login: none in the last 3 periods of 1m');
    expect(message.email).toContain(
      'The stored runs could not be read (Error: ResourceNotFoundException: Requested resource not found); CloudWatch says: Threshold Crossed',
    );
  });

  it('fails loudly when SNS refuses the Publish, so Lambda retries and then keeps the event in the DLQ', async () => {
    sns.on(PublishCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: SNS:Publish'), {
        name: 'AuthorizationError',
      }),
    );

    const page = notifier()(
      stateChange('health', 'sla', { value: 'OK', at: started }, { value: 'ALARM', at: breachAt }),
      context,
    );

    await expect(page).rejects.toThrow(
      `could not publish to ${TOPIC}: AuthorizationError: User is not authorized to perform: SNS:Publish`,
    );
  });

  it('refuses an event that is not an alarm state change, naming the field', async () => {
    const event = {
      ...stateChange('login', 'sla', { value: 'OK', at: started }, { value: 'ALARM', at: breachAt }),
    };
    (event as Record<string, unknown>)['detail-type'] = 'EC2 Instance State-change Notification';

    await expect(notifier()(event, context)).rejects.toThrow(
      'alarm event: detail-type must be "CloudWatch Alarm State Change", found "EC2 Instance State-change Notification"',
    );
  });
});

describe("the schedules' dead-letter alarm: CloudWatch pages on its own, the notifier adds what the messages say", () => {
  const ALARM = 'perfprobe.bank.prod.system.schedule-dead-letters';
  const QUEUE = 'perfprobe-bank-prod-ProbesScheduleDeadLetters17A19E87-Xy12AbCdEf34';
  const QUEUE_URL = `https://sqs.eu-west-1.amazonaws.com/123456789012/${QUEUE}`;
  const ROLE = 'perfprobe-bank-prod-ProbesSchedulesRole4B8E1C2D-Q1w2E3r4T5y6';
  const CHECKS =
    'arn:aws:states:eu-west-1:123456789012:stateMachine:ProbesChecksRunsStateMachine5C7A1B2C-AbCdEfGh1234';
  const LOAD =
    'arn:aws:states:eu-west-1:123456789012:stateMachine:ProbesLoadRunsStateMachine9D8E7F6A-IjKlMnOp5678';
  const alarmAt = Date.parse('2026-11-30T03:10:00.000Z');

  /** CloudWatch's ALARM of the queue's alarm, AWS's documented event shape, 3 messages visible. */
  const deadLettersAlarm = (to: 'ALARM' | 'OK' = 'ALARM') =>
    documentedChange(
      ALARM,
      { QueueName: QUEUE },
      { value: to === 'ALARM' ? 'OK' : 'ALARM', at: alarmAt - 3_600_000 },
      {
        value: to,
        at: alarmAt,
        reason:
          'Threshold Crossed: 1 out of the last 1 datapoints [3.0 (30/11/26 03:05:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).',
        reasonData:
          '{"version":"1.0","queryDate":"2026-11-30T03:10:00.000+0000","startDate":"2026-11-30T03:05:00.000+0000","statistic":"Maximum","period":300,"recentDatapoints":[3.0],"threshold":1.0,"evaluatedDatapoints":[{"timestamp":"2026-11-30T03:05:00.000+0000","sampleCount":5.0,"value":3.0}]}',
      },
    );

  /**
   * A dead letter as EventBridge Scheduler leaves it: the target's input as the body, the failure in string
   * message attributes (names as two independent Scheduler emulators write them after AWS's "Configuring a
   * dead-letter queue" page; see the README), as ReceiveMessage returns it.
   */
  const deadLetter = (
    probeId: string,
    schedule: string,
    scheduledTime: string,
    target: string,
    code: string,
    message: string,
  ) => {
    const attributes: Record<string, string> = {
      ERROR_CODE: code,
      ERROR_MESSAGE: message,
      EXECUTION_ID: `${probeId}-${scheduledTime}`,
      IS_PAYLOAD_TRUNCATED: 'false',
      RETRY_ATTEMPTS: '0',
      SCHEDULED_TIME: scheduledTime,
      SCHEDULE_ARN: `arn:aws:scheduler:eu-west-1:123456789012:schedule/default/${schedule}`,
      TARGET_ARN: target,
    };
    return {
      MessageId: `${probeId}-${scheduledTime}`,
      ReceiptHandle: 'AQEB...',
      Body: JSON.stringify({ probeId, scheduledTime }),
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      ),
    };
  };
  const denied = (machine: string) =>
    `User: arn:aws:sts::123456789012:assumed-role/${ROLE}/${'a1b2c3d4e5f6'} is not authorized to perform: states:StartExecution on resource: ${machine} because no identity-based policy allows the states:StartExecution action`;

  const peekRequest = {
    QueueUrl: QUEUE_URL,
    MaxNumberOfMessages: 10,
    VisibilityTimeout: 0,
    WaitTimeSeconds: 0,
    MessageAttributeNames: ['All'],
  };

  it('peeks at the queue without consuming it and pages which probes did not start, the error and the likely fix, under the same AlarmName', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        deadLetter(
          'login',
          'ProbesScheduleloginA1B2C3D4-E5F6',
          '2026-11-30T03:05:00Z',
          CHECKS,
          'AccessDeniedException',
          denied(CHECKS),
        ),
        deadLetter(
          'login',
          'ProbesScheduleloginA1B2C3D4-E5F6',
          '2026-11-30T03:06:00Z',
          CHECKS,
          'AccessDeniedException',
          denied(CHECKS),
        ),
        deadLetter(
          'accounts',
          'ProbesScheduleaccounts9F8E7D6C-B5A4',
          '2026-11-30T03:00:00Z',
          LOAD,
          'StateMachineDoesNotExist',
          `State Machine Does Not Exist: '${LOAD}'`,
        ),
      ],
    });

    const outcome = await notifier({
      sqs: new SQSClient({ region: 'eu-west-1' }),
      scheduleDeadLetters: QUEUE_URL,
    })(deadLettersAlarm(), context);

    expect(sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input)).toEqual([peekRequest]);
    const { input, message, alarm } = published();
    const dedupKey = `${ALARM}@2026-11-30T03:10:00.000Z`;
    expect(input).toEqual({
      TopicArn: TOPIC,
      Subject: 'PERFPROBE FAILING bank/prod: runs of login, accounts not started (AccessDeniedException +1)',
      Message: expect.any(String),
      MessageStructure: 'json',
    });
    expect(outcome).toEqual({ notified: true, dedupKey, subject: input.Subject, messageId: 'message-1' });
    // The name CloudWatch's own page carries: PagerDuty and Opsgenie fold this one into it.
    expect(alarm).toMatchObject({
      AlarmName: ALARM,
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${ALARM}`,
      Trigger: {
        MetricName: 'NumberOfMessagesSent',
        Namespace: 'AWS/SQS',
        Dimensions: [{ name: 'QueueName', value: QUEUE }],
      },
      dedupKey,
      perfprobe: { kind: 'perfprobe-failing' },
      AlarmDescription: message.email,
    });
    const email = message.email!;
    expect(email).toContain(
      '  - probe login (2 messages, scheduled 2026-11-30 03:05 UTC to 2026-11-30 03:06 UTC, target ProbesChecksRunsStateMachine5C7A1B2C-AbCdEfGh1234): AccessDeniedException: User: ',
    );
    expect(email).toContain(
      "    Likely fix: the schedules' role cannot start the state machine (states:StartExecution)",
    );
    expect(email).toContain(
      '    Likely fix: the state machine the schedule starts was deleted or renamed outside this stack',
    );
    expect(email).toContain(
      'Dead letters: 3 waiting (read without taking them off the queue; CloudWatch counted 3 new):',
    );
    expect(email).toContain(
      `Read them: aws sqs receive-message --queue-url ${QUEUE_URL} --attribute-names All --message-attribute-names All --max-number-of-messages 10 --visibility-timeout 0 --region eu-west-1`,
    );
    expect(message.sms!.length).toBeLessThanOrEqual(160);
    expect(email).toMatchSnapshot();
    // The same change delivered again (EventBridge is at least once): nothing new to say.
    sns.resetHistory();
    const repeated = await notifier({
      sqs: new SQSClient({ region: 'eu-west-1' }),
      scheduleDeadLetters: QUEUE_URL,
    })(deadLettersAlarm(), context);
    expect(repeated).toEqual({
      notified: false,
      why: `already handled: ALARM@${cwTime(alarmAt)} of ${ALARM} (a repeated delivery)`,
      dedupKey,
    });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('still pages, saying why, when the peek is refused; and leaves the OK to CloudWatch', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .rejects(
        Object.assign(
          new Error(
            `User: arn:aws:sts::123456789012:assumed-role/perfprobe-bank-prod-ProbesNotifierFunctionServiceRole/notify is not authorized to perform: sqs:receivemessage on resource: arn:aws:sqs:eu-west-1:123456789012:${QUEUE} because no identity-based policy allows the sqs:receivemessage action`,
          ),
          { name: 'AccessDenied', $metadata: {} },
        ),
      );
    const deps = { sqs: new SQSClient({ region: 'eu-west-1' }), scheduleDeadLetters: QUEUE_URL };
    // The test before handled this very change (a repeat of it sends nothing): this one is its first delivery.
    await table.dynamo.send(
      new DeleteItemCommand({
        TableName: table.tableName,
        Key: {
          [RUN_KEYS.partition]: { S: incidentPartitionKey('prod') },
          [RUN_KEYS.sort]: { S: ALARM },
        },
      }),
    );

    const outcome = await notifier(deps)(deadLettersAlarm(), context);
    const { input, message, alarm } = published();
    sns.resetHistory();
    sqs.resetHistory();
    const ok = await notifier(deps)(deadLettersAlarm('OK'), context);

    expect(input.Subject).toBe(
      'PERFPROBE FAILING bank/prod: a schedule could not start a run (dead letters not read)',
    );
    expect(outcome).toMatchObject({ notified: true, dedupKey: `${ALARM}@2026-11-30T03:10:00.000Z` });
    expect(alarm).toMatchObject({ AlarmName: ALARM, NewStateValue: 'ALARM' });
    expect(message.email).toContain(
      'The notifier could not read the dead letters (AccessDenied: User: arn:aws:sts::123456789012:assumed-role/',
    );
    expect(message.email).toContain(
      'Likely fix for the notifier: its role needs sqs:ReceiveMessage on the queue (redeploy the stack)',
    );
    expect(message.email).toMatchSnapshot();
    expect(ok).toEqual({
      notified: false,
      why: "ALARM -> OK: CloudWatch's own action tells on-call (only an ALARM gets the dead letters' detail)",
    });
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

/**
 * The table's incident store, whose first `deliveries` reads (or lists) all return before any of them goes on:
 * the deliveries decide from the same state and race to write it, as overlapping Lambda invocations do.
 */
function racingIncidents(deliveries: number): IncidentStore {
  const real = createIncidentStore(table.dynamo, table.tableName);
  let arrived = 0;
  let release!: () => void;
  const allArrived = new Promise<void>((resolve) => {
    release = resolve;
  });
  const together = async <T>(value: T): Promise<T> => {
    if (arrived < deliveries) {
      arrived++;
      if (arrived === deliveries) release();
      await allArrived;
    }
    return value;
  };
  return {
    ...real,
    read: async (environment, alarmName) => together(await real.read(environment, alarmName)),
    list: async (environment) => together(await real.list(environment)),
  };
}

describe('one page per incident when deliveries overlap (EventBridge delivers at least once; Lambda retries)', () => {
  const alarmAt = Date.parse('2026-11-30T05:00:00.000Z');

  it('publishes once for three deliveries of one ALARM that read the incident together: the others find it handled', async () => {
    const alarmName = 'perfprobe.bank.prod.probe.accounts.sla';
    const event = stateChange(
      'accounts',
      'sla',
      { value: 'OK', at: alarmAt - 3_600_000 },
      { value: 'ALARM', at: alarmAt },
    );
    const incidents = racingIncidents(3);

    const outcomes = (await Promise.all(
      [0, 1, 2].map(() => notifier({ incidents })(structuredClone(event), context)),
    )) as NotifyOutcome[];

    const { input } = published();
    expect(input).toEqual({
      TopicArn: TOPIC,
      Subject: 'BREACH prod/accounts SLA breached (alarm at 3 of 5 runs)',
      Message: expect.any(String),
      MessageStructure: 'json',
    });
    const dedupKey = `${alarmName}@2026-11-30T05:00:00.000Z`;
    const change = `ALARM@${cwTime(alarmAt)}`;
    expect(outcomes.filter((o) => o.notified)).toEqual([
      { notified: true, dedupKey, subject: input.Subject, messageId: 'message-1' },
    ]);
    const handled = {
      notified: false,
      why: `already handled: ${change} of ${alarmName} (a repeated delivery)`,
      dedupKey,
    };
    expect(outcomes.filter((o) => !o.notified)).toEqual([handled, handled]);
    // One write: the page's claim. The deliveries that lost the race wrote nothing.
    expect(await createIncidentStore(table.dynamo, table.tableName).read('prod', alarmName)).toMatchObject({
      dedupKey,
      notifiedAt: '2026-11-30T05:00:00.000Z',
      lastChange: change,
      revision: 1,
    });
  });

  it('undoes the claim of a page SNS refused, so the retried delivery pages it, once', async () => {
    const alarmName = 'perfprobe.bank.prod.probe.accounts.cannot-measure';
    const event = stateChange(
      'accounts',
      'cannot-measure',
      { value: 'OK', at: alarmAt - 3_600_000 },
      { value: 'ALARM', at: alarmAt },
    );
    const incidents = createIncidentStore(table.dynamo, table.tableName);
    sns
      .on(PublishCommand)
      .rejectsOnce(
        Object.assign(new Error('Service is unavailable'), { name: 'InternalErrorException', $metadata: {} }),
      )
      .resolves({ MessageId: 'message-2' });

    await expect(notifier()(structuredClone(event), context)).rejects.toThrow(
      `could not publish to ${TOPIC}: InternalErrorException: Service is unavailable`,
    );
    const unsent = await incidents.read('prod', alarmName);
    const retried = await notifier()(structuredClone(event), context);
    const again = await notifier()(structuredClone(event), context);

    // Back to an open incident whose page is unsent: Lambda's retry (or the tick) sends it.
    expect(unsent).toMatchObject({ alarmName, notifiedAt: undefined, lastChange: undefined, revision: 2 });
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input).toEqual(calls[0]!.args[0].input);
    expect(retried).toMatchObject({ notified: true, messageId: 'message-2' });
    expect(again).toMatchObject({ notified: false, why: expect.stringMatching(/^already handled: ALARM@/) });
  });
});

describe('one reminder when ticks overlap (a scheduled rule, too, delivers at least once)', () => {
  it('sends each due message from one of two overlapping ticks: the other finds it claimed', async () => {
    const alarmName = 'perfprobe.bank.prod.probe.login.sla';
    const store = createIncidentStore(table.dynamo, table.tableName);
    const openedAt = '2026-11-30T06:00:00.000Z';
    // Paged an hour and a minute ago; login reminds every hour (alert.remind).
    await store.write('prod', {
      alarmName,
      dedupKey: `${alarmName}@${openedAt}`,
      openedAt,
      flaps: 0,
      notifiedAt: openedAt,
      reason: 'Threshold Crossed',
      revision: (await store.read('prod', alarmName))?.revision,
    });
    const incidents = racingIncidents(2);
    const at = Date.parse(openedAt) + 61 * 60_000;

    const ticks = await Promise.all([tick(at, { incidents }), tick(at, { incidents })]);

    const subjects = sns.commandCalls(PublishCommand).map((c) => String(c.args[0].input.Subject));
    expect(subjects.filter((s) => s.startsWith('REMINDER prod/login sla open 1 h 1 min'))).toHaveLength(1);
    // Whatever else was due (a page left unsent above), each went out once.
    expect(new Set(subjects).size).toBe(subjects.length);
    const outcomes = ticks.flatMap((t) => t.outcomes);
    expect(outcomes.filter((o) => o.notified)).toHaveLength(subjects.length);
    expect(outcomes).toContainEqual({
      notified: false,
      why: `incident ${alarmName}@${openedAt}: changed meanwhile, left to the next tick`,
    });
  });
});

describe('a worker failure pages once, as "cannot measure" with its cause', () => {
  it('still beats when its only shard is lost, so the heartbeat stays OK and cannot-measure pages the cause', async () => {
    const lost = Object.assign(new Error('Task timed out after 30.00 seconds'), { name: 'Sandbox.Timedout' });
    const cannotMeasure = alarms['perfprobe.bank.prod.probe.ledger.cannot-measure']!;
    const heartbeat = alarms['perfprobe.bank.prod.probe.ledger.heartbeat']!;
    cloudWatch.resetHistory();
    // One run per period, as many periods as the cannot-measure alarm evaluates.
    const periods = Number(cannotMeasure.EvaluationPeriods);
    for (let i = 0; i < periods; i++) {
      expect((await run('ledger', { workerFails: lost })).verdict).toBe('invalid');
    }

    // What each synthesized alarm evaluated per period (one PutMetricData per run).
    const puts = cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
    expect(puts.every((input) => input.Namespace === 'Perfprobe')).toBe(true);
    const datapoints = (alarm: (typeof alarms)[string]) =>
      puts.map((input) => alarmDatapoint(alarm as AlarmProperties, input.MetricData as MetricDatum[]));
    expect(heartbeat).toMatchObject({
      MetricName: 'Requests',
      Statistic: 'SampleCount',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
    });
    // A beat in every period: SampleCount 1 is not below 1, so the heartbeat has nothing to say.
    expect(datapoints(heartbeat)).toEqual(Array.from({ length: periods }, () => 1));
    expect(cannotMeasure).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      DatapointsToAlarm: periods,
    });
    expect(datapoints(cannotMeasure)).toEqual(Array.from({ length: periods }, () => 1));

    await notifier()(
      stateChange(
        'ledger',
        'cannot-measure',
        { value: 'OK', at: Date.now() - 60_000 },
        { value: 'ALARM', at: Date.now() },
      ),
      context,
    );

    const { input, message } = published();
    expect(input.Subject).toBe(`CANNOT MEASURE prod/ledger: ${periods} invalid runs in a row`);
    expect(message.email).toContain(
      '  - only 0 of 1 shards reported: worker error Sandbox.Timedout: Task timed out after 30.00 seconds',
    );
    expect(message.email).toContain('Likely fix: a worker ran past its timeout');
  });
});

describe("one cause, one page: perfprobe's own alarm already paged it", () => {
  const workerErrors = 'perfprobe.bank.prod.system.checks-worker-errors';
  // Incidents of their own: the file's other tests leave incidents open that a tick would re-check.
  let own: LocalRunsTable;
  let incidents: () => Partial<NotifyDependencies>;
  beforeAll(async () => {
    own = await localRunsTable();
    incidents = () => ({
      incidents: createIncidentStore(own.dynamo, own.tableName),
      silences: createSilenceStore(own.dynamo, own.tableName),
    });
  });
  afterAll(() => own?.close());
  const firing = (alarms: { name: string; state: string; at: Date }[]) =>
    cloudWatch.on(DescribeAlarmsCommand, { AlarmNamePrefix: 'perfprobe.bank.prod.system.' }).resolves({
      MetricAlarms: alarms.map((a) => ({
        AlarmName: a.name,
        StateValue: a.state as 'ALARM',
        StateUpdatedTimestamp: a.at,
      })),
    });

  it("holds cannot-measure while the worker's errors alarm pages the lost shards, and pages it if it outlasts that alarm", async () => {
    const lost = Object.assign(new Error('Task timed out after 30.00 seconds'), { name: 'Sandbox.Timedout' });
    const began = Date.now();
    for (let i = 0; i < 2; i++) expect((await run('ledger', { workerFails: lost })).verdict).toBe('invalid');
    firing([{ name: workerErrors, state: 'ALARM', at: new Date('2026-12-08T03:00:00Z') }]);

    const held = await notifier(incidents())(
      stateChange(
        'ledger',
        'cannot-measure',
        { value: 'OK', at: Date.now() - 60_000 },
        { value: 'ALARM', at: Date.now() },
      ),
      context,
    );
    const stillFiring = await tick(Date.now() + 300_000, incidents());
    // Back to OK after the lost runs began (an hourly failure fires and clears it): it paged this cause.
    firing([{ name: workerErrors, state: 'OK', at: new Date(began + 1_000) }]);
    const pagedMeanwhile = await tick(Date.now() + 450_000, incidents());
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    // OK since before the runs were lost: it said nothing of this, so the page goes out.
    firing([{ name: workerErrors, state: 'OK', at: new Date(began - 60_000) }]);
    const cleared = await tick(Date.now() + 600_000, incidents());

    expect(held).toMatchObject({
      notified: false,
      why: expect.stringMatching(
        /^perfprobe itself is failing: perfprobe\.bank\.prod\.system\.checks-worker-errors is in ALARM since 2026-12-08 03:00 UTC and paged on its own/,
      ),
    });
    const ledger = (outcomes: TickOutcome) =>
      outcomes.outcomes.filter((o) =>
        o.dedupKey?.startsWith('perfprobe.bank.prod.probe.ledger.cannot-measure'),
      );
    expect(ledger(pagedMeanwhile)).toEqual([
      expect.objectContaining({
        why: expect.stringMatching(
          /still held: perfprobe itself is failing: \S+ paged on its own since this began/,
        ),
      }),
    ]);
    expect(ledger(stillFiring)).toEqual([
      expect.objectContaining({ why: expect.stringMatching(/still held: perfprobe itself is failing/) }),
    ]);
    expect(ledger(cleared)).toEqual([expect.objectContaining({ notified: true })]);
    expect(published().input.Subject).toMatch(/^CANNOT MEASURE prod\/ledger: /);
  });
});

describe('`perfprobe drill`: the drill alarm of the synthesized stack, through the notifier', () => {
  it('pages DRILL for its ALARM and DRILL OVER for its OK, under one incident key, and logs what the drill reads', async () => {
    const alarmName = 'perfprobe.bank.prod.drill';
    const raisedAt = Date.now();
    const reason = 'perfprobe drill 2026-12-07T22:30:20.000Z: proving the paging path, nothing is broken';
    // The drill finds the page in the notifier's log: a JSON line with these fields (see drill-command.ts).
    const logger = new Logger({ serviceName: 'perfprobe', logLevel: 'INFO' });
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const drilled = createNotifyHandler(
      () => deployed,
      () => dependencies(),
      { logger },
    );
    const change = (from: { value: string; at: number }, to: { value: string; at: number; reason: string }) =>
      drilled(documentedChange(alarmName, { Suite: 'bank', Environment: 'prod' }, from, to), context);

    const raised = await change(
      { value: 'OK', at: raisedAt - 3_600_000 },
      { value: 'ALARM', at: raisedAt, reason },
    );
    const opened = published();
    sns.resetHistory();
    const lowered = await change(
      { value: 'ALARM', at: raisedAt },
      { value: 'OK', at: raisedAt + 20_000, reason: 'perfprobe drill 2026-12-07T22:30:20.000Z: over' },
    );
    const over = published();
    write.mockRestore();

    expect(opened.input.Subject).toBe('DRILL bank/prod: paging path test, no action needed');
    expect(opened.message.email).toContain(`CloudWatch says: ${reason}`);
    expect(over.input.Subject).toBe('DRILL OVER bank/prod: paging path test ended');
    expect(raised).toMatchObject({ notified: true, messageId: 'message-1' });
    expect(lowered).toMatchObject({ notified: true, dedupKey: (raised as { dedupKey: string }).dedupKey });
    const logged = lines
      .flatMap((l) => l.trim().split('\n'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.filter((l) => l.message === 'notified')).toEqual([
      expect.objectContaining({
        alarm: alarmName,
        kind: 'drill',
        subject: opened.input.Subject,
        messageId: 'message-1',
      }),
      expect.objectContaining({ alarm: alarmName, kind: 'drill-over', messageId: 'message-1' }),
    ]);
  });
});
