import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Suite } from '../../functions/core/suite/schema.ts';
import { validateSuite } from '../../functions/core/suite/validate-suite.ts';
import { PerfprobeStack } from '../../lib/perfprobe-stack.ts';

/** A suite with the probes the deploy tests need: small, ramping, sharded, cron. */
export function deploySuiteInput(baseUrl = 'https://api.example.com', extra: Record<string, unknown> = {}) {
  return {
    name: 'bank',
    environments: {
      prod: {
        baseUrl,
        variables: { token: { secret: 'ssm:/bank/prod/token' } },
        caps: { maxRate: 1_000, maxConnections: 200, maxDuration: '2m' },
        notify: { email: ['oncall@example.com'], https: ['https://hooks.example.com/perfprobe'] },
      },
    },
    defaults: { timeout: '2s', headers: { authorization: 'Bearer ${token}' } },
    probes: [
      {
        id: 'health',
        request: { url: '/health' },
        schedule: 'rate(1 minute)',
        load: { kind: 'latency', requests: 3, interval: '10ms' },
        sla: { p99: 250, errorRate: 0 },
      },
      {
        id: 'accounts',
        request: { url: '/accounts' },
        schedule: { expression: 'cron(0 * * * ? *)', timezone: 'Europe/Berlin' },
        load: { kind: 'burst', connections: 6, requests: 1_200 },
        shards: 6,
        sla: { p95: { warn: 200, critical: 500 } },
        alert: {
          interval: '1h',
          breachedRuns: { atLeast: 3, of: 5 },
          missedRuns: 2,
          latency: { p99: '400ms' },
        },
      },
    ],
    ...extra,
  };
}

export function synthStack(
  input: unknown,
  environment = 'prod',
  options: { readonly validated?: boolean; readonly analyticsReporting?: boolean } = {},
): { stack: PerfprobeStack; template: Template } {
  // `validated`: the input is a Suite already (for fields the suite schema does not accept yet).
  const suite: Suite = options.validated ? (input as Suite) : validateSuite(input);
  // Skips esbuild: template tests need the resources, not the bundles (one full bundling synth runs in CI).
  // `analyticsReporting`: AWS::CDK::Metadata in the template, as `cdk synth` writes it by default.
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [] },
    ...(options.analyticsReporting ? { analyticsReporting: true } : {}),
  });
  const stack = new PerfprobeStack(app, `perfprobe-${suite.name}-${environment}`, {
    suite,
    environment,
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  return { stack, template: Template.fromStack(stack) };
}

let defaultStack: { stack: PerfprobeStack; template: Template } | undefined;

/**
 * `synthStack(deploySuiteInput())`, synthesized once per test file: a synth costs seconds of CPU, and most
 * template tests read this same stack. Read it, never change it.
 */
export function synthDefaultStack(): { stack: PerfprobeStack; template: Template } {
  defaultStack ??= synthStack(deploySuiteInput());
  return defaultStack;
}
