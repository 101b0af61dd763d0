import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BaselineCache, CachedBaseline } from '../core/baseline-cache.ts';
import { RUN_KEYS } from '../core/cloud/run-record.ts';
import { runsTableDocuments } from './dynamo-documents.ts';

/** A cached baseline outlives its reuse by far; it goes with its probe when the probe goes. */
const BASELINE_CACHE_DAYS = 2;

/**
 * One item per probe in the runs table. Its partition `baseline#<environment>#<probeId>` has three "#"-separated
 * parts; a run partition `<environment>#<probeId>` has two (probe ids hold no "#"), so none collide.
 */
export function createBaselineCache(client: DynamoDBClient, tableName: string): BaselineCache {
  const documents = runsTableDocuments(client);
  const key = (environment: string, probeId: string) => ({
    [RUN_KEYS.partition]: `baseline#${environment}#${probeId}`,
    [RUN_KEYS.sort]: 'latest',
  });
  return {
    async read(environment, probeId) {
      const out = await documents.send(
        new GetCommand({ TableName: tableName, Key: key(environment, probeId) }),
      );
      if (!out.Item) return undefined;
      const { baseline, baselineMs, computedFor } = out.Item as CachedBaseline;
      return { baseline, baselineMs, computedFor };
    },
    async write(environment, probeId, entry) {
      const expiresAt = Math.floor(Date.now() / 1000) + BASELINE_CACHE_DAYS * 86_400;
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...key(environment, probeId), ...entry, [RUN_KEYS.expiry]: expiresAt },
        }),
      );
    },
  };
}
