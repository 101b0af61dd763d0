import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Match, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type DeployedNames,
  drillAlarmName,
  probeAlarmName,
  systemAlarmName,
} from '../functions/core/cloud/deployed-suite.ts';
import { NOTIFIED_PROBE_ALARMS } from '../functions/core/notify/alarm-subject.ts';
import { SCHEDULE_DEAD_LETTERS } from '../functions/core/notify/schedule-dead-letters.ts';
import { grantTableKey } from './customer-key.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { deadLettersSent, functionAlarms, machineryAlarm } from './machinery-alarm.ts';
import { nagArn, nagEnvironment } from './nag-arn.ts';
import { probeFunction } from './probe-functions.ts';

export interface AlarmNotifierProps {
  readonly names: DeployedNames;
  /** "suite/environment", as the texts name it. */
  readonly label: string;
  readonly topic: ITopic;
  readonly table: ITable;
  readonly suiteFile: string;
  readonly logRetention: RetentionDays;
  /** The environment's kill switch (an SSM parameter the stack does not own): the tick reminds while it is on. */
  readonly killSwitch: { readonly parameterName: string; readonly parameterArn: string };
  /** The dashboard's name, or undefined when the stack has none: the messages link to it only if it exists. */
  readonly dashboard: string | undefined;
  /** The topic of warn-level notices (hourly digests), when the suite names subscribers for them. */
  readonly warnTopic?: ITopic | undefined;
  /**
   * The schedules' dead-letter queue: its alarm's ALARM also comes to the notifier, which peeks at the messages
   * and pages what they say (the alarm still publishes to the topic directly).
   */
  readonly scheduleDeadLetters?: IQueue | undefined;
  /**
   * Where the notifier's own failures go: the watch's topic (DeliveryWatch), which shares neither topic nor key
   * with `topic`, since a refused Publish to `topic` is one of the failures it reports.
   * @default - `topic`
   */
  readonly watchTopic?: ITopic | undefined;
  /** The customer-managed key of its dead-letter queue and log group. @default - AWS-managed encryption */
  readonly encryptionKey?: IKey | undefined;
  /** X-Ray active tracing (the environment's `tracing`). @default false */
  readonly tracing?: boolean | undefined;
  /** PERFPROBE_LOCATION and friends (see locationEnvironment); empty without locations. @default {} */
  readonly located?: Readonly<Record<string, string>> | undefined;
  /**
   * Location → its runs table, for an environment of several locations: the notifier reads each location's
   * runs (Query, GetItem) and its probe alarms' configuration (DescribeAlarms) in that region; it writes
   * incidents to `table` (home's) only. @default - one location, `table`
   */
  readonly locationTables?: Readonly<Record<string, string>> | undefined;
}

/** Limits the notifier's delivery relies on. */
const DELIVERY = {
  /** EventBridge's retries of an invoke that failed (throttled, function missing); 185 at most. */
  ruleRetries: 8,
  /** An alarm older than this is no page any more: it goes to the dead-letter queue instead. */
  maxEventAge: Duration.hours(2),
  /** Lambda's own retries of a failed asynchronous invocation (0–2). */
  functionRetries: 2,
  /**
   * The notifier's reserved concurrency: other functions of the account can never take its last slot, and a
   * storm of alarm state changes queues (Lambda keeps throttled asynchronous events and retries them) instead of
   * taking the account's concurrency from the probes' workers. Throttles are alarmed.
   */
  reservedConcurrency: 5,
} as const;

/**
 * How often the notifier re-checks open incidents (held recoveries and pages, reminders, silence summaries, the
 * kill switch): 5 minutes, so alert.remind's smallest value, and a recovery at most 5 minutes late.
 */
export const TICK = Duration.minutes(5);

