import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RUN_KEYS } from '../core/cloud/run-record.ts';
import { type Silence, silencePartitionKey } from '../core/notify/silence.ts';
import { runsTableDocuments } from './dynamo-documents.ts';

export interface SilenceStore {
  add(silence: Omit<Silence, 'id'>): Promise<Silence>;
  /** Every silence of the environment still stored (ended ones until the TTL removes them). */
  list(environment: string): Promise<Silence[]>;
  /** Ends a silence now; false when there is no such silence. */
  end(environment: string, id: string, at: Date): Promise<boolean>;
  /**
   * Records a page the silence held, for its summary. A maintenance window's item is created by its first held
   * page (an upsert: the same window's id from every notifier invocation).
   */
  recordHeld(silence: Silence, line: string): Promise<void>;
  /** The summary was sent: not again. */
  markSummarized(environment: string, id: string, at: Date): Promise<void>;
}

/** What a held page's upsert sets on a maintenance window's item (a silence's item has them already). */
const HELD_FIELDS = ['id', 'environment', 'reason', 'startsAt', 'endsAt', 'kind'] as const;

/** Kept a week after it ends, then removed by the table's TTL. */
const KEPT_AFTER_END_S = 7 * 86_400;

export function createSilenceStore(client: DynamoDBClient, tableName: string): SilenceStore {
  const documents = runsTableDocuments(client);
  const names = { '#pk': RUN_KEYS.partition, '#sk': RUN_KEYS.sort };
  const expiry = (endsAt: string) => Math.floor(Date.parse(endsAt) / 1000) + KEPT_AFTER_END_S;
  return {
    async add(input) {
      const silence: Silence = { ...input, id: `${input.startsAt}#${randomBytes(2).toString('hex')}` };
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            [RUN_KEYS.partition]: silencePartitionKey(input.environment),
            [RUN_KEYS.sort]: silence.id,
            ...silence,
            [RUN_KEYS.expiry]: expiry(silence.endsAt),
          },
        }),
      );
      return silence;
    },
    async list(environment) {
      const out = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': RUN_KEYS.partition },
          ExpressionAttributeValues: { ':pk': silencePartitionKey(environment) },
        }),
      );
      return (out.Items ?? []).map((item) => ({
        id: item.id,
        environment: item.environment,
        probeId: item.probeId,
        reason: item.reason,
        startsAt: item.startsAt,
        endsAt: item.endsAt,
        kind: item.kind,
        held: item.held,
        summarizedAt: item.summarizedAt,
      }));
    },
    async end(environment, id, at) {
      const endsAt = at.toISOString();
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [RUN_KEYS.partition]: silencePartitionKey(environment), [RUN_KEYS.sort]: id },
            UpdateExpression: 'SET endsAt = :endsAt, #expiry = :expiry',
            ConditionExpression: 'attribute_exists(#pk) AND attribute_exists(#sk)',
            ExpressionAttributeNames: { ...names, '#expiry': RUN_KEYS.expiry },
            ExpressionAttributeValues: { ':endsAt': endsAt, ':expiry': expiry(endsAt) },
          }),
        );
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
    async recordHeld(silence, line) {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: {
            [RUN_KEYS.partition]: silencePartitionKey(silence.environment),
            [RUN_KEYS.sort]: silence.id,
          },
          // A silence's own fields stay as `perfprobe silence` wrote them; a maintenance window's are set once.
          // Every name aliased: DynamoDB reserves many plain words.
          UpdateExpression: [
            'SET #held = list_append(if_not_exists(#held, :none), :line)',
            ...HELD_FIELDS.map((f) => `#${f} = if_not_exists(#${f}, :${f})`),
            '#expiry = if_not_exists(#expiry, :expiry)',
          ].join(', '),
          ExpressionAttributeNames: {
            '#held': 'held',
            '#expiry': RUN_KEYS.expiry,
            ...Object.fromEntries(HELD_FIELDS.map((f) => [`#${f}`, f])),
          },
          ExpressionAttributeValues: {
            ':none': [],
            ':line': [line],
            ':expiry': expiry(silence.endsAt),
            ...Object.fromEntries(HELD_FIELDS.map((f) => [`:${f}`, silence[f] ?? 'silence'])),
          },
        }),
      );
    },
    async markSummarized(environment, id, at) {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { [RUN_KEYS.partition]: silencePartitionKey(environment), [RUN_KEYS.sort]: id },
          UpdateExpression: 'SET #summarizedAt = :at',
          ExpressionAttributeNames: { '#summarizedAt': 'summarizedAt' },
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      );
    },
  };
}
