import { describe, expect, it } from 'vitest';
import { deployProblems, stackEstimate } from '../../../../functions/core/cloud/deploy-checks.ts';
import { deploySuite } from '../../../../functions/core/cloud/deployed-suite.ts';
import { firingMinutes } from '../../../../functions/core/cloud/run-sizing.ts';
import { partId, probePart, stackLayout } from '../../../../functions/core/cloud/stack-layout.ts';
import { workerReservations } from '../../../../functions/core/cloud/worker-reservations.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { deploySuiteInput } from '../../../helpers/stacks.ts';

function problemsOf(input: unknown, environment = 'prod') {
  const suite = validateSuite(input);
  return deployProblems(deploySuite(suite, environment), (id) => suite.probes.findIndex((p) => p.id === id));
}

/** The deploy tests' suite with `count` more latency probes, every 5 minutes. */
function withProbes(count: number) {
  const input = deploySuiteInput();
  for (let i = 0; i < count; i++) {
    input.probes.push({
      id: `item-${i}`,
      request: { url: `/items/${i}` },
      schedule: 'rate(5 minutes)',
      load: { kind: 'latency', requests: 3, interval: '1s' },
    } as never);
  }
  // A request a second per check, thousands in a minute: within the environment's budget.
  input.environments.prod.caps.maxRate = 10_000;
  return input;
}

describe('deploy checks: scale', () => {
  it('spreads a 300-probe suite over nested stacks, each within its limits', () => {
    const deployed = deploySuite(validateSuite(withProbes(298)), 'prod');
    expect(problemsOf(withProbes(298))).toEqual([]);
    const layout = stackLayout(deployed);
    // One stack would hold 1,2xx resources: the probes' alarms go to the parts their ids hash to.
    expect(stackEstimate(deployed).resources).toBeGreaterThan(500);
    expect(layout.parts.flatMap((p) => p.probeIds).sort()).toEqual(Object.keys(deployed.probes).sort());
    for (const part of layout.parts) {
      expect(part.id).toBe(partId(probePart(part.probeIds[0]!)));
      expect(part.probeIds.every((id) => probePart(id) === probePart(part.probeIds[0]!))).toBe(true);
    }
    expect(layout.dashboards.map((d) => d.probeIds.length)).toEqual([150, 150]);
  });

  it('keeps every probe in its part when probes are added: the part is a hash of the id alone', () => {
    const before = stackLayout(deploySuite(validateSuite(withProbes(298)), 'prod'));
    const after = stackLayout(deploySuite(validateSuite(withProbes(400)), 'prod'));
    const partOf = (layout: typeof before) =>
      new Map(layout.parts.flatMap((p) => p.probeIds.map((id) => [id, p.id] as const)));
    const later = partOf(after);
    for (const [id, part] of partOf(before)) expect(later.get(id), id).toBe(part);
  });

  it('refuses a suite whose probes overflow a nested stack, naming it and its count', () => {
    // 5,000 checks: about 156 a part, 4 alarms each, over 500.
    const deployed = deploySuite(validateSuite(withProbes(4_998)), 'prod');
    const messages = deployProblems(deployed, () => 0).map((p) => p.message);
    const largest = stackLayout(deployed).parts.reduce((a, b) => (b.resources > a.resources ? b : a));
    expect(messages).toContainEqual(
      `5000 probes make nested stack ${largest.id} of ${largest.resources.toLocaleString('en-US')} resources, more than CloudFormation's limit of 500: split the suite (one suite file per team or API, each deploys its own stacks)`,
    );
  });

  it('blames the subscriptions, not the probes, for a root stack they fill once the probes sit in nested stacks', () => {
    const withEmails = (n: number) => {
      const input = withProbes(100);
      (input.environments.prod as { notify: unknown }).notify = {
        email: Array.from({ length: n }, (_, i) => `oncall${i}@bank.example`),
      };
      return input;
    };
    const messages = problemsOf(withEmails(260)).map((p) => [p.path, p.message]);
    const root = stackLayout(deploySuite(validateSuite(withEmails(260)), 'prod')).root.resources;

    expect(messages).toEqual([
      [
        'environments.prod.notify',
        `520 topic subscriptions (one resource each: an address hears the alarm topic and the watch topic) and the environment's shared parts make the root stack of ${root} resources, more than CloudFormation's limit of 500, its 102 probes being in nested stacks already: subscribe a mailing list or one paging service instead of each person, or split the suite`,
      ],
    ]);
    expect(problemsOf(withEmails(150))).toEqual([]);
  });

  it('accepts a suite of the size one stack holds', () => {
    expect(problemsOf(withProbes(60))).toEqual([]);
    expect(stackEstimate(deploySuite(validateSuite(withProbes(60)), 'prod')).resources).toBeLessThanOrEqual(
      500,
    );
  });

  it("refuses probes whose shards running at once exceed what an account's default Lambda concurrency can reserve", () => {
    const input = deploySuiteInput();
    input.environments.prod.caps = { maxRate: 1_000, maxConnections: 5_000, maxDuration: '2m' };
    for (const id of ['wide-a', 'wide-b']) {
      input.probes.push({
        id,
        request: { url: '/accounts' },
        schedule: { expression: 'cron(30 * * * ? *)', timezone: 'UTC' },
        load: { kind: 'burst', connections: 1_000, requests: 10_000 },
        shards: 460,
        alert: { interval: '1h' },
      } as never);
    }
    // Reserved per worker: checks 1 (health), load 6 (accounts), long load 920 (both wide probes in minute 30).
    const messages = problemsOf(input).map((p) => p.message);
    expect(messages).toEqual([
      expect.stringMatching(
        /^probes running at once need 927 worker Lambdas, more than the 900 an account's default concurrency of 1,000 can reserve \(100 stay unreserved\)/,
      ),
    ]);
  });
});

