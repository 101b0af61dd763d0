import type { AddressInfo } from 'node:net';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import dynalite from 'dynalite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRunStore, type RunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import type { KillSwitchState } from '../../../functions/adapters/kill-switch.ts';
import { clearSecretCache } from '../../../functions/adapters/secrets.ts';
import type { DeployedSuite } from '../../../functions/core/cloud/deployed-suite.ts';
import type { MetricDatum } from '../../../functions/core/cloud/metric-data.ts';
import type { ShardTask } from '../../../functions/core/cloud/run-messages.ts';
import { mergeEncoded, summarizeLatency } from '../../../functions/core/histogram.ts';
import type { ShardResult } from '../../../functions/core/shard-result.ts';
import { createAggregateHandler } from '../../../functions/handlers/aggregate.ts';
import { createPlanHandler } from '../../../functions/handlers/plan.ts';
import { createWorkerHandler } from '../../../functions/handlers/worker.ts';
import { executeLocally } from '../../helpers/local-state-machine.ts';
import { httpServer, type Running } from '../../helpers/servers.ts';
import { deploySuiteInput, synthStack } from '../../helpers/stacks.ts';
import { renderDefinition } from '../../helpers/state-machine-definition.ts';

const SECRET = 'tok-4a1f9c';
const cloudWatch = mockClient(CloudWatchClient);
// No local SSM server exists: the worker's exact request is asserted instead.
const ssm = mockClient(SSMClient);

let target: Running;
let received = 0;
let authorizations = new Set<string>();
let db: { close(cb: () => void): void };
let dynamo: DynamoDBClient;
let store: RunStore;
let deployed: DeployedSuite;
/** Per runner (Checks for latency probes, Load for bursts): the synthesized definition and worker timeout. */
const runners: Record<string, { definition: Record<string, unknown>; workerTimeoutMs: number }> = {};