/**
 * Between the probe alarms and on-call: an EventBridge rule on this stack's probe alarms' state changes invokes
 * the notifier, which reads the probe's runs and publishes one readable page. An event neither EventBridge nor
 * Lambda could deliver or handle lands in a dead-letter queue; the notifier's errors and that queue each have
 * an alarm whose actions go to the topic directly, so a broken notifier still pages. The schedules' dead-letter
 * alarm pages directly too, and also comes through the rule: the notifier adds what the dead letters say.
 */
export class AlarmNotifier extends Construct {
  readonly function: NodejsFunction;
  readonly rule: Rule;
  /** With several locations, the schedules' dead-letter alarm of this region, apart (see scheduleDeadLetterRule). */
  readonly deadLetterRule: Rule | undefined;
  /** The notifier's periodic re-check. */
  readonly tick: Rule;
  readonly deadLetters: Queue;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: AlarmNotifierProps) {
    super(scope, id);
    this.deadLetters = deadLetterQueue(this, 'DeadLetters', { key: props.encryptionKey, of: 'the notifier' });
    this.function = notifierFunction(this, props);
    grantNotifier(this, this.function, props);
    // A failed run of the handler (Publish refused, a bug) is retried, then recorded with its error.
    this.function.configureAsyncInvoke({
      retryAttempts: DELIVERY.functionRetries,
      maxEventAge: DELIVERY.maxEventAge,
      onFailure: new SqsDestination(this.deadLetters),
    });
    if (props.encryptionKey) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason:
          "Lambda's failure destination writes to the dead-letter queue under the customer-managed key: queue.grantSendMessages grants kms:ReEncrypt* (with Encrypt and GenerateDataKey*) on that one key's ARN only.",
      });
    }
    this.rule = alarmStateRule(this, this.function, this.deadLetters, props);
    this.deadLetterRule = scheduleDeadLetterRule(this, this.function, this.deadLetters, props);
    // The tick: the same function (one role, one dead-letter queue, one errors alarm), with EventBridge's
    // scheduled event. A tick that fails is retried by Lambda, then dead-lettered; the next one comes anyway.
    this.tick = new Rule(this, 'Tick', {
      description: `perfprobe ${props.label}: the notifier re-checks open incidents, silences and the kill switch`,
      schedule: Schedule.rate(TICK),
      targets: [
        new LambdaFunction(this.function, {
          retryAttempts: 2,
          maxEventAge: TICK,
          deadLetterQueue: this.deadLetters,
        }),
      ],
    });
    this.alarms = notifierAlarms(this, this.function, this.deadLetters, props);
  }
}

function notifierFunction(scope: Construct, props: AlarmNotifierProps): NodejsFunction {
  return probeFunction(scope, 'Function', {
    handler: 'notify',
    suiteFile: props.suiteFile,
    timeout: Duration.seconds(30),
    memorySize: 256,
    logRetention: props.logRetention,
    reservedConcurrentExecutions: DELIVERY.reservedConcurrency,
    encryptionKey: props.encryptionKey,
    tracing: props.tracing,
    environment: {
      RUNS_TABLE: props.table.tableName,
      ALARM_TOPIC: props.topic.topicArn,
      KILL_SWITCH_PARAMETER: props.killSwitch.parameterName,
      DASHBOARD: props.dashboard ?? '',
      ...(props.warnTopic ? { WARN_TOPIC: props.warnTopic.topicArn } : {}),
      ...(props.scheduleDeadLetters ? { SCHEDULE_DEAD_LETTERS: props.scheduleDeadLetters.queueUrl } : {}),
      ...props.located,
      ...(props.locationTables ? { PERFPROBE_RUNS_TABLES: JSON.stringify(props.locationTables) } : {}),
    },
  });
}

