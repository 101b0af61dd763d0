import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  RUN_KEYS,
  type RunRecord,
  runPartitionKey,
  runRecord,
  runSortRange,
} from '../core/cloud/run-record.ts';
import type { RunStore } from '../core/run-store.ts';
import { runsTableDocuments } from './dynamo-documents.ts';

export type { RunStore } from '../core/run-store.ts';

export function createRunStore(client: DynamoDBClient, tableName: string, retentionDays: number): RunStore {
  const documents = runsTableDocuments(client);
  return {
    async save(run) {
      const item = runRecord(run, retentionDays);
      await documents.send(new PutCommand({ TableName: tableName, Item: item }));
      return item;
    },
    async runsBetween(environment, probeId, from, to, limit = 100) {
      const { low, high } = runSortRange(from, to);
      const runs: RunRecord[] = [];
      let startKey: Record<string, unknown> | undefined;
      // A Query page stops at 1 MB (a few hundred runs with their histograms): follow the pages up to `limit`.
      do {
        const remaining = limit - runs.length;
        const out = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
            ExpressionAttributeNames: { '#pk': RUN_KEYS.partition, '#sk': RUN_KEYS.sort },
            ExpressionAttributeValues: {
              ':pk': runPartitionKey(environment, probeId),
              ':low': low,
              ':high': high,
            },
            ScanIndexForward: false,
            ...(Number.isFinite(remaining) ? { Limit: remaining } : {}),
            ExclusiveStartKey: startKey,
          }),
        );
        runs.push(...((out.Items ?? []) as RunRecord[]));
        startKey = out.LastEvaluatedKey;
      } while (startKey && runs.length < limit);
      return runs;
    },
  };
}
