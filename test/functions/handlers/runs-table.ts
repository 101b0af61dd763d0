import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { RUN_KEYS } from '../../../functions/core/cloud/run-record.ts';

export interface LocalRunsTable {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  close(): Promise<void>;
}

interface TableSchema {
  KeySchema: unknown;
  AttributeDefinitions: unknown;
}

/** The runs table's keys as the stack declares them (RUN_KEYS). */
const RUNS_SCHEMA: TableSchema = {
  KeySchema: [
    { AttributeName: RUN_KEYS.partition, KeyType: 'HASH' },
    { AttributeName: RUN_KEYS.sort, KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: RUN_KEYS.partition, AttributeType: 'S' },
    { AttributeName: RUN_KEYS.sort, AttributeType: 'S' },
  ],
};

/** Another runs table on the same server (a location's, named as the stack names it). */
export async function createRunsTable(
  dynamo: DynamoDBClient,
  tableName: string,
  schema: TableSchema = RUNS_SCHEMA,
): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: schema.KeySchema as never,
      AttributeDefinitions: schema.AttributeDefinitions as never,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

/**
 * dynalite (a DynamoDB-compatible server in this process) on a free port, with a runs table keyed as the stack
 * keys it (RUN_KEYS; the state-machine test passes the synthesized table's own key schema).
 */
export async function localRunsTable(schema: TableSchema = RUNS_SCHEMA): Promise<LocalRunsTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dynamo = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tableName = 'runs';
  await createRunsTable(dynamo, tableName, schema);
  return {
    dynamo,
    tableName,
    async close() {
      dynamo.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
