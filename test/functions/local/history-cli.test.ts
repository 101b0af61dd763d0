import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import { deployedNames } from '../../../functions/core/cloud/deployed-suite.ts';
import { perfprobe } from '../../helpers/cli-process.ts';
import { httpServer } from '../../helpers/servers.ts';
import { storedRun } from '../../helpers/stored-runs.ts';
import { type LocalRunsTable, localRunsTable } from '../handlers/runs-table.ts';

let table: LocalRunsTable;
beforeAll(async () => {
  table = await localRunsTable();
});
afterAll(async () => {
  await table.close();
});

describe('perfprobe history (command line)', () => {
  it('reads a deployed table with credentials and endpoint from the usual AWS chain', async () => {
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    await createRunStore(table.dynamo, table.tableName, 90, 'bank').save(
      storedRun({ runId: 'r1', startedAt, latenciesUs: [10_000, 20_000, 30_000], environment: 'local' }),
    );
    const endpoint = await table.dynamo.config.endpoint?.();

    const { code, stdout, stderr } = await perfprobe(
      ['history', 'probes/demo.ts', '--probe', 'health', '--since', '1h', '--table', table.tableName],
      {
        AWS_ENDPOINT_URL_DYNAMODB: `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
    );

    expect(stderr).not.toContain('perfprobe:');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}all\s+1\s+1\s+0\s+3\s+20\.0\s+30\.0\s+30\.0\s+30\.0\s+0\.00%\s+1 pass$/m);
  });

  it("finds the deployed table in the environment's stack outputs with --deployed (one DescribeStacks)", async () => {
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    await createRunStore(table.dynamo, table.tableName, 90, 'bank').save(
      storedRun({
        runId: 'r2',
        startedAt,
        latenciesUs: [40_000],
        environment: 'local',
        probeId: 'accounts-list',
      }),
    );
    const endpoint = await table.dynamo.config.endpoint?.();
    // No local CloudFormation exists: a loopback stand-in answers DescribeStacks, and the request is asserted.
    const requests: string[] = [];
    const cloudFormation = await httpServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        requests.push(`${req.method} ${req.url} ${body}`);
        res.setHeader('content-type', 'text/xml');
        res.end(
          `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>s</StackName><Outputs><member><OutputKey>RunsTable</OutputKey><OutputValue>${table.tableName}</OutputValue></member></Outputs></member></Stacks></DescribeStacksResult></DescribeStacksResponse>`,
        );
      });
    });

    const { code, stdout, stderr } = await perfprobe(
      ['history', 'probes/demo.ts', '--probe', 'accounts-list', '--since', '1h', '--deployed'],
      {
        AWS_ENDPOINT_URL_DYNAMODB: `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`,
        AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.url,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
    );
    await cloudFormation.close();

    expect(stderr).not.toContain('perfprobe:');
    expect(code).toBe(0);
    expect(requests).toEqual([
      `POST / Action=DescribeStacks&Version=2010-05-15&StackName=${deployedNames('demo-bank', 'local').stack}`,
    ]);
    expect(stdout).toMatch(/^ {2}all\s+1\s+1\s+0\s+1\s+40\.0\s+/m);
  });

  it('refuses bad flags together, each with what was expected and found (exit 2)', async () => {
    const { code, stderr } = await perfprobe([
      'history',
      'probes/demo.ts',
      '--since',
      '7x',
      '--by',
      'week',
      '--store',
      '.perfprobe',
      '--table',
      'runs',
    ]);

    expect(code).toBe(2);
    expect(stderr).toContain('--since: expected a time back like 30m, 24h, 7d or 2w');
    expect(stderr).toContain('got "7x"');
    expect(stderr).toContain('--by: expected hour or day, got "week"');
    expect(stderr).toContain(
      '--store: expected either --store DIR (local) or the deployed table (--deployed, --table NAME), got "both"',
    );
  });

  it('refuses a --store directory that does not exist (a typo is not an empty history)', async () => {
    const { code, stderr } = await perfprobe([
      'history',
      'probes/demo.ts',
      '--store',
      '.perfprobe/no-such-store',
    ]);

    expect(code).toBe(2);
    expect(stderr).toBe(
      'perfprobe: --store: expected an existing run store directory (perfprobe run --store DIR writes one), got ".perfprobe/no-such-store"\n',
    );
  });

  it('names a missing table rather than printing a stack (exit 2)', async () => {
    const endpoint = await table.dynamo.config.endpoint?.();

    const { code, stderr } = await perfprobe(['history', 'probes/demo.ts', '--table', 'nope'], {
      AWS_ENDPOINT_URL_DYNAMODB: `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });

    expect(code).toBe(2);
    expect(stderr).toContain('perfprobe: --table nope: no such table in this account and region');
  });
});

describe('perfprobe baseline and report (command line)', () => {
  it('refuses a baseline action other than save, naming it (exit 2)', async () => {
    const { code, stderr } = await perfprobe(['baseline', 'load', 'probes/demo.ts']);

    expect(code).toBe(2);
    expect(stderr).toBe('perfprobe: baseline: expected "save", got "load"\n');
  });

  it('refuses baseline save without --out, and report without --html, --md or --junit (exit 2)', async () => {
    const save = await perfprobe(['baseline', 'save', 'probes/demo.ts']);
    const report = await perfprobe(['report', 'probes/demo.ts']);

    expect([save.code, report.code]).toEqual([2, 2]);
    expect(save.stderr).toContain('--out: expected the baseline file to write, got nothing');
    expect(report.stderr).toContain(
      'perfprobe: report: expected --html FILE, --md FILE or --junit FILE, got none',
    );
  });
});
