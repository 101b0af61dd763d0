import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoApi, startDemoApi } from '../../../functions/local/demo-api.ts';
import { perfprobe, repoRoot } from '../../helpers/cli-process.ts';

const root = repoRoot;
// Inside the repo (git-ignored) so suites can `import { defineSuite } from 'perfprobe'`.
const work = join(root, '.perfprobe', `cli-test-${process.pid}`);

function suiteFile(name: string, body: string): string {
  const file = join(work, name);
  writeFileSync(file, `import { defineSuite } from 'perfprobe';\n\nexport default defineSuite(${body});\n`);
  return file;
}

let api: DemoApi;
beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  api = await startDemoApi({ fxRateLimit: 5 });
});
afterAll(async () => {
  await api.close();
  rmSync(work, { recursive: true, force: true });
});

describe('perfprobe cost', () => {
  it('prices each probe of an environment, itemized, and writes the figures to --json', async () => {
    const json = join(work, 'cost.json');
    const { code, stdout } = await perfprobe([
      'cost',
      'probes/example-bank.ts',
      '--env',
      'prod',
      '--json',
      json,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('suite "example-bank", environment prod: $');
    expect(stdout).toMatch(/health\s+43,830\s/);
    expect(stdout).toContain('CloudWatch custom metrics');
    const [env] = JSON.parse(readFileSync(json, 'utf8'));
    expect(env.environment).toBe('prod');
    // Per environment: the dashboard ($3) and the notifier's 5-minute re-check.
    expect(env.fixed.map((l: { item: string }) => l.item)).toEqual([
      'CloudWatch dashboard',
      'Notifier re-checks',
    ]);
    const health = env.probes.find((p: { probeId: string }) => p.probeId === 'health');
    expect(health.totalUsd).toBeCloseTo(
      health.lines.reduce((s: number, l: { usd: number }) => s + l.usd, 0),
      9,
    );
    expect(env.totalUsd).toBeCloseTo(
      env.probes.reduce((s: number, p: { totalUsd: number }) => s + p.totalUsd, 0) +
        env.fixed.reduce((s: number, l: { usd: number }) => s + l.usd, 0),
      9,
    );
  });

  it('says which environment cannot be deployed, and why, instead of pricing it', async () => {
    const file = suiteFile(
      'cost-env-secret.ts',
      `{
        name: 'cost-check',
        environments: {
          local: { baseUrl: '${api.url}', variables: { token: { secret: 'env:TOKEN' } } },
          prod: { baseUrl: 'https://api.example.com', variables: { token: { secret: 'ssm:/bank/prod/token' } } },
        },
        probes: [{ id: 'health', request: { url: '/health', headers: { authorization: 'Bearer \${token}' } }, schedule: 'rate(5 minutes)' }],
      }`,
    );
    const { code, stdout } = await perfprobe(['cost', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('local: not deployable, so no cost (see perfprobe validate):');
    expect(stdout).toContain('env:');
    expect(stdout).toContain('suite "cost-check", environment prod: $');
    expect(stdout).not.toContain('environment local: $');
  });

  it('stops quietly when the reader closes the pipe early (perfprobe cost … | head)', async () => {
    const child = spawn(
      process.execPath,
      [join(root, 'bin/perfprobe.js'), 'cost', 'probes/example-bank.ts'],
      {
        cwd: root,
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await once(child.stdout, 'data');
    child.stdout.destroy();
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('exits 2 naming an environment the suite does not have', async () => {
    const { code, stderr } = await perfprobe(['cost', 'probes/example-bank.ts', '--env', 'qa']);
    expect(code).toBe(2);
    expect(stderr).toContain('--env: no environment "qa" in suite "example-bank" (it has staging, prod)');
  });
});

describe('perfprobe validate', () => {
  it('exits 2 and lists every problem with its path, sending nothing', async () => {
    const file = suiteFile(
      'bad.ts',
      `{
        name: 'bad',
        environments: { local: { baseUrl: 'http://127.0.0.1:9' } },
        probes: [
          { id: 'a', request: { url: '/a' }, sla: { p99: 'fast' } },
          { id: 'b', request: { url: '/b' }, load: { kind: 'burst', connections: 0, duration: '1s' } },
        ],
      } as never`,
    );

    const { code, stderr } = await perfprobe(['validate', file]);

    expect(code).toBe(2);
    expect(stderr).toContain('2 problems in the suite');
    expect(stderr).toContain('probes[0].sla.p99: expected milliseconds as a number, got "fast"');
    expect(stderr).toContain(
      'probes[1].load.connections: expected a whole number of connections between 1 and 5000, got 0',
    );
  });

  it('exits 2 with a clear message for a missing file, a file that does not compile and one with no suite', async () => {
    const broken = join(work, 'broken.ts');
    writeFileSync(broken, 'export default defineSuite({ name: "x", probes: [ });\n');
    const noExport = join(work, 'no-export.ts');
    writeFileSync(noExport, 'export const x = 1;\n');

    const missing = await perfprobe(['validate', join(work, 'nope.ts')]);
    const syntax = await perfprobe(['validate', broken]);
    const empty = await perfprobe(['run', noExport]);

    expect([missing.code, syntax.code, empty.code]).toEqual([2, 2, 2]);
    expect(missing.stderr).toContain('suite file not found:');
    expect(syntax.stderr).toContain(`could not load suite ${broken}:`);
    expect(empty.stderr).toBe(
      `perfprobe: ${noExport} has no default export; export default defineSuite({...})\n`,
    );
  });

  it('says what is wrong with a suite outside any project: no default export, a directory, perfprobe not installed', async () => {
    // Outside a package with "type": "module", tsx loads the file as CommonJS: its named exports come back as
    // a default, which must still read as "no default export", not as a suite with unknown fields.
    const outside = mkdtempSync(join(tmpdir(), 'perfprobe-suite-'));
    try {
      const named = join(outside, 'named.ts');
      writeFileSync(named, 'export const x = 1;\n');
      const importsPerfprobe = join(outside, 'suite.ts');
      writeFileSync(
        importsPerfprobe,
        "import { defineSuite } from 'perfprobe';\nexport default defineSuite({ name: 'x', environments: {}, probes: [] });\n",
      );

      const noDefault = await perfprobe(['validate', named]);
      const directory = await perfprobe(['validate', outside]);
      const notInstalled = await perfprobe(['validate', importsPerfprobe]);

      expect(noDefault).toMatchObject({
        code: 2,
        stderr: `perfprobe: ${named} has no default export; export default defineSuite({...})\n`,
      });
      expect(directory).toMatchObject({
        code: 2,
        stderr: `perfprobe: ${outside}: expected a suite file (suites/payments.ts), got a directory\n`,
      });
      expect(notInstalled).toMatchObject({
        code: 2,
        stderr: `perfprobe: could not load suite ${importsPerfprobe}: it imports 'perfprobe', which is not installed where the suite is: npm i -D perfprobe in that project (README: Use it in your repository)\n`,
      });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('describes a valid suite', async () => {
    const { code, stdout } = await perfprobe(['validate', 'probes/demo.ts']);

    expect(code).toBe(0);
    expect(stdout).toContain('suite "demo-bank" is valid: 8 probes, environments local');
    expect(stdout).toContain('rate: 0→40/s over 2s, then 40/s for 2s');
    expect(stdout).toContain('latency: 3 iterations, every 500ms of login → create → confirm → settled');
    expect(stdout).toMatch(/fx-rate-limit .* p99 rateLimit/);
    expect(stdout).toContain('deployable to local');
  });

  it('says what a deploy would refuse, while the suite stays valid for local runs', async () => {
    const file = suiteFile(
      'local-secret.ts',
      `{ name: 's', environments: { local: { baseUrl: 'http://127.0.0.1:1', variables: { token: { secret: 'env:TOKEN' } } } },
         probes: [{ id: 'p', request: { url: '/', headers: { authorization: 'Bearer \${token}' } }, schedule: 'cron(0 * * * ? *)' }] }`,
    );
    const { code, stdout } = await perfprobe(['validate', file]);

    expect(code).toBe(0);
    expect(stdout).toContain('not deployable to local (perfprobe run still works):');
    expect(stdout).toContain(
      '  environments.local.variables.token: "env:TOKEN" resolves only where `perfprobe run` runs',
    );
    expect(stdout).toContain('  probes[0].alert.interval: expected the time between runs');
  });
});

describe('perfprobe run', () => {
  it('exits 1 when a critical SLA breaches and writes every RunResult to --json', async () => {
    const file = suiteFile(
      'mixed.ts',
      `{
        name: 'mixed',
        environments: { local: { baseUrl: '${api.url}', variables: { token: { secret: 'env:DEMO_TOKEN' } } } },
        probes: [
          { id: 'accounts', request: { url: '/accounts' }, load: { kind: 'burst', connections: 2, requests: 50 },
            assert: { json: { '$.items[0].id': 'acc_001' } }, sla: { p99: 500, errorRate: 0 } },
          { id: 'pay', request: { method: 'POST', url: '/payments/intents', headers: { authorization: 'Bearer \${token}' },
            body: { amount: 1, currency: 'EUR' } }, load: { kind: 'latency', requests: 3, interval: 0 }, assert: { status: 201 } },
          { id: 'fx', request: { url: '/fx/rates' }, load: { kind: 'rate', rate: 40, duration: '1s' },
            sla: { errorRate: '1%' }, abort: { errorRate: 0.9, minRequests: 100 } },
        ],
      }`,
    );
    const json = join(work, 'mixed.json');

    const { code, stdout } = await perfprobe(['run', file, '--json', json], { DEMO_TOKEN: 'demo-token' });

    expect(code).toBe(1);
    expect(stdout).toMatch(/accounts\s+burst\s+50 .* PASS/);
    expect(stdout).toMatch(/fx\s+rate\s+40 .* BREACH\s+errorRate/);
    const results = JSON.parse(readFileSync(json, 'utf8'));
    expect(
      results.map((r: { probeId: string; sla: { verdict: string } }) => [r.probeId, r.sla.verdict]),
    ).toEqual([
      ['accounts', 'pass'],
      ['pay', 'pass'],
      ['fx', 'breach'],
    ]);
    expect(Object.keys(results[0]).sort()).toEqual(
      [
        'version',
        'runId',
        'environment',
        'probeId',
        'kind',
        'startedAt',
        'durationMs',
        'requests',
        'throughputRps',
        'errorRate',
        'latencyMs',
        'statusCodes',
        'errors',
        'bytesReceived',
        'histogram',
        'timeline',
        'coverage',
        'partial',
        'validity',
        'sampleErrors',
        'phasesMs',
        'connectAttempts',
        'staleRetries',
        'sla',
      ].sort(),
    );
    // The secret reached the target (201s) but no output carries it.
    expect(results[1].statusCodes).toEqual({ '201': 3 });
    expect(JSON.stringify(results) + stdout).not.toContain('demo-token');
  });

  it('exits 2 naming the variable when a secret reference cannot be resolved, before any probe sends', async () => {
    const file = suiteFile(
      'secret.ts',
      `{ name: 's', environments: { local: { baseUrl: '${api.url}', variables: { token: { secret: 'env:PERFPROBE_UNSET_TOKEN' } } } },
        probes: [
          { id: 'plain', request: { url: '/health' }, load: { kind: 'latency', requests: 2, interval: 0 } },
          { id: 'a', request: { url: '/health', headers: { authorization: 'Bearer \${token}' } } },
        ] }`,
    );
    let received = 0;
    const count = () => received++;
    api.server.on('request', count);

    const { code, stderr } = await perfprobe(['run', file]).finally(() => api.server.off('request', count));

    expect(code).toBe(2);
    expect(stderr).toBe(
      'perfprobe: variable ${token} (secret env:PERFPROBE_UNSET_TOKEN): environment variable PERFPROBE_UNSET_TOKEN is not set\n',
    );
    expect(received).toBe(0);
  });

  it('asks for --env when a suite has several environments, and rejects unknown probes', async () => {
    const file = suiteFile(
      'envs.ts',
      `{ name: 's', environments: { staging: { baseUrl: '${api.url}' }, prod: { baseUrl: '${api.url}' } },
        probes: [{ id: 'a', request: { url: '/health' } }] }`,
    );

    const noEnv = await perfprobe(['run', file]);
    const badProbe = await perfprobe(['run', file, '--env', 'staging', '--probe', 'nope']);

    expect([noEnv.code, badProbe.code]).toEqual([2, 2]);
    expect(noEnv.stderr).toContain('the suite defines 2 environments (staging, prod): choose one with --env');
    expect(badProbe.stderr).toContain('--probe nope: not in the suite (it has a)');
  });
});

describe('perfprobe probe', () => {
  it('runs an ad hoc burst and prints percentiles, status codes and throughput', async () => {
    const json = join(work, 'adhoc.json');

    const { code, stdout } = await perfprobe([
      'probe',
      `${api.url}/accounts`,
      '-c',
      '4',
      '-d',
      '1',
      '--json',
      json,
    ]);

    expect(code).toBe(0);
    expect(stdout).toMatch(/latency ms\s+min\s+p50\s+p90\s+p95\s+p99\s+p99\.9\s+max\s+mean/);
    expect(stdout).toMatch(/status\s+200 ×[\d,]+/);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result.kind).toBe('burst');
    expect(result.requests.total).toBeGreaterThan(10);
    expect(result.throughputRps).toBeGreaterThan(10);
  });

  it('exits 2 naming the flag when an option is out of range', async () => {
    const { code, stderr } = await perfprobe(['probe', `${api.url}/health`, '--rate', '0']);

    expect(code).toBe(2);
    expect(stderr).toContain(
      '--rate: expected a positive number of requests per second, at most 50000, got 0',
    );
  });
});

describe('npm start', () => {
  it('serves the demo API, runs the demo suite and shows an SLA passing and one breaching', async () => {
    const { code, stdout } = await perfprobe(['demo']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/health\s+latency .* PASS/);
    expect(stdout).toMatch(/fx-rates\s+rate .* BREACH/);
    expect(stdout).toMatch(/monthly-report\s+latency .* WARN/);
  }, 60_000);
});