beforeAll(async () => {
  target = await httpServer((req, res) => {
    received++;
    authorizations.add(String(req.headers.authorization));
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  db = server;
  dynamo = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

  // The real synthesized stack: its state machine definition, its table keys, its worker timeout.
  const input = deploySuiteInput(target.url);
  // More than 40 shards: the Standard machine with a Distributed Map.
  input.probes.push({
    id: 'fanout',
    request: { url: '/fanout' },
    load: { kind: 'burst', connections: 45, requests: 90 },
    shards: 45,
  } as never);
  const { stack, template } = synthStack(input);
  deployed = stack.probes.deployed;
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const functions = template.findResources('AWS::Lambda::Function');
  for (const name of ['Checks', 'Load', 'LongLoad']) {
    const [, machine] = Object.entries(machines).find(([id]) => id.includes(`${name}Runs`))!;
    const [, worker] = Object.entries(functions).find(([id]) => id.includes(`${name}Worker`))!;
    runners[name] = {
      definition: renderDefinition(machine.Properties.DefinitionString),
      workerTimeoutMs: worker.Properties.Timeout * 1000,
    };
  }
  const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
  await dynamo.send(
    new CreateTableCommand({
      TableName: 'runs',
      KeySchema: table!.Properties.KeySchema,
      AttributeDefinitions: table!.Properties.AttributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  store = createRunStore(dynamo, 'runs', deployed.retentionDays);
});

afterAll(async () => {
  await target?.close();
  dynamo?.destroy();
  await new Promise<void>((resolve) => db?.close(() => resolve()));
});

beforeEach(() => {
  clearSecretCache();
  ssm.on(GetParameterCommand, { Name: '/bank/prod/token', WithDecryption: true }).resolves({
    Parameter: { Value: SECRET },
  });
});

afterEach(() => {
  cloudWatch.reset();
  ssm.reset();
});

/** The real handlers, wired to dynalite and the mocked CloudWatch; `breakShard` makes one worker throw. */
function handlers(
  runner: 'Checks' | 'Load' | 'LongLoad',
  options: { breakShard?: number; killSwitch?: KillSwitchState } = {},
) {
  const { workerTimeoutMs } = runners[runner]!;
  const plan = createPlanHandler(() => deployed, {
    leadMs: () => 200,
    killSwitch: async () => options.killSwitch ?? 'off',
  });
  const worker = createWorkerHandler(() => deployed);
  const aggregate = createAggregateHandler(
    () => deployed,
    () => ({ store, cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }) }),
  );
  const context = { getRemainingTimeInMillis: () => workerTimeoutMs } as Context;
  const shardResults: ShardResult[] = [];
  const workerCalls: number[] = [];
  return {
    definition: runners[runner]!.definition,
    shardResults,
    workerCalls,
    tasks: {
      Plan: (input: unknown) => plan(input as never, context),
      Worker: async (input: unknown) => {
        const task = input as ShardTask;
        workerCalls.push(task.shard);
        if (task.shard === options.breakShard) throw new Error('worker crashed');
        const result = await worker(task, context);
        shardResults.push(result);
        return result;
      },
      Aggregate: (input: unknown) => aggregate(input as never, context),
    },
  };
}

function publishedData(): MetricDatum[] {
  const calls = cloudWatch.commandCalls(PutMetricDataCommand);
  expect(calls).toHaveLength(1);
  expect(calls[0]!.args[0].input.Namespace).toBe('Perfprobe');
  return calls[0]!.args[0].input.MetricData as MetricDatum[];
}

function latencyCountSum(data: MetricDatum[]): number {
  const latency = data.filter((d) => d.MetricName === 'Latency');
  for (const d of latency) {
    expect(d.Values!.length).toBeLessThanOrEqual(150);
    expect(d.Counts).toHaveLength(d.Values!.length);
  }
  return latency.flatMap((d) => d.Counts!).reduce((a, b) => a + b, 0);
}

async function storedRuns(probeId: string) {
  return store.runsBetween('prod', probeId, new Date(Date.now() - 3_600_000), new Date(Date.now() + 60_000));
}

describe('the synthesized state machine, executed in-process with the real handlers', () => {
  it('runs a one-shard latency probe: stored, published as a distribution, no secret or request in history', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    received = 0;
    authorizations = new Set();
    const { definition, tasks, shardResults, workerCalls } = handlers('Checks');
    const { output, history } = await executeLocally(definition, { probeId: 'health' }, tasks);

    expect(output).toMatchObject({ probeId: 'health', verdict: 'pass', valid: true, partial: false });
    expect(workerCalls).toEqual([0]);
    expect(received).toBe(3);
    // The secret reached the target, resolved inside the worker from SSM with exactly this request...
    expect([...authorizations]).toEqual([`Bearer ${SECRET}`]);
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/bank/prod/token', WithDecryption: true },
    ]);
    // ...but neither it nor any request detail travelled through the execution.
    const seen = JSON.stringify(history);
    expect(seen).not.toContain(SECRET);
    expect(seen).not.toContain(String(target.port));
    expect(seen).not.toContain('/health');

    const [run] = await storedRuns('health');
    expect(run).toMatchObject({
      pk: 'prod#health',
      probeId: 'health',
      requests: { total: 3, ok: 3, failed: 0 },
      coverage: { planned: 1, reported: 1 },
    });
    expect(run!.sk.startsWith(run!.startedAt)).toBe(true);
    expect(run!.expiresAt).toBe(Math.floor(Date.parse(run!.startedAt) / 1000) + 90 * 86_400);
    expect(run!.latencyMs).toEqual(summarizeLatency(mergeEncoded(shardResults.map((s) => s.histogram))));

    const data = publishedData();
    expect(latencyCountSum(data)).toBe(received);
    const value = (name: string) => data.find((d) => d.MetricName === name)?.Value;
    expect(value('Requests')).toBe(3);
    expect(value('Heartbeat')).toBe(1);
    expect(value('SlaBreached')).toBe(0);
    // A latency check publishes no Throughput (it would only restate the pacing, for $0.30 a month).
    expect([...new Set(data.map((d) => d.MetricName))].sort()).toEqual([
      'Errors',
      'Heartbeat',
      'InvalidRun',
      'Latency',
      'Requests',
      'SlaBreached',
    ]);
    for (const d of data) {
      expect(d.Dimensions).toEqual([
        { Name: 'Environment', Value: 'prod' },
        { Name: 'Probe', Value: 'health' },
      ]);
    }
  });

  it('fans a burst out over six shards and merges them exactly', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    received = 0;
    const { definition, tasks, shardResults, workerCalls } = handlers('Load');
    const { output } = await executeLocally(definition, { probeId: 'accounts' }, tasks);

    expect(output).toMatchObject({ probeId: 'accounts', valid: true, partial: false });
    expect(workerCalls.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(received).toBe(1_200);
    // Shards started together, from the plan's shared start time.
    const starts = shardResults.map((s) => Date.parse(s.startedAt));
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(100);

    const runs = await storedRuns('accounts');
    const run = runs.find((r) => r.runId === (output as { runId: string }).runId)!;
    expect(run.requests.total).toBe(1_200);
    expect(run.coverage).toEqual({ planned: 6, reported: 6 });
    // Exactly the merge of what the six workers measured: every percentile, not an average of them.
    expect(run.latencyMs).toEqual(summarizeLatency(mergeEncoded(shardResults.map((s) => s.histogram))));
    const data = publishedData();
    expect(latencyCountSum(data)).toBe(1_200);
    expect(data.find((d) => d.MetricName === 'Throughput')?.Value).toBe(run.throughputRps);
  });

  it('stores a run with a lost shard as partial (5 of 6), invalid, and retries nothing into load', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    received = 0;
    const { definition, tasks, workerCalls } = handlers('Load', { breakShard: 3 });
    const { output } = await executeLocally(definition, { probeId: 'accounts' }, tasks);

    expect(output).toMatchObject({ valid: false, partial: true, coverage: { planned: 6, reported: 5 } });
    // Six workers invoked once each: the failed one was not retried.
    expect(workerCalls.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(received).toBe(1_000);

    const run = (await storedRuns('accounts')).find((r) => r.runId === (output as { runId: string }).runId)!;
    expect(run.partial).toBe(true);
    expect(run.validity.valid).toBe(false);
    expect(run.validity.reasons).toContain('only 5 of 6 shards reported');
    expect(run.sampleErrors[0]).toMatch(/^shard 3 failed: Error worker crashed/);
    expect(run.sla.verdict).toBe('invalid');

    const data = publishedData();
    expect(latencyCountSum(data)).toBe(1_000);
    // An invalid run publishes no verdict, so it can never count towards the breach alarm.
    expect(data.some((d) => d.MetricName === 'SlaBreached')).toBe(false);
    expect(data.find((d) => d.MetricName === 'InvalidRun')?.Value).toBe(1);
    expect(data.find((d) => d.MetricName === 'Heartbeat')?.Value).toBe(1);
  });

  it('sends nothing while the kill switch is on, but still beats; an unreadable switch does not beat', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    received = 0;
    const before = (await storedRuns('accounts')).length;
    const on = handlers('Load', { killSwitch: 'on' });
    const { output } = await executeLocally(on.definition, { probeId: 'accounts' }, on.tasks);
    expect(output).toMatchObject({ verdict: 'kill switch on', requests: 0 });
    expect(on.workerCalls).toEqual([]);
    expect(received).toBe(0);
    expect((await storedRuns('accounts')).length).toBe(before);
    expect(publishedData().map((d) => [d.MetricName, d.Value])).toEqual([['Heartbeat', 1]]);

    cloudWatch.reset();
    const unreadable = handlers('Load', { killSwitch: 'unreadable' });
    const second = await executeLocally(unreadable.definition, { probeId: 'accounts' }, unreadable.tasks);
    expect(second.output).toMatchObject({ verdict: 'kill switch unreadable' });
    expect(received).toBe(0);
    // No heartbeat: if nobody can read the switch, the heartbeat alarm says that nothing is being watched.
    expect(cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('fans out over 45 shards on the Standard machine (Distributed Map) and merges them all', async () => {
    cloudWatch.on(PutMetricDataCommand).resolves({});
    received = 0;
    const { definition, tasks, workerCalls } = handlers('LongLoad');
    expect(JSON.stringify(definition)).toContain('"Mode":"DISTRIBUTED"');
    const { output } = await executeLocally(definition, { probeId: 'fanout' }, tasks);

    expect(output).toMatchObject({ probeId: 'fanout', valid: true, coverage: { planned: 45, reported: 45 } });
    expect(workerCalls).toHaveLength(45);
    expect(received).toBe(90);
    expect(latencyCountSum(publishedData())).toBe(90);
  });
});
