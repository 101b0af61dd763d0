import type { CloudFormationClient, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { deployedNames } from '../../core/cloud/deployed-suite.ts';
import {
  DAY_MS,
  type PublishedVersion,
  pruneVersions,
  type VersionDecision,
} from '../../core/cloud/prune-versions.ts';
import { boundedFlag, FlagProblems } from '../flag-values.ts';
import { loadSuite } from '../load-suite.ts';
import { UsageError } from '../usage-error.ts';
import { stackReadError } from './deployed-table.ts';
import { pickEnvironment } from './suite-selection.ts';

/**
 * A day is far above the longest run: a Standard execution times out after at most 18 min 15 s (a 15-minute
 * worker, Plan, Aggregate, their margins), an Express one after 5 min (lib/run-state-machine.ts).
 */
const KEEP_DAYS_DEFAULT = '1';
const KEEP_DAYS = { min: 1, max: 365, what: 'a number of days' } as const;

/** Every function perfprobe deploys says so in its description (see probeFunction): prune touches no other. */
const PERFPROBE_DESCRIPTION = 'perfprobe ';

export interface PruneClients {
  readonly cloudFormation: CloudFormationClient;
  readonly lambda: LambdaClient;
}

export interface PruneOptions {
  readonly suitePath: string;
  readonly env?: string | undefined;
  readonly region?: string | undefined;
  /** The stack's name when it is not perfprobe's own (ProbeSuite in a stack of the user's). */
  readonly stack?: string | undefined;
  /** Print what would be deleted, delete nothing. */
  readonly dryRun?: boolean | undefined;
  /** How many days a replaced version is kept. @default 1 */
  readonly keepDays?: string | undefined;
  readonly out?: NodeJS.WritableStream;
  /** For tests: the clients (the SDK's otherwise) and the clock. */
  readonly clients?: PruneClients;
  readonly now?: () => number;
}

/** The stack's functions by name, each with the version numbers the stack holds. */
type StackFunctions = Map<string, Set<string>>;

const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * `perfprobe prune`: deletes the function versions an environment's stack retained on earlier deploys (see
 * probeFunction) once no run can still call them, with the operator's own credentials. What to delete is
 * pruneVersions' rule; a version that cannot be deleted is reported and the others are still deleted.
 */
export async function pruneCommand(options: PruneOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const now = options.now ?? Date.now;
  const suite = await loadSuite(options.suitePath);
  const env = pickEnvironment(suite, options.env);
  const problems = new FlagProblems();
  const keepDays = boundedFlag(problems, '--keep-days', options.keepDays ?? KEEP_DAYS_DEFAULT, KEEP_DAYS);
  if (problems.messages.length > 0 || keepDays === undefined)
    throw new UsageError(problems.messages.join('\n'));
  if (options.stack !== undefined && options.stack.trim() === '') {
    throw new UsageError('--stack: expected a stack name, got ""');
  }
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError("--region: expected the stack's region (or set AWS_REGION)");
  const stack = options.stack ?? deployedNames(suite.name, env).stack;
  const clients = options.clients ?? (await sdkClients(region));
  try {
    const functions = await stackFunctions(clients.cloudFormation, stack).catch((error: unknown) => {
      throw stackReadError(error, {
        stack,
        environment: env,
        region,
        what: "the stack's functions",
        denied: `access denied listing the stack's resources: prune needs cloudformation:ListStackResources, lambda:ListVersionsByFunction and lambda:DeleteFunction`,
      });
    });
    const dryRun = options.dryRun ?? false;
    out.write(
      `prune ${stack} (${region}): versions replaced ${keepDays === 1 ? '1 day' : `${keepDays} days`} ago or more${dryRun ? ' (dry run: nothing is deleted)' : ''}\n`,
    );
    const count = { deleted: 0, kept: 0, failed: 0 };
    for (const [name, held] of [...functions].sort(([a], [b]) => a.localeCompare(b))) {
      let listed: Awaited<ReturnType<typeof listVersions>>;
      try {
        listed = await listVersions(clients.lambda, name);
      } catch (error) {
        out.write(`${name}\n  failed: its versions could not be listed: ${errorText(error)}\n`);
        count.failed++;
        continue;
      }
      const latest = listed.find((v) => v.version === '$LATEST');
      if (!latest?.description.startsWith(PERFPROBE_DESCRIPTION)) {
        out.write(
          `${name}\n  skipped: not a perfprobe function (its description does not start with "perfprobe")\n`,
        );
        continue;
      }
      const decisions = pruneVersions({ versions: listed, held, nowMs: now(), keepMs: keepDays * DAY_MS });
      out.write(`${name}\n`);
      const width = Math.max(...decisions.map((d) => d.version.length));
      const line = (status: string, d: VersionDecision, detail: string) =>
        out.write(`  ${status.padEnd(12)} ${d.version.padEnd(width)}  ${detail}\n`);
      for (const d of decisions) {
        if (!d.delete) {
          line('kept', d, d.why);
          count.kept++;
        } else if (dryRun) {
          line('would delete', d, d.why);
          count.deleted++;
        } else {
          try {
            await deleteVersion(clients.lambda, name, d.version);
            line('deleted', d, d.why);
            count.deleted++;
          } catch (error) {
            line('failed', d, `${name}:${d.version} could not be deleted: ${errorText(error)}`);
            count.failed++;
          }
        }
      }
    }
    out.write(
      `${count.deleted} ${dryRun ? 'would be deleted' : 'deleted'}, ${count.kept} kept${count.failed > 0 ? `, ${count.failed} failed` : ''}\n`,
    );
    return count.failed > 0 ? 1 : 0;
  } finally {
    if (!options.clients) {
      clients.cloudFormation.destroy();
      clients.lambda.destroy();
    }
  }
}

