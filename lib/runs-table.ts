import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { RUN_KEYS } from '../functions/core/cloud/run-record.ts';

/** The runs table: runs, shard items (TTL), leases, silences, incidents, baselines; on demand, recoverable. */
export function runsTable(scope: Construct, removalPolicy: RemovalPolicy = RemovalPolicy.RETAIN): Table {
  return new Table(scope, 'Runs', {
    partitionKey: { name: RUN_KEYS.partition, type: AttributeType.STRING },
    sortKey: { name: RUN_KEYS.sort, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: RUN_KEYS.expiry,
    removalPolicy,
  });
}

/** Exactly these DynamoDB actions on the runs table, for one function. */
export function grantTable(
  fn: IFunction,
  table: { readonly tableArn: string },
  actions: readonly string[],
): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: actions.map((a) => `dynamodb:${a}`),
      resources: [table.tableArn],
    }),
  );
}
