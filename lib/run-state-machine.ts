import { Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  DistributedMap,
  type IChainable,
  JitterType,
  JsonPath,
  LogLevel,
  Map as MapState,
  Pass,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, type LambdaInvokeProps } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  CONTROL_FUNCTIONS,
  EXPRESS_MAX_MS,
  INLINE_MAP_MAX_SHARDS,
  type WorkflowKind,
} from '../functions/core/cloud/run-sizing.ts';

/**
 * Errors that mean Lambda never ran the function (or could not say): retrying them cannot add load to the
 * target. A worker's own failure is not among them, so it is never retried into extra load.
 */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/**
 * A task's timeout is its Lambda timeout plus this: the invoke itself (a cold start's init, the response) takes
 * time, and a task that gave up first would leave a worker sending load that nobody waits for.
 */
export const TASK_TIMEOUT_MARGIN = Duration.seconds(15);

export interface RunStateMachineProps {
  readonly kind: WorkflowKind;
  /** Plan, Worker and Aggregate: pass published versions or aliases, so one run uses one deploy's code. */
  readonly plan: IFunction;
  readonly worker: IFunction;
  readonly aggregate: IFunction;
  /** The worker's Lambda timeout; the Worker task waits a margin longer. */
  readonly workerTimeout: Duration;
  /** Most shards of any probe this machine runs (for checks: most worker batches of a tick): the Map's concurrency. */
  readonly maxShards: number;
  /**
   * The checks machine: a schedule's tick runs its group of checks, the Map over worker batches (each check its
   * own one-shard run), then one Aggregate for every check of the tick. @default false
   */
  readonly batched?: boolean;
  readonly logRetention: RetentionDays;
  /** The customer-managed key of its log group. @default - CloudWatch Logs' own encryption */
  readonly logKey?: IKey | undefined;
  /** X-Ray active tracing (the environment's `tracing`). @default false */
  readonly tracing?: boolean | undefined;
}

/** State names are part of the contract: the local runner maps handlers to them. */
export const STATE_NAMES = {
  plan: 'Plan',
  firstForTick: 'FirstForTick',
  duplicate: 'DuplicateTick',
  shards: 'Shards',
  worker: 'Worker',
  /** The worker function again, recording why a task lost its shard. */
  lost: 'ShardLost',
  /** The shard stays missing: even its loss could not be recorded. */
  unrecorded: 'ShardLostUnrecorded',
  aggregate: 'Aggregate',
};

/**
 * Plan → (a duplicate execution of a schedule tick stops here) → Map over shard indexes → Worker → Aggregate,
 * in JSONPath. No shard result travels in the state: workers write theirs to the runs table and Aggregate reads
 * them there, so the state holds the plan (a few bytes per shard) whatever the histograms hold; Step Functions
 * caps a payload at 256 KiB and `States.DataLimitExceeded` cannot be caught.
 */
