import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PROBE_ALARM_KINDS } from '../../functions/core/cloud/alert-policy.ts';
import { STACK_LIMITS, stackEstimate } from '../../functions/core/cloud/deploy-checks.ts';
import { deploySuite } from '../../functions/core/cloud/deployed-suite.ts';
import { stackLayout } from '../../functions/core/cloud/stack-layout.ts';
import { validateSuite } from '../../functions/core/suite/validate-suite.ts';
import { main } from '../../functions/local/cli.ts';
import { checkResourceCount, templateSizeProblems } from '../../lib/stack-limits.ts';
import { deploySuiteInput, synthStack } from '../helpers/stacks.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
mkdirSync(join(root, '.perfprobe'), { recursive: true });
const work = mkdtempSync(join(root, '.perfprobe', 'limits-'));

/**
 * The deploy tests' suite plus `count` latency probes with long ids and URLs (the texts that recur), and
 * subscribers of warn-level notices (a topic of their own).
 */
function suiteOf(count: number, name = 'bank') {
  const input = { ...deploySuiteInput(), name };
  (input.environments.prod.notify as Record<string, unknown>).warn = { email: ['perf-team@example.com'] };
  for (let i = 0; i < count; i++) {
    input.probes.push({
      id: `items-with-a-rather-long-probe-identifier-${i}`,
      request: { url: `/v1/customers/accounts/items/${i}/details?expand=balances` },
      schedule: 'rate(5 minutes)',
      load: { kind: 'latency', requests: 3, interval: '1s' },
    } as never);
  }
  return input;
}

/** The deploy suite with a critical certDaysLeft on both probes: a cert-expiry alarm each. */
function certAlarmSuite() {
  const input = deploySuiteInput();
  for (const probe of input.probes as Record<string, unknown>[]) {
    probe.sla = { ...(probe.sla as object), certDaysLeft: { warn: 30, critical: 7 } };
  }
  return input;
}

/** The deploy suite and a flow with two per-step alarms (alert.steps). */
function stepAlarmSuite() {
  const input = deploySuiteInput();
  input.probes.push({
    id: 'pay',
    steps: [
      { name: 'login', request: { method: 'POST', url: '/login' } },
      { name: 'settled', request: { url: '/payments/1' } },
    ],
    load: { kind: 'burst', connections: 10, requests: 400 },
    schedule: 'rate(1 hour)',
    alert: { steps: { login: { p95: '800ms' }, settled: { p95: '1500ms' } } },
  } as never);
  return input;
}

/** The deploy tests' suite, its first probe with an availability and a latency objective (18 alarms, 6 composites). */
function sloSuite() {
  const input = deploySuiteInput();
  Object.assign(input.probes[0]!, {
    slo: { window: '30d', availability: '99.9%', latency: { threshold: '300ms', target: '99%' } },
  });
  return input;
}

describe("deploy-checks' stack estimate against the synthesized template", () => {
  for (const [label, input] of [
    ['the deploy suite', deploySuiteInput()],
    ['the deploy suite, an SLO of both objectives', sloSuite()],
    ['30 more probes, long names', suiteOf(30, 'a-suite-with-a-long-name')],
    ['cert-expiry alarms', certAlarmSuite()],
    ['a flow with step alarms', stepAlarmSuite()],
  ] as const) {
    it(`counts the resources exactly and errs high on bytes by at most 10 % (${label})`, () => {
      // As `cdk synth` writes it: with AWS::CDK::Metadata (version reporting is on unless the app turns it off).
      const { stack, template } = synthStack(input, 'prod', { analyticsReporting: true });
      const json = template.toJSON() as { Resources: Record<string, unknown> };
      expect(Object.keys(template.findResources('AWS::CDK::Metadata'))).toHaveLength(1);
      // As `cdk synth` writes it: one-space indent.
      const bytes = Buffer.byteLength(JSON.stringify(json, undefined, 1));
      const estimate = stackEstimate(stack.probes.deployed);
      expect(estimate.resources).toBe(Object.keys(json.Resources).length);
      expect(estimate.templateBytes).toBeGreaterThanOrEqual(bytes);
      expect(estimate.templateBytes).toBeLessThanOrEqual(bytes * 1.1);
      const dashboard = JSON.stringify(
        Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0],
      );
      expect(estimate.dashboardWidgets).toBe(dashboard.match(/\\"type\\":\\"(metric|text)\\"/g)?.length);
    });
  }
});

