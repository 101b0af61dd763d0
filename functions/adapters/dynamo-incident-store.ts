import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { RUN_KEYS } from '../core/cloud/run-record.ts';
import { type IncidentState, incidentKey } from '../core/notify/incident.ts';
import { putOverRevision, runsTableDocuments } from './dynamo-documents.ts';

export interface IncidentStore {
  /** The alarm's incident; with `location`, that location's own (see IncidentState.location). */
  read(environment: string, alarmName: string, location?: string): Promise<IncidentState | undefined>;
  /**
   * Writes `state` only over the revision it was read at (`state.revision`; absent: over no item, or one written
   * before items had revisions): the state as stored, with its new revision, or undefined when another writer
   * changed the item first. Any other failure throws.
   */
  write(environment: string, state: IncidentState): Promise<IncidentState | undefined>;
  /** Every incident of the environment still stored (one Query): what the tick re-checks. */
  list(environment: string): Promise<IncidentState[]>;
}

/** Kept a month after the last change: long enough for any open incident's reminders, short enough to go. */
const INCIDENT_DAYS = 30;

/**
 * One item per alarm in the runs table, in one partition per environment, as silences are: `<environment>#.incidents`
 * ("." occurs in no probe id, so no run partition is it), sorted by alarm name. The tick lists them with one
 * Query.
 */
export function incidentPartitionKey(environment: string): string {
  return `${environment}#.incidents`;
}

function fromItem(item: Record<string, unknown>): IncidentState {
  const {
    alarmName,
    location,
    dedupKey,
    openedAt,
    okAt,
    recoveredAt,
    flaps,
    notifiedAt,
    heldBy,
    reason,
    lastChange,
    revision,
  } = item as unknown as IncidentState;
  return {
    alarmName,
    ...(location === undefined ? {} : { location }),
    dedupKey,
    openedAt,
    okAt,
    recoveredAt,
    flaps,
    notifiedAt,
    heldBy,
    reason,
    lastChange,
    revision,
  };
}

export function createIncidentStore(client: DynamoDBClient, tableName: string): IncidentStore {
  const documents = runsTableDocuments(client);
  const key = (environment: string, incident: Pick<IncidentState, 'alarmName' | 'location'>) => ({
    [RUN_KEYS.partition]: incidentPartitionKey(environment),
    [RUN_KEYS.sort]: incidentKey(incident),
  });
  return {
    async read(environment, alarmName, location) {
      const out = await documents.send(
        new GetCommand({ TableName: tableName, Key: key(environment, { alarmName, location }) }),
      );
      return out.Item ? fromItem(out.Item) : undefined;
    },
    async write(environment, state) {
      const expiresAt = Math.floor(Date.now() / 1000) + INCIDENT_DAYS * 86_400;
      return putOverRevision(documents, tableName, key(environment, state), state, expiresAt);
    },
    async list(environment) {
      const items: IncidentState[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': RUN_KEYS.partition },
            ExpressionAttributeValues: { ':pk': incidentPartitionKey(environment) },
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...(out.Items ?? []).map(fromItem));
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      return items;
    },
  };
}
