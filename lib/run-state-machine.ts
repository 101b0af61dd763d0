import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  DistributedMap,
  JitterType,
  LogLevel,
  Map as MapState,
  Pass,
  StateMachine,
  StateMachineType,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
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

export interface RunStateMachineProps {
  readonly kind: WorkflowKind;
  readonly plan: IFunction;
  readonly worker: IFunction;
  readonly aggregate: IFunction;
  /** Longest a worker may run (its Lambda timeout): the Worker state's timeout. */
  readonly workerTimeout: Duration;
  /** Most shards of any probe this machine runs: the Map's concurrency. */
  readonly maxShards: number;
  readonly logRetention: RetentionDays;
}

/** State names are part of the contract: the local runner maps handlers to them. */
export const STATE_NAMES = {
  plan: 'Plan',
  shards: 'Shards',
  worker: 'Worker',
  lost: 'ShardLost',
  aggregate: 'Aggregate',
};

/** Plan → Map over shards → Worker → Aggregate, in JSONPath. */
export class RunStateMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: RunStateMachineProps) {
    super(scope, id);
    const invoke = (name: string, fn: IFunction, timeout: Duration) => {
      const task = new LambdaInvoke(this, name, {
        lambdaFunction: fn,
        // The function's own output, without Lambda's {Payload, StatusCode} envelope: ShardResults stay small.
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        taskTimeout: Timeout.duration(timeout),
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
    };

    const plan = invoke(STATE_NAMES.plan, props.plan, Duration.seconds(30));
    const worker = invoke(STATE_NAMES.worker, props.worker, props.workerTimeout);
    // A lost shard becomes a recorded failure: the run is aggregated without it (partial), not abandoned.
    const lost = new Pass(this, STATE_NAMES.lost, {
      parameters: {
        failed: true,
        'shard.$': '$.shard',
        'error.$': '$.failure.Error',
        'cause.$': '$.failure.Cause',
      },
    });
    worker.addCatch(lost, { errors: ['States.ALL'], resultPath: '$.failure' });
    const aggregate = invoke(STATE_NAMES.aggregate, props.aggregate, Duration.seconds(60));

    const mapProps = {
      itemsPath: '$.tasks',
      resultPath: '$.outcomes',
      maxConcurrency: props.maxShards,
    };
    const shards =
      props.kind === 'express'
        ? new MapState(this, STATE_NAMES.shards, {
            ...mapProps,
            maxConcurrency: Math.min(props.maxShards, INLINE_MAP_MAX_SHARDS),
          }).itemProcessor(worker)
        : new DistributedMap(this, STATE_NAMES.shards, mapProps).itemProcessor(worker);

    const logs = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const runTimeout = props.workerTimeout.plus(Duration.minutes(2));
    this.stateMachine = new StateMachine(this, 'Resource', {
      definitionBody: DefinitionBody.fromChainable(plan.next(shards).next(aggregate)),
      stateMachineType: props.kind === 'express' ? StateMachineType.EXPRESS : StateMachineType.STANDARD,
      timeout: props.kind === 'express' ? Duration.millis(EXPRESS_MAX_MS) : runTimeout,
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
  }
}
