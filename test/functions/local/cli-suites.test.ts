import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perfprobe, repoRoot } from '../../helpers/cli-process.ts';

// The commands that read a suite and send nothing (cost, validate): no timing, so they run beside other files.
const root = repoRoot;
// Inside the repo (git-ignored) so suites can `import { defineSuite } from 'perfprobe'`.
const work = join(root, '.perfprobe', `cli-suites-test-${process.pid}`);

function suiteFile(name: string, body: string): string {
  const file = join(work, name);
  writeFileSync(file, `import { defineSuite } from 'perfprobe';\n\nexport default defineSuite(${body});\n`);
  return file;
}

beforeAll(() => {
  mkdirSync(work, { recursive: true });
});
afterAll(() => {
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
    // Per environment: the topics' keys, perfprobe's own alarms, the dashboard ($3), the notifier's re-check.
    expect(env.fixed.map((l: { item: string }) => l.item)).toEqual([
      'KMS keys of the topics',
      "perfprobe's own alarms",
      'CloudWatch dashboard',
      'Notifier re-checks',
    ]);
    // The VPC option's parts are said, not added.
    expect(stdout).toMatch(/With ProbeSuite's vpc option .*: up to \$\d+\.\d\d a month more per VPC/);
    expect(stdout).toMatch(/NAT gateways\s+\$?[\d.]+/);
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
          local: { baseUrl: 'http://127.0.0.1:9', variables: { token: { secret: 'env:TOKEN' } } },
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

    // A local demo: its probes together exceed the local environment's maxRate in minute 0, which a deploy
    // would refuse, so validate exits 1 (perfprobe run and npm start still work).
    expect(code).toBe(1);
    expect(stdout).toContain('suite "demo-bank" is valid: 8 probes, environments local');
    expect(stdout).toContain('rate: 0→40/s over 2s, then 40/s for 2s');
    expect(stdout).toContain('latency: 3 iterations, every 500ms of login → create → confirm → settled');
    expect(stdout).toMatch(/fx-rate-limit .* p99 rateLimit/);
    expect(stdout).toContain(
      'not deployable to local (perfprobe run still works):\n  environments.local.caps.maxRate:',
    );
  });

  it('says what a deploy would refuse, while the suite stays valid for local runs', async () => {
    const file = suiteFile(
      'local-secret.ts',
      `{ name: 's', environments: { local: { baseUrl: 'http://127.0.0.1:1', variables: { token: { secret: 'env:TOKEN' } } } },
         probes: [{ id: 'p', request: { url: '/', headers: { authorization: 'Bearer \${token}' } }, schedule: 'cron(0 * * * ? *)' }] }`,
    );
    const { code, stdout } = await perfprobe(['validate', file]);

    // A CI gate on validate fails where `cdk deploy` would.
    expect(code).toBe(1);
    expect(stdout).toContain('not deployable to local (perfprobe run still works):');
    expect(stdout).toContain(
      '  environments.local.variables.token: "env:TOKEN" resolves only where `perfprobe run` runs',
    );
    expect(stdout).toContain('  probes[0].alert.interval: expected the time between runs');
  });

  it('exits 1 only when a selected environment is not deployable, and refuses an environment the suite lacks', async () => {
    const file = suiteFile(
      'two-envs.ts',
      `{ name: 's', environments: {
           local: { baseUrl: 'http://127.0.0.1:1', variables: { token: { secret: 'env:TOKEN' } } },
           prod: { baseUrl: 'https://api.example.com', variables: { token: { secret: 'ssm:/s/token' } },
                   notify: { https: ['https://hooks.example.com/a?token=1'] } } },
         probes: [{ id: 'p', request: { url: '/', headers: { authorization: 'Bearer \${token}' } } }] }`,
    );

    const prod = await perfprobe(['validate', file, '--env', 'prod']);
    const local = await perfprobe(['validate', file, '-e', 'local']);
    const every = await perfprobe(['validate', file]);
    const unknown = await perfprobe(['validate', file, '--env', 'staging']);

    // A credential in a subscription URL is warned about, not refused.
    expect(prod.code).toBe(0);
    expect(prod.stdout).toMatch(/deployable to prod: one stack of \d+ resources\n/);
    expect(prod.stdout).toContain(
      'warning: environments.prod.notify.https[0]: the URL seems to carry a credential (a "token" query parameter)',
    );
    expect(prod.stdout).not.toContain('deployable to local');
    expect(local.code).toBe(1);
    expect(local.stdout).toContain('not deployable to local');
    expect(every.code).toBe(1);
    expect(every.stdout).toMatch(/deployable to prod: one stack of \d+ resources\n/);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.stderr).toContain(
      `--env: expected one of local, prod (the environments of ${file}), got "staging"`,
    );
  });
});
