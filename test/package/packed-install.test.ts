import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoApi, startDemoApi } from '../../functions/local/demo-api.ts';
import { repoRoot } from '../helpers/cli-process.ts';

// The package as a team gets it: `npm pack`, installed into a fresh project, used only through its public names
// (`perfprobe`, `perfprobe/cdk`, `perfprobe/register`, the `perfprobe` bin). Slow (npm, tsc, esbuild): it runs
// in its own project, `npm run test:package`, not in `npm test`.

const work = mkdtempSync(join(tmpdir(), 'perfprobe-package-'));
const project = join(work, 'team-project');
let api: DemoApi;
let tarball: string;

// npm scripts export npm_* variables (the running package's prefix among them) that would make the child npm
// act on this repository instead of the temporary project.
const childEnv = Object.fromEntries(
  Object.entries({ ...process.env, NO_COLOR: '1' }).filter(
    ([name]) => !name.toLowerCase().startsWith('npm_'),
  ),
);

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string; ms: number }>((resolve) => {
    const started = performance.now();
    execFile(
      command,
      args,
      { cwd, env: { ...childEnv, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: performance.now() - started });
      },
    );
  });
}

const write = (path: string, text: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};

beforeAll(async () => {
  api = await startDemoApi();
  const packed = await run('npm', ['pack', '--pack-destination', work], repoRoot);
  expect(packed.code, packed.stderr).toBe(0);
  tarball = join(work, packed.stdout.trim().split('\n').at(-1)!);
  // The project as a user starts one: `npm init -y` (npm 11 writes "type": "commonjs"), nothing set by hand.
  mkdirSync(project, { recursive: true });
  const initialized = await run('npm', ['init', '-y'], project);
  expect(initialized.code, initialized.stderr).toBe(0);
  // --prefer-offline: the versions the lock file pins are in npm's cache after `npm ci`; the registry only
  // for what is not. aws-cdk (the `cdk` CLI) as the README says, at the version this repository pins.
  const cdkVersion = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).devDependencies[
    'aws-cdk'
  ];
  const installed = await run(
    'npm',
    [
      'install',
      '--save-dev',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      tarball,
      `aws-cdk@${cdkVersion}`,
    ],
    project,
  );
  expect(installed.code, installed.stderr).toBe(0);
  process.stdout.write(
    `packed-install: npm pack ${Math.round(packed.ms)} ms, npm install ${Math.round(installed.ms)} ms\n`,
  );
  write(
    join(project, 'suites/payments.ts'),
    `import { defineSuite } from 'perfprobe';

export default defineSuite({
  name: 'payments',
  environments: { local: { baseUrl: '${api.url}' } },
  probes: [
    {
      id: 'accounts',
      request: { url: '/accounts' },
      load: { kind: 'latency', requests: 3, interval: '50ms' },
      assert: { status: 200, json: { '$.items[0].id': { exists: true } } },
      sla: { p99: 2000 },
    },
  ],
});
`,
  );
}, 240_000);

afterAll(async () => {
  await api?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball in a fresh project', () => {
  it('ships what runs and nothing of the repository around it', () => {
    const root = join(project, 'node_modules/perfprobe');
    for (const file of ['index.ts', 'cdk.ts', 'bin/perfprobe.js', 'bin/register.js', 'probes/demo.ts']) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
    expect(existsSync(join(root, 'types/index.d.ts'))).toBe(true);
    expect(existsSync(join(root, 'functions/handlers/worker.ts'))).toBe(true);
    for (const file of ['test', 'bench', 'bin/app.ts', 'package-lock.json', 'tsconfig.json']) {
      expect(existsSync(join(root, file)), file).toBe(false);
    }
  });

  it('validates and runs a suite that imports perfprobe, with no loader set up by the project', async () => {
    const validated = await run('npx', ['perfprobe', 'validate', 'suites/payments.ts'], project);
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('suite "payments" is valid: 1 probe');

    const ran = await run('npx', ['perfprobe', 'run', 'suites/payments.ts', '--json', 'run.json'], project);
    expect(ran.code, ran.stderr + ran.stdout).toBe(0);
    const [result] = JSON.parse(readFileSync(join(project, 'run.json'), 'utf8'));
    expect(result).toMatchObject({
      probeId: 'accounts',
      requests: { total: 3, ok: 3 },
      sla: { verdict: 'pass' },
    });
    // Recorded in the project's own run store, under its suite.
    expect(readdirSync(join(project, '.perfprobe/runs'))).toEqual(['payments']);
    expect(readdirSync(join(project, '.perfprobe/runs/payments'))).toEqual(['local%23accounts']);
  });

  it("type-checks the project's suite and CDK app against the shipped declarations", async () => {
    write(
      join(project, 'suites/wrong.ts'),
      `import { defineSuite } from 'perfprobe';

// @ts-expect-error: a probe needs an id (the declarations are real types, not any).
export default defineSuite({ name: 'w', environments: { e: { baseUrl: 'http://x' } }, probes: [{ request: { url: '/' } }] });
`,
    );
    write(join(project, 'infra/app.ts'), CDK_APP);
    write(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        include: ['suites', 'infra'],
      }),
    );
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const checked = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  });

  it('synthesizes a CDK app that uses ProbeSuite with `npx cdk synth`, bundling its functions with esbuild', async () => {
    // The project is still what `npm init -y` wrote: CommonJS, the case that once failed with
    // ERR_REQUIRE_CYCLE_MODULE.
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).type).toBe('commonjs');
    write(join(project, 'infra/app.ts'), CDK_APP);
    write(
      join(project, 'cdk.json'),
      JSON.stringify({ app: 'node --import perfprobe/register infra/app.ts' }),
    );
    const synth = await run('npx', ['cdk', 'synth', '--quiet', '--no-notices'], project, {
      CDK_DISABLE_VERSION_CHECK: '1',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
    });
    expect(synth.code, synth.stderr).toBe(0);
    process.stdout.write(`packed-install: npx cdk synth ${Math.round(synth.ms)} ms\n`);
    const out = join(project, 'cdk.out');
    const template = JSON.parse(readFileSync(join(out, 'TeamProbes.template.json'), 'utf8'));
    const functions = Object.values(
      template.Resources as Record<string, { Type: string; Properties: { Description?: string } }>,
    )
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => r.Properties.Description);
    expect(functions).toEqual(
      expect.arrayContaining([
        'perfprobe plan',
        'perfprobe worker',
        'perfprobe aggregate',
        'perfprobe notify',
      ]),
    );
    // Each bundle is a real esbuild output with the deployed suite beside it.
    const assets = readdirSync(out).filter((name) => name.startsWith('asset.'));
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(readdirSync(join(out, asset)).sort()).toEqual(expect.arrayContaining(['index.mjs']));
    }
  });
});

const CDK_APP = `import { App, Stack } from 'aws-cdk-lib';
import { validateSuite } from 'perfprobe';
import { ProbeSuite } from 'perfprobe/cdk';
import payments from '../suites/payments.js';

const app = new App();
const stack = new Stack(app, 'TeamProbes', { env: { account: '111111111111', region: 'eu-west-1' } });
new ProbeSuite(stack, 'Probes', { suite: validateSuite(payments, 'suites/payments.ts'), environment: 'local' });
`;
