import { describe, expect, it } from 'vitest';
import { PRICES } from '../../functions/core/cloud/aws-prices.ts';
import { environmentCost, systemAlarmCount } from '../../functions/core/cloud/cost-model.ts';
import { deploySuite } from '../../functions/core/cloud/deployed-suite.ts';
import { validateSuite } from '../../functions/core/suite/validate-suite.ts';
import { deploySuiteInput } from '../helpers/stacks.ts';

const LOCATIONS = ['eu-west-1', 'eu-central-1', 'us-east-1'];
const from = new Date('2026-01-01T00:00:00Z');

function costOf(locations: string[] | undefined, narrow?: string[]) {
  const input = deploySuiteInput();
  if (locations) Object.assign(input.environments.prod, { locations });
  if (narrow) Object.assign(input.probes[1]!, { locations: narrow });
  const deployed = deploySuite(validateSuite(input), 'prod');
  return { deployed, cost: environmentCost(deployed, { from, vpcZones: 2 }) };
}

const line = (lines: readonly { item: string; usd: number; basis: string }[], item: string) => {
  const found = lines.find((l) => l.item === item);
  if (found === undefined) throw new Error(`no line ${item}`);
  return found;
};

describe('perfprobe cost with three locations', () => {
  const one = costOf(undefined);
  const three = costOf(LOCATIONS);

  it("prices each probe's per-location parts three times, every line, and says so", () => {
    for (const [i, probe] of three.cost.probes.entries()) {
      const single = one.cost.probes[i]!;
      expect(probe.probeId).toBe(single.probeId);
      expect(probe.locations).toEqual(LOCATIONS);
      expect(probe.totalUsd).toBeCloseTo(3 * single.totalUsd, 9);
      expect(probe.runsPerMonth).toBeCloseTo(3 * single.runsPerMonth, 6);
      probe.lines.forEach((l, j) => {
        expect(l.usd).toBeCloseTo(3 * single.lines[j]!.usd, 9);
        expect(l.basis).toBe(`${single.lines[j]!.basis} × 3 locations`);
      });
      // Synthetics and Checkly run the same checks from three locations too.
      for (const [j, a] of probe.alternatives.entries()) {
        expect(a.usd).toBeCloseTo(3 * single.alternatives[j]!.usd, 9);
      }
    }
  });

  it('prices home parts once (topic keys, dashboard, notifier) and the machinery alarms and VPC per location', () => {
    for (const item of ['KMS keys of the topics', 'CloudWatch dashboard', 'Notifier re-checks']) {
      expect(line(three.cost.fixed, item).usd).toBe(line(one.cost.fixed, item).usd);
    }
    const remote = systemAlarmCount(three.deployed, 'eu-central-1');
    expect(systemAlarmCount(three.deployed, 'eu-west-1')).toBe(systemAlarmCount(one.deployed));
    const alarms = line(three.cost.fixed, "perfprobe's own alarms");
    expect(alarms.usd).toBeCloseTo((systemAlarmCount(one.deployed) + 2 * remote) * PRICES.alarmMonth.usd, 9);
    expect(alarms.basis).toContain(
      `in 3 locations: eu-west-1 (home) ${systemAlarmCount(one.deployed)}, eu-central-1 ${remote}, us-east-1 ${remote}`,
    );
    expect(line(three.cost.fixed, 'NAT gateways').usd).toBeCloseTo(
      3 * line(one.cost.fixed, 'NAT gateways').usd,
      9,
    );
    expect(line(three.cost.fixed, 'NAT gateways').basis).toMatch(/ × 3 locations$/);
  });

  it('adds up to per-location parts × 3 plus the home parts once', () => {
    const homeOnce = ['KMS keys of the topics', 'CloudWatch dashboard', 'Notifier re-checks'];
    const perLocation = (cost: typeof one.cost) =>
      cost.probes.reduce((s, p) => s + p.totalUsd, 0) +
      cost.fixed
        .filter((l) => !homeOnce.includes(l.item) && l.item !== "perfprobe's own alarms")
        .reduce((s, l) => s + l.usd, 0);
    const home = (cost: typeof one.cost) =>
      cost.fixed.filter((l) => homeOnce.includes(l.item)).reduce((s, l) => s + l.usd, 0);
    const alarms = (cost: typeof one.cost) => line(cost.fixed, "perfprobe's own alarms").usd;
    expect(three.cost.totalUsd).toBeCloseTo(
      3 * perLocation(one.cost) + home(one.cost) + alarms(three.cost),
      9,
    );
    expect(three.cost.totalUsd).toBeGreaterThan(2.5 * one.cost.totalUsd);
  });

  it('prices a probe narrowed to one location once, naming it', () => {
    const narrowed = costOf(LOCATIONS, ['us-east-1']);
    const [checks, load] = narrowed.cost.probes;
    expect(load!.locations).toEqual(['us-east-1']);
    expect(load!.totalUsd).toBeCloseTo(one.cost.probes[1]!.totalUsd, 9);
    for (const l of load!.lines) expect(l.basis).toMatch(/\(in us-east-1 only\)$/);
    expect(checks!.totalUsd).toBeCloseTo(3 * one.cost.probes[0]!.totalUsd, 9);
  });
});
