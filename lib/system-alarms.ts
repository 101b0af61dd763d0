import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type DeployedNames, systemAlarmName } from '../functions/core/cloud/deployed-suite.ts';
import { SCHEDULE_DEAD_LETTERS } from '../functions/core/notify/schedule-dead-letters.ts';
import { clip } from './probe-alarms.ts';

export interface SystemAlarmsProps {
  readonly names: DeployedNames;
  /** "suite/environment", as the texts name it. */
  readonly label: string;
  readonly topic: ITopic;
  readonly scheduleDeadLetters: IQueue;
  /** Runner name (e.g. "Checks") → its state machine. */
  readonly stateMachines: Readonly<Record<string, StateMachine>>;
}

/** Five minutes: these count events, and a shorter period only adds alarm flapping. */
const PERIOD = Duration.minutes(5);

/**
 * "perfprobe itself is failing": the machinery that runs the probes, on the same topic as the probes' own
 * alarms, in its own words. Each goes back to OK by itself once the failures stop (missing data is no
 * failure), except the dead-letter queue, which stays in alarm until someone reads and purges it.
 */
export class SystemAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: SystemAlarmsProps) {
    super(scope, id);
    const { names } = props;
    const env = props.label;
    this.alarms.push(
      new Alarm(this, 'ScheduleDeadLetters', {
        // Also routed to the notifier (AlarmNotifier's rule), which adds the messages' errors to the page.
        alarmName: systemAlarmName(names, SCHEDULE_DEAD_LETTERS),
        alarmDescription: clip(
          `perfprobe itself is failing (${env}): EventBridge Scheduler could not start a run and left the reason in the schedules' dead-letter queue (its message attributes say which schedule and why: throttling, a missing state machine, a role that cannot start it). The probe's run did not happen; its heartbeat will follow. Read the queue's messages, fix the cause, then purge the queue to clear this alarm.`,
        ),
        metric: props.scheduleDeadLetters.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: 'Maximum',
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    for (const [runner, machine] of Object.entries(props.stateMachines)) {
      const runs = `the ${runner} state machine`;
      this.alarms.push(
        new Alarm(this, `${runner}ExecutionsFailed`, {
          alarmName: systemAlarmName(names, `${runner.toLowerCase()}-executions-failed`),
          alarmDescription: clip(
            `perfprobe itself is failing (${env}): at least one execution of ${runs} failed in the last ${PERIOD.toMinutes()} minutes, so a run was neither aggregated nor stored (a lost shard alone does not fail a run; Plan or Aggregate did). The execution's history (Step Functions console or its log group under /aws/vendedlogs/states/) names the state and the error.`,
          ),
          metric: machine.metricFailed({ period: PERIOD, statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        new Alarm(this, `${runner}ExecutionsTimedOut`, {
          alarmName: systemAlarmName(names, `${runner.toLowerCase()}-executions-timed-out`),
          alarmDescription: clip(
            `perfprobe itself is failing (${env}): at least one execution of ${runs} timed out in the last ${PERIOD.toMinutes()} minutes, so its run was not stored. A worker or Aggregate took longer than the state machine allows: look at the execution's history and the functions' logs.`,
          ),
          metric: machine.metricTimedOut({ period: PERIOD, statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    const action = new SnsAction(props.topic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}
