import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTROL_FUNCTIONS } from '../../functions/core/cloud/run-sizing.ts';
import { validateSuite } from '../../functions/core/suite/validate-suite.ts';
import { PerfprobeStack } from '../../lib/perfprobe-stack.ts';
import { deploySuiteInput } from '../helpers/stacks.ts';

// Inside the project, so a bundle's external @aws-sdk/* imports resolve from node_modules, as the Lambda
// runtime provides them.
const scratch = fileURLToPath(new URL('../../.perfprobe/', import.meta.url));
mkdirSync(scratch, { recursive: true });
const outdir = mkdtempSync(join(scratch, 'bundles-'));

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('function bundles (real esbuild bundling, as deployed)', () => {
  // The one test that bundles; the others skip it for speed.
  const app = new App({ outdir });
  const stack = new PerfprobeStack(app, 'perfprobe-bank-prod', {
    suite: validateSuite(deploySuiteInput()),
    environment: 'prod',
  });
  const template = Template.fromStack(stack);
  app.synth();
  const assetOf = (memory: number, handlerHint: string) => {
    const fn = Object.entries(template.findResources('AWS::Lambda::Function')).find(
      ([id, f]) => f.Properties.MemorySize === memory && id.includes(handlerHint),
    )!;
    const key = String(fn[1].Properties.Code.S3Key).replace('.zip', '');
    return join(outdir, `asset.${key}`);
  };

  it('runs the Plan bundle in a bare Node process: ESM, the suite as a file beside it with secret references only', () => {
    const dir = assetOf(CONTROL_FUNCTIONS.plan.memoryMb, 'Plan');
    expect(readdirSync(dir).sort()).toEqual(['deployed-suite.json', 'index.mjs', 'index.mjs.map']);
    const script = `import('${join(dir, 'index.mjs')}').then(async (m) => {
      const plan = await m.handler({ probeId: 'accounts' }, {});
      process.stdout.write('\\nPLAN ' + JSON.stringify(plan));
    })`;
    // The handler logs JSON lines (Powertools) to stdout too: the plan is the line after the marker.
    const out = execFileSync(process.execPath, ['-e', script], { cwd: outdir, encoding: 'utf8' });
    const plan = JSON.parse(out.slice(out.lastIndexOf('PLAN ') + 'PLAN '.length));
    expect(plan).toMatchObject({ probeId: 'accounts', shards: 6 });
    expect(plan.tasks).toHaveLength(6);
    // The deployed suite holds the secret's reference, never its value (resolved only where the worker runs).
    const suite = readFileSync(join(dir, 'deployed-suite.json'), 'utf8');
    expect(suite).toContain('"secrets":{"token":"ssm:/bank/prod/token"}');
    // Not compiled into the code: the suite's size is bounded by the package, not by a command line.
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).not.toContain('ssm:/bank/prod/token');
  });

  it('loads the Worker bundle (undici and hdr-histogram-js need the createRequire banner) and refuses unknown probes', () => {
    const dir = assetOf(1769, 'Worker');
    const script = `import('${join(dir, 'index.mjs')}').then(async (m) => {
      try { await m.handler({ probeId: 'nope', runId: 'r', startAt: 0, shard: 0, shards: 1 }, { getRemainingTimeInMillis: () => 60000 }); }
      catch (e) { process.stdout.write(e.message); }
    })`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: outdir, encoding: 'utf8' });
    expect(out).toBe('unknown probe "nope" in suite "bank" (prod); deployed: health, accounts');
  });

  it('loads the notifier bundle (ESM, Powertools, the suite beside it) and ignores an alarm of another stack', () => {
    const dir = assetOf(256, 'Notifier');
    const event = {
      'detail-type': 'CloudWatch Alarm State Change',
      region: 'eu-west-1',
      account: '123456789012',
      resources: [],
      detail: {
        alarmName: 'ServerCpuTooHigh',
        state: { value: 'ALARM', reason: 'r', timestamp: '2019-10-02T17:04:40.989+0000' },
        previousState: { value: 'OK', reason: 'r', timestamp: '2019-10-01T13:56:40.987+0000' },
      },
    };
    const script = `import('${join(dir, 'index.mjs')}').then(async (m) => {
      const out = await m.handler(${JSON.stringify(event)}, {});
      process.stdout.write('\\nNOTIFY ' + JSON.stringify(out));
    })`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: outdir, encoding: 'utf8' });
    expect(JSON.parse(out.slice(out.lastIndexOf('NOTIFY ') + 'NOTIFY '.length))).toEqual({
      notified: false,
      why: 'ServerCpuTooHigh is not an alarm of perfprobe.bank.prod.*',
    });
  });

  it('keeps zod and the rest of undici out of the functions (validation happens at synth; a run needs the Client only)', () => {
    const size = (memory: number, hint: string) => statSync(join(assetOf(memory, hint), 'index.mjs')).size;
    const worker = readFileSync(join(assetOf(1769, 'Worker'), 'index.mjs'), 'utf8');
    // zod's and undici fetch's own error texts: present only when those modules are bundled.
    expect(worker).not.toContain('Invalid input: expected');
    expect(worker).not.toContain('fetch failed');
    expect(size(1769, 'Worker')).toBeLessThan(600_000);
    expect(size(CONTROL_FUNCTIONS.plan.memoryMb, 'Plan')).toBeLessThan(250_000);
    // The notifier renders from stored runs: no load engine, no undici.
    expect(size(256, 'Notifier')).toBeLessThan(250_000);
  });
});
