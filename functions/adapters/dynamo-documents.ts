import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';

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
