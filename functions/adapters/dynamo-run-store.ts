import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  RUN_KEYS,
  type RunRecord,
  runPartitionKey,
  runRecord,
  runSortRange,
} from '../core/cloud/run-record.ts';
import { storedRunProblem } from '../core/cloud/stored-run-problem.ts';
import type { RunStore } from '../core/run-store.ts';
import { runsTableDocuments } from './dynamo-documents.ts';

export type { RunStore } from '../core/run-store.ts';

export interface RunStoreWarnings {
  /** Told once per item a read skipped as damaged or incomplete. @default console.warn */
  readonly warn?: (message: string) => void;
}

/**
 * The runs table of one suite and environment (its stack's): every item it holds is that suite's, so items
 * written before records named their suite are attributed to it when read.
 */
export function createRunStore(
  client: DynamoDBClient,
  tableName: string,
  retentionDays: number,
  suite: string,
  options: RunStoreWarnings = {},
): RunStore {
  const documents = runsTableDocuments(client);
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const warned = new Set<string>();
  return {
    async save(run) {
      const item = runRecord(run, suite, retentionDays);
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
        for (const item of out.Items ?? []) {
          const problem = storedRunProblem(item);
          if (problem === undefined) {
            runs.push({ ...(item as RunRecord), suite });
          } else {
            const at = `${String(item[RUN_KEYS.partition])} / ${String(item[RUN_KEYS.sort])}`;
            if (!warned.has(at)) {
              warned.add(at);
              warn(`skipped the run item ${at} of table ${tableName}: damaged or incomplete (${problem})`);
            }
          }
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey && runs.length < limit);
      return runs;
    },
  };
}
