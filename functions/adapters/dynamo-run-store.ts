import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  RUN_KEYS,
  type RunRecord,
  runPartitionKey,
  runRecord,
  runSortRange,
} from '../core/cloud/run-record.ts';
import type { RunResult } from '../core/run-result.ts';
import { runsTableDocuments } from './dynamo-documents.ts';

export interface RunStore {
  save(run: RunResult): Promise<RunRecord>;
  /** Runs of one probe in one environment between two times, newest first. */
  runsBetween(
    environment: string,
    probeId: string,
    from: Date,
    to: Date,
    limit?: number,
  ): Promise<RunRecord[]>;
}

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
          Limit: limit,
        }),
      );
      return (out.Items ?? []) as RunRecord[];
    },
  };
}