/** What the notifier reads and publishes, each statement scoped to this stack's own resources. */
function grantNotifier(scope: Construct, fn: NodejsFunction, props: AlarmNotifierProps): void {
  const { names } = props;
  // The probe's recent runs, the environment's incidents and silences (Query), the alarm's incident (GetItem,
  // PutItem), a held page on its silence (UpdateItem); Publish and the topic key's data key (grantPublish).
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resources: [props.table.tableArn],
    }),
  );
  if (props.table.encryptionKey) grantTableKey(fn, props.table.encryptionKey, true);
  // The tick's kill-switch reminder reads the switch; a heartbeat's deploy time is its alarm's configuration
  // time (DescribeAlarms of that alarm, this stack's probe alarms only).
  fn.addToRolePolicy(
    new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [props.killSwitch.parameterArn] }),
  );
  const probeAlarmsArn = Stack.of(scope).formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: `${names.alarmPrefix}probe.*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArn(scope, 'cloudwatch')}:alarm:${names.alarmPrefix}probe.*]`,
    reason:
      "DescribeAlarms of this stack's probe alarms only: the heartbeat alarm's configuration time is the deploy time the notifier counts due runs from, and every probe's alarm shares the prefix.",
  });
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [probeAlarmsArn],
    }),
  );
  grantLocations(scope, fn, props);
  props.topic.grantPublish(fn);
  props.warnTopic?.grantPublish(fn);
  if (props.scheduleDeadLetters) grantPeek(scope, fn, props.scheduleDeadLetters);
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason:
      "Publishing to the KMS-encrypted topic needs a data key of the topic's own key: topic.grantPublish grants kms:GenerateDataKey* on that one key's ARN only.",
  });
}

/**
 * The other locations' runs, probe alarms and kill switches, read across regions: Query and GetItem of each
 * location's runs table (by its name, see locationRunsTableName), DescribeAlarms of its probe alarms,
 * GetParameter of its kill switch. No write: incidents live in home's table.
 */
function grantLocations(scope: Construct, fn: NodejsFunction, props: AlarmNotifierProps): void {
  const stack = Stack.of(scope);
  const { partition, account } = nagEnvironment(scope);
  for (const [location, table] of Object.entries(props.locationTables ?? {})) {
    if (location === stack.region) continue;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query', 'dynamodb:GetItem'],
        resources: [
          stack.formatArn({ service: 'dynamodb', region: location, resource: 'table', resourceName: table }),
        ],
      }),
    );
    const alarms = `${props.names.alarmPrefix}probe.*`;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [
          stack.formatArn({
            service: 'cloudwatch',
            region: location,
            resource: 'alarm',
            resourceName: alarms,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    // That location's kill switch (same name, its own region), for the tick's reminder while it is on.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [
          stack.formatArn({
            service: 'ssm',
            region: location,
            resource: 'parameter',
            resourceName: props.killSwitch.parameterName.replace(/^\//, ''),
          }),
        ],
      }),
    );
    Validations.of(scope).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${partition}:cloudwatch:${location}:${account}:alarm:${alarms}]`,
      reason: `DescribeAlarms of this environment's probe alarms in location ${location}: the heartbeat alarm's configuration time is the deploy time the notifier counts that location's due runs from.`,
    });
  }
}

/**
 * A peek at the schedules' dead letters: ReceiveMessage only (no delete, no visibility change). ProbeSuite's
 * queue is SSE-SQS encrypted (an SQS-owned key), so no kms:Decrypt is needed; a queue under a customer key
 * gets Decrypt on that key, through SQS only.
 */
