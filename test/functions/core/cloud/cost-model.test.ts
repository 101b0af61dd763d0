import { describe, expect, it } from 'vitest';
import { PRICES } from '../../../../functions/core/cloud/aws-prices.ts';
import {
  environmentCost,
  MONTH_MS,
  probeMonthlyCost,
  RUN_OVERHEAD,
  suiteFixedCost,
  systemAlarmCount,
  vpcCostLines,
} from '../../../../functions/core/cloud/cost-model.ts';
import { deploySuite } from '../../../../functions/core/cloud/deployed-suite.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { deploySuiteInput } from '../../../helpers/stacks.ts';

const line = (cost: ReturnType<typeof probeMonthlyCost>, item: string) => {
  const found = cost.lines.find((l) => l.item === item);
  if (!found) throw new Error(`no line ${item}: ${cost.lines.map((l) => l.item).join(', ')}`);
  return found;
};

describe('cost per probe-month', () => {
  it('itemizes a latency check every minute from the list prices', () => {
    const cost = probeMonthlyCost(probeFor('https://api.example.com', { schedule: 'rate(1 minute)' }), 90);
    const runs = MONTH_MS / 60_000;
    expect(cost.runsPerMonth).toBeCloseTo(43_830, 0);
    // 10 paced requests a second apart: the worker lives ~9.3 s at 512 MB; Plan and Aggregate at 256 MB.
    const workerS = (9 * 1_000 + RUN_OVERHEAD.workerTailMs) / 1000;
    const gbSeconds =
      workerS * 0.5 + (RUN_OVERHEAD.planMs / 1000) * 0.25 + (RUN_OVERHEAD.aggregateMs / 1000) * 0.25;
    expect(line(cost, 'Lambda duration').usd).toBeCloseTo(runs * gbSeconds * PRICES.lambdaArmGbSecond.usd, 6);
    expect(line(cost, 'Lambda requests').usd).toBeCloseTo(runs * 3 * PRICES.lambdaRequest.usd, 6);
    // Four custom metrics: Latency, Requests (also the heartbeat), Errors, Verdict.
    expect(line(cost, 'CloudWatch custom metrics').usd).toBeCloseTo(4 * 0.3, 6);
    expect(line(cost, 'CloudWatch PutMetricData').usd).toBeCloseTo(runs * 0.00001, 6);
    // SLA, heartbeat, cannot measure, store failed: four standard alarms of one metric at $0.10.
    expect(line(cost, 'CloudWatch alarms').usd).toBeCloseTo(0.4, 6);
    expect(line(cost, 'Step Functions (Express)').basis).toContain('43,830 executions');
    // Traced only when the environment asks.
    expect(cost.lines.some((l) => l.item === 'X-Ray')).toBe(false);
    const traced = probeMonthlyCost(probeFor('https://api.example.com', { schedule: 'rate(1 minute)' }), 90, {
      tracing: true,
    });
    expect(line(traced, 'X-Ray').usd).toBeCloseTo(runs * PRICES.xrayTrace.usd, 9);
    expect(cost.totalUsd).toBeCloseTo(
      cost.lines.reduce((s, l) => s + l.usd, 0),
      9,
    );
    // The same schedule elsewhere.
    const alt = Object.fromEntries(cost.alternatives.map((a) => [a.item, a.usd]));
    expect(alt.Checkly).toBeCloseTo(runs * 0.0002, 6);
    expect(alt['CloudWatch Synthetics']).toBeGreaterThan(runs * 0.0012);
  });

  it('counts the CertDaysLeft metric and the cert-expiry alarm only for a probe that declares a critical certDaysLeft', () => {
    const probe = (certDaysLeft: unknown) =>
      probeMonthlyCost(
        probeFor('https://api.example.com', { schedule: 'rate(1 minute)', sla: { certDaysLeft } }),
        90,
      );
    const declared = probe({ warn: 30, critical: 7 });
    const warnOnly = probe({ warn: 30 });

    expect(line(declared, 'CloudWatch custom metrics').usd).toBeCloseTo(5 * 0.3, 6);
    expect(line(declared, 'CloudWatch custom metrics').basis).toContain('CertDaysLeft');
    expect(line(declared, 'CloudWatch alarms').usd).toBeCloseTo(0.5, 6);
    expect(line(declared, 'CloudWatch alarms').basis).toBe(
      '5 alarms of one metric each (SLA, heartbeat, cannot measure, store failures, certificate expiry)',
    );
    // A warning pages nobody: no metric, no alarm (as the default 14-day warn of every HTTPS probe).
    expect(line(warnOnly, 'CloudWatch custom metrics').usd).toBeCloseTo(4 * 0.3, 6);
    expect(line(warnOnly, 'CloudWatch alarms').basis).toBe(
      '4 alarms of one metric each (SLA, heartbeat, cannot measure, store failures)',
    );
  });

  it('matches a hand recomputation of one batched check from the price table within 5 %', () => {
    // Ten checks of 10 requests a second apart, every minute, in one environment.
    const probes = Array.from({ length: 10 }, (_, i) => ({
      id: `check-${i}`,
      request: { url: `/c${i}` },
      schedule: 'rate(1 minute)',
      load: { kind: 'latency', requests: 10, interval: '1s' },
      sla: { p99: 400 },
    }));
    const deployed = deploySuite(
      validateSuite({
        name: 'ten',
        environments: { prod: { baseUrl: 'https://api.example.com' } },
        defaults: { timeout: '5s' },
        probes,
      }),
      'prod',
    );
    const model = environmentCost(deployed).probes[0]!.totalUsd;

    // By hand, list prices per month (43,830 one-minute ticks, 4,383 per check's share of 10 a tick):
    const runs = 43_830;
    const ticksShare = runs / 10;
    const gbS = 0.0000133334;
    const hand =
      // Lambda: one 9.3 s worker at 0.5 GB for 10 checks; Plan 0.4 s and Aggregate 0.8 s + 0.15 s a check at 0.25 GB.
      runs * ((9.3 * 0.5) / 10 + (0.4 * 0.25) / 10 + (0.8 * 0.25) / 10 + 0.15 * 0.25) * gbS +
      ticksShare * 3 * 0.2e-6 +
      // Express: $1 a million, 12 s at 64 MB ($0.00001667 a GB-s); Scheduler $1 a million.
      ticksShare * (1e-6 + 12 * (64 / 1024) * 0.00001667) +
      ticksShare * 1e-6 +
      // 4 metrics, one PutMetricData a tick, 4 alarms.
      4 * 0.3 +
      ticksShare * 0.01e-3 +
      4 * 0.1 +
      // Logs: 1.8 + 0.7 state events of 350 B and 0.3 invocations of 700 B a run, $0.50 a GB.
      ((runs * (2.5 * 350 + 0.3 * 700)) / 1024 ** 3) * 0.5 +
      // DynamoDB: 5 write units a run; 1.5 KB a run kept 90 days, storage $0.25 + backups $0.20 a GB-month.
      runs * 5 * 0.625e-6 +
      ((runs * 1558 * 90) / 30.4375 / 1024 ** 3) * 0.45;
    expect(Math.abs(model - hand) / hand).toBeLessThan(0.05);
  });

  it('holds 10 one-minute checks of 10 requests under $3 a check, the environment parts spread over them', () => {
    const probes = Array.from({ length: 10 }, (_, i) => ({
      id: `check-${i}`,
      request: { url: `/c${i}` },
      schedule: 'rate(1 minute)',
      load: { kind: 'latency', requests: 10, interval: '1s' },
    }));
    const input = {
      name: 'ten',
      environments: {
        prod: { baseUrl: 'https://api.example.com', notify: { email: ['oncall@example.com'] } },
      },
      defaults: { timeout: '5s' },
      probes,
    };
    const withDashboard = environmentCost(deploySuite(validateSuite(input), 'prod'));
    expect(withDashboard.fixed.map((l) => l.item)).toContain('CloudWatch dashboard');
    expect(withDashboard.totalUsd / 10).toBeLessThanOrEqual(3);
    // Alone, a check shares nothing: the same check costs more than its share among ten.
    const alone = environmentCost(
      deploySuite(validateSuite({ ...input, probes: probes.slice(0, 1) }), 'prod'),
    );
    expect(alone.probes[0]!.totalUsd).toBeGreaterThan(withDashboard.probes[0]!.totalUsd);
  });

  it('bills load workers at a full vCPU for the load, with the shared start for several shards', () => {
    const one = probeMonthlyCost(
      probeFor('https://api.example.com', {
        schedule: 'rate(1 hour)',
        load: { kind: 'rate', rate: 500, duration: '60s' },
      }),
      90,
    );
    expect(line(one, 'Lambda duration').basis).toContain('1 × 60 s worker at 1769 MB');
    expect(line(one, 'CloudWatch custom metrics').basis).toContain('5 metrics');
    const ten = probeMonthlyCost(
      probeFor('https://api.example.com', {
        schedule: 'rate(1 day)',
        shards: 10,
        load: { kind: 'burst', connections: 200, duration: '60s' },
      }),
      90,
    );
    expect(line(ten, 'Lambda duration').basis).toContain('10 × 65 s worker at 1769 MB');
    expect(line(ten, 'Lambda requests').basis).toContain(
      `${Math.round((MONTH_MS / 86_400_000) * 12)} invocations`,
    );
    // Its writes as written: the lease (1 unit), ten shard items of ~6 KB, the run of ~6 KB.
    expect(line(ten, 'DynamoDB writes').basis).toContain('(67 a run');
  });

  it('prices a run beyond an Express workflow by Standard state transitions', () => {
    const cost = probeMonthlyCost(
      probeFor('https://api.example.com', {
        schedule: 'rate(1 day)',
        load: { kind: 'burst', connections: 50, duration: '2m' },
        shards: 45,
      }),
      90,
    );
    const standard = line(cost, 'Step Functions (Standard)');
    const runs = MONTH_MS / 86_400_000;
    expect(standard.usd).toBeCloseTo(runs * (4 + 2 * 45) * PRICES.standardTransition.usd, 9);
  });

  it("keeps stored runs for the suite's retention, with point-in-time recovery", () => {
    const probe = probeFor('https://api.example.com', { schedule: 'rate(1 minute)' });
    const short = line(probeMonthlyCost(probe, 90), 'DynamoDB storage and backups');
    const long = line(probeMonthlyCost(probe, 365), 'DynamoDB storage and backups');
    expect(long.basis).toContain('kept 365 days');
    // Writes cost the same; storage and its backups grow with the days kept.
    expect(line(probeMonthlyCost(probe, 365), 'DynamoDB writes').usd).toBe(
      line(probeMonthlyCost(probe, 90), 'DynamoDB writes').usd,
    );
    const storage = (days: number) =>
      (((MONTH_MS / 60_000) * RUN_OVERHEAD.latencyRunRecordBytes * days) /
        (MONTH_MS / 86_400_000) /
        1024 ** 3) *
      (PRICES.dynamoStorageGbMonth.usd + PRICES.dynamoPitrGbMonth.usd);
    expect(long.usd - short.usd).toBeCloseTo(storage(365) - storage(90), 9);
  });

  const deployedOf = (input: ReturnType<typeof deploySuiteInput>) =>
    deploySuite(validateSuite(input), 'prod');

  it("counts the topics' keys, perfprobe's own alarms, the dashboard and the notifier's 5-minute re-check", () => {
    const deployed = deployedOf(deploySuiteInput());
    const [keys, alarms, dashboard, notifier] = suiteFixedCost(deployed);

    expect(keys).toMatchObject({ item: 'KMS keys of the topics', usd: 2 });
    expect(keys!.basis).toMatch(/^2 keys \(alarm topic, watch topic\); a customer-managed key/);
    // Two runners: 1 + 4 × 2 + 2 + 2 + 3 + 2 × 2 topics + the drill (the template's count: test/lib/cost-parts).
    expect(systemAlarmCount(deployed)).toBe(21);
    expect(alarms).toMatchObject({ item: "perfprobe's own alarms", group: 'alarms' });
    expect(alarms!.usd).toBeCloseTo(21 * PRICES.alarmMonth.usd, 9);
    expect(dashboard).toMatchObject({ item: 'CloudWatch dashboard', usd: 3 });
    const ticks = MONTH_MS / 300_000;
    expect(notifier!.item).toBe('Notifier re-checks');
    expect(notifier!.basis).toBe('8,766 invocations (every 5 min) × 0.3 s at 256 MB');
    expect(notifier!.usd).toBeCloseTo(
      ticks * (PRICES.lambdaRequest.usd + 0.3 * 0.25 * PRICES.lambdaArmGbSecond.usd),
      9,
    );
  });

  it('adds a key and two alarms for the warn-level topic only when it has subscribers', () => {
    const input = deploySuiteInput();
    (input.environments.prod.notify as Record<string, unknown>).warn = { email: ['perf@example.com'] };
    const [keys, alarms] = suiteFixedCost(deployedOf(input));

    expect(keys!.usd).toBe(3);
    expect(keys!.basis).toMatch(/^3 keys \(alarm topic, watch topic, warn-level topic\)/);
    expect(alarms!.usd).toBeCloseTo(23 * PRICES.alarmMonth.usd, 9);
  });

  it('says what the VPC option adds: NAT gateways and interface endpoints per Availability Zone', () => {
    const [nat, endpoints] = vpcCostLines(2);
    const hours = MONTH_MS / 3_600_000;

    expect(nat!.usd).toBeCloseTo(2 * hours * 0.045, 6);
    expect(endpoints!.usd).toBeCloseTo(2 * 2 * hours * 0.01, 6);
    expect(vpcCostLines(3)[0]!.usd).toBeCloseTo(3 * hours * 0.045, 6);
  });
});
