import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  readonly displayName: string;
  /** Every alarm allowed to publish has a name starting with it (this stack's alarms). */
  readonly alarmPrefix: string;
  /** What the key's description says it encrypts. */
  readonly description: string;
  readonly email: readonly string[];
  readonly https: readonly string[];
}

/**
 * The KMS-encrypted, TLS-only topic on-call subscribes to, and the two resource policies that let this
 * stack's CloudWatch alarms publish to it. A topic policy replaces SNS's default one, which is what lets
 * same-account alarms publish: without the Allow below, the TLS Deny alone leaves every alarm unheard
 * ("not authorized to perform: SNS:Publish" in each alarm's history).
 *
 * Anything else that publishes (e.g. a notifier Lambda) does so through its own identity policy:
 * `topic.grantPublish(fn)` grants sns:Publish and the key use; neither resource policy needs a change.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

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
    this.topic = new Topic(this, 'Resource', {
      displayName: props.displayName,
      masterKey: this.key,
      enforceSSL: true,
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
    for (const email of props.email) this.topic.addSubscription(new EmailSubscription(email));
    for (const url of props.https) {
      this.topic.addSubscription(new UrlSubscription(url, { protocol: SubscriptionProtocol.HTTPS }));
    }
  }
}
