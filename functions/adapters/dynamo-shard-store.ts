import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { RUN_KEYS } from '../core/cloud/run-record.ts';
import { type ShardRecord, shardPartitionKey } from '../core/cloud/shard-record.ts';
import { putUnless, runsTableDocuments } from './dynamo-documents.ts';

/** Where workers leave their shard results and Aggregate collects them (the runs table, see shard-record.ts). */
export interface ShardStore {
  write(record: ShardRecord): Promise<void>;
  /** Writes unless the shard already has an item (a worker's own note beats the state machine's); true if written. */
  writeIfAbsent(record: ShardRecord): Promise<boolean>;
  /** Every shard item of a run, all pages, strongly consistent: a worker's write is visible once it returned. */
  readRun(environment: string, runId: string): Promise<ShardRecord[]>;
}

export function createShardStore(client: DynamoDBClient, tableName: string): ShardStore {
  const documents = runsTableDocuments(client);
  return {
    async write(record) {
      await documents.send(new PutCommand({ TableName: tableName, Item: record }));
    },
    writeIfAbsent: (record) =>
      putUnless(documents, {
        TableName: tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': RUN_KEYS.partition },
      }),
    async readRun(environment, runId) {
      const records: ShardRecord[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        // A Query page holds at most 1 MB: a thousand wide shards take about ten pages.
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': RUN_KEYS.partition },
            ExpressionAttributeValues: { ':pk': shardPartitionKey(environment, runId) },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        records.push(...((page.Items ?? []) as ShardRecord[]));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return records;
    },
  };
}
