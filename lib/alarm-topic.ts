import { ArnFormat, Duration, Lazy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { type DeliveryPolicy, LoggingProtocol, SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { isDynamicReference } from '../functions/core/cloud/subscription-endpoint.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { nagArn, nagEnvironment } from './nag-arn.ts';

export interface AlarmTopicProps {
  readonly displayName: string;
  /** Every alarm allowed to publish has a name starting with it (this stack's alarms). */
  readonly alarmPrefix: string;
  /** What the key's description says it encrypts. */
  readonly description: string;
  readonly email: readonly string[];
  readonly https: readonly string[];
  /** The customer-managed key of the subscriptions' dead-letter queue. @default - SQS-managed encryption */
  readonly queueKey?: IKey | undefined;
}

/**
 * How SNS retries an HTTPS endpoint before a page goes to the dead-letter queue. SNS's default (3 retries 20 s
 * apart) gives up after about a minute, which a PagerDuty or Opsgenie incident outlasts. This one retries for
 * about 40 minutes (3 at once, 2 at 5 s, 15 backing off to 120 s, then 14 at 120 s: about 2,300 s, under the
 * 3,600 s SNS allows a policy), then dead-letters: the delivery-failure alarm pages through the watch.
 */
export const HTTPS_DELIVERY_POLICY: DeliveryPolicy = {
  healthyRetryPolicy: {
    numRetries: 34,
    numNoDelayRetries: 3,
    minDelayTarget: Duration.seconds(5),
    numMinDelayRetries: 2,
    maxDelayTarget: Duration.seconds(120),
    numMaxDelayRetries: 14,
  },
};

/**
 * The KMS-encrypted, TLS-only topic on-call subscribes to, and the two resource policies that let this
 * stack's CloudWatch alarms publish to it. A topic policy replaces SNS's default one, which is what lets
 * same-account alarms publish: without the Allow below, the TLS Deny alone leaves every alarm unheard
 * ("not authorized to perform: SNS:Publish" in each alarm's history).
 *
 * Every subscription has a dead-letter queue (a page SNS could not deliver is kept, and alarmed on by
 * DeliveryWatch), HTTPS ones a delivery policy that outlasts an endpoint's short outage, and SNS logs every
 * HTTP(S) delivery's status to CloudWatch Logs (`sns/<region>/<account>/<topic>`, and `/Failure`).
 *
 * Anything else that publishes (e.g. a notifier Lambda) does so through its own identity policy:
 * `topic.grantPublish(fn)` grants sns:Publish and the key use; neither resource policy needs a change.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;
  /** Messages SNS could not deliver to a subscription, after its retries. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const alarms = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: `${props.alarmPrefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
    this.key = new Key(this, 'Key', {
      enableKeyRotation: true,
      description: props.description,
    });
    // SNS encrypts what CloudWatch publishes with this key, on CloudWatch's behalf.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );
    const logs = deliveryLogRole(this);
    this.topic = new Topic(this, 'Resource', {
      displayName: props.displayName,
      masterKey: this.key,
      enforceSSL: true,
      loggingConfigs: [
        {
          protocol: LoggingProtocol.HTTP,
          failureFeedbackRole: logs,
          successFeedbackRole: logs,
          successFeedbackSampleRate: 100,
        },
      ],
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisStack',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ...fromThisAccount, ArnLike: { 'aws:SourceArn': alarms } },
      }),
    );
    this.deadLetters = deadLetterQueue(this, 'DeadLetters', {
      key: props.queueKey,
      of: "the topic's subscriptions",
    });
    const deadLetterQueueOf = { deadLetterQueue: this.deadLetters };
    for (const email of props.email)
      this.topic.addSubscription(new EmailSubscription(email, deadLetterQueueOf));
    for (const url of props.https) {
      // A dynamic reference ({{resolve:…}}) is resolved by CloudFormation: as a token, CDK neither checks it as a
      // URL nor names the subscription's construct after it.
      const endpoint = isDynamicReference(url) ? Token.asString(Lazy.string({ produce: () => url })) : url;
      this.topic.addSubscription(
        new UrlSubscription(endpoint, {
          protocol: SubscriptionProtocol.HTTPS,
          deliveryPolicy: HTTPS_DELIVERY_POLICY,
          ...deadLetterQueueOf,
        }),
      );
    }
  }
}

/** The role SNS writes delivery-status logs with: its own log groups (`sns/<region>/<account>/…`) only. */
function deliveryLogRole(scope: Construct): Role {
  const stack = Stack.of(scope);
  const role = new Role(scope, 'DeliveryLogs', {
    assumedBy: new ServicePrincipal('sns.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    description: 'perfprobe alarm topic: SNS writes the status of each HTTP(S) delivery to CloudWatch Logs',
  });
  const groups = `sns/${stack.region}/${stack.account}/*`;
  role.addToPolicy(
    new PolicyStatement({
      actions: [
        'logs:CreateLogGroup',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'logs:PutMetricFilter',
        'logs:PutRetentionPolicy',
      ],
      resources: [
        stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: groups,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  );
  const { region, account } = nagEnvironment(scope);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArn(scope, 'logs')}:log-group:sns/${region}/${account}/*]`,
    reason:
      'SNS names its delivery-status log groups after the topic (sns/<region>/<account>/<topic> and /Failure) and creates them itself: the wildcard covers SNS log groups of this account and region only.',
  });
  return role;
}
