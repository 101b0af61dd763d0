import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLeaseStore } from '../../../functions/adapters/dynamo-run-lease.ts';
import { createRunStore, type RunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import { createShardStore, type ShardStore } from '../../../functions/adapters/dynamo-shard-store.ts';
import type { KillSwitchState } from '../../../functions/adapters/kill-switch.ts';
import { clearSecretCache } from '../../../functions/adapters/secrets.ts';
import { checkGroups } from '../../../functions/core/cloud/check-groups.ts';
import type { DeployedSuite } from '../../../functions/core/cloud/deployed-suite.ts';
import type { MetricDatum } from '../../../functions/core/cloud/metric-data.ts';
import { isCheckBatch, type ShardTask } from '../../../functions/core/cloud/run-messages.ts';
import { CHECKS_PER_WORKER } from '../../../functions/core/cloud/run-sizing.ts';
import { shardRecord } from '../../../functions/core/cloud/shard-record.ts';
import { mergeEncoded, summarizeLatency } from '../../../functions/core/histogram.ts';
import type { ShardResult } from '../../../functions/core/shard-result.ts';
import { createAggregateHandler } from '../../../functions/handlers/aggregate.ts';
import { logger } from '../../../functions/handlers/logger.ts';
import { createPlanHandler } from '../../../functions/handlers/plan.ts';
import { createWorkerHandler } from '../../../functions/handlers/worker.ts';
import { httpServer, type Running, refusedPort } from '../../helpers/servers.ts';
import { simulatedShard } from '../../helpers/simulated-shard.ts';
import { deploySuiteInput, synthStack } from '../../helpers/stacks.ts';
import { renderDefinition } from '../../helpers/state-machine-definition.ts';
import { eventMatches } from '../../lib/event-pattern.ts';
import { executeRun } from './execute-run.ts';
import { type LocalRunsTable, localRunsTable } from './runs-table.ts';

const SECRET = 'tok-4a1f9c';
const SLOW_MS = 20;
const REQUESTS = 3;
/** Checks on health's schedule besides it: with it, one worker batch of CHECKS_PER_WORKER. */
const BATCHED = Array.from({ length: CHECKS_PER_WORKER - 1 }, (_, i) => `check-${i + 1}`);
const cloudWatch = mockClient(CloudWatchClient);
// No local SSM server exists: the worker's exact request is asserted instead.
const ssm = mockClient(SSMClient);

let target: Running;
let received = 0;
let authorizations = new Set<string>();
let table: LocalRunsTable;
let store: RunStore;
let shardStore: ShardStore;
let deployed: DeployedSuite;
let template: ReturnType<typeof synthStack>['template'];
/** Per runner (Checks for latency probes, Load for bursts): the synthesized definition and worker timeout. */
const runners: Record<string, { definition: Record<string, unknown>; workerTimeoutMs: number }> = {};
/** Everything the three functions logged (Powertools writes JSON lines to stdout). */
let logged: string[] = [];

beforeAll(async () => {
  // Silent elsewhere in tests (vitest.config.ts): this file reads what the functions log.
  logger.setLogLevel('INFO');
  target = await httpServer((req, res) => {
    received++;
    authorizations.add(String(req.headers.authorization));
    res.setHeader('content-type', 'application/json');
    // The batched checks' path answers after a fixed 20 ms: percentiles then measure that, not scheduling noise.
    if (req.url === '/slow') setTimeout(() => res.end('{"ok":true}'), SLOW_MS);
    else res.end('{"ok":true}');
  });

  // The real synthesized stack: its state machine definitions, its table keys, its worker timeouts.
  const input = deploySuiteInput(target.url);
  // Health's requests a second apart, so that it shares a worker with the checks on its schedule (sharesWorker).
  Object.assign(input.probes.find((p) => (p as { id: string }).id === 'health')!, {
    load: { kind: 'latency', requests: 3, interval: '1s' },
  });
  // An environment secret no probe's request uses: nobody may read it (the worker must not even try).
  (input.environments.prod.variables as Record<string, unknown>).legacy = { secret: 'ssm:/bank/prod/legacy' };
  input.environments.prod.caps.maxConnections = 1_000;
  // 1,046 workers at once: more than a default account reserves, declared as this environment's budget.
  (input.environments.prod.caps as Record<string, unknown>).maxShards = 1_100;
  input.probes.push(
    // More than 40 shards: the Standard machine with a Distributed Map.
    {
      id: 'fanout',
      request: { url: '/fanout' },
      load: { kind: 'burst', connections: 45, requests: 90 },
      shards: 45,
    } as never,
    // A target that is down (nothing listens): a burst must measure that, not crash, and page.
    {
      id: 'down',
      request: { url: `http://127.0.0.1:${await refusedPort()}/pay`, timeout: '1s' },
      load: { kind: 'burst', connections: 4, duration: '1s' },
      shards: 2,
    } as never,
    ...(BATCHED.map((id) => ({
      id,
      request: { url: '/slow' },
      schedule: 'rate(1 minute)',
      // As a check is paced in production: a request a second (denser checks run alone, see sharesWorker).
      load: { kind: 'latency', requests: REQUESTS, interval: '1s' },
    })) as never[]),
    // The schema's most shards: what the state payload must survive.
    {
      id: 'wide',
      request: { url: '/wide' },
      load: { kind: 'burst', connections: 1_000, requests: 1_000 },
      shards: 1_000,
    } as never,
  );
  const synthesized = synthStack(input);
  template = synthesized.template;
  deployed = synthesized.stack.probes.deployed;
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
  const [synthesizedTable] = Object.values(template.findResources('AWS::DynamoDB::Table'));
  table = await localRunsTable(synthesizedTable!.Properties);
  store = createRunStore(table.dynamo, table.tableName, deployed.retentionDays, deployed.suite);
  shardStore = createShardStore(table.dynamo, table.tableName);
  // Synthesizing the stack takes tens of seconds on a loaded machine.
}, 180_000);

afterAll(async () => {
  logger.setLogLevel('SILENT');
  await target?.close();
  await table?.close();
});

beforeEach(async () => {
  await clearSecretCache();
  ssm.on(GetParameterCommand, { Name: '/bank/prod/token', WithDecryption: true }).resolves({
    Parameter: { Value: SECRET },
  });
  ssm.on(GetParameterCommand, { Name: '/bank/prod/legacy' }).rejects(new Error('AccessDeniedException'));
  cloudWatch.on(PutMetricDataCommand).resolves({});
  received = 0;
  logged = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
    if (String(chunk).includes('"level"')) {
      logged.push(String(chunk));
      return true;
    }
    return write(chunk as string, ...(rest as []));
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  cloudWatch.reset();
  ssm.reset();
});

/** The real handlers, wired to dynalite and the mocked CloudWatch; `breakShard` loses one worker. */
function handlers(
  runner: 'Checks' | 'Load' | 'LongLoad',
  options: {
    breakShard?: number;
    /** Loses every Worker task of the checks machine. */
    breakBatch?: boolean;
    killSwitch?: KillSwitchState;
    /** Stands in for the worker (the 1,000-shard test writes simulated wide shards through the real store). */
    worker?: (task: ShardTask) => Promise<unknown>;
  } = {},
) {
  const { workerTimeoutMs } = runners[runner]!;
  const plan = createPlanHandler(() => deployed, {
    leadMs: () => 200,
    killSwitch: async () => options.killSwitch ?? 'off',
    leases: () => createLeaseStore(table.dynamo, table.tableName),
  });
  const worker = createWorkerHandler(() => deployed, { shards: () => shardStore });
  const aggregate = createAggregateHandler(
    () => deployed,
    () => ({ store, shards: shardStore, cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }) }),
  );
  const context = { getRemainingTimeInMillis: () => workerTimeoutMs } as Context;
  const workerCalls: number[] = [];
  /** Checks per Worker task of the checks machine. */
  const batchSizes: number[] = [];
  const aggregateCalls: unknown[] = [];
  return {
    definition: runners[runner]!.definition,
    workerCalls,
    batchSizes,
    aggregateCalls,
    tasks: {
      Plan: (input: unknown) => plan(input as never, context),
      Worker: async (input: unknown) => {
        const task = input as ShardTask;
        if (isCheckBatch(task)) batchSizes.push(task.runs.length);
        else workerCalls.push(task.shard);
        if (options.worker) return options.worker(task);
        const lost = isCheckBatch(task) ? options.breakBatch : task.shard === options.breakShard;
        if (lost) throw new Error('worker crashed');
        return worker(task, context);
      },
      ShardLost: (input: unknown) => worker(input as never, context),
      Aggregate: (input: unknown) => {
        aggregateCalls.push(input);
        return aggregate(input as never, context);
      },
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

/** A probe's run history, as every reader of the table asks for it. */
async function storedRuns(probeId: string) {
  return store.runsBetween('prod', probeId, new Date(Date.now() - 3_600_000), new Date(Date.now() + 60_000));
}

/** A probe's newest stored run. */
async function latestRun(probeId: string) {
  const runs = await storedRuns(probeId);
  return runs.reduce((a, b) => (a.startedAt > b.startedAt ? a : b));
}

async function shardResultsOf(runId: string): Promise<ShardResult[]> {
  return (await shardStore.readRun('prod', runId)).flatMap((r) => (r.result ? [r.result] : []));
}

const tick = (minute: number) => new Date(Date.UTC(2026, 10, 30, 6, minute)).toISOString();

describe('the synthesized state machine, executed in-process with the real handlers', () => {
  it('gives every task longer than its Lambda may run, and logs under /aws/vendedlogs/states/', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const lambdaSeconds = (hint: string) =>
      Object.entries(functions).find(([id]) => id.includes(hint))![1].Properties.Timeout as number;
    for (const [name, runner] of Object.entries(runners)) {
      const states = runner.definition.States as Record<string, { TimeoutSeconds?: number }>;
      const shards = runner.definition.States as Record<
        string,
        { ItemProcessor?: { States: typeof states } }
      >;
      const worker = shards.Shards!.ItemProcessor!.States.Worker!;
      expect(worker.TimeoutSeconds, name).toBe(runner.workerTimeoutMs / 1000 + 15);
      const recordLoss = shards.Shards!.ItemProcessor!.States.ShardLost!;
      expect(recordLoss.TimeoutSeconds, name).toBe(runner.workerTimeoutMs / 1000 + 15);
      expect(states.Plan!.TimeoutSeconds, name).toBe(lambdaSeconds('Plan') + 15);
      expect(states.Aggregate!.TimeoutSeconds, name).toBe(lambdaSeconds('Aggregate') + 15);
    }
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    for (const machine of machines) {
      const logGroupArn = machine.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup
        .LogGroupArn['Fn::GetAtt'][0] as string;
      expect(logGroups[logGroupArn]!.Properties.LogGroupName).toMatch(/^\/aws\/vendedlogs\/states\/[\w-]+$/);
    }
  });

  it('runs a latency check alone: stored, published as a distribution, no secret in history or logs', async () => {
    authorizations = new Set();
    const { definition, tasks, batchSizes } = handlers('Checks');
    // A manual start naming one check: a batch of one.
    const { output, history } = await executeRun(
      definition,
      { probeId: 'health', scheduledTime: tick(1) },
      tasks,
    );

    expect(output).toMatchObject({ group: 'health', checks: 1, verdicts: { pass: 1 }, notPassing: [] });
    expect(batchSizes).toEqual([1]);
    expect(received).toBe(3);
    // The secret reached the target, resolved inside the worker from SSM with exactly this request; the
    // environment's other secret, which no request uses, was never read...
    expect([...authorizations]).toEqual([`Bearer ${SECRET}`]);
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/bank/prod/token', WithDecryption: true },
    ]);
    // ...and neither it nor any request detail travelled through the execution or reached a log line.
    const seen = JSON.stringify(history);
    expect(seen).not.toContain(SECRET);
    expect(seen).not.toContain(String(target.port));
    expect(seen).not.toContain('/health');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toContain(SECRET);

    const [run] = await storedRuns('health');
    const runId = run!.runId;
    expect(run).toMatchObject({
      pk: 'prod#health',
      requests: { total: 3, ok: 3, failed: 0 },
      coverage: { planned: 1, reported: 1 },
    });
    expect(run!.sk.startsWith(run!.startedAt)).toBe(true);
    expect(run!.expiresAt).toBe(Math.floor(Date.parse(run!.startedAt) / 1000) + 90 * 86_400);
    const shards = await shardResultsOf(runId);
    expect(run!.latencyMs).toEqual(summarizeLatency(mergeEncoded(shards.map((s) => s.histogram))));

    const data = publishedData();
    expect(latencyCountSum(data)).toBe(received);
    const value = (name: string) => data.find((d) => d.MetricName === name)?.Value;
    // Requests is also the heartbeat (its sample count); Verdict 0: valid, SLA met.
    expect(value('Requests')).toBe(3);
    expect(value('Verdict')).toBe(0);
    // A latency check publishes no Throughput (it would only restate the pacing, for $0.30 a month): four metrics.
    expect([...new Set(data.map((d) => d.MetricName))].sort()).toEqual([
      'Errors',
      'Latency',
      'Requests',
      'Verdict',
    ]);
    for (const d of data) {
      expect(d.Dimensions).toEqual([
        { Name: 'Suite', Value: 'bank' },
        { Name: 'Environment', Value: 'prod' },
        { Name: 'Probe', Value: 'health' },
      ]);
    }
    // Every line of the run carries its id and the function's request id field (correlation keys).
    for (const line of logged) expect(JSON.parse(line)).toMatchObject({ correlation_id: runId });
  });

  it('runs the checks due in one tick in one execution and one worker batch, each its own stored, published run', async () => {
    const [group] = checkGroups(deployed).filter((g) => g.probeIds.includes('health'));
    expect(group!.probeIds).toEqual(['health', ...BATCHED]);
    const { definition, tasks, batchSizes, aggregateCalls } = handlers('Checks');
    const { output } = await executeRun(definition, { checks: group!.key, scheduledTime: tick(20) }, tasks);

    // Not asserted here: validity. The twenty checks share this process's event loop with dynalite, the local
    // state machine and vitest on a busy host; in Lambda the worker has its own (bench/batched-checks.ts).
    expect(output).toMatchObject({ group: group!.key, checks: CHECKS_PER_WORKER });
    // One worker invocation for the twenty checks, one Aggregate for the tick.
    expect(batchSizes).toEqual([CHECKS_PER_WORKER]);
    expect(aggregateCalls).toHaveLength(1);
    expect(received).toBe(3 + REQUESTS * BATCHED.length);
    // Each check: its own run in its own history, and its own metrics under its own Probe dimension, the
    // tick's checks in one PutMetricData call.
    const published = cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
    expect(published).toHaveLength(1);
    for (const id of ['health', ...BATCHED]) {
      expect((await latestRun(id)).requests.total, id).toBe(id === 'health' ? 3 : REQUESTS);
      const mine = published[0]!.MetricData!.filter((d) =>
        d.Dimensions!.some((x) => x.Name === 'Probe' && x.Value === id),
      );
      expect(
        mine.filter((d) => d.MetricName === 'Verdict'),
        id,
      ).toHaveLength(1);
      expect(latencyCountSum(mine as MetricDatum[]), id).toBe(id === 'health' ? 3 : REQUESTS);
    }
  });

  it('measures a check batched with 19 others as it measures it alone: equal requests, percentiles within the noise of two runs alone', async () => {
    const [group] = checkGroups(deployed).filter((g) => g.probeIds.includes('health'));
    const runOf = async (input: Record<string, string>) => {
      const { definition, tasks } = handlers('Checks');
      await executeRun(definition, input, tasks);
      return latestRun('check-1');
    };
    const alone1 = await runOf({ probeId: 'check-1', scheduledTime: tick(21) });
    const batched = await runOf({ checks: group!.key, scheduledTime: tick(22) });
    const alone2 = await runOf({ probeId: 'check-1', scheduledTime: tick(23) });

    expect(batched.requests.total).toBe(alone1.requests.total);
    expect(batched.requests.total).toBe(alone2.requests.total);
    for (const p of ['p50', 'p90', 'p99'] as const) {
      const [low, high] = [alone1.latencyMs[p], alone2.latencyMs[p]].sort((a, b) => a - b) as [
        number,
        number,
      ];
      // The spread of two runs alone, at least 2 ms for the median (10 % of the target's 20 ms answer: two runs
      // alone on this shared, loaded host differ by that much) and 5 ms for the tail (of 5 requests, p90 and p99
      // are the slowest one, which one scheduling hiccup of this in-process host moves), on either side. The bench
      // (bench/batched-checks.ts) compares them with the target in its own process.
      const noise = Math.max(high - low, p === 'p50' ? 2 : 5);
      process.stderr.write(
        `check-1 ${p}: alone ${low}, ${high} ms; batched with 19: ${batched.latencyMs[p]} ms\n`,
      );
      expect(batched.latencyMs[p], p).toBeGreaterThanOrEqual(low - noise);
      expect(batched.latencyMs[p], p).toBeLessThanOrEqual(high + noise);
    }
  });

  it('records a lost batch for each of its checks: every run stored invalid with the cause, each still beats', async () => {
    const [group] = checkGroups(deployed).filter((g) => g.probeIds.includes('health'));
    const { definition, tasks, batchSizes } = handlers('Checks', { breakBatch: true });
    const { output } = await executeRun(definition, { checks: group!.key, scheduledTime: tick(24) }, tasks);

    expect(batchSizes).toEqual([CHECKS_PER_WORKER]);
    expect(output).toMatchObject({ checks: CHECKS_PER_WORKER, verdicts: { invalid: CHECKS_PER_WORKER } });
    expect(received).toBe(0);
    for (const id of ['health', 'check-7']) {
      const run = await latestRun(id);
      expect(run.validity.reasons[0]).toBe('only 0 of 1 shards reported: worker error Error: worker crashed');
    }
    const published = cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData!);
    expect(published).toHaveLength(1);
    // Each check beats (a Requests datum) and is invalid (Verdict 2).
    const verdicts = published[0]!.filter((d) => d.MetricName === 'Verdict').map((d) => d.Value);
    expect(verdicts).toEqual(Array.from({ length: CHECKS_PER_WORKER }, () => 2));
    expect(published[0]!.filter((d) => d.MetricName === 'Requests')).toHaveLength(CHECKS_PER_WORKER);
  });

  it('sends no check while the kill switch is on: no worker, and every check of the tick beats', async () => {
    const [group] = checkGroups(deployed).filter((g) => g.probeIds.includes('health'));
    const { definition, tasks, batchSizes } = handlers('Checks', { killSwitch: 'on' });
    const { output } = await executeRun(definition, { checks: group!.key, scheduledTime: tick(25) }, tasks);

    expect(output).toMatchObject({
      checks: CHECKS_PER_WORKER,
      verdicts: { 'kill switch on': CHECKS_PER_WORKER },
    });
    expect(batchSizes).toEqual([]);
    expect(received).toBe(0);
    const published = cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData!);
    expect(published.map((data) => data.map((d) => [d.MetricName, d.Value]))).toEqual(
      Array.from({ length: CHECKS_PER_WORKER }, () => [['Requests', 0]]),
    );
  });

  it('runs a checks tick once: a duplicate execution stops after Plan', async () => {
    const [group] = checkGroups(deployed).filter((g) => g.probeIds.includes('health'));
    const first = handlers('Checks');
    await executeRun(first.definition, { checks: group!.key, scheduledTime: tick(26) }, first.tasks);
    received = 0;
    cloudWatch.resetHistory();
    const duplicate = handlers('Checks');
    const { output } = await executeRun(
      duplicate.definition,
      { checks: group!.key, scheduledTime: tick(26) },
      duplicate.tasks,
    );
    expect(output).toMatchObject({ group: group!.key, duplicate: true, batches: [] });
    expect(duplicate.batchSizes).toEqual([]);
    expect(duplicate.aggregateCalls).toEqual([]);
    expect(received).toBe(0);
    expect(cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('fans a burst out over six shards and merges them exactly from the table', async () => {
    const { definition, tasks, workerCalls, aggregateCalls } = handlers('Load');
    const { output } = await executeRun(definition, { probeId: 'accounts', scheduledTime: tick(2) }, tasks);

    // Not asserted here: validity. Six generators share this one event loop (and a busy host), so its delay may
    // exceed what a valid run allows; in Lambda each shard has its own. The latency datum (valid runs only) is
    // covered by the one-shard and 45-shard runs and the Aggregate test.
    expect(output).toMatchObject({ probeId: 'accounts', partial: false });
    expect(workerCalls.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(received).toBe(1_200);
    const runId = (output as { runId: string }).runId;
    const shards = await shardResultsOf(runId);
    // Every shard waited for the plan's shared start, 200 ms after planning, instead of starting when invoked
    // (5 ms of slack: a timer may fire a millisecond early against the wall clock).
    const [planned] = aggregateCalls as { startAt: number }[];
    const starts = shards.map((s) => Date.parse(s.startedAt));
    expect(starts).toHaveLength(6);
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(planned!.startAt - 5);

    const run = (await storedRuns('accounts')).find((r) => r.runId === runId)!;
    expect(run.requests.total).toBe(1_200);
    expect(run.coverage).toEqual({ planned: 6, reported: 6 });
    // Exactly the merge of what the six workers measured: every percentile, not an average of them.
    expect(run.latencyMs).toEqual(summarizeLatency(mergeEncoded(shards.map((s) => s.histogram))));
    const data = publishedData();
    expect(data.find((d) => d.MetricName === 'Requests')?.Value).toBe(1_200);
    expect(data.find((d) => d.MetricName === 'Throughput')?.Value).toBe(run.throughputRps);
  });

  it('stores a run with a lost shard as partial (5 of 6), invalid, says so, and retries nothing into load', async () => {
    const { definition, tasks, workerCalls } = handlers('Load', { breakShard: 3 });
    const { output } = await executeRun(definition, { probeId: 'accounts', scheduledTime: tick(3) }, tasks);

    expect(output).toMatchObject({ valid: false, partial: true, coverage: { planned: 6, reported: 5 } });
    // Six workers invoked once each: the failed one was not retried.
    expect(workerCalls.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(received).toBe(1_000);

    const run = (await storedRuns('accounts')).find((r) => r.runId === (output as { runId: string }).runId)!;
    expect(run.partial).toBe(true);
    expect(run.validity.valid).toBe(false);
    // The Catch handed the lost task's error back to the worker function, which wrote it to the shard's item.
    expect(run.validity.reasons).toContain('only 5 of 6 shards reported: worker error Error: worker crashed');
    expect(run.sla.verdict).toBe('invalid');

    const data = publishedData();
    // An invalid run publishes no latency and the invalid verdict (2), which the SLA alarm's expression drops:
    // no alarm can count it as a breach. Its Requests datum is the beat.
    expect(data.some((d) => d.MetricName === 'Latency')).toBe(false);
    expect(data.find((d) => d.MetricName === 'Verdict')?.Value).toBe(2);
    expect(data.filter((d) => d.MetricName === 'Requests')).toHaveLength(1);
  });

  it('cannot measure when every shard fails: stored invalid with the cause in words, Verdict invalid, still a heartbeat (one page, not two)', async () => {
    // The token lives under a customer-managed KMS key the worker's role cannot use.
    ssm.reset();
    ssm.on(GetParameterCommand).rejects(
      Object.assign(new Error('Access to KMS is not allowed'), {
        name: 'AccessDeniedException',
        $metadata: {},
      }),
    );
    const { definition, tasks, workerCalls } = handlers('Load');
    const { output } = await executeRun(definition, { probeId: 'accounts', scheduledTime: tick(4) }, tasks);

    expect(output).toMatchObject({ valid: false, partial: true, coverage: { planned: 6, reported: 0 } });
    expect(workerCalls.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(received).toBe(0);
    const run = (await storedRuns('accounts')).find((r) => r.runId === (output as { runId: string }).runId)!;
    expect(run.validity.reasons).toEqual([
      "only 0 of 6 shards reported: worker error SecretResolutionError: variable ${token} (secret ssm:/bank/prod/token): AccessDeniedException (KMS: the worker's role needs kms:Decrypt on the customer-managed key that encrypts it): Access to KMS is not allowed (first of 6 failed shards)",
      'no shard reported',
    ]);

    // Exactly what the "cannot measure" alarm reads: Verdict 2 (invalid), no Latency. It still beats (Requests,
    // the pipeline ran it), so the heartbeat does not page this cause a second time.
    const Dimensions = [
      { Name: 'Suite', Value: 'bank' },
      { Name: 'Environment', Value: 'prod' },
      { Name: 'Probe', Value: 'accounts' },
    ];
    const Timestamp = new Date(run.startedAt);
    expect(cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      {
        Namespace: 'Perfprobe',
        MetricData: [
          { MetricName: 'Requests', Dimensions, Timestamp, Unit: 'Count', Value: 0 },
          { MetricName: 'Errors', Dimensions, Timestamp, Unit: 'Count', Value: 0 },
          { MetricName: 'Verdict', Dimensions, Timestamp, Unit: 'None', Value: 2 },
          { MetricName: 'Throughput', Dimensions, Timestamp, Unit: 'Count/Second', Value: 0 },
        ],
      },
    ]);
  });

  it('pages for a target that is down: a burst against a refused port is a valid run that breaches', async () => {
    const { definition, tasks } = handlers('Load');
    const { output } = await executeRun(definition, { probeId: 'down', scheduledTime: tick(9) }, tasks);

    // Both shards reported (no worker crashed), the run is valid: the target's failure, not the probe's.
    expect(output).toMatchObject({ valid: true, partial: false, coverage: { planned: 2, reported: 2 } });
    const run = (await storedRuns('down')).find((r) => r.runId === (output as { runId: string }).runId)!;
    expect(Object.keys(run.errors)).toEqual(['connection_refused']);
    expect(run.sampleErrors[0]).toBe(
      'connection_refused: ECONNREFUSED while connecting (the target refused the connection)',
    );
    // A dead target is not flooded: each connection backs off between attempts.
    expect(run.connectAttempts).toBeLessThan(4 * 10);
    expect(run.sla.checks).toContainEqual(
      expect.objectContaining({ name: 'errorRate', isDefault: true, observed: 1, passed: false }),
    );
    // What the SLA alarm reads (the Verdict, M of N): 1, valid and breached, with a heartbeat (Requests).
    const data = publishedData();
    expect(data.find((d) => d.MetricName === 'Verdict')?.Value).toBe(1);
    expect(data.filter((d) => d.MetricName === 'Requests')).toHaveLength(1);
    // ...and that alarm exists for this probe, on this metric, and reaches on-call through the notifier: the
    // stack's rule matches its state changes (the walk in test/lib checks the rule → function → topic → key).
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) =>
        (a.Properties.Metrics as { MetricStat?: { Metric: Record<string, unknown> } }[] | undefined)?.some(
          (m) =>
            m.MetricStat?.Metric.MetricName === 'Verdict' &&
            (m.MetricStat.Metric.Dimensions as { Name: string; Value: string }[]).some(
              (d) => d.Name === 'Probe' && d.Value === 'down',
            ),
        ) && String(a.Properties.AlarmName).endsWith('.sla'),
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties.AlarmActions).toBeUndefined();
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    const stateChange = {
      source: 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      detail: { alarmName: alarms[0]!.Properties.AlarmName },
    };
    expect(rules.filter((r) => eventMatches(r.Properties.EventPattern, stateChange))).toHaveLength(1);
  });

  it('runs once per schedule tick: a duplicate execution stops after Plan, with no load, store or metric', async () => {
    const first = handlers('Load');
    const { output } = await executeRun(
      first.definition,
      { probeId: 'accounts', scheduledTime: tick(5) },
      first.tasks,
    );
    expect(output).toMatchObject({ probeId: 'accounts', coverage: { planned: 6, reported: 6 } });
    const runsBefore = (await storedRuns('accounts')).length;
    cloudWatch.resetHistory();
    received = 0;

    const duplicate = handlers('Load');
    const second = await executeRun(
      duplicate.definition,
      { probeId: 'accounts', scheduledTime: tick(5) },
      duplicate.tasks,
    );

    expect(second.output).toMatchObject({ probeId: 'accounts', duplicate: true, tasks: [] });
    expect(duplicate.workerCalls).toEqual([]);
    expect(duplicate.aggregateCalls).toEqual([]);
    expect(received).toBe(0);
    expect(cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    // The run history holds runs only: neither the lease nor any shard item comes back from it.
    const runs = await storedRuns('accounts');
    expect(runs).toHaveLength(runsBefore);
    expect(runs.every((r) => r.pk === 'prod#accounts' && typeof r.runId === 'string')).toBe(true);
  });

  it('sends nothing while the kill switch is on, but still beats; an unreadable switch does not beat', async () => {
    const before = (await storedRuns('accounts')).length;
    const on = handlers('Load', { killSwitch: 'on' });
    const { output } = await executeRun(
      on.definition,
      { probeId: 'accounts', scheduledTime: tick(6) },
      on.tasks,
    );
    expect(output).toMatchObject({ verdict: 'kill switch on', requests: 0 });
    expect(on.workerCalls).toEqual([]);
    expect(received).toBe(0);
    expect((await storedRuns('accounts')).length).toBe(before);
    // Requests 0 and nothing else: a beat, no verdict.
    expect(publishedData().map((d) => [d.MetricName, d.Value])).toEqual([['Requests', 0]]);

    cloudWatch.resetHistory();
    const unreadable = handlers('Load', { killSwitch: 'unreadable' });
    const second = await executeRun(
      unreadable.definition,
      { probeId: 'accounts', scheduledTime: tick(7) },
      unreadable.tasks,
    );
    expect(second.output).toMatchObject({ verdict: 'kill switch unreadable' });
    expect(received).toBe(0);
    // No heartbeat: if nobody can read the switch, the heartbeat alarm says that nothing is being watched.
    expect(cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('fans out over 45 shards on the Standard machine (Distributed Map) and merges them all', async () => {
    const { definition, tasks, workerCalls } = handlers('LongLoad');
    expect(JSON.stringify(definition)).toContain('"Mode":"DISTRIBUTED"');
    const { output } = await executeRun(definition, { probeId: 'fanout', scheduledTime: tick(8) }, tasks);

    expect(output).toMatchObject({ probeId: 'fanout', valid: true, coverage: { planned: 45, reported: 45 } });
    expect(workerCalls).toHaveLength(45);
    expect(received).toBe(90);
    expect(latencyCountSum(publishedData())).toBe(90);
  });

  it('keeps the state payload to a few KB with 1,000 shards of wide histograms: results travel through the table', async () => {
    // Each shard: a minute of a degraded target (20 ms ± 4.5x, 1 % tail to 2 s), written through the real shard
    // store as the worker writes it, returning the worker's pointer. Twenty distinct minutes, reused: recording
    // 1,000 of them would take half a minute and change no byte of the state.
    const minutes = Array.from({ length: 20 }, (_, i) => simulatedShard(60, 3, 2_000, i + 1));
    const written: number[] = [];
    const wide = handlers('LongLoad', {
      worker: async (task) => {
        const result = { ...minutes[task.shard % minutes.length]!, shard: task.shard };
        await shardStore.write(shardRecord('prod', task.runId, task.shard, { result }, Date.now()));
        written.push(Buffer.byteLength(JSON.stringify(result)));
        return { runId: task.runId, shard: task.shard };
      },
    });
    const { output, largestPayloadBytes } = await executeRun(
      wide.definition,
      { probeId: 'wide', scheduledTime: tick(9) },
      wide.tasks,
    );

    expect(output).toMatchObject({ probeId: 'wide', coverage: { planned: 1_000, reported: 1_000 } });
    const shardBytes = written.reduce((a, b) => a + b, 0);
    // Over 8 MB of shard results, none of it in the state: the largest payload is the plan's shard indexes.
    expect(shardBytes).toBeGreaterThan(8_000_000);
    expect(largestPayloadBytes).toBeLessThan(6 * 1024);
    console.info(
      `1,000 wide shards: ${shardBytes} bytes of shard results; largest state payload ${largestPayloadBytes} bytes`,
    );
    // The simulated minutes started at the epoch, and so did the run they make.
    const [run] = await store.runsBetween('prod', 'wide', new Date(0), new Date(120_000));
    expect(run?.runId).toBe((output as { runId: string }).runId);
    const perTwenty = minutes.reduce((n, m) => n + m.requests.total, 0);
    expect(run!.requests.total).toBe(50 * perTwenty);
    // The stored run item stays far below DynamoDB's 400 KB item limit.
    expect(Buffer.byteLength(JSON.stringify(run))).toBeLessThan(64 * 1024);
  });

  it('keeps the payload small when 1,000 shards all fail with long causes: each failure goes to the table', async () => {
    // A Lambda error's cause carries its message and stack trace: 2 KB each here, 2 MB for the run.
    const trace = 'at handler (file:///var/task/index.mjs:1:1)\n'.repeat(45);
    const failing = handlers('LongLoad', {
      worker: async () => {
        throw Object.assign(new Error(`Runtime exited: ${trace}`), { name: 'Runtime.ExitError' });
      },
    });
    const { output, largestPayloadBytes } = await executeRun(
      failing.definition,
      { probeId: 'wide', scheduledTime: tick(10) },
      failing.tasks,
    );

    expect(output).toMatchObject({
      probeId: 'wide',
      valid: false,
      coverage: { planned: 1_000, reported: 0 },
    });
    process.stderr.write(`1,000 failed shards: largest state payload ${largestPayloadBytes} bytes\n`);
    expect(largestPayloadBytes).toBeLessThan(6 * 1024);
    const runId = (output as { runId: string }).runId;
    const [run] = (await storedRuns('wide')).filter((r) => r.runId === runId);
    expect(run!.validity.reasons[0]).toMatch(
      /^only 0 of 1000 shards reported: worker error Runtime\.ExitError: Runtime exited: at handler/,
    );
    const data = publishedData();
    expect(data.find((d) => d.MetricName === 'Verdict')?.Value).toBe(2);
    expect(data.filter((d) => d.MetricName === 'Requests')).toHaveLength(1);
  });
});
