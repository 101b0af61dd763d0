import { defineSuite } from 'perfprobe';

// `npm start` serves the demo API on a free loopback port and passes its address here.
const demoUrl = process.env.PERFPROBE_DEMO_URL ?? 'http://127.0.0.1:8080';

export default defineSuite({
  name: 'demo-bank',
  environments: {
    local: {
      baseUrl: demoUrl,
      variables: { user: 'alice', token: 'demo-token' },
      caps: { maxRate: 200, maxConnections: 20, maxDuration: '30s' },
    },
  },
  defaults: {
    timeout: '2s',
    headers: { accept: 'application/json' },
    schedule: 'rate(5 minutes)',
  },
  probes: [
    {
      id: 'health',
      description: 'The classic synthetic check: a few paced requests.',
      request: { url: '/health' },
      load: { kind: 'latency', requests: 5, interval: '100ms' },
      assert: { status: 200, json: { '$.status': 'ok' } },
      sla: { p99: 50, errorRate: 0 },
    },
    {
      id: 'accounts-list',
      description: 'Closed-model burst: 10 connections for 3 s.',
      request: { url: '/accounts' },
      schedule: 'rate(1 minute)',
      load: { kind: 'burst', connections: 10, duration: '3s' },
      assert: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        json: { '$.items[0].id': { exists: true } },
      },
      sla: { p50: 30, p95: { warn: 40, critical: 100 }, errorRate: '1%', minThroughput: 100 },
    },
    {
      id: 'transactions',
      description: 'Open model: 100 requests/s for 3 s, latency from intended send time.',
      request: { url: '/accounts/acc_001/transactions' },
      load: { kind: 'rate', rate: 100, duration: '3s' },
      assert: { status: 200, bodyContains: '"items"' },
      sla: { p50: 40, p99: 100, 'p99.9': 200, errorRate: '0.5%' },
    },
    {
      id: 'payment-intent',
      description: 'Authenticated JSON POST, ramping 0 → 40/s over 2 s then holding 2 s.',
      request: {
        method: 'POST',
        url: '/payments/intents',
        headers: { authorization: 'Bearer ${token}' },
        body: { amount: 42.5, currency: 'EUR', customer: '${user}' },
      },
      load: {
        kind: 'rate',
        from: 0,
        stages: [
          { to: 40, over: '2s' },
          { to: 40, over: '2s' },
        ],
      },
      assert: { status: 201, json: { '$.status': 'requires_confirmation' } },
      sla: { p95: 120, errorRate: '1%' },
    },
    {
      id: 'payment-flow',
      description:
        'A flow: log in, create an intent with a fresh idempotency key, confirm it, poll until it settles (~300 ms).',
      steps: [
        {
          name: 'login',
          request: { method: 'POST', url: '/login', body: { user: '${user}', password: 'demo' } },
          capture: { session: { json: '$.token', secret: true } },
          assert: { status: 200 },
        },
        {
          name: 'create',
          request: {
            method: 'POST',
            url: '/payments/intents',
            headers: {
              authorization: 'Bearer ${session}',
              'idempotency-key': '${uuid}',
              'content-type': 'application/json',
            },
            body: '{"amount": ${randomInt(1,500)}, "currency": "EUR"}',
          },
          capture: { intent: { json: '$.id' } },
          assert: { status: 201 },
        },
        {
          name: 'confirm',
          request: {
            method: 'POST',
            url: '/payments/intents/${intent}/confirm',
            headers: { authorization: 'Bearer ${session}' },
          },
          assert: { status: 200 },
        },
        {
          name: 'settled',
          request: { url: '/payments/intents/${intent}', headers: { authorization: 'Bearer ${session}' } },
          until: { json: { '$.status': 'succeeded' }, every: '50ms', timeout: '5s' },
        },
      ],
      load: { kind: 'latency', requests: 3, interval: '500ms' },
      sla: { p95: 1_000, errorRate: 0, steps: { settled: { p95: { warn: 400, critical: 800 } } } },
    },
    {
      id: 'fx-rate-limit',
      // Before fx-rates: a limiter is judged on the assumption that the probe is its only client in the window
      // (its own key in real life); fx-rates' last second would count against this probe's first.
      description:
        'Rate-limit compliance: 30/s against the declared 20/s; 429s above the limit are expected, and judged.',
      request: { url: '/fx/rates' },
      load: { kind: 'rate', rate: 30, duration: '2s' },
      rateLimit: { limit: 20, window: '1s' },
      sla: { p99: 50 },
    },
    {
      id: 'fx-rates',
      description:
        'Rate-limited at 20 requests/s by the demo API: 50/s breaches the error-rate SLA on purpose.',
      request: { url: '/fx/rates' },
      load: { kind: 'rate', rate: 50, duration: '3s' },
      assert: { status: 200 },
      sla: { p99: 50, errorRate: '1%' },
      // The 429s are the point of this demo: keep sending instead of aborting.
      abort: { errorRate: '90%', minRequests: 50 },
    },
    {
      id: 'monthly-report',
      description: 'A slow endpoint: misses its p95 target (warn) but stays under the hard maximum.',
      request: { url: '/reports/monthly' },
      load: { kind: 'latency', requests: 8, interval: '150ms' },
      sla: { p95: { warn: 250, critical: 1000 } },
    },
  ],
});
