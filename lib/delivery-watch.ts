import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Subscriptions } from '../functions/core/cloud/deployed-suite.ts';
import { type DeployedNames, systemAlarmName } from '../functions/core/cloud/deployed-suite.ts';
import { AlarmTopic } from './alarm-topic.ts';
import { deadLettersSent, MACHINERY_PERIOD, machineryAlarm } from './machinery-alarm.ts';

/** A topic whose deliveries are watched: its failures, and its subscriptions' dead-letter queue if it has one. */
export interface WatchedTopic {
  /** Alarm ids and names: "alarms", "warnings". */
  readonly id: string;
  /** What reaches on-call through it, as the texts say it. */
  readonly carries: string;
  readonly topic: ITopic;
  readonly deadLetters?: IQueue | undefined;
}

export interface DeliveryWatchProps {
  readonly names: DeployedNames;
  /** "suite/environment", as the texts name it. */
  readonly label: string;
  /** The watch's own subscribers (`notify.watch`, else the environment's own addresses). */
  readonly subscriptions: Subscriptions;
  readonly watched: readonly WatchedTopic[];
  /** Where the watch topic's own delivery failures go: the main topic (each path watches the other). */
  readonly fallback: ITopic;
  readonly queueKey?: IKey | undefined;
}

/**
 * The last hop, watched by a path that does not share its fate: SNS's failed deliveries
 * (NumberOfNotificationsFailed) and the subscriptions' dead letters of the main topic page through a topic and
 * KMS key of their own, so a disabled key, an edited key or topic policy, or an endpoint that stopped answering
 * on the main path cannot silence the alarm about it. The watch topic's own failures go to the main topic.
 */
export class DeliveryWatch extends Construct {
  readonly topic: AlarmTopic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: DeliveryWatchProps) {
    super(scope, id);
    const { names } = props;
    this.topic = new AlarmTopic(this, 'Topic', {
      displayName: `${names.topicDisplayName.slice(0, 90)} watch`,
      alarmPrefix: names.alarmPrefix,
      description: `perfprobe ${props.label}: encrypts the watch on the paging path (its own key, apart from the alarm topic's)`,
      email: props.subscriptions.email,
      https: props.subscriptions.https,
      queueKey: props.queueKey,
    });
    for (const watched of props.watched) this.watch(watched, props, this.topic.topic);
    this.watch(
      {
        id: 'watch',
        carries: "the watch's own messages (failed deliveries of the alarm topic)",
        topic: this.topic.topic,
        deadLetters: this.topic.deadLetters,
      },
      props,
      props.fallback,
    );
  }

  private watch(watched: WatchedTopic, props: DeliveryWatchProps, to: ITopic): void {
    const { names, label } = props;
    const Id = watched.id.charAt(0).toUpperCase() + watched.id.slice(1);
    const minutes = MACHINERY_PERIOD.toMinutes();
    this.alarms.push(
      machineryAlarm(this, `${Id}DeliveryFailed`, {
        alarmName: systemAlarmName(names, `${watched.id}-delivery-failed`),
        description: `perfprobe itself is failing (${label}): SNS could not deliver at least one message of the ${watched.id} topic (${watched.carries}) to a subscriber in the last ${minutes} minutes, after its retries, so a page may not have reached on-call. Check each subscription of the topic (an HTTPS endpoint down or refusing, an email not confirmed), the topic's delivery-status logs (sns/<region>/<account>/<topic>/Failure) and the key (disabled, or its policy edited).`,
        metric: watched.topic.metricNumberOfNotificationsFailed({
          period: MACHINERY_PERIOD,
          statistic: 'Sum',
        }),
        topic: to,
      }),
    );
    if (watched.deadLetters) {
      this.alarms.push(
        machineryAlarm(this, `${Id}DeadLetters`, {
          alarmName: systemAlarmName(names, `${watched.id}-dead-letters`),
          description: `perfprobe itself is failing (${label}): a message of the ${watched.id} topic (${watched.carries}) could not be delivered to a subscriber and is in the subscriptions' dead-letter queue: that page did not reach on-call. Read the message (its attributes name the subscription and the error), fix the endpoint, and tell on-call what they missed; each new dead letter raises this alarm again.`,
          metric: deadLettersSent(watched.deadLetters),
          topic: to,
        }),
      );
    }
  }
}
