import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { RUN_KEYS } from '../core/cloud/run-record.ts';
import type { IncidentState } from '../core/notify/incident.ts';
import { runsTableDocuments } from './dynamo-documents.ts';

export interface IncidentStore {
  read(alarmName: string): Promise<IncidentState | undefined>;
  write(state: IncidentState): Promise<void>;
}

/** Kept a month: long enough for any recovery window, short enough that a deleted alarm's state goes. */
const INCIDENT_DAYS = 30;

/**
 * One item per alarm in the runs table. Its partition starts with "incident#" and holds the alarm name, which
 * contains "." — a run partition is `<environment>#<probeId>` and probe ids hold no ".", so none collide.
 */
export function createIncidentStore(client: DynamoDBClient, tableName: string): IncidentStore {
  const documents = runsTableDocuments(client);
  const key = (alarmName: string) => ({
    [RUN_KEYS.partition]: `incident#${alarmName}`,
    [RUN_KEYS.sort]: 'latest',
  });
  return {
    async read(alarmName) {
      const out = await documents.send(new GetCommand({ TableName: tableName, Key: key(alarmName) }));
      if (!out.Item) return undefined;
      const { alarmName: name, dedupKey, openedAt, recoveredAt, flaps } = out.Item as IncidentState;
      return { alarmName: name, dedupKey, openedAt, recoveredAt, flaps };
    },
    async write(state) {
      const expiresAt = Math.floor(Date.now() / 1000) + INCIDENT_DAYS * 86_400;
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...key(state.alarmName), ...state, [RUN_KEYS.expiry]: expiresAt },
        }),
      );
    },
  };
}
