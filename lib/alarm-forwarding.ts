import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, EventField, Match, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget, SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type DeployedNames,
  probeAlarmName,
  systemAlarmName,
} from '../functions/core/cloud/deployed-suite.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { deadLettersSent, machineryAlarm } from './machinery-alarm.ts';

/** EventBridge's own event for an alarm's state change, as the notifier's rule matches it. */
const ALARM_STATE_CHANGE = { source: ['aws.cloudwatch'], detailType: ['CloudWatch Alarm State Change'] };

/** The default event bus of a region of this stack's account: where the home notifier's rules listen. */
export function homeBusArn(scope: Construct, home: string): string {
  return Stack.of(scope).formatArn({
    service: 'events',
    region: home,
    resource: 'event-bus',
    resourceName: 'default',
  });
}

export interface AlarmForwardingProps {
  readonly names: DeployedNames;
  /** "suite/environment", as the texts name it. */
  readonly label: string;
  /** The home region: its default event bus receives this location's alarms' state changes. */
  readonly home: string;
  /** The customer-managed key of the dead-letter queue. @default - SQS-managed encryption */
  readonly queueKey?: IKey | undefined;
}

/**
 * A location's way to on-call: every state change of this environment's alarms in this region (the probes' and
 * perfprobe's own) goes to the home region's default event bus, unchanged, where the notifier's rule picks up
 * the probes' (its pattern names no region) and HomeMachineryRoute the machinery's. The role may put events on
 * that one bus and nothing else. What EventBridge cannot deliver lands in a dead-letter queue, whose alarm is
 * forwarded the same way (it reaches on-call once the path works again; docs/deploy.md says so).
 */
export class AlarmForwarding extends Construct {
  readonly rule: Rule;
  readonly role: Role;
  readonly deadLetters: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: AlarmForwardingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const busArn = homeBusArn(this, props.home);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `perfprobe ${props.label}: put this region's alarm state changes on the home region's (${props.home}) event bus`,
    });
    this.deadLetters = deadLetterQueue(this, 'DeadLetters', {
      key: props.queueKey,
      of: "the forwarding of alarm state changes to the home region's bus",
    });
    this.rule = new Rule(this, 'Rule', {
      description: `perfprobe ${props.label}: this region's alarm state changes to the home region (${props.home})`,
      eventPattern: {
        ...ALARM_STATE_CHANGE,
        detail: { alarmName: Match.prefix(props.names.alarmPrefix) },
      },
      targets: [
        new EventBusTarget(EventBus.fromEventBusArn(this, 'HomeBus', busArn), {
          role: this.role,
          deadLetterQueue: this.deadLetters,
        }),
      ],
    });
    this.alarm = machineryAlarm(this, 'DeadLettersAlarm', {
      alarmName: systemAlarmName(props.names, `forwarding-dead-letters`),
      description: `perfprobe itself is failing (${props.label}, ${stack.region}): EventBridge could not put an alarm state change of this region on the home region's (${props.home}) event bus, so a page from this location was lost; the message in the forwarding dead-letter queue holds the event and the error (the role, the home bus's policy, the home region). This alarm itself is forwarded the same way: it reaches on-call once the path works again.`,
      metric: deadLettersSent(this.deadLetters),
      topic: undefined,
    });
  }
}

export interface HomeMachineryRouteProps {
  readonly names: DeployedNames;
  readonly label: string;
  /** The other locations: their machinery alarms arrive on this region's bus through AlarmForwarding. */
  readonly remotes: readonly string[];
  readonly topic: ITopic;
  /** Where an event that cannot be published lands (the notifier's, whose alarm pages through the watch). */
  readonly deadLetters: IQueue;
}

/** EventBridge's retries of a publish that failed; an alarm older than maxEventAge is no page any more. */
const ROUTE_RETRIES = { retryAttempts: 8, maxEventAge: Duration.hours(2) } as const;

/**
 * perfprobe's own alarms of the other locations (machinery, failed stores, forwarding), forwarded to this
 * region's bus, published to the topic as they are: like the home machinery alarms' own actions, never through
 * the notifier (it may be what is broken). The pattern names the other regions only: home's alarms publish
 * to the topic themselves. Only ALARM and OK, as an alarm action's SNS message does.
 */
export class HomeMachineryRoute extends Construct {
  readonly rule: Rule;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: HomeMachineryRouteProps) {
    super(scope, id);
    const { names } = props;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `perfprobe ${props.label}: publish the other locations' machinery alarms to the alarm topic`,
    });
    const text = [
      `perfprobe ${props.label} in ${EventField.region}:`,
      `${EventField.fromPath('$.detail.alarmName')} is ${EventField.fromPath('$.detail.state.value')}`,
      `(was ${EventField.fromPath('$.detail.previousState.value')}) at ${EventField.time}.`,
      EventField.fromPath('$.detail.configuration.description'),
      `Reason: ${EventField.fromPath('$.detail.state.reason')}`,
    ].join(' ');
    this.rule = new Rule(this, 'Rule', {
      description: `perfprobe ${props.label}: the other locations' machinery alarms to the alarm topic`,
      eventPattern: {
        ...ALARM_STATE_CHANGE,
        region: [...props.remotes],
        detail: {
          alarmName: [
            ...Match.prefix(systemAlarmName(names, '')),
            ...Match.wildcard(probeAlarmName(names, '*', 'store-failed')),
          ],
          state: { value: ['ALARM', 'OK'] },
        },
      },
      // Its role's policy: sns:Publish on the topic and that topic key's data key (SnsTopic grants them).
      targets: [
        new SnsTopic(props.topic, {
          role: this.role,
          authorizeUsingRole: true,
          message: RuleTargetInput.fromText(text),
          deadLetterQueue: props.deadLetters,
          ...ROUTE_RETRIES,
        }),
      ],
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "Publishing to the KMS-encrypted topic needs a data key of the topic's own key: topic.grantPublish grants kms:GenerateDataKey* on that one key's ARN only.",
    });
  }
}