/** `count` plain latency probes and `emails` on-call addresses: the suite of the boundary. */
function plainSuite(count: number, emails: number) {
  return {
    name: 'bank',
    environments: {
      prod: {
        baseUrl: 'https://api.example.com',
        // A request a second per check, hundreds of them in a minute: within the environment's budget.
        caps: { maxRate: 2_500 },
        notify: { email: Array.from({ length: emails }, (_, i) => `oncall-${i}@example.com`) },
      },
    },
    probes: Array.from({ length: count }, (_, i) => ({
      id: `item-${i}`,
      request: { url: `/items/${i}` },
      schedule: 'rate(5 minutes)',
    })),
  };
}

const estimateOf = (input: unknown) => stackEstimate(deploySuite(validateSuite(input), 'prod')).resources;

/** The suite file and `perfprobe validate`'s and the CDK app's (as `cdk synth` runs it) answers on it. */
async function validateAndSynth(input: unknown) {
  const file = join(work, `suite-${process.hrtime.bigint()}.ts`);
  writeFileSync(file, `export default ${JSON.stringify(input)};\n`);
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const validated = await main(['validate', file]);
  vi.restoreAllMocks();
  const outdir = join(work, `out-${process.hrtime.bigint()}`);
  const synth = spawnSync(process.execPath, ['bin/run-ts.js', 'bin/app.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      // What the cdk CLI passes: version reporting on (AWS::CDK::Metadata); no bundling needed to count.
      CDK_CONTEXT_JSON: JSON.stringify({
        suite: file,
        env: 'prod',
        'aws:cdk:version-reporting': true,
        'aws:cdk:bundling-stacks': [],
      }),
      CDK_OUTDIR: outdir,
    },
  });
  return {
    validate: { code: validated, stdout },
    synth: { code: synth.status, stderr: synth.stderr, outdir },
  };
}

/** The templates a synth wrote: the stack's and its nested stacks', by file name. */
function writtenTemplates(
  dir: string,
): Map<string, { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }> {
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8'))]),
  );
}

