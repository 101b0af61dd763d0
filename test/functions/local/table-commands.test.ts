import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import { createFileRunStore } from '../../../functions/adapters/file-run-store.ts';
import { deployedNames } from '../../../functions/core/cloud/deployed-suite.ts';
import { main } from '../../../functions/local/cli.ts';
import { runResult } from '../../helpers/run-results.ts';
import { type LocalRunsTable, localRunsTable } from '../handlers/runs-table.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const work = join(root, '.perfprobe', `runs-test-${process.pid}`);
const suitePath = join(work, 'bank.ts');
let table: LocalRunsTable;
let endpoint: string;
const saved = { ...process.env };

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  writeFileSync(
    suitePath,
    `export default {
  name: 'bank',
  environments: { prod: { baseUrl: 'https://api.example.com' }, staging: { baseUrl: 'https://staging.example.com' } },
  probes: [{ id: 'login', request: { url: '/login' } }, { id: 'health', request: { url: '/health' } }],
};\n`,
  );
  table = await localRunsTable();
  const config = await table.dynamo.config.endpoint!();
  endpoint = `http://${config.hostname}:${config.port}`;
  const store = createRunStore(table.dynamo, table.tableName, 90, 'bank');
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  await store.save(runResult('login', 0, ago(30), 'prod'));
  await store.save(runResult('login', 0.5, ago(10), 'prod'));
  await store.save(runResult('health', 0, ago(20), 'prod'));
  // Outside --since 1h, and another environment's: neither is listed.
  await store.save(runResult('login', 0, ago(120), 'prod'));
  await store.save(runResult('login', 0, ago(5), 'staging'));
});

afterAll(async () => {
  await table?.close();
  rmSync(work, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
});

/** The CLI in this process: its exit code and what it wrote. */
async function perfprobe(args: string[]) {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

const withCredentials = () => {
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
};
const local = () => ['--table', table.tableName, '--region', 'eu-west-1', '--endpoint', endpoint];

describe('perfprobe runs, against the local harness table', () => {
  it("lists the environment's runs of the last hour newest first, with verdict, errors, validity and run id", async () => {
    withCredentials();

    const { code, stdout } = await perfprobe([
      'runs',
      suitePath,
      '--env',
      'prod',
      '--since',
      '1h',
      ...local(),
    ]);

    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^started \(UTC\)\s+probe\s+verdict\s+p50\s+p95\s+p99\s+errors\s+validity\s+run$/,
    );
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(1, 5))).toEqual([
      ['login', 'breach', '–', '–'],
      ['health', 'pass', '–', '–'],
      ['login', 'pass', '–', '–'],
    ]);
    expect(lines[1]).toContain('50 %');
    expect(lines[1]).toMatch(/run-login-\S+$/);
  });

  it('writes the runs as JSON and prints one run as perfprobe run does', async () => {
    withCredentials();
    const json = join(work, 'runs.json');
    await perfprobe([
      'runs',
      suitePath,
      '-e',
      'prod',
      '-p',
      'login',
      '--since',
      '1h',
      '--json',
      json,
      ...local(),
    ]);
    const listed = JSON.parse(readFileSync(json, 'utf8')) as { runId: string; probeId: string }[];

    const { code, stdout } = await perfprobe([
      'runs',
      suitePath,
      '-e',
      'prod',
      '--run',
      listed[0]!.runId,
      ...local(),
    ]);

    expect(listed.map((r) => r.probeId)).toEqual(['login', 'login']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^login \(latency, env prod\)\s+1,?000 requests/);
  });

  it("finds the table in the environment's stack outputs when --table is not given", async () => {
    withCredentials();
    const cloudFormation = mockClient(CloudFormationClient);
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'stack',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'AlarmTopic', OutputValue: 'arn:aws:sns:eu-west-1:1:topic' },
            { OutputKey: 'RunsTable', OutputValue: table.tableName },
          ],
        },
      ],
    });

    const { code, stdout } = await perfprobe([
      'runs',
      suitePath,
      '-e',
      'prod',
      '-p',
      'health',
      '--since',
      '1h',
      '--deployed',
      '--region',
      'eu-west-1',
      '--endpoint',
      endpoint,
    ]);
    const calls = cloudFormation.commandCalls(DescribeStacksCommand);
    cloudFormation.restore();

    expect(code).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ StackName: deployedNames('bank', 'prod').stack });
    expect(
      stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s{2,}/)[1]),
    ).toEqual(['health']);
  });

  it('says the stack is not deployed there, and refuses an unknown environment', async () => {
    withCredentials();
    const cloudFormation = mockClient(CloudFormationClient);
    const stack = deployedNames('bank', 'prod').stack;
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error(`Stack with id ${stack} does not exist`), { name: 'ValidationError' }),
      );

    const noStack = await perfprobe([
      'runs',
      suitePath,
      '--env',
      'prod',
      '--deployed',
      '--region',
      'eu-west-1',
    ]);
    cloudFormation.restore();
    const wrongEnv = await perfprobe(['runs', suitePath, '--env', 'prd', ...local()]);

    expect(noStack).toMatchObject({
      code: 2,
      stderr: `perfprobe: could not find the runs table: no stack ${stack} in eu-west-1: is the environment deployed there (cdk deploy -c env=prod)? Check --env and --region\n`,
    });
    expect(wrongEnv).toMatchObject({
      code: 2,
      stderr: 'perfprobe: --env prd: the suite defines "prod", "staging"\n',
    });
  });

  it('lists runs recorded locally with --store, and refuses --store with a table', async () => {
    const dir = join(work, 'local-store');
    const store = createFileRunStore({ dir, suite: 'bank', retentionDays: 90 });
    await store.save(runResult('login', 0.25, new Date(Date.now() - 60_000).toISOString(), 'prod'));

    const listed = await perfprobe(['runs', suitePath, '-e', 'prod', '--store', dir, '--since', '2w']);
    const badSince = await perfprobe(['runs', suitePath, '-e', 'prod', '--store', dir, '--since', '7x']);
    const both = await perfprobe(['runs', suitePath, '-e', 'prod', '--store', dir, ...local()]);

    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split('\n')).toHaveLength(2);
    expect(listed.stdout).toMatch(/login\s+breach[\s\S]*25 %/);
    expect(both).toMatchObject({
      code: 2,
      stderr:
        'perfprobe: --store: expected either --store DIR (local runs) or the deployed table, not both\n',
    });
    expect(badSince).toMatchObject({
      code: 2,
      stderr:
        'perfprobe: --since: expected a time back like 30m, 24h, 7d or 2w, above 0 and at most 3650d, got "7x"\n',
    });
  });

  it('reads the local store by default, as history and report do, and refuses --region without --deployed', async () => {
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) delete process.env[name];

    const local = await perfprobe(['runs', suitePath, '--env', 'prod']);
    const region = await perfprobe(['runs', suitePath, '--env', 'prod', '--region', 'eu-west-1']);

    expect(local.code).toBe(0);
    expect(local.stderr).toBe('');
    expect(region).toMatchObject({
      code: 2,
      stderr: 'perfprobe: --region: expected only with --deployed or --table, got "eu-west-1"\n',
    });
  });

  it('exits 2 with a clear message when no AWS credentials are found', async () => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      delete process.env[name];
    }
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(work, 'no-credentials');
    process.env.AWS_CONFIG_FILE = join(work, 'no-config');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';

    const { code, stderr } = await perfprobe(['runs', suitePath, '--env', 'prod', ...local()]);

    expect(code).toBe(2);
    expect(stderr).toBe(
      `perfprobe: could not read the runs table "${table.tableName}": no AWS credentials were found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)\n`,
    );
  });

  it('names the table and region when the table does not exist there', async () => {
    withCredentials();

    const { code, stderr } = await perfprobe([
      'runs',
      suitePath,
      '--env',
      'prod',
      '--table',
      'nope',
      '--region',
      'eu-west-1',
      '--endpoint',
      endpoint,
    ]);

    expect(code).toBe(2);
    expect(stderr).toBe(
      'perfprobe: could not read the runs table "nope": no table named "nope" in eu-west-1 (check --table and --region)\n',
    );
  });
});

