import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type DeployedNames, systemAlarmName } from '../functions/core/cloud/deployed-suite.ts';
import { SCHEDULE_DEAD_LETTERS } from '../functions/core/notify/schedule-dead-letters.ts';
import { deadLettersSent, functionAlarms, MACHINERY_PERIOD, machineryAlarm } from './machinery-alarm.ts';

export interface SystemAlarmsProps {
  readonly names: DeployedNames;
  /** "suite/environment", as the texts name it. */
  readonly label: string;
  /** Undefined in a location's stack other than home (see MachineryAlarmProps.topic). */
  readonly topic: ITopic | undefined;
  readonly scheduleDeadLetters: IQueue;
  /** Runner name (e.g. "Checks") → its state machine. */
  readonly stateMachines: Readonly<Record<string, StateMachine>>;
  readonly plan: IFunction;
  readonly aggregate: IFunction;
  /** Runner name (e.g. "Checks") → its worker. */
  readonly workers: Readonly<Record<string, IFunction>>;
}

/**
 * "perfprobe itself is failing": the machinery that runs the probes, on the same topic as the probes' own
 * alarms, in its own words. Each goes back to OK by itself once the failures stop (missing data is no
 * failure), and fires again on the next one.
 */
export class SystemAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: SystemAlarmsProps) {
    super(scope, id);
    const { names, topic } = props;
    const env = props.label;
    const minutes = MACHINERY_PERIOD.toMinutes();
    this.alarms.push(
      machineryAlarm(this, 'ScheduleDeadLetters', {
        // Also routed to the notifier (AlarmNotifier's rule), which adds the messages' errors to the page.
        alarmName: systemAlarmName(names, SCHEDULE_DEAD_LETTERS),
        description: `perfprobe itself is failing (${env}): EventBridge Scheduler could not start a run and left the reason in the schedules' dead-letter queue (its message attributes say which schedule and why: throttling, a missing state machine, a role that cannot start it). The probe's run did not happen; its heartbeat will follow. Read the queue's messages and fix the cause; each new dead letter raises this alarm again.`,
        metric: deadLettersSent(props.scheduleDeadLetters),
        topic,
      }),
    );
    for (const [runner, machine] of Object.entries(props.stateMachines)) {
      const runs = `the ${runner} state machine`;
      this.alarms.push(
        machineryAlarm(this, `${runner}ExecutionsFailed`, {
          alarmName: systemAlarmName(names, `${runner.toLowerCase()}-executions-failed`),
          description: `perfprobe itself is failing (${env}): at least one execution of ${runs} failed in the last ${minutes} minutes, so a run was neither aggregated nor stored (a lost shard alone does not fail a run; Plan or Aggregate did). The execution's history (Step Functions console or its log group under /aws/vendedlogs/states/) names the state and the error.`,
          metric: machine.metricFailed({ period: MACHINERY_PERIOD, statistic: 'Sum' }),
          topic,
        }),
        machineryAlarm(this, `${runner}ExecutionsTimedOut`, {
          alarmName: systemAlarmName(names, `${runner.toLowerCase()}-executions-timed-out`),
          description: `perfprobe itself is failing (${env}): at least one execution of ${runs} timed out in the last ${minutes} minutes, so its run was not stored. A worker or Aggregate took longer than the state machine allows: look at the execution's history and the functions' logs.`,
          metric: machine.metricTimedOut({ period: MACHINERY_PERIOD, statistic: 'Sum' }),
          topic,
        }),
      );
    }
    this.alarms.push(...this.functionAlarms(props));
  }

  /** Errors and Throttles of Plan, every worker and Aggregate: a broken function pages within minutes. */
  private functionAlarms(props: SystemAlarmsProps): Alarm[] {
    const { names, label, topic } = props;
    const common = { label, topic };
    const missed =
      'the runs it was part of were lost or invalid, and their probes page "cannot measure" or "no run" only after several intervals (hours for an hourly probe).';
    return [
      ...functionAlarms(this, props.plan, {
        ...common,
        id: 'Plan',
        namePrefix: systemAlarmName(names, 'plan'),
        what: 'Plan (the first step of every run)',
        errorCost: `no run of the affected probes started: their executions failed (see ${names.alarmPrefix}system.*-executions-failed).`,
        throttleCost:
          'runs started late or not at all (Step Functions retries a throttled task three times).',
      }),
      ...Object.entries(props.workers).flatMap(([runner, worker]) =>
        functionAlarms(this, worker, {
          ...common,
          id: `${runner}Worker`,
          namePrefix: systemAlarmName(names, `${runner.toLowerCase()}-worker`),
          what: `the ${runner} worker (it sends the probes' load)`,
          errorCost: `a shard's measurement was lost (the state machine records it as ShardLost), so ${missed}`,
          throttleCost: `a shard could not start (retried three times, then recorded as lost), so ${missed}`,
        }),
      ),
      ...functionAlarms(this, props.aggregate, {
        ...common,
        id: 'Aggregate',
        namePrefix: systemAlarmName(names, 'aggregate'),
        what: 'Aggregate (it merges, judges, stores and publishes every run)',
        errorCost:
          "a run was not judged or stored and its metrics may be missing: its probe's SLA alarms went blind for that period.",
        throttleCost: 'a run was aggregated late or not at all (retried three times).',
      }),
    ];
  }
}