export class RunStateMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: RunStateMachineProps) {
    super(scope, id);
    this.stateMachine = new StateMachine(this, 'Resource', {
      definitionBody: DefinitionBody.fromChainable(runStates(this, props)),
      stateMachineType: props.kind === 'express' ? StateMachineType.EXPRESS : StateMachineType.STANDARD,
      timeout: props.kind === 'express' ? Duration.millis(EXPRESS_MAX_MS) : runTimeout(props.workerTimeout),
      tracingEnabled: props.tracing ?? false,
      logs: {
        destination: machineLogs(this, props.logRetention, props.logKey),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
  }
}

const PLAN_TIMEOUT = Duration.millis(CONTROL_FUNCTIONS.plan.timeoutMs);
const AGGREGATE_TIMEOUT = Duration.millis(CONTROL_FUNCTIONS.aggregate.timeoutMs);

/** A Standard run's bound: every task's timeout with its margin, plus a minute for the states between. */
function runTimeout(workerTimeout: Duration): Duration {
  return workerTimeout
    .plus(PLAN_TIMEOUT)
    .plus(AGGREGATE_TIMEOUT)
    .plus(Duration.seconds(TASK_TIMEOUT_MARGIN.toSeconds() * 3))
    .plus(Duration.minutes(1));
}

/** A Lambda task that returns the function's own output and retries only what never ran the function. */
function lambdaTask(
  scope: Construct,
  name: string,
  fn: IFunction,
  lambdaTimeout: Duration,
  io: Pick<LambdaInvokeProps, 'payload' | 'outputPath'> = {},
): LambdaInvoke {
  const task = new LambdaInvoke(scope, name, {
    lambdaFunction: fn,
    // The function's own output, without Lambda's {Payload, StatusCode} envelope.
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    taskTimeout: Timeout.duration(lambdaTimeout.plus(TASK_TIMEOUT_MARGIN)),
    ...io,
  });
  task.addRetry({
    errors: LAMBDA_SERVICE_ERRORS,
    interval: Duration.seconds(1),
    backoffRate: 2,
    maxAttempts: 3,
    maxDelay: Duration.seconds(8),
    jitterStrategy: JitterType.FULL,
  });
  return task;
}

/** Plan → FirstForTick → (DuplicateTick | Shards → Aggregate). */
function runStates(scope: Construct, props: RunStateMachineProps): IChainable {
  if (props.batched) return checkStates(scope, props);
  // Plan sees the execution's context: its input holds the schedule's scheduledTime (absent on a manual
  // start, which a path into the input could not express) and its id keys the lease to this execution.
  const plan = lambdaTask(scope, STATE_NAMES.plan, props.plan, PLAN_TIMEOUT, {
    payload: TaskInput.fromObject({
      probeId: JsonPath.stringAt('$.probeId'),
      execution: JsonPath.objectAt('$$.Execution'),
    }),
  });
  const shards = shardsMap(scope, props);
  const aggregate = lambdaTask(scope, STATE_NAMES.aggregate, props.aggregate, AGGREGATE_TIMEOUT);
  const firstForTick = new Choice(scope, STATE_NAMES.firstForTick)
    .when(Condition.isPresent('$.duplicate'), new Succeed(scope, STATE_NAMES.duplicate))
    .otherwise(shards.next(aggregate));
  return plan.next(firstForTick);
}

/**
 * Plan → FirstForTick → (DuplicateTick | paused: Aggregate | Shards over worker batches → Aggregate). Aggregate
 * runs once for the tick, after every batch: a check's failure to record fails the execution only once every
 * other check of the tick is stored and published.
 */
function checkStates(scope: Construct, props: RunStateMachineProps): IChainable {
  // Plan reads the group (or a manual start's probe) and the tick from the execution's input.
  const plan = lambdaTask(scope, STATE_NAMES.plan, props.plan, PLAN_TIMEOUT, {
    payload: TaskInput.fromObject({ batched: true, execution: JsonPath.objectAt('$$.Execution') }),
  });
  const aggregate = lambdaTask(scope, STATE_NAMES.aggregate, props.aggregate, AGGREGATE_TIMEOUT);
  const batches = new MapState(scope, STATE_NAMES.shards, {
    itemsPath: '$.batches',
    itemSelector: {
      startAt: JsonPath.numberAt('$.startAt'),
      runs: JsonPath.objectAt('$$.Map.Item.Value'),
    },
    resultPath: JsonPath.DISCARD,
    maxConcurrency: Math.min(props.maxShards, INLINE_MAP_MAX_SHARDS),
  }).itemProcessor(workerWithLoss(scope, props));
  const firstForTick = new Choice(scope, STATE_NAMES.firstForTick)
    .when(Condition.isPresent('$.duplicate'), new Succeed(scope, STATE_NAMES.duplicate))
    // Paused: no worker; Aggregate beats for every check.
    .when(Condition.isPresent('$.paused'), aggregate)
    .otherwise(batches.next(aggregate));
  return plan.next(firstForTick);
}

/** A Worker task whose loss (timeout, crash, throttling) the worker function itself records. */
function workerWithLoss(scope: Construct, props: RunStateMachineProps): LambdaInvoke {
  // Each iteration leaves `{}`: the worker's pointer and a lost shard's error stay out of the Map's result
  // (Aggregate finds results, recorded failures and missing shards in the table). The execution history
  // still shows each failed task with its error.
  const worker = lambdaTask(scope, STATE_NAMES.worker, props.worker, props.workerTimeout, {
    outputPath: JsonPath.DISCARD,
  });
  // A task lost to a timeout, a crash or throttling leaves no note of its own: the worker function is called
  // again with the error and cause, and writes them to the shard's item (a few ms; only on failure). Should
  // that fail too, the shard is simply missing and Aggregate says it was lost.
  const recordLoss = lambdaTask(scope, STATE_NAMES.lost, props.worker, props.workerTimeout, {
    outputPath: JsonPath.DISCARD,
  });
  const unrecorded = new Pass(scope, STATE_NAMES.unrecorded, { outputPath: JsonPath.DISCARD });
  recordLoss.addCatch(unrecorded, { errors: ['States.ALL'], resultPath: JsonPath.DISCARD });
  worker.addCatch(recordLoss, { errors: ['States.ALL'], resultPath: '$.failure' });
  return worker;
}

/** The Map over shard indexes: a worker task per shard, its loss recorded by the worker function itself. */
function shardsMap(scope: Construct, props: RunStateMachineProps): MapState | DistributedMap {
  const worker = workerWithLoss(scope, props);
  const mapProps = {
    itemsPath: '$.tasks',
    itemSelector: {
      runId: JsonPath.stringAt('$.runId'),
      probeId: JsonPath.stringAt('$.probeId'),
      startAt: JsonPath.numberAt('$.startAt'),
      shards: JsonPath.numberAt('$.shards'),
      shard: JsonPath.numberAt('$$.Map.Item.Value'),
    },
    resultPath: JsonPath.DISCARD,
    maxConcurrency: props.maxShards,
  };
  return props.kind === 'express'
    ? new MapState(scope, STATE_NAMES.shards, {
        ...mapProps,
        maxConcurrency: Math.min(props.maxShards, INLINE_MAP_MAX_SHARDS),
      }).itemProcessor(worker)
    : new DistributedMap(scope, STATE_NAMES.shards, mapProps).itemProcessor(worker);
}

function machineLogs(scope: Construct, retention: RetentionDays, encryptionKey?: IKey): LogGroup {
  return new LogGroup(scope, 'Logs', {
    // AWS advises /aws/vendedlogs/ for state-machine logs: CloudWatch Logs' resource policy (5,120
    // characters) then needs one statement for all of them instead of one per log group.
    logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(scope, { maxLength: 200, separator: '-' })}`,
    retention,
    encryptionKey,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}
