import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { RUN_KEYS } from '../core/cloud/run-record.ts';

/**
 * The document client every runs-table adapter uses. `DynamoDBDocumentClient.from` writes its marshalling options
 * onto the wrapped client's shared config, so two adapters over one DynamoDBClient with different options
 * silently swap them (a lease store without `removeUndefinedValues` made every later shard write fail): one set
 * of options, here, for all of them.
 */
export function runsTableDocuments(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/**
 * A conditional put: true when written, false when the condition refused it (the item is already there);
 * any other failure throws.
 */
export async function putUnless(
  documents: DynamoDBDocumentClient,
  input: ConstructorParameters<typeof PutCommand>[0],
): Promise<boolean> {
  try {
    await documents.send(new PutCommand(input));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * A compare-and-set on an item's `revision`: written only over the revision it was read at (absent: over no item,
 * or one written before items had revisions), so a read, a decision and this write act as one transition. The
 * item as stored, with its next revision, or undefined when another writer changed it first.
 */
export async function putOverRevision<T extends { readonly revision?: number | undefined }>(
  documents: DynamoDBDocumentClient,
  tableName: string,
  key: Record<string, unknown>,
  state: T,
  expiresAt: number,
): Promise<(T & { readonly revision: number }) | undefined> {
  const stored = { ...state, revision: (state.revision ?? 0) + 1 };
  const written = await putUnless(documents, {
    TableName: tableName,
    Item: { ...key, ...stored, [RUN_KEYS.expiry]: expiresAt },
    ConditionExpression:
      state.revision === undefined ? 'attribute_not_exists(#revision)' : '#revision = :revision',
    ExpressionAttributeNames: { '#revision': 'revision' },
    ...(state.revision === undefined ? {} : { ExpressionAttributeValues: { ':revision': state.revision } }),
  });
  return written ? stored : undefined;
}
