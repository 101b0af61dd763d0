import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  DeleteFunctionCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  ResourceConflictException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { deployedNames } from '../../../../functions/core/cloud/deployed-suite.ts';
import { main } from '../../../../functions/local/cli.ts';
import { pruneCommand } from '../../../../functions/local/commands/prune-command.ts';
import { textSink } from '../../../helpers/text-sink.ts';

/*
 * `perfprobe prune` against mocked CloudFormation and Lambda (no local server exists for them): the exact
 * requests, what it prints, and that one failed delete neither stops the others nor passes unnoticed.
 */

const STACK = deployedNames('bank', 'prod').stack;
const NESTED_ARN = `arn:aws:cloudformation:eu-west-1:123456789012:stack/${STACK}-ProbesNested-1AB2/5e6f7a80`;
const PLAN = `${STACK}-Plan1A2B3C`;
const AGGREGATE = `${STACK}-Aggregate4D5E6F`;
const WORKER = `${STACK}-LoadWorker7A8B9C`;
const PROVIDER = `${STACK}-LogRetentionProvider0A1B`;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 8, 3, 0, 0);

let dir: string;
let suitePath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prune-'));
  suitePath = join(dir, 'bank.ts');
  await writeFile(
    suitePath,
    `export default {
  name: 'bank',
  environments: { prod: { baseUrl: 'https://api.example.com' } },
  probes: [{ id: 'login', request: { url: '/login' } }],
};\n`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cloudFormation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

afterEach(() => {
  cloudFormation.reset();
  lambda.reset();
  vi.restoreAllMocks();
});

const resource = (ResourceType: string, PhysicalResourceId: string): StackResourceSummary => ({
  LogicalResourceId: PhysicalResourceId.split(/[-:/]/).at(-1),
  PhysicalResourceId,
  ResourceType,
  ResourceStatus: 'UPDATE_COMPLETE',
  LastUpdatedTimestamp: new Date(NOW - DAY),
});
const fn = (name: string) => resource('AWS::Lambda::Function', name);
const version = (name: string, n: number) =>
  resource('AWS::Lambda::Version', `arn:aws:lambda:eu-west-1:123456789012:function:${name}:${n}`);

/** Plan and Aggregate in the stack (two pages), a worker and a provider in its nested stack. */
function deployedStack() {
  cloudFormation
    .on(ListStackResourcesCommand, { StackName: STACK, NextToken: undefined })
    .resolves({ StackResourceSummaries: [fn(PLAN), version(PLAN, 5)], NextToken: 'page-2' })
    .on(ListStackResourcesCommand, { StackName: STACK, NextToken: 'page-2' })
    .resolves({
      StackResourceSummaries: [
        fn(AGGREGATE),
        version(AGGREGATE, 3),
        resource('AWS::CloudFormation::Stack', NESTED_ARN),
      ],
    })
    .on(ListStackResourcesCommand, { StackName: NESTED_ARN })
    .resolves({ StackResourceSummaries: [fn(WORKER), version(WORKER, 2), fn(PROVIDER)] });
}

/** Lambda's own text for a time: "2026-12-07T22:30:20.000+0000". */
const lambdaTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

const published = (name: string, Version: string, ageMs: number, Description = 'perfprobe plan') => ({
  FunctionName: name,
  FunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}:${Version}`,
  Version,
  Description,
  LastModified: lambdaTime(NOW - ageMs),
});

/**
 * Plan: 3 and 4 replaced by 5 two days ago. Aggregate: 2 replaced by 3 an hour ago. Worker (two pages): 1
 * replaced by 2 three days ago. The provider is not perfprobe's.
 */
function publishedVersions() {
  lambda
    .on(ListVersionsByFunctionCommand, { FunctionName: PLAN })
    .resolves({
      Versions: [
        published(PLAN, '$LATEST', 2 * DAY),
        published(PLAN, '3', 40 * DAY),
        published(PLAN, '4', 10 * DAY),
        published(PLAN, '5', 2 * DAY),
      ],
    })
    .on(ListVersionsByFunctionCommand, { FunctionName: AGGREGATE })
    .resolves({
      Versions: [
        published(AGGREGATE, '$LATEST', 3_600_000, 'perfprobe aggregate'),
        published(AGGREGATE, '2', 10 * DAY, 'perfprobe aggregate'),
        published(AGGREGATE, '3', 3_600_000, 'perfprobe aggregate'),
      ],
    })
    .on(ListVersionsByFunctionCommand, { FunctionName: WORKER, Marker: undefined })
    .resolves({
      Versions: [published(WORKER, '$LATEST', 3 * DAY, 'perfprobe worker'), published(WORKER, '1', 9 * DAY)],
      NextMarker: 'more',
    })
    .on(ListVersionsByFunctionCommand, { FunctionName: WORKER, Marker: 'more' })
    .resolves({ Versions: [published(WORKER, '2', 3 * DAY, 'perfprobe worker')] })
    .on(ListVersionsByFunctionCommand, { FunctionName: PROVIDER })
    .resolves({
      Versions: [published(PROVIDER, '$LATEST', 50 * DAY, ''), published(PROVIDER, '1', 50 * DAY, '')],
    });
}

async function prune(options: { dryRun?: boolean; keepDays?: string; stack?: string } = {}) {
  const out = textSink();
  const code = await pruneCommand({
    suitePath,
    env: 'prod',
    region: 'eu-west-1',
    out,
    clients: {
      cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
      lambda: new LambdaClient({ region: 'eu-west-1' }),
    },
    now: () => NOW,
    ...options,
  });
  return { code, text: out.text() };
}

const deletes = () => lambda.commandCalls(DeleteFunctionCommand).map((c) => c.args[0].input);

describe('perfprobe prune', () => {
  it('prints what it would delete and why, and deletes nothing, on a dry run', async () => {
    deployedStack();
    publishedVersions();

    const { code, text } = await prune({ dryRun: true });

    expect(code).toBe(0);
    expect(text).toBe(
      `prune ${STACK} (eu-west-1): versions replaced 1 day ago or more (dry run: nothing is deleted)
${AGGREGATE}
  kept         $LATEST  the function itself
  kept         2        replaced by version 3 1 hour ago, kept for 1 day
  kept         3        current: the stack holds it
${WORKER}
  kept         $LATEST  the function itself
  would delete 1        replaced by version 2 3 days ago
  kept         2        current: the stack holds it
${PROVIDER}
  skipped: not a perfprobe function (its description does not start with "perfprobe")
${PLAN}
  kept         $LATEST  the function itself
  would delete 3        replaced by version 5 2 days ago
  would delete 4        replaced by version 5 2 days ago
  kept         5        current: the stack holds it
3 would be deleted, 7 kept
`,
    );
    expect(deletes()).toEqual([]);
  });

  it('reads the stack, its pages and its nested stack, and every page of each version list, with the exact requests', async () => {
    deployedStack();
    publishedVersions();

    await prune({ dryRun: true });

    expect(cloudFormation.commandCalls(ListStackResourcesCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: STACK, NextToken: undefined },
      { StackName: STACK, NextToken: 'page-2' },
      { StackName: NESTED_ARN, NextToken: undefined },
    ]);
    expect(lambda.commandCalls(ListVersionsByFunctionCommand).map((c) => c.args[0].input)).toEqual([
      { FunctionName: AGGREGATE, Marker: undefined },
      { FunctionName: WORKER, Marker: undefined },
      { FunctionName: WORKER, Marker: 'more' },
      { FunctionName: PROVIDER, Marker: undefined },
      { FunctionName: PLAN, Marker: undefined },
    ]);
  });

  it('deletes each replaced version by its qualifier, never $LATEST or the current one', async () => {
    deployedStack();
    publishedVersions();
    lambda.on(DeleteFunctionCommand).resolves({});

    const { code, text } = await prune();

    expect(code).toBe(0);
    expect(deletes()).toEqual([
      { FunctionName: WORKER, Qualifier: '1' },
      { FunctionName: PLAN, Qualifier: '3' },
      { FunctionName: PLAN, Qualifier: '4' },
    ]);
    expect(text).toContain('  deleted      3        replaced by version 5 2 days ago\n');
    expect(text).toMatch(/\n3 deleted, 7 kept\n$/);
  });

  it('keeps what replaced versions a longer --keep-days covers', async () => {
    deployedStack();
    publishedVersions();
    lambda.on(DeleteFunctionCommand).resolves({});

    const { code } = await prune({ keepDays: '3' });

    expect(code).toBe(0);
    expect(deletes()).toEqual([{ FunctionName: WORKER, Qualifier: '1' }]);
  });

  it('names the function, version and AWS error of a failed delete, deletes the others, and exits 1', async () => {
    deployedStack();
    publishedVersions();
    lambda
      .on(DeleteFunctionCommand)
      .resolves({})
      .on(DeleteFunctionCommand, { FunctionName: PLAN, Qualifier: '3' })
      .rejects(
        new ResourceConflictException({
          message: 'Version 3 is referenced by alias live',
          $metadata: { httpStatusCode: 409 },
        }),
      );

    const { code, text } = await prune();

    expect(code).toBe(1);
    expect(deletes()).toEqual([
      { FunctionName: WORKER, Qualifier: '1' },
      { FunctionName: PLAN, Qualifier: '3' },
      { FunctionName: PLAN, Qualifier: '4' },
    ]);
    expect(text).toContain(
      `  failed       3        ${PLAN}:3 could not be deleted: ResourceConflictException: Version 3 is referenced by alias live\n`,
    );
    expect(text).toContain('  deleted      4        replaced by version 5 2 days ago\n');
    expect(text).toMatch(/\n2 deleted, 7 kept, 1 failed\n$/);
  });

  it('goes on with the other functions when one cannot be listed, and exits 1', async () => {
    deployedStack();
    publishedVersions();
    const denied = new Error('not authorized to perform: lambda:ListVersionsByFunction');
    denied.name = 'AccessDeniedException';
    lambda.on(ListVersionsByFunctionCommand, { FunctionName: AGGREGATE }).rejects(denied);
    lambda.on(DeleteFunctionCommand).resolves({});

    const { code, text } = await prune();

    expect(code).toBe(1);
    expect(text).toContain(
      `${AGGREGATE}\n  failed: its versions could not be listed: AccessDeniedException: not authorized to perform: lambda:ListVersionsByFunction\n`,
    );
    expect(deletes()).toHaveLength(3);
  });

  it('reads the stack --stack names instead of perfprobe-<suite>-<env>', async () => {
    cloudFormation.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [] });

    const { code, text } = await prune({ stack: 'platform-monitoring' });

    expect(code).toBe(0);
    expect(cloudFormation.commandCalls(ListStackResourcesCommand)[0]!.args[0].input.StackName).toBe(
      'platform-monitoring',
    );
    expect(text).toBe(
      'prune platform-monitoring (eu-west-1): versions replaced 1 day ago or more\n0 deleted, 0 kept\n',
    );
  });

  it('refuses, exit 2, a stack that does not exist, naming it', async () => {
    const missing = new Error(`Stack with id ${STACK} does not exist`);
    missing.name = 'ValidationError';
    cloudFormation.on(ListStackResourcesCommand).rejects(missing);
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });

    const code = await main(['prune', suitePath, '--env', 'prod', '--region', 'eu-west-1']);

    expect(code).toBe(2);
    expect(stderr).toContain(
      `could not find the stack's functions: no stack ${STACK} in eu-west-1: is the environment deployed there (cdk deploy -c env=prod)?`,
    );
    expect(lambda.commandCalls(ListVersionsByFunctionCommand)).toHaveLength(0);
  });

  it.each([
    ['0.5', '"0.5"'],
    ['366', '"366"'],
    ['a week', '"a week"'],
  ])('refuses --keep-days %s with exit 2, naming the flag and the range', async (value, shown) => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });

    const code = await main([
      'prune',
      suitePath,
      '--env',
      'prod',
      '--region',
      'eu-west-1',
      '--keep-days',
      value,
    ]);

    expect(code).toBe(2);
    expect(stderr).toContain(`--keep-days: expected a number of days from 1 to 365, got ${shown}`);
    expect(cloudFormation.commandCalls(ListStackResourcesCommand)).toHaveLength(0);
  });

  it('runs from the command line with --dry-run and exits 0', async () => {
    deployedStack();
    publishedVersions();
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });

    const code = await main(['prune', suitePath, '-e', 'prod', '--region', 'eu-west-1', '--dry-run']);

    expect(code).toBe(0);
    expect(stdout).toContain('(dry run: nothing is deleted)');
    expect(deletes()).toEqual([]);
  });

  it('documents the rule, the longest run it outlasts and the permissions in --help', async () => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });

    const code = await main(['prune', '--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: perfprobe prune <suite\.ts>/);
    expect(stdout).toContain('at most 18 min 15 s');
    expect(stdout).toContain(
      'Needs cloudformation:ListStackResources, lambda:ListVersionsByFunction and lambda:DeleteFunction.',
    );
  });
});