async function sdkClients(region: string): Promise<PruneClients> {
  // The SDKs load on use: every other command starts without them.
  const [{ CloudFormationClient }, { LambdaClient }] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-lambda'),
  ]);
  return { cloudFormation: new CloudFormationClient({ region }), lambda: new LambdaClient({ region }) };
}

/** The functions of the stack and its nested stacks, with the versions (AWS::Lambda::Version) each holds. */
async function stackFunctions(cloudFormation: CloudFormationClient, stack: string): Promise<StackFunctions> {
  const functions: StackFunctions = new Map();
  const versions: string[] = [];
  for (const resource of await stackResources(cloudFormation, stack)) {
    if (!resource.PhysicalResourceId) continue;
    if (resource.ResourceType === 'AWS::Lambda::Function')
      functions.set(resource.PhysicalResourceId, new Set());
    if (resource.ResourceType === 'AWS::Lambda::Version') versions.push(resource.PhysicalResourceId);
  }
  for (const arn of versions) {
    // arn:aws:lambda:<region>:<account>:function:<name>:<version>
    const [name, version] = arn.split(':').slice(6);
    if (name && version) functions.get(name)?.add(version);
  }
  return functions;
}

/** Every resource of a stack, its nested stacks' included (ListStackResources pages, then each nested stack). */
async function stackResources(
  cloudFormation: CloudFormationClient,
  stack: string,
): Promise<StackResourceSummary[]> {
  const { ListStackResourcesCommand } = await import('@aws-sdk/client-cloudformation');
  const resources: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cloudFormation.send(new ListStackResourcesCommand({ StackName: stack, NextToken }));
    resources.push(...(page.StackResourceSummaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  const nested = resources.filter(
    (r) => r.ResourceType === 'AWS::CloudFormation::Stack' && r.PhysicalResourceId,
  );
  for (const child of nested)
    resources.push(...(await stackResources(cloudFormation, child.PhysicalResourceId!)));
  return resources;
}

/** A function's versions, $LATEST included (ListVersionsByFunction pages). */
async function listVersions(
  lambda: LambdaClient,
  name: string,
): Promise<(PublishedVersion & { readonly description: string })[]> {
  const { ListVersionsByFunctionCommand } = await import('@aws-sdk/client-lambda');
  const versions: (PublishedVersion & { readonly description: string })[] = [];
  let Marker: string | undefined;
  do {
    const page = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name, Marker }));
    for (const v of page.Versions ?? []) {
      if (v.Version === undefined) continue;
      versions.push({
        version: v.Version,
        // Lambda writes "2026-12-07T22:30:20.000+0000"; unreadable is NaN, and pruneVersions keeps what it dates.
        lastModifiedMs: Date.parse(v.LastModified ?? ''),
        description: v.Description ?? '',
      });
    }
    Marker = page.NextMarker;
  } while (Marker);
  return versions;
}

async function deleteVersion(lambda: LambdaClient, name: string, version: string): Promise<void> {
  const { DeleteFunctionCommand } = await import('@aws-sdk/client-lambda');
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: version }));
}
