import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { locationRunsTableName } from '../../core/cloud/deployed-locations.ts';
import { deployedNames } from '../../core/cloud/deployed-suite.ts';
import { UsageError } from '../usage-error.ts';

export interface DeployedTableOptions {
  /** The deployed runs table; found in the environment's stack outputs when not given. */
  readonly table?: string | undefined;
  readonly region?: string | undefined;
  /** Another DynamoDB endpoint (a local one). */
  readonly endpoint?: string | undefined;
  /** For tests: the CloudFormation client that reads the stack's outputs. */
  readonly cloudFormation?: CloudFormationClient;
}

/** The stack output that names the runs table (a fixed key, see ProbeSuite). */
export const RUNS_TABLE_OUTPUT = 'RunsTable';

export interface DeployedTable {
  readonly client: DynamoDBClient;
  readonly table: string;
  readonly region: string;
}

/**
 * The deployed runs table, read and written with the user's own AWS credentials. Its name is `--table`, or the
 * RunsTable output of the environment's stack (the stack name follows from suite and environment), so on-call
 * needs nothing but the suite file and the environment.
 */
export async function deployedTable(
  suite: string,
  environment: string,
  options: DeployedTableOptions,
): Promise<DeployedTable> {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError("--region: expected the stack's region (or set AWS_REGION)");
  const table =
    options.table ??
    (await tableFromStack(deployedNames(suite, environment).stack, environment, region, options));
  // The SDKs load on use: every other command starts without them.
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({ region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  return { client, table, region };
}

/**
 * Each location's runs table of an environment with several locations, in the location's own region: named from
 * the suite, the environment and the location (see locationRunsTableName), so no stack output is read.
 */
export async function locationTables(
  suite: string,
  environment: string,
  locations: readonly string[],
  endpoint?: string,
): Promise<DeployedTable[]> {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const names = deployedNames(suite, environment);
  return locations.map((region) => ({
    client: new DynamoDBClient({ region, ...(endpoint ? { endpoint } : {}) }),
    table: locationRunsTableName(names, region),
    region,
  }));
}

async function tableFromStack(
  stack: string,
  environment: string,
  region: string,
  options: DeployedTableOptions,
): Promise<string> {
  const hint = `pass --table NAME (${describeHint(stack, region)})`;
  const outputs = await stackOutputs(stack, environment, region, options, { what: 'the runs table', hint });
  const output = outputs[RUNS_TABLE_OUTPUT];
  if (!output)
    throw new UsageError(`stack ${stack} in ${region} has no ${RUNS_TABLE_OUTPUT} output; ${hint}`);
  return output;
}

/** The CLI command that lists a stack's outputs. */
export const describeHint = (stack: string, region: string) =>
  `aws cloudformation describe-stacks --stack-name ${stack} --region ${region} --query "Stacks[0].Outputs"`;

/**
 * The environment's stack outputs by key (fixed keys, see ProbeSuite's outputs), read with the user's own
 * credentials. The error names what they were read for, and what else to do when access is denied.
 */
export async function stackOutputs(
  stack: string,
  environment: string,
  region: string,
  options: { readonly cloudFormation?: CloudFormationClient | undefined },
  { what, hint }: { readonly what: string; readonly hint: string },
): Promise<Record<string, string>> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cloudFormation = options.cloudFormation ?? new CloudFormationClient({ region });
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stack }));
    return Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).flatMap((o) =>
        o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [],
      ),
    );
  } catch (error) {
    throw stackReadError(error, {
      stack,
      environment,
      region,
      what,
      denied: `access denied reading the stack's outputs: attach its OnCallReadRunsPolicy to your role, or ${hint}`,
    });
  } finally {
    if (!options.cloudFormation) cloudFormation.destroy();
  }
}

/** A failed read of the environment's stack, in the user's terms: no credentials, no such stack, or denied. */
export function stackReadError(
  error: unknown,
  where: {
    readonly stack: string;
    readonly environment: string;
    readonly region: string;
    /** What the stack was read for. */
    readonly what: string;
    /** What to say when access is denied. */
    readonly denied: string;
  },
): UsageError {
  const { stack, environment, region } = where;
  const { name, message } = error as Error;
  const why =
    name === 'CredentialsProviderError'
      ? 'no AWS credentials were found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)'
      : name === 'ValidationError' && /does not exist/.test(message)
        ? `no stack ${stack} in ${region}: is the environment deployed there (cdk deploy -c env=${environment})? Check --env and --region`
        : name === 'AccessDenied' || name === 'AccessDeniedException'
          ? where.denied
          : `${name}: ${message}`;
  return new UsageError(`could not find ${where.what}: ${why}`, { cause: error });
}
