import { defineSuite } from 'perfprobe';

// What a deployed suite looks like: one file, two environments, `cdk deploy -c env=prod`.
export default defineSuite({
  name: 'example-bank',
  retentionDays: 90,
  environments: {
    staging: {
      baseUrl: 'https://api.staging.example-bank.com',
      // Resolved by the worker at run time (and cached 5 minutes); only the reference is deployed.
      variables: { token: { secret: 'secretsmanager:example-bank/staging#apiToken' } },
      caps: { maxRate: 200, maxConnections: 50, maxDuration: '2m' },
      notify: { email: ['payments-oncall@example-bank.com'] },
    },
    prod: {
      baseUrl: 'https://api.example-bank.com',
      variables: { token: { secret: 'ssm:/example-bank/prod/api-token' } },
      caps: { maxRate: 100, maxConnections: 20, maxDuration: '1m' },
      notify: {
        email: ['payments-oncall@example-bank.com'],
        // The PagerDuty URL holds its integration key: kept in Secrets Manager, resolved by CloudFormation when it
        // subscribes the endpoint, so the key never appears in the template or cdk.out.
        https: [{ secret: 'secretsmanager:example-bank/prod/pagerduty#url' }],
      },
    },
  },
  defaults: {
    timeout: '5s',
    headers: { accept: 'application/json', authorization: 'Bearer ${token}' },
  },
  probes: [
    {
      id: 'health',
      description: 'Every minute: is the API up and fast?',
      request: { url: '/health' },
      schedule: 'rate(1 minute)',
      load: { kind: 'latency', requests: 10, interval: '1s' },
      assert: { status: 200 },
      sla: { p99: { warn: 150, critical: 400 }, errorRate: 0 },
    },
    {
      id: 'payments-burst',
      description: 'Hourly: 20 connections for 30 s across 2 workers; page on 2 bad runs of 3.',
      request: { url: '/payments/quote', method: 'POST', body: { amount: 1000, currency: 'EUR' } },
      schedule: { expression: 'cron(0 * * * ? *)', timezone: 'Europe/Berlin' },
      load: { kind: 'burst', connections: 20, duration: '30s' },
      shards: 2,
      assert: { status: 200, json: { '$.quoteId': { exists: true } } },
      sla: { p95: { warn: 250, critical: 600 }, p99: 1000, errorRate: '0.5%' },
      alert: { interval: '1h', breachedRuns: { atLeast: 2, of: 3 }, latency: { p90: '800ms' } },
    },
  ],
});
