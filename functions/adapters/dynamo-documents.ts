import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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
