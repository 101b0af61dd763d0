import { Stack, TimeZone } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { checkGroups, workerBatches } from '../functions/core/cloud/check-groups.ts';
import type { DeployedSuite } from '../functions/core/cloud/deployed-suite.ts';
import {
  LAMBDA_MAX_MS,
  plannedShards,
  RUNNERS,
  type RunnerKind,
  runnerFor,
  workerBudgetMs,
} from '../functions/core/cloud/run-sizing.ts';
import { workerReservations } from '../functions/core/cloud/worker-reservations.ts';
import type { ResolvedProbe } from '../functions/core/plan.ts';
import { transportReferences } from '../functions/core/suite/transport-spec.ts';
import { type FunctionPlacement, probeFunction, seconds } from './probe-functions.ts';
import { RunStateMachine } from './run-state-machine.ts';
import { grantTable } from './runs-table.ts';
import { grantSecrets } from './secret-grants.ts';

export interface ProbeRunnersProps {
  readonly deployed: DeployedSuite;
  readonly suiteFile: string;
  readonly logRetention: RetentionDays;
  readonly table: ITable;
  readonly plan: IFunction & { readonly currentVersion: IFunction };
  readonly aggregate: IFunction & { readonly currentVersion: IFunction };
  readonly scheduleDeadLetters: IQueue;
  readonly placement: FunctionPlacement | undefined;
  /** The customer-managed key of the workers' and state machines' log groups. */
  readonly encryptionKey?: IKey | undefined;
  /** X-Ray active tracing (the environment's `tracing`). @default false */
  readonly tracing?: boolean | undefined;
  /** PERFPROBE_LOCATION and friends (see locationEnvironment); empty without locations. @default {} */
  readonly located?: Readonly<Record<string, string>> | undefined;
  /** Where a load's schedule goes (the nested stack of its probe, see stackLayout). @default - `scope` */
  readonly scopeOf?: ((probe: ResolvedProbe) => Construct) | undefined;
}

/** One kind of runner the suite needs: its worker, its state machine and its probes' schedules. */
export interface ProbeRunner {
  readonly kind: RunnerKind;
  readonly worker: NodejsFunction;
  readonly stateMachine: StateMachine;
}

/**
 * A worker, a state machine and the schedules that start it, for each kind of runner the suite's probes need:
 * a load's own schedule, or one per group of checks sharing a schedule (see checkGroups).
 */
export function probeRunners(scope: Construct, props: ProbeRunnersProps): ProbeRunner[] {
  const { deployed } = props;
  const probes = Object.values(deployed.probes);
  const role = schedulesRole(scope);
  const reservations = workerReservations(deployed);
  const runners: ProbeRunner[] = [];
  for (const kind of Object.keys(RUNNERS) as RunnerKind[]) {
    const mine = probes.filter((p) => runnerFor(p) === kind);
    if (mine.length === 0) continue;
    const runner = RUNNERS[kind];
    const workerTimeout = seconds(Math.min(LAMBDA_MAX_MS, Math.max(...mine.map(workerBudgetMs)) + 10_000));
    const worker = probeFunction(scope, `${runner.name}Worker`, {
      handler: 'worker',
      suiteFile: props.suiteFile,
      timeout: workerTimeout,
      memorySize: runner.workerMemoryMb,
      logRetention: props.logRetention,
      environment: { RUNS_TABLE: props.table.tableName, ...props.located },
      // The environment's budget: the most shards these probes run at once (deploy-checks bounds it).
      reservedConcurrentExecutions: reservations[kind],
      placement: props.placement,
      encryptionKey: props.encryptionKey,
      tracing: props.tracing,
    });
    // Its ShardResult item.
    grantTable(worker, props.table, ['PutItem']);
    grantSecrets(
      worker,
      // Transport references too: a client certificate and its key are read from SSM / Secrets Manager.
      mine.flatMap((p) => [
        ...Object.values(p.secrets),
        ...transportReferences(p.transport).map(([, reference]) => reference),
      ]),
    );
    const groups = kind === 'checks' ? checkGroups(deployed) : [];
    // Published versions: one run uses one deploy's code throughout, even while a deploy replaces it.
    const stateMachine = new RunStateMachine(scope, `${runner.name}Runs`, {
      kind: runner.workflow,
      plan: props.plan.currentVersion,
      worker: worker.currentVersion,
      aggregate: props.aggregate.currentVersion,
      workerTimeout,
      maxShards:
        kind === 'checks'
          ? Math.max(...groups.map((g) => workerBatches(g.probeIds).length))
          : Math.max(...mine.map(plannedShards)),
      batched: kind === 'checks',
      logRetention: props.logRetention,
      logKey: props.encryptionKey,
      tracing: props.tracing,
    }).stateMachine;
    const target = (input: Record<string, string>) =>
      new StepFunctionsStartExecution(stateMachine, {
        // Ids and the tick: request details and secret references are bundled, never in execution history;
        // the scheduled time keys Plan's lease, so a duplicate execution sends no load.
        input: ScheduleTargetInput.fromObject({ ...input, scheduledTime: ContextAttribute.scheduledTime }),
        // A missed run is better than a duplicate one: retries would stack load on the target.
        retryAttempts: 0,
        deadLetterQueue: props.scheduleDeadLetters,
        role,
      });
    // Checks: one schedule per group, which Plan expands into the group's checks.
    for (const group of groups) {
      new Schedule(scope, `Schedule-${group.key.replaceAll('.', '-')}`, {
        description: `perfprobe ${deployed.suite}/${deployed.environment}: ${group.probeIds.length} check${group.probeIds.length === 1 ? '' : 's'} on ${group.expression}`,
        schedule: ScheduleExpression.expression(group.expression, TimeZone.of(group.timezone)),
        target: target({ checks: group.key }),
      });
    }
    if (kind !== 'checks') {
      for (const probe of mine) {
        new Schedule(props.scopeOf?.(probe) ?? scope, `Schedule-${probe.id}`, {
          description: `perfprobe ${deployed.suite}/${deployed.environment}: ${probe.id}`,
          schedule: ScheduleExpression.expression(
            probe.schedule.expression,
            TimeZone.of(probe.schedule.timezone),
          ),
          target: target({ probeId: probe.id }),
        });
      }
    }
    runners.push({ kind, worker, stateMachine });
  }
  return runners;
}

/**
 * One role for every schedule, made here rather than as the targets' stack-level singleton, so that the
 * permissions boundary covers it too. Scheduler names the schedule group as the source.
 */
function schedulesRole(scope: Construct): Role {
  const stack = Stack.of(scope);
  return new Role(scope, 'SchedulesRole', {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({
            service: 'scheduler',
            resource: 'schedule-group',
            resourceName: 'default',
          }),
        },
      },
    }),
    description:
      'perfprobe schedules: start a run of their state machine, or leave the reason in the dead-letter queue',
  });
}