describe('perfprobe silence, against the local harness table', () => {
  it('records a silence, lists it, ends it, and the list is empty again', async () => {
    withCredentials();

    const added = await perfprobe([
      'silence',
      suitePath,
      '-e',
      'prod',
      '-p',
      'login',
      '--for',
      '2h',
      '--reason',
      'database failover',
      ...local(),
    ]);
    const id = /^silence (\S+):/.exec(added.stdout)?.[1];
    const listed = await perfprobe(['silence', suitePath, '-e', 'prod', '--list', ...local()]);
    const ended = await perfprobe(['silence', suitePath, '-e', 'prod', '--end', id!, ...local()]);
    const after = await perfprobe(['silence', suitePath, '-e', 'prod', '--list', ...local()]);

    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(
      /^silence \S+: pages about prod\/login until \S+ \(database failover\) are held; probes keep measuring\n$/,
    );
    expect(listed.stdout).toContain(id!);
    expect(listed.stdout).toContain('database failover');
    expect(ended).toMatchObject({
      code: 0,
      stdout: `silence ${id} ended: pages about prod are sent again\n`,
    });
    expect(after.stdout).toBe('no silence in force in prod\n');
  });

  it('refuses a silence that would not end, one without a reason, and an unknown silence, saying which', async () => {
    withCredentials();

    const forever = await perfprobe([
      'silence',
      suitePath,
      '-e',
      'prod',
      '--for',
      '200h',
      '--reason',
      'x',
      ...local(),
    ]);
    const noReason = await perfprobe(['silence', suitePath, '-e', 'prod', '--for', '1h', ...local()]);
    const unknown = await perfprobe(['silence', suitePath, '-e', 'prod', '--end', 'nope', ...local()]);
    const both = await perfprobe(['silence', suitePath, '-e', 'prod', '--list', '--end', 'nope', ...local()]);

    expect([forever.code, noReason.code, unknown.code, both.code]).toEqual([2, 2, 2, 2]);
    expect(forever.stderr).toBe(
      'perfprobe: --for: expected a duration above 0 and at most 168h (a silence always ends), got "200h"\n',
    );
    expect(noReason.stderr).toBe(
      'perfprobe: --reason: expected why pages are held (it is shown with every held page), got nothing\n',
    );
    expect(unknown.stderr).toBe('perfprobe: --end nope: no such silence in prod (see --list)\n');
    expect(both.stderr).toBe(
      'perfprobe: expected exactly one of --for DURATION (with --reason), --list or --end ID\n',
    );
  });

  it('exits 2 with a clear message without credentials', async () => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      delete process.env[name];
    }
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(work, 'no-credentials');
    process.env.AWS_CONFIG_FILE = join(work, 'no-config');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';

    const { code, stderr } = await perfprobe(['silence', suitePath, '-e', 'prod', '--list', ...local()]);

    expect(code).toBe(2);
    expect(stderr).toMatch(/^perfprobe: could not read the runs table "runs": no AWS credentials were found/);
  });
});
