import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/**
 * Lets the services that write under the customer-managed key use it, each for this account only: CloudWatch
 * Logs (the functions' and state machines' log groups), SNS (the subscriptions' dead-letter queues) and
 * EventBridge (the notifier rules' dead-letter queue). For a key imported from elsewhere (`Key.fromKeyArn`) the
 * key policy cannot be changed from here: its owner adds these statements.
 */
export function allowServicesOnKey(scope: Construct, key: IKey): void {
  const stack = Stack.of(scope);
  const thisAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccount',
      principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  for (const [sid, service] of [
    ['SnsDeadLettersOfThisAccount', 'sns.amazonaws.com'],
    ['EventBridgeDeadLettersOfThisAccount', 'events.amazonaws.com'],
  ] as const) {
    key.addToResourcePolicy(
      new PolicyStatement({
        sid,
        principals: [new ServicePrincipal(service)],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: thisAccount,
      }),
    );
  }
}

/**
 * What DynamoDB needs of a caller on a table under a customer-managed key (what Table.grantReadWriteData grants,
 * spelled out so no action wildcard needs acknowledging), through DynamoDB only.
 */
export function grantTableKey(fn: IFunction, key: IKey, write: boolean): void {
  fn.addToRolePolicy(tableKeyStatement(fn, key, write));
}

export function tableKeyStatement(scope: Construct, key: IKey, write: boolean): PolicyStatement {
  return new PolicyStatement({
    actions: write
      ? [
          'kms:Decrypt',
          'kms:DescribeKey',
          'kms:Encrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
        ]
      : ['kms:Decrypt', 'kms:DescribeKey'],
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(scope).region}.amazonaws.com` } },
  });
}
