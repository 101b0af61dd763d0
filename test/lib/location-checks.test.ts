import { describe, expect, it } from 'vitest';
import { environmentCost } from '../../functions/core/cloud/cost-model.ts';
import { deployProblems } from '../../functions/core/cloud/deploy-checks.ts';
import { deploySuite } from '../../functions/core/cloud/deployed-suite.ts';
import { staggerWaitMs, workerBudgetMs } from '../../functions/core/cloud/run-sizing.ts';
import { environmentLayouts, stackEstimate } from '../../functions/core/cloud/stack-layout.ts';
import { validateSuite } from '../../functions/core/suite/validate-suite.ts';
import { deploySuiteInput } from '../helpers/stacks.ts';

const LOCATIONS = ['eu-west-1', 'eu-central-1', 'us-east-1'];

/** One rate probe of 40 requests per second, in the given locations, under an environment cap. */
function rateProbe(maxRate: number, locations: string[] | undefined, narrow?: string[]) {
  const input = deploySuiteInput();
  input.environments.prod.caps = { maxRate, maxConnections: 200, maxDuration: '2m' };
  if (locations) Object.assign(input.environments.prod, { locations });
  input.probes = [
    {
      id: 'quotes',
      request: { url: '/quotes' },
      schedule: 'cron(0 * * * ? *)',
      load: { kind: 'rate', rate: 40, duration: '20s' },
      alert: { interval: '1h' },
      ...(narrow ? { locations: narrow } : {}),
    },
  ] as never;
  return deploySuite(validateSuite(input), 'prod');
}

const problemsOf = (deployed: ReturnType<typeof rateProbe>) => deployProblems(deployed, () => 0);

describe("the environment's maxRate with several locations (each sends to the same target)", () => {
  it('counts a probe once per location: 3 × 40 within 120, and not within 119', () => {
    expect(problemsOf(rateProbe(120, LOCATIONS))).toEqual([]);
    expect(problemsOf(rateProbe(119, LOCATIONS))).toEqual([
      {
        path: 'environments.prod.caps.maxRate',
        message: expect.stringMatching(
          /^probes quotes may run in the same minute \(minute 0 of the hour\) and together send 120 requests per second from all their locations, more than the environment's maxRate of 119/,
        ),
      },
    ]);
  });

  it('counts only the locations a probe is narrowed to', () => {
    expect(problemsOf(rateProbe(80, LOCATIONS, ['eu-west-1', 'us-east-1']))).toEqual([]);
    expect(problemsOf(rateProbe(79, LOCATIONS, ['eu-west-1', 'us-east-1']))).toHaveLength(1);
  });

  it('leaves one location as before', () => {
    expect(problemsOf(rateProbe(40, ['eu-west-1']))).toEqual([]);
    expect(problemsOf(rateProbe(40, undefined))).toEqual([]);
  });
});

describe("validate's layout with several locations", () => {
  it('lays out every location, home first, each with its own probes', () => {
    const input = deploySuiteInput();
    Object.assign(input.environments.prod, { locations: LOCATIONS, home: 'us-east-1' });
    Object.assign(input.probes[1]!, { locations: ['eu-central-1'] });
    const deployed = deploySuite(validateSuite(input), 'prod');
    const layouts = environmentLayouts(deployed);
    expect(layouts.map((l) => l.location)).toEqual(['us-east-1', 'eu-west-1', 'eu-central-1']);
    const [home, west, central] = layouts.map((l) => l.layout.root);
    // Home: the topics, notifier and dashboard; eu-central-1 also runs the load probe (its runner, alarms).
    expect(home!.resources).toBeGreaterThan(central!.resources);
    expect(central!.resources).toBeGreaterThan(west!.resources);
    expect(home!.dashboardWidgets).toBeGreaterThan(0);
    expect([west!.dashboardWidgets, central!.dashboardWidgets]).toEqual([0, 0]);
    expect(stackEstimate(deployed)).toEqual(home);
  });

  it('names the location of a problem with its Lambda concurrency (a quota of each region)', () => {
    const input = deploySuiteInput();
    Object.assign(input.environments.prod, { locations: LOCATIONS });
    Object.assign(input.environments.prod.caps, { maxShards: 3 });
    const problems = deployProblems(deploySuite(validateSuite(input), 'prod'), () => 0);
    expect(problems.map((p) => p.message.match(/^probes running at once in (\S+) need/)?.[1])).toEqual(
      LOCATIONS,
    );
  });
});

/** A latency check on `schedule` in three locations, staggered or not. */
function staggeredCheck(schedule: string, stagger: boolean) {
  const input = deploySuiteInput();
  Object.assign(input.environments.prod, { locations: LOCATIONS });
  input.probes = [
    {
      id: 'health',
      request: { url: '/health' },
      schedule,
      load: { kind: 'latency', requests: 3, interval: '10ms' },
      stagger,
    },
  ] as never;
  return deploySuite(validateSuite(input), 'prod');
}

describe("stagger: the worker waits for its location's start", () => {
  it("adds the last location's offset (2/3 of the interval) to the worker's budget", () => {
    const plain = staggeredCheck('rate(1 minute)', false).probes.health!;
    const staggered = staggeredCheck('rate(1 minute)', true).probes.health!;
    expect(staggerWaitMs(plain)).toBe(0);
    expect(staggerWaitMs(staggered)).toBe(40_000);
    expect(staggerWaitMs(staggered, 1)).toBe(20_000);
    expect(workerBudgetMs(staggered)).toBe(workerBudgetMs(plain) + 40_000);
  });

  it('refuses a stagger whose wait and run exceed a 15-minute Lambda, saying to leave stagger off; allows one within', () => {
    // 20 minutes: the last location waits 13 min 20 s, then a check of a few seconds.
    expect(deployProblems(staggeredCheck('rate(20 minutes)', true), () => 0)).toEqual([]);
    // 30 minutes: it would wait 20 minutes.
    expect(deployProblems(staggeredCheck('rate(30 minutes)', true), () => 0)).toEqual([
      {
        path: 'probes[0].stagger',
        message: expect.stringMatching(
          /its last location starts 20m after the tick \(stagger\).*leave stagger off/,
        ),
      },
    ]);
    expect(deployProblems(staggeredCheck('rate(30 minutes)', false), () => 0)).toEqual([]);
  });

  it("prices each location's wait: home none, the others their offset", () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const [plain] = environmentCost(staggeredCheck('rate(1 minute)', false), { from }).probes;
    const [staggered] = environmentCost(staggeredCheck('rate(1 minute)', true), { from }).probes;
    const lambda = (cost: typeof plain) => cost!.lines.find((l) => l.item === 'Lambda duration')!;
    expect(lambda(staggered).usd).toBeGreaterThan(lambda(plain).usd);
    expect(lambda(staggered).basis).toMatch(/^eu-west-1: .*; eu-central-1: .*; us-east-1: /);
    // Other lines do not depend on the wait.
    expect(staggered!.lines.find((l) => l.item === 'CloudWatch alarms')!.usd).toBe(
      plain!.lines.find((l) => l.item === 'CloudWatch alarms')!.usd,
    );
  });
});
