import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RunLease } from '../core/cloud/run-lease.ts';
import { RUN_KEYS } from '../core/cloud/run-record.ts';
import { putUnless, runsTableDocuments } from './dynamo-documents.ts';

export interface LeaseStore {
  /** True when this execution holds the tick (now, or already from an earlier attempt); false for a duplicate. */
  take(lease: RunLease): Promise<boolean>;
}

export function createLeaseStore(client: DynamoDBClient, tableName: string): LeaseStore {
  const documents = runsTableDocuments(client);
  return {
    take: (lease) =>
      putUnless(documents, {
        TableName: tableName,
        Item: lease,
        // The same execution may take it again: a Plan retried after a Lambda service error must not find
        // its own lease and skip the run.
        ConditionExpression: 'attribute_not_exists(#pk) OR #execution = :execution',
        ExpressionAttributeNames: { '#pk': RUN_KEYS.partition, '#execution': 'executionId' },
        ExpressionAttributeValues: { ':execution': lease.executionId },
      }),
  };
}
