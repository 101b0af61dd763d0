import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
        // The HTTP version the connections spoke (a plain-HTTP target has no `tls`).
        'httpVersion',
        // The trace ids of the slowest requests (every request carries a traceparent by default).
        'traces',
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
