import { describe, expect, it } from 'vitest';
import { PRICES } from '../../../../functions/core/cloud/aws-prices.ts';
import {
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
    // 10 paced requests a second apart: the worker lives ~9.3 s at 512 MB; Plan and Aggregate at 512 MB.
    const workerS = (9 * 1_000 + RUN_OVERHEAD.workerTailMs) / 1000;
    const gbSeconds =
      workerS * 0.5 + (RUN_OVERHEAD.planMs / 1000) * 0.5 + (RUN_OVERHEAD.aggregateMs / 1000) * 0.5;
    expect(line(cost, 'Lambda duration').usd).toBeCloseTo(runs * gbSeconds * PRICES.lambdaArmGbSecond.usd, 6);
    expect(line(cost, 'Lambda requests').usd).toBeCloseTo(runs * 3 * PRICES.lambdaRequest.usd, 6);
    // Six custom metrics: a latency check publishes no Throughput.
    expect(line(cost, 'CloudWatch custom metrics').usd).toBeCloseTo(6 * 0.3, 6);
    expect(line(cost, 'CloudWatch PutMetricData').usd).toBeCloseTo(runs * 0.00001, 6);
    // SLA, heartbeat, cannot measure, store failed: four standard alarms at $0.10.
    expect(line(cost, 'CloudWatch alarms').usd).toBeCloseTo(0.4, 6);
    expect(line(cost, 'Step Functions (Express)').basis).toContain('43,830 executions');
    expect(cost.totalUsd).toBeCloseTo(
      cost.lines.reduce((s, l) => s + l.usd, 0),
      9,
    );
    // The same schedule elsewhere.
    const alt = Object.fromEntries(cost.alternatives.map((a) => [a.item, a.usd]));
    expect(alt.Checkly).toBeCloseTo(runs * 0.0002, 6);
    expect(alt['CloudWatch Synthetics']).toBeGreaterThan(runs * 0.0012);
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
    expect(line(one, 'CloudWatch custom metrics').basis).toContain('7 metrics');
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

  it("keeps stored runs for the suite's retention", () => {
    const probe = probeFor('https://api.example.com', { schedule: 'rate(1 minute)' });
    const short = line(probeMonthlyCost(probe, 90), 'DynamoDB');
    const long = line(probeMonthlyCost(probe, 365), 'DynamoDB');
    expect(long.basis).toContain('kept 365 days');
    // Writes cost the same; storage grows with the days kept.
    const storage = (days: number) =>
      (((MONTH_MS / 60_000) * RUN_OVERHEAD.latencyRunRecordBytes * days) /
        (MONTH_MS / 86_400_000) /
        1024 ** 3) *
      PRICES.dynamoStorageGbMonth.usd;
    expect(long.usd - short.usd).toBeCloseTo(storage(365) - storage(90), 9);
  });

  it('counts the firings of a cron schedule, not one run per alert.interval', () => {
    // 2027 starts on a Friday and has 261 weekdays: 522 runs at 09:00 and 17:00, though the interval is 3 days.
    const probe = probeFor('https://api.example.com', {
      schedule: 'cron(0 9,17 ? * MON-FRI *)',
      alert: { interval: '72h' },
    });
    const cost = probeMonthlyCost(probe, 90, { from: new Date('2027-01-01T00:00:00Z') });
    expect(cost.runsPerMonth).toBe(522 / 12);
    expect(line(cost, 'Step Functions (Express)').basis).toContain('44 executions');
  });

  it('counts every time of day a frequent cron schedule allows', () => {
    const probe = probeFor('https://api.example.com', {
      schedule: 'cron(0/10 8-17 * * ? *)',
      alert: { interval: '10m' },
    });
    // Six a hour for ten hours, every day of the year (within one day's firings at the year's edges).
    const cost = probeMonthlyCost(probe, 90, { from: new Date('2027-01-01T00:00:00Z') });
    expect(cost.runsPerMonth).toBeGreaterThanOrEqual((60 * 365) / 12);
    expect(cost.runsPerMonth).toBeLessThanOrEqual((60 * 366) / 12);
  });
});

describe('cost per environment, whatever its probes', () => {
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
