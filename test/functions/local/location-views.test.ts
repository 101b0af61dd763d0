import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import { createFileRunStore } from '../../../functions/adapters/file-run-store.ts';
import { locationRunsTableName } from '../../../functions/core/cloud/deployed-locations.ts';
import { deployedNames } from '../../../functions/core/cloud/deployed-suite.ts';
import { createLatencyHistogram, percentileMs } from '../../../functions/core/histogram.ts';
import { runCommand } from '../../../functions/local/commands/run-command.ts';
import { perfprobe } from '../../helpers/cli-process.ts';
import { httpServer, type Running } from '../../helpers/servers.ts';
import { storedRun } from '../../helpers/stored-runs.ts';
import { createRunsTable, type LocalRunsTable, localRunsTable } from '../handlers/runs-table.ts';

const LOCATIONS = ['eu-west-1', 'eu-central-1', 'us-east-1'];
let target: Running;
let dir: string;
let suitePath: string;

function sink(): NodeJS.WriteStream {
  return new Writable({ write: (_chunk, _encoding, done) => done() }) as unknown as NodeJS.WriteStream;
}

/** Samples (µs) per location: eu-west-1 has the two slow ones, so its p99 is far above the others'. */
const SAMPLES: Record<string, number[]> = {
  'eu-west-1': [...Array(98).fill(10_000), 500_000, 500_000],
  'eu-central-1': Array(100).fill(30_000),
  'us-east-1': Array(100).fill(20_000),
};

beforeAll(async () => {
  target = await httpServer((_req, res) => res.end('{"ok":true}'));
  dir = mkdtempSync(join(tmpdir(), 'perfprobe-locations-'));
  suitePath = join(dir, 'suite.ts');
  writeFileSync(
    suitePath,
    `export default ${JSON.stringify({
      name: 'bank',
      environments: { prod: { baseUrl: target.url, locations: LOCATIONS } },
      probes: [
        { id: 'login', request: { url: '/login' }, load: { kind: 'latency', requests: 2, interval: '10ms' } },
      ],
    })};\n`,
  );
  const store = createFileRunStore({ dir: join(dir, 'store'), suite: 'bank', retentionDays: 90 });
  for (const [location, latenciesUs] of Object.entries(SAMPLES)) {
    const run = storedRun({
      runId: `run-${location}`,
      startedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      latenciesUs,
      environment: 'prod',
      probeId: 'login',
    });
    await store.save({ ...run, location });
  }
}, 30_000);

afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runs stored per location, locally', () => {
  it('perfprobe run --location tags the run it records', async () => {
    const other = join(dir, 'tagged');

    const { results } = await runCommand({
      suitePath,
      env: 'prod',
      store: other,
      location: 'eu-west-1',
      quiet: true,
      out: sink(),
    });

    expect(results.map((r) => r.location)).toEqual(['eu-west-1']);
    const stored = await createFileRunStore({ dir: other, suite: 'bank', retentionDays: 90 }).runsBetween(
      'prod',
      'login',
      new Date(Date.now() - 60_000),
      new Date(),
    );
    expect(stored.map((r) => [r.runId, r.location])).toEqual([[results[0]!.runId, 'eu-west-1']]);
  });

  it('history --location answers from that location runs only', async () => {
    const { code, stdout } = await perfprobe([
      'history',
      suitePath,
      '--env',
      'prod',
      '--since',
      '1h',
      '--store',
      join(dir, 'store'),
      '--location',
      'us-east-1',
    ]);

    expect(code).toBe(0);
    expect(stdout).toContain('(env prod, location us-east-1, ');
    expect(stdout).toMatch(/^ {2}all\s+1\s+1\s+0\s+100\s+20\.0\s+20\.0\s+20\.0\s+20\.0\s+0\.00%\s+1 pass$/m);
    expect(stdout).not.toMatch(/^ {2}location /m);
  });

  it('history without --location shows the locations side by side and all of them merged, never averaged', async () => {
    const merged = createLatencyHistogram();
    for (const samples of Object.values(SAMPLES)) for (const us of samples) merged.recordValue(us);
    const exactP99 = percentileMs(merged, 99);

    const { code, stdout } = await perfprobe([
      'history',
      suitePath,
      '--env',
      'prod',
      '--since',
      '1h',
      '--store',
      join(dir, 'store'),
    ]);

    expect(code).toBe(0);
    const rows = stdout.split('\n').filter((l) => /^ {2}(location|eu-|us-|all)/.test(l));
    // location, runs, valid, invalid, requests, p50, p95, p99
    expect(rows.slice(-4).map((l) => l.trim().split(/\s+/).slice(0, 8))).toEqual([
      ['eu-west-1', '1', '1', '0', '100', '10.0', '10.0', '500'],
      ['eu-central-1', '1', '1', '0', '100', '30.0', '30.0', '30.0'],
      ['us-east-1', '1', '1', '0', '100', '20.0', '20.0', '20.0'],
      ['all', '3', '3', '0', '300', '20.0', '30.0', '30.0'],
    ]);
    // The all row's p99 is one histogram of every sample's (30 ms), not the mean of the locations' p99s (183 ms).
    expect(rows.at(-1)!.trim().split(/\s+/)[7]).toBe(exactP99.toFixed(1));
  });

  it('runs lists each run with its location, and --location keeps to one', async () => {
    const store = join(dir, 'store');
    const all = await perfprobe(['runs', suitePath, '--env', 'prod', '--store', store]);
    const one = await perfprobe([
      'runs',
      suitePath,
      '--env',
      'prod',
      '--store',
      store,
      '--location',
      'eu-west-1',
    ]);

    expect(all.stdout.split('\n')[0]).toMatch(/^started \(UTC\)\s+probe\s+location\s+verdict/);
    expect(
      all.stdout
        .match(/ (eu-west-1|eu-central-1|us-east-1) /g)
        ?.map((s) => s.trim())
        .sort(),
    ).toEqual([...LOCATIONS].sort());
    expect(one.stdout.split('\n').filter((l) => l.includes('run-'))).toEqual([
      expect.stringMatching(/ login\s+eu-west-1\s+pass\s.* run-eu-west-1$/),
    ]);
  });

  it("report writes each location's latest run side by side, or with --location that location's only", async () => {
    const store = join(dir, 'store');
    const all = join(dir, 'all.md');
    const one = join(dir, 'one.md');

    await perfprobe(['report', suitePath, '--env', 'prod', '--since', '1h', '--store', store, '--md', all]);
    await perfprobe([
      'report',
      suitePath,
      '--env',
      'prod',
      '--since',
      '1h',
      '--store',
      store,
      '--md',
      one,
      '--location',
      'us-east-1',
    ]);

    const rows = (file: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('| login'))
        .map((l) =>
          l
            .split('|')
            .slice(1, 4)
            .map((c) => c.trim()),
        );
    expect(rows(all)).toEqual([
      ['login @ eu-west-1', '✅ pass', '100'],
      ['login @ eu-central-1', '✅ pass', '100'],
      ['login @ us-east-1', '✅ pass', '100'],
    ]);
    expect(rows(one)).toEqual([['login', '✅ pass', '100']]);
  });

  it('refuses a --location that is no location name, naming the flag (exit 2)', async () => {
    const { code, stderr } = await perfprobe(['history', suitePath, '--location', 'EU West']);

    expect(code).toBe(2);
    expect(stderr).toContain(
      '--location: expected a location name of lowercase letters, digits and "-" like "eu-west-1", got "EU West"',
    );
  });
});

describe('--deployed with several locations: each location’s table, in its own region, read as one', () => {
  let dynamo: LocalRunsTable;
  let env: Record<string, string>;

  beforeAll(async () => {
    dynamo = await localRunsTable();
    const names = deployedNames('bank', 'prod');
    for (const [location, latenciesUs] of Object.entries(SAMPLES)) {
      const table = locationRunsTableName(names, location);
      await createRunsTable(dynamo.dynamo, table);
      // Stored without a location, as a run aggregated before runs carried one: the table says where.
      const run = storedRun({
        runId: `deployed-${location}`,
        startedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
        latenciesUs,
        environment: 'prod',
        probeId: 'login',
      });
      await createRunStore(dynamo.dynamo, table, 90, 'bank').save(run);
    }
    const endpoint = await dynamo.dynamo.config.endpoint?.();
    env = {
      AWS_ENDPOINT_URL_DYNAMODB: `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
  }, 30_000);
  afterAll(() => dynamo?.close());

  it('history merges the three tables exactly; runs lists every location’s run', async () => {
    const history = await perfprobe(
      ['history', suitePath, '--env', 'prod', '--since', '1h', '--deployed'],
      env,
    );
    const runs = await perfprobe(['runs', suitePath, '--env', 'prod', '--deployed'], env);

    expect(history.stderr).toBe('');
    expect(history.code).toBe(0);
    const rows = history.stdout.split('\n').filter((l) => /^ {2}(eu-|us-|all)/.test(l));
    expect(rows.slice(-4).map((l) => l.trim().split(/\s+/).slice(0, 8))).toEqual([
      ['eu-west-1', '1', '1', '0', '100', '10.0', '10.0', '500'],
      ['eu-central-1', '1', '1', '0', '100', '30.0', '30.0', '30.0'],
      ['us-east-1', '1', '1', '0', '100', '20.0', '20.0', '20.0'],
      ['all', '3', '3', '0', '300', '20.0', '30.0', '30.0'],
    ]);
    expect(runs.code).toBe(0);
    expect(runs.stdout.match(/deployed-(eu-west-1|eu-central-1|us-east-1)/g)?.sort()).toEqual(
      LOCATIONS.map((l) => `deployed-${l}`).sort(),
    );
  });
});
