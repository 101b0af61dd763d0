import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type ITable, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { RUN_KEYS } from '../functions/core/cloud/run-record.ts';
import { grantTableKey } from './customer-key.ts';

/** The runs table: runs, shard items (TTL), leases, silences, incidents, baselines; on demand, recoverable. */
export function runsTable(
  scope: Construct,
  removalPolicy: RemovalPolicy = RemovalPolicy.RETAIN,
  key?: IKey,
  /** A fixed name (a location's table, which the home notifier reads by name). @default - CloudFormation's */
  tableName?: string,
): Table {
  return new Table(scope, 'Runs', {
    ...(tableName === undefined ? {} : { tableName }),
    partitionKey: { name: RUN_KEYS.partition, type: AttributeType.STRING },
    sortKey: { name: RUN_KEYS.sort, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...(key
      ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: key }
      : { encryption: TableEncryption.AWS_MANAGED }),
    timeToLiveAttribute: RUN_KEYS.expiry,
    removalPolicy,
  });
}

const READS = new Set(['Query', 'GetItem', 'Scan', 'BatchGetItem']);

/** Exactly these DynamoDB actions on the runs table, for one function (and its key, when it has one). */
export function grantTable(fn: IFunction, table: ITable, actions: readonly string[]): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: actions.map((a) => `dynamodb:${a}`),
      resources: [table.tableArn],
    }),
  );
  if (table.encryptionKey)
    grantTableKey(
      fn,
      table.encryptionKey,
      actions.some((a) => !READS.has(a)),
    );
}