describe('deploy checks: the environment budget', () => {
  function twoRateProbes(first: unknown, second: unknown) {
    const input = deploySuiteInput();
    input.environments.prod.caps = { maxRate: 100, maxConnections: 200, maxDuration: '2m' };
    input.probes = [
      {
        id: 'quotes',
        request: { url: '/quotes' },
        schedule: first,
        load: { kind: 'rate', rate: 60, duration: '20s' },
        alert: { interval: '1h' },
      },
      {
        id: 'payments',
        request: { url: '/payments' },
        schedule: second,
        load: { kind: 'rate', rate: 60, duration: '20s' },
        alert: { interval: '1h' },
      },
    ] as never;
    return input;
  }

  it('refuses probes that may run in the same minute and together exceed maxRate, naming them', () => {
    const problems = problemsOf(twoRateProbes('cron(0 * * * ? *)', 'cron(0 * * * ? *)'));
    expect(problems).toEqual([
      {
        path: 'environments.prod.caps.maxRate',
        message: expect.stringMatching(
          /^probes quotes, payments may run in the same minute \(minute 0 of the hour\) and together send 120 requests per second, more than the environment's maxRate of 100: give them cron schedules in different minutes/,
        ),
      },
    ]);
  });

  it('counts rate() schedules as able to fire in any minute (their phase is set at creation)', () => {
    expect(problemsOf(twoRateProbes('rate(1 hour)', 'cron(30 * * * ? *)'))).toHaveLength(1);
  });

  it('accepts the same probes staggered into different minutes', () => {
    expect(problemsOf(twoRateProbes('cron(0 * * * ? *)', 'cron(30 * * * ? *)'))).toEqual([]);
  });

  it('reserves for each worker the most shards its probes run at once', () => {
    const deployed = deploySuite(validateSuite(deploySuiteInput()), 'prod');
    expect(workerReservations(deployed)).toEqual({ checks: 1, load: 6 });
  });
});

describe('deploy checks: alarms', () => {
  it('refuses a heartbeat of one interval, which would page for a run still in flight', () => {
    const input = deploySuiteInput();
    (input.probes[0] as Record<string, unknown>).alert = { missedRuns: 1 };
    expect(problemsOf(input)).toEqual([
      {
        path: 'probes[0].alert.missedRuns',
        message: expect.stringMatching(
          /^expected at least 2, got 1: the newest interval may hold a run still in flight/,
        ),
      },
    ]);
  });
});

describe('firing minutes of a schedule', () => {
  it('reads cron minute fields: numbers, lists, ranges and steps', () => {
    expect([...firingMinutes('cron(0 * * * ? *)')]).toEqual([0]);
    expect([...firingMinutes('cron(5,35 * * * ? *)')]).toEqual([5, 35]);
    expect([...firingMinutes('cron(0/15 * * * ? *)')]).toEqual([0, 15, 30, 45]);
    expect([...firingMinutes('cron(10-12 * * * ? *)')]).toEqual([10, 11, 12]);
  });

  it('takes every minute for rate() and for a minute field it does not read', () => {
    expect(firingMinutes('rate(5 minutes)').size).toBe(60);
    expect(firingMinutes('cron(* 9-17 ? * MON-FRI *)').size).toBe(60);
  });
});
