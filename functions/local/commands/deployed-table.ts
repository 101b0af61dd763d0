import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { deployedNames } from '../../core/cloud/deployed-suite.ts';
import { UsageError } from '../usage-error.ts';

export interface DeployedTableOptions {
  /** The deployed runs table (the stack's RunsTable output). */
  readonly table?: string | undefined;
  readonly region?: string | undefined;
  /** Another DynamoDB endpoint (a local one). */
  readonly endpoint?: string | undefined;
}

/** The deployed runs table, read and written with the user's own AWS credentials. */
export function deployedTable(
  suite: string,
  environment: string,
  options: DeployedTableOptions,
): { client: DynamoDBClient; table: string; region: string } {
  if (!options.table) {
    const stack = deployedNames(suite, environment).stack;
    throw new UsageError(
      `--table: expected the runs table's name, the RunsTable output of stack ${stack} (aws cloudformation describe-stacks --stack-name ${stack} --query "Stacks[0].Outputs")`,
    );
  }
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError("--region: expected the stack's region (or set AWS_REGION)");
  const client = new DynamoDBClient({ region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  return { client, table: options.table, region };
}