describe('validate predicts the stack layout synth builds', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('at the boundary: the largest suite of one stack synthesizes with that count; one probe more spreads over nested stacks', async () => {
    // With 4 email subscriptions, the most probes one stack holds; the real templates decide.
    let fits = 1;
    while (estimateOf(plainSuite(fits + 1, 4)) <= STACK_LIMITS.resources) fits++;
    const last = plainSuite(fits, 4);
    const { template } = synthStack(last, 'prod', { analyticsReporting: true });
    const resources = Object.keys(template.toJSON().Resources).length;
    expect(resources).toBe(estimateOf(last));
    expect(resources + 4).toBeGreaterThan(STACK_LIMITS.resources);

    const over = await validateAndSynth(plainSuite(fits + 1, 4));
    expect(over.validate.code).toBe(0);
    expect(over.synth.code, over.synth.stderr).toBe(0);
    const layout = stackLayout(deploySuite(validateSuite(plainSuite(fits + 1, 4)), 'prod'));
    expect(layout.parts.length).toBeGreaterThan(1);
    expect(over.validate.stdout).toContain(
      `deployable to prod: a stack of ${layout.root.resources} resources and ${layout.parts.length + layout.dashboards.length} nested stacks`,
    );
    const written = writtenTemplates(over.synth.outdir);
    expect(written.size).toBe(1 + layout.parts.length + layout.dashboards.length);
    for (const part of [...layout.parts, ...layout.dashboards]) {
      const [, nested] = [...written].find(([file]) => file.includes(part.id) && file.includes('.nested.'))!;
      expect(Object.keys(nested.Resources).length, part.id).toBe(part.resources);
    }
  });

  it('1,000 one-minute latency checks: validate says deployable, synth succeeds, every template under 500 resources and 1 MB, 4 alarms per probe', async () => {
    const input = plainSuite(1_000, 1) as ReturnType<typeof plainSuite> & {
      environments: { prod: Record<string, unknown> };
    };
    for (const probe of input.probes as Record<string, unknown>[]) {
      probe.schedule = 'rate(1 minute)';
      probe.load = { kind: 'latency', requests: 10, interval: '1s' };
      probe.request = { ...(probe.request as object), timeout: '5s' };
    }
    const started = performance.now();
    const { validate, synth } = await validateAndSynth(input);
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`1,000 checks: validate and synth in ${seconds.toFixed(1)} s\n`);

    expect(validate.code, validate.stdout).toBe(0);
    expect(synth.code, synth.stderr).toBe(0);
    const layout = stackLayout(deploySuite(validateSuite(input), 'prod'));
    const written = writtenTemplates(synth.outdir);
    expect(written.size).toBe(1 + layout.parts.length + layout.dashboards.length);
    const alarmsPerProbe = new Map<string, number>();
    for (const [file, template] of written) {
      expect(Object.keys(template.Resources).length, file).toBeLessThanOrEqual(STACK_LIMITS.resources);
      expect(statSync(join(synth.outdir, file)).size, file).toBeLessThan(STACK_LIMITS.templateBytes);
      for (const resource of Object.values(template.Resources)) {
        if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
        const name = String(resource.Properties?.AlarmName);
        const probe = /\.probe\.([^.]+)\./.exec(name)?.[1];
        if (probe) alarmsPerProbe.set(probe, (alarmsPerProbe.get(probe) ?? 0) + 1);
      }
    }
    expect(alarmsPerProbe.size).toBe(1_000);
    expect(new Set(alarmsPerProbe.values())).toEqual(new Set([PROBE_ALARM_KINDS.length]));
    // The checks share their schedules: two groups of 500 (at most 800 a group), in the root stack.
    const root = [...written].find(([file]) => !file.includes('.nested.'))![1];
    expect(Object.values(root.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule')).toHaveLength(
      2,
    );
  });
});

describe('synth-time limits on the real stack', () => {
  it('counts AWS::CDK::Metadata even when version reporting is off, as validate does: 499 pass, 500 refused as 501', () => {
    const stackOf = (count: number) => {
      const app = new App({ analyticsReporting: false });
      const stack = new Stack(app, 'Quiet');
      for (let i = 0; i < count; i++) new CfnResource(stack, `Topic${i}`, { type: 'AWS::SNS::Topic' });
      checkResourceCount(stack, 'quiet.ts');
      return app;
    };

    expect(() => stackOf(499).synth()).not.toThrow();
    expect(() => stackOf(500).synth()).toThrow(
      /quiet\.ts: the stack has 501 resources, more than CloudFormation's limit of 500/,
    );
  });

  it('refuses a stack over 500 resources at synth, with the count', () => {
    const app = new App();
    const stack = new Stack(app, 'Big');
    // 500 and the metadata resource (counted though this App reports no version).
    for (let i = 0; i < 500; i++) new CfnResource(stack, `Topic${i}`, { type: 'AWS::SNS::Topic' });
    checkResourceCount(stack, 'big.ts');
    expect(() => app.synth()).toThrow(
      /big\.ts: the stack has 501 resources, more than CloudFormation's limit of 500: split the suite/,
    );
  });

  it('measures the written template and refuses one over 1 MB, with its size', () => {
    const app = new App();
    const stack = new Stack(app, 'Wordy');
    new CfnResource(stack, 'Parameter', {
      type: 'AWS::SSM::Parameter',
      properties: { Type: 'String', Value: 'x'.repeat(1_100_000) },
    });
    const assembly = app.synth();
    const written = readFileSync(join(assembly.directory, 'Wordy.template.json')).length;
    expect(templateSizeProblems(assembly)).toEqual([
      `the template of Wordy has ${written.toLocaleString('en-US')} bytes, more than CloudFormation's limit of 1,048,576: split the suite into several suite files (each deploys its own stack), e.g. one per team or API`,
    ]);
  });
});
