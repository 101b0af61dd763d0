import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { RUN_KEYS } from '../core/cloud/run-record.ts';
import type { QuorumState } from '../core/notify/quorum.ts';
import { putOverRevision, runsTableDocuments } from './dynamo-documents.ts';

/** Each multi-location alarm's state per location, beside the incidents (see nextQuorum). */
export interface QuorumStore {
  read(environment: string, alarmName: string): Promise<QuorumState | undefined>;
  /**
   * Writes `state` only over the revision it was read at, as IncidentStore.write does: the state as stored, or
   * undefined when another delivery changed it first (two regions' events racing decide once). Others throw.
   */
  write(environment: string, state: QuorumState): Promise<QuorumState | undefined>;
}

/** Kept as long as incidents are: a month after the last change. */
const QUORUM_DAYS = 30;

/** One partition per environment, as incidents have: `<environment>#.quorum`, sorted by alarm name. */
export function quorumPartitionKey(environment: string): string {
  return `${environment}#.quorum`;
}

function fromItem(item: Record<string, unknown>): QuorumState {
  const { alarmName, locations, breached, since, noticed, quietSince, revision } =
    item as unknown as QuorumState;
  return { alarmName, locations, breached, since, noticed: noticed ?? [], quietSince, revision };
}

export function createQuorumStore(client: DynamoDBClient, tableName: string): QuorumStore {
  const documents = runsTableDocuments(client);
  const key = (environment: string, alarmName: string) => ({
    [RUN_KEYS.partition]: quorumPartitionKey(environment),
    [RUN_KEYS.sort]: alarmName,
  });
  return {
    async read(environment, alarmName) {
      const out = await documents.send(
        new GetCommand({ TableName: tableName, Key: key(environment, alarmName), ConsistentRead: true }),
      );
      return out.Item ? fromItem(out.Item) : undefined;
    },
    async write(environment, state) {
      const expiresAt = Math.floor(Date.now() / 1000) + QUORUM_DAYS * 86_400;
      return putOverRevision(documents, tableName, key(environment, state.alarmName), state, expiresAt);
    },
  };
}