function grantPeek(scope: Construct, fn: NodejsFunction, deadLetters: IQueue): void {
  fn.addToRolePolicy(
    new PolicyStatement({ actions: ['sqs:ReceiveMessage'], resources: [deadLetters.queueArn] }),
  );
  if (deadLetters.encryptionMasterKey) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [deadLetters.encryptionMasterKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(scope).region}.amazonaws.com` } },
      }),
    );
  }
}

/** This stack's probe alarms' (and the schedules' dead-letter alarm's) state changes, to the notifier. */
function alarmStateRule(
  scope: Construct,
  fn: NodejsFunction,
  deadLetters: Queue,
  props: AlarmNotifierProps,
): Rule {
  const { names } = props;
  const probeAlarms = NOTIFIED_PROBE_ALARMS.map((kind) =>
    probeAlarmName(names, '*', kind as Parameters<typeof probeAlarmName>[2]),
  );
  // The schedules' dead-letter alarm too, by its exact name: its page says what the dead letters say. With
  // several locations, only this region's (scheduleDeadLetterRule): the queue the notifier peeks at is this
  // stack's, and the others' alarms reach the topic directly (HomeMachineryRoute).
  const deadLetterAlarm =
    props.scheduleDeadLetters && !props.locationTables ? [systemAlarmName(names, SCHEDULE_DEAD_LETTERS)] : [];
  // The drill alarm by its exact name: `perfprobe drill` proves this very path.
  const drill = drillAlarmName(names);
  return new Rule(scope, 'AlarmStateChanges', {
    description: `perfprobe ${props.label}: probe alarm (schedule dead-letter and drill alarm) state changes to the notifier`,
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      // Probe ids hold no "." but "*" spans any text: the kind at the end decides, store-failed never matches.
      detail: {
        alarmName: [...probeAlarms.flatMap((pattern) => Match.wildcard(pattern)), ...deadLetterAlarm, drill],
      },
    },
    targets: [notifierTarget(fn, deadLetters)],
  });
}

function notifierTarget(fn: NodejsFunction, deadLetters: Queue): LambdaFunction {
  return new LambdaFunction(fn, {
    retryAttempts: DELIVERY.ruleRetries,
    maxEventAge: DELIVERY.maxEventAge,
    deadLetterQueue: deadLetters,
  });
}

/**
 * With several locations: the schedules' dead-letter alarm of this region only (the notifier's rule names no
 * region, and another location's alarm of that name is about a queue over there).
 */
function scheduleDeadLetterRule(
  scope: Construct,
  fn: NodejsFunction,
  deadLetters: Queue,
  props: AlarmNotifierProps,
): Rule | undefined {
  if (!props.scheduleDeadLetters || !props.locationTables) return undefined;
  return new Rule(scope, 'ScheduleDeadLetterChanges', {
    description: `perfprobe ${props.label}: this region's schedule dead-letter alarm state changes to the notifier`,
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      region: [Stack.of(scope).region],
      detail: { alarmName: [systemAlarmName(props.names, SCHEDULE_DEAD_LETTERS)] },
    },
    targets: [notifierTarget(fn, deadLetters)],
  });
}

/**
 * The notifier's own failures go to the watch's topic directly (never through the notifier): a broken notifier
 * still pages, even when what broke it is the main topic or its key.
 */
function notifierAlarms(
  scope: Construct,
  fn: NodejsFunction,
  deadLetters: Queue,
  props: AlarmNotifierProps,
): Alarm[] {
  const topic = props.watchTopic ?? props.topic;
  const late = `so a probe's page may be late or lost (Lambda keeps the event and retries it for up to ${DELIVERY.maxEventAge.toHours()} hours, then leaves it in the notifier's dead-letter queue). Until it is fixed, read the probe alarms in the CloudWatch console.`;
  return [
    ...functionAlarms(scope, fn, {
      id: '',
      namePrefix: systemAlarmName(props.names, 'notifier'),
      label: props.label,
      what: 'the notifier (it turns probe alarms into pages)',
      errorCost: `${late} Publish refused: the topic or key policy; runs not read: the table.`,
      throttleCost: `${late} Its reserved concurrency is ${DELIVERY.reservedConcurrency}.`,
      topic,
    }),
    machineryAlarm(scope, 'DeadLettersAlarm', {
      alarmName: systemAlarmName(props.names, 'notifier-dead-letters'),
      description: `perfprobe itself is failing (${props.label}): an alarm state change (or a 5-minute re-check) could not be handled by the notifier and is in its dead-letter queue (the message holds the event and, from Lambda, the error), so that page was not sent. Read the message, fix the cause; each new dead letter raises this alarm again.`,
      metric: deadLettersSent(deadLetters),
      topic,
    }),
  ];
}
