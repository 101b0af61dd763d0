import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIncidentStore } from '../../../functions/adapters/dynamo-incident-store.ts';
import { createQuorumStore } from '../../../functions/adapters/dynamo-quorum-store.ts';
import { createRunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import { createSilenceStore } from '../../../functions/adapters/dynamo-silence-store.ts';
import {
  type DeployedSuite,
  deployedNames,
  deploySuite,
  probeAlarmName,
} from '../../../functions/core/cloud/deployed-suite.ts';
import { locationsStore } from '../../../functions/core/location-runs.ts';
import { validateSuite } from '../../../functions/core/suite/validate-suite.ts';
import { createNotifyHandler, type NotifyDependencies } from '../../../functions/handlers/notify.ts';
import { storedRun } from '../../helpers/stored-runs.ts';
import { type LocalRunsTable, localRunsTable } from './runs-table.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:alarms';
const WARN_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:warnings';
const ACCOUNT = '123456789012';
const sns = mockClient(SNSClient);
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
const at = (minute: number, second = 0) => Date.UTC(2026, 11, 8, 3, minute, second);
const cwTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

let deployed: DeployedSuite;
let table: LocalRunsTable;

beforeAll(() => {
  deployed = deploySuite(
    validateSuite({
      name: 'bank',
      environments: {
        prod: { baseUrl: 'https://api.example.com', locations: ['eu-west-1', 'eu-central-1', 'us-east-1'] },
      },
      probes: [
        {
          id: 'login',
          request: { url: '/login' },
          schedule: 'rate(1 minute)',
          load: { kind: 'latency', requests: 20 },
          alert: { latency: { p95: '800ms' } },
        },
      ],
    }),
    'prod',
  );
});

beforeEach(async () => {
  table = await localRunsTable();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
});

afterEach(async () => {
  await table.close();
});

function dependencies(): NotifyDependencies {
  return {
    store: createRunStore(table.dynamo, table.tableName, 90, 'bank'),
    incidents: createIncidentStore(table.dynamo, table.tableName),
    quorums: createQuorumStore(table.dynamo, table.tableName),
    silences: createSilenceStore(table.dynamo, table.tableName),
    sns: new SNSClient({ region: 'eu-west-1' }),
    cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }),
    killSwitch: async () => 'off',
    killSwitchParameter: undefined,
    topicArn: TOPIC,
    warnTopicArn: WARN_TOPIC,
    table: table.tableName,
  };
}

const notify = () =>
  createNotifyHandler(() => deployed, dependencies, { logger: new Logger({ logLevel: 'SILENT' }) });

/**
 * One location's alarm state change as the home bus receives it: forwarded by the location's rule, with its own
 * region and account, and CloudWatch's judged datapoint.
 */
function change(region: string, kind: string, to: 'ALARM' | 'OK', atMs: number, datapoint?: number) {
  const alarmName = probeAlarmName(deployedNames('bank', 'prod'), 'login', kind as never);
  const reasonData = JSON.stringify({
    version: '1.0',
    statistic: 'p95',
    period: 60,
    recentDatapoints: datapoint === undefined ? [] : [datapoint],
    threshold: 800,
  });
  return {
    version: '0',
    id: `${region}-${to}-${atMs}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ACCOUNT,
    time: new Date(atMs).toISOString(),
    region,
    resources: [`arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:${alarmName}`],
    detail: {
      alarmName,
      previousState: {
        value: to === 'ALARM' ? 'OK' : 'ALARM',
        reason: 'before',
        timestamp: cwTime(atMs - 600_000),
      },
      state: { value: to, reason: `${to} in ${region}`, reasonData, timestamp: cwTime(atMs) },
    },
  };
}

const onCall = readFileSync(new URL('../../../docs/on-call.md', import.meta.url), 'utf8');
/** docs/on-call.md shows these lines as a text block, byte for byte. */
const documented = (lines: readonly string[]) => onCall.includes(`\`\`\`text\n${lines.join('\n')}\n\`\`\``);

const published = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
/** The readable text, as email subscribers get it (the alarm-shaped JSON's description). */
const textOf = (input: { Message?: string | undefined }) =>
  JSON.parse(JSON.parse(input.Message!).default).AlarmDescription as string;

describe('the notifier with three locations and a quorum of 2', () => {
  it('sends a breach in 1 of 3 locations as a notice to the warn topic, and pages nobody', async () => {
    const outcome = await notify()(change('eu-west-1', 'latency-p95', 'ALARM', at(1), 2310), context);

    expect(outcome).toMatchObject({ notified: true });
    const [notice, ...more] = published();
    expect(more).toEqual([]);
    expect(notice!.TopicArn).toBe(WARN_TOPIC);
    expect(notice!.Subject).toBe(
      'NOTICE prod/login p95 eu-west-1 only: likely between that region and the API',
    );
    expect(documented(textOf(notice!).split('\n').slice(0, 3))).toBe(true);
    expect(textOf(notice!).split('\n').slice(0, 3)).toEqual([
      'NOTICE prod/login p95: eu-west-1 only: likely between that region and the API.',
      "probe prod/login (suite bank): CloudWatch's p95 above 800 ms in eu-west-1 2,310 ms (since 2026-12-08 03:01 UTC); eu-central-1, us-east-1 within SLA. No page: 1 of 3 locations breaching, the quorum is 2 (alert.minLocations).",
      'GET https://api.example.com/login',
    ]);
  });

  it('holds a notice during a silence, as it would a page, and records it for the summary', async () => {
    const silences = createSilenceStore(table.dynamo, table.tableName);
    await silences.add({
      environment: 'prod',
      probeId: 'login',
      reason: 'eu-west-1 network maintenance',
      startsAt: new Date(at(0)).toISOString(),
      endsAt: new Date(at(30)).toISOString(),
    });

    const outcome = await notify()(change('eu-west-1', 'latency-p95', 'ALARM', at(1), 2310), context);

    expect(published()).toEqual([]);
    expect(outcome).toMatchObject({
      notified: false,
      why: expect.stringMatching(/^silenced until .*: NOTICE prod\/login p95 eu-west-1 only/),
    });
    const [silence] = await silences.list('prod');
    expect(silence?.held).toEqual([expect.stringContaining('NOTICE prod/login p95 eu-west-1 only')]);
  });

  it('pages a location alone when the quorum cannot be read: a page too many beats none', async () => {
    const quorums = createQuorumStore(table.dynamo, table.tableName);
    const handler = createNotifyHandler(
      () => deployed,
      () => ({
        ...dependencies(),
        quorums: {
          ...quorums,
          read: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
        },
      }),
      { logger: new Logger({ logLevel: 'SILENT' }) },
    );

    await handler(change('eu-west-1', 'latency-p95', 'ALARM', at(1), 2310), context);

    const [page, ...more] = published();
    expect(more).toEqual([]);
    expect(page!.TopicArn).toBe(TOPIC);
    expect(page!.Subject).toBe('BREACH prod/login CloudWatch p95 2310 ms > 800 ms (2 of 3 periods)');
  });

  it('sends no notice without a warn-level topic: on the alarm topic it would page', async () => {
    const handler = createNotifyHandler(
      () => deployed,
      () => ({ ...dependencies(), warnTopicArn: undefined }),
      { logger: new Logger({ logLevel: 'SILENT' }) },
    );

    const outcome = await handler(change('eu-west-1', 'latency-p95', 'ALARM', at(1), 2310), context);

    expect(published()).toEqual([]);
    expect(outcome).toMatchObject({
      notified: false,
      why: 'a notice, and the environment has no warn-level topic (notify.warn): NOTICE prod/login p95 eu-west-1 only: likely between that region and the API',
    });
  });

  it('pages once when 2 of 3 breach, naming both locations with their observed values', async () => {
    const handler = notify();
    await handler(change('eu-west-1', 'latency-p95', 'ALARM', at(1), 2310), context);
    sns.resetHistory();

    await handler(change('us-east-1', 'latency-p95', 'ALARM', at(3), 1980), context);
    // A repeated delivery of the same change: nothing more.
    await handler(change('us-east-1', 'latency-p95', 'ALARM', at(3), 1980), context);

    const [page, ...more] = published();
    expect(more).toEqual([]);
    expect(page!.TopicArn).toBe(TOPIC);
    expect(page!.Subject).toBe(
      'BREACH prod/login p95 from 2 of 3 locations: eu-west-1 2,310 ms, us-east-1 1,980 ms',
    );
    expect(documented(textOf(page!).split('\n').slice(0, 3))).toBe(true);
    expect(textOf(page!).split('\n').slice(0, 3)).toEqual([
      'BREACH prod/login p95 from 2 of 3 locations: eu-west-1 2,310 ms, us-east-1 1,980 ms; eu-central-1 within SLA',
      "probe prod/login (suite bank): CloudWatch's p95 above 800 ms in 2 of 3 locations at once (the quorum is 2, alert.minLocations), since 2026-12-08 03:03 UTC: eu-west-1 since 2026-12-08 03:01 UTC, us-east-1 since 2026-12-08 03:03 UTC. Seen from several regions: the API or something they all share, not one route.",
      'GET https://api.example.com/login',
    ]);
  });

  it('publishes one page when two regions deliver their breaches at once', async () => {
    const handler = notify();
    await handler(change('eu-west-1', 'latency-p95', 'ALARM', at(1), 2310), context);
    sns.resetHistory();

    await Promise.all([
      handler(change('us-east-1', 'latency-p95', 'ALARM', at(3), 1980), context),
      handler(change('eu-central-1', 'latency-p95', 'ALARM', at(3), 1500), context),
    ]);

    expect(published().map((p) => p.Subject)).toEqual([
      expect.stringMatching(/^BREACH prod\/login p95 from 2 of 3 locations: /),
    ]);
  });

  it('closes the incident once below the quorum: one recovery, naming the location still breaching', async () => {
    const handler = notify();
    const store = createRunStore(table.dynamo, table.tableName, 90, 'bank');
    await handler(change('eu-west-1', 'latency-p95', 'ALARM', at(1), 2310), context);
    await handler(change('us-east-1', 'latency-p95', 'ALARM', at(3), 1980), context);
    // alert.recoverAfter (2) passing runs after the OK.
    for (const second of [10, 40]) {
      const run = storedRun({
        runId: `after-${second}`,
        startedAt: new Date(at(9, second)).toISOString(),
        latenciesUs: Array(20).fill(150_000),
      });
      await store.save({ ...run, environment: 'prod', probeId: 'login' });
    }
    sns.resetHistory();

    await handler(change('us-east-1', 'latency-p95', 'OK', at(9)), context);
    await handler(change('eu-west-1', 'latency-p95', 'OK', at(10)), context);

    const [recovery, ...more] = published();
    expect(more).toEqual([]);
    expect(recovery!.TopicArn).toBe(TOPIC);
    expect(recovery!.Subject).toBe('RECOVERED prod/login after 6 min: errorRate 0 % <= 1 %');
    // Told from home, where the dashboard is.
    expect(textOf(recovery!)).toContain('Dashboard: https://eu-west-1.console.aws.amazon.com/');
    const still = textOf(recovery!)
      .split('\n')
      .filter((l) => l.startsWith('Still breaching'));
    expect(documented(still)).toBe(true);
    expect(textOf(recovery!)).toContain(
      "Still breaching: eu-west-1 2,310 ms, 1 of 3 locations, below the quorum of 2 (alert.minLocations): a notice's matter now, not a page's.",
    );
  });

  it("tells a recovery held for its passing runs on the tick, still with the quorum's locations", async () => {
    const handler = notify();
    const store = createRunStore(table.dynamo, table.tableName, 90, 'bank');
    await handler(change('eu-west-1', 'latency-p95', 'ALARM', at(1), 2310), context);
    await handler(change('us-east-1', 'latency-p95', 'ALARM', at(3), 1980), context);
    await handler(change('us-east-1', 'latency-p95', 'OK', at(9)), context);
    for (const second of [10, 40]) {
      const run = storedRun({
        runId: `after-${second}`,
        startedAt: new Date(at(9, second)).toISOString(),
        latenciesUs: Array(20).fill(150_000),
      });
      await store.save({ ...run, environment: 'prod', probeId: 'login', location: 'us-east-1' });
    }
    sns.resetHistory();

    await handler(
      {
        version: '0',
        id: 'tick',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: ACCOUNT,
        time: new Date(at(12)).toISOString().replace(/\.\d+Z$/, 'Z'),
        region: 'eu-west-1',
        resources: [`arn:aws:events:eu-west-1:${ACCOUNT}:rule/perfprobe-bank-prod-NotifierTick`],
        detail: {},
      },
      context,
    );

    const [recovery, ...more] = published();
    expect(more).toEqual([]);
    expect(recovery!.Subject).toMatch(/^RECOVERED prod\/login after 9 min/);
    expect(textOf(recovery!)).toContain(
      'Still breaching: eu-west-1 2,310 ms, 1 of 3 locations, below the quorum of 2',
    );
  });

  it('damps a quorum that comes back before the recovery held: one FLAPPING page, later flaps counted', async () => {
    const handler = notify();
    await handler(change('eu-west-1', 'latency-p95', 'ALARM', at(1), 2310), context);
    await handler(change('us-east-1', 'latency-p95', 'ALARM', at(3), 1980), context);
    sns.resetHistory();

    // No passing runs follow the OKs: each recovery is held, each return of the quorum continues the incident.
    await handler(change('us-east-1', 'latency-p95', 'OK', at(5)), context);
    await handler(change('us-east-1', 'latency-p95', 'ALARM', at(6), 2100), context);
    await handler(change('us-east-1', 'latency-p95', 'OK', at(7)), context);
    await handler(change('us-east-1', 'latency-p95', 'ALARM', at(8), 2200), context);

    const subjects = published().map((p) => p.Subject);
    expect(subjects).toEqual(['FLAPPING prod/login p95 from 2 of 3 locations again 1 min after OK']);
    expect(textOf(published()[0]!).split('\n')[1]).toBe(
      'BREACH prod/login p95 from 2 of 3 locations: eu-west-1 2,310 ms, us-east-1 2,100 ms; eu-central-1 within SLA',
    );
    const [incident] = await createIncidentStore(table.dynamo, table.tableName).list('prod');
    expect(incident).toMatchObject({
      flaps: 2,
      dedupKey: `perfprobe.bank.prod.probe.login.latency-p95@${new Date(at(3)).toISOString()}`,
    });
  });

  it('keeps cannot-measure per location, its page naming the location, one incident each', async () => {
    const handler = notify();
    const store = createRunStore(table.dynamo, table.tableName, 90, 'bank');
    // us-east-1's runs are invalid, eu-central-1's two are valid until its last: each page reads its own.
    const runs = [
      ['us-east-1', 'us-1', 0, false],
      ['us-east-1', 'us-2', 30, false],
      ['eu-central-1', 'eu-1', 0, true],
      ['eu-central-1', 'eu-2', 30, false],
    ] as const;
    for (const [location, runId, second, valid] of runs) {
      const run = storedRun({
        runId,
        startedAt: new Date(at(1, second)).toISOString(),
        latenciesUs: [150_000],
        valid,
      });
      await store.save({ ...run, environment: 'prod', probeId: 'login', location });
    }

    await handler(change('eu-central-1', 'cannot-measure', 'ALARM', at(2)), context);
    await handler(change('us-east-1', 'cannot-measure', 'ALARM', at(2)), context);

    const subjects = published().map((p) => p.Subject);
    expect(subjects).toEqual([
      'CANNOT MEASURE prod/login from eu-central-1: invalid runs (the alarm pages at 3 in a row)',
      'CANNOT MEASURE prod/login from us-east-1: invalid runs (the alarm pages at 3 in a row)',
    ]);
    const [central, east] = published().map(textOf);
    expect(central!.split('\n')[0]).toContain('in its last 1 stored run');
    expect(east!.split('\n')[0]).toContain('in its last 2 stored runs');
    const incidents = await createIncidentStore(table.dynamo, table.tableName).list('prod');
    expect(incidents.map((i) => [i.location, i.dedupKey])).toEqual([
      [
        'eu-central-1',
        `perfprobe.bank.prod.probe.login.cannot-measure@eu-central-1@${new Date(at(2)).toISOString()}`,
      ],
      [
        'us-east-1',
        `perfprobe.bank.prod.probe.login.cannot-measure@us-east-1@${new Date(at(2)).toISOString()}`,
      ],
    ]);
  });
});

describe('the notifier reading each location from its own runs table', () => {
  it("pages a location's cannot-measure from that location's table, its runs tagged as they are read", async () => {
    const others = { 'eu-central-1': await localRunsTable(), 'us-east-1': await localRunsTable() };
    try {
      const tables = { 'eu-west-1': table, ...others };
      const stores = Object.fromEntries(
        Object.entries(tables).map(([location, t]) => [
          location,
          createRunStore(t.dynamo, t.tableName, 90, 'bank'),
        ]),
      );
      // Stored as before runs carried their location: only the table says where they ran.
      const invalid = (runId: string, second: number) => ({
        ...storedRun({
          runId,
          startedAt: new Date(at(1, second)).toISOString(),
          latenciesUs: [150_000],
          valid: false,
        }),
        environment: 'prod',
        probeId: 'login',
      });
      await stores['us-east-1']!.save(invalid('us-1', 0));
      await stores['us-east-1']!.save(invalid('us-2', 20));
      await stores['eu-central-1']!.save(invalid('eu-1', 40));
      const handler = createNotifyHandler(
        () => deployed,
        () => ({ ...dependencies(), store: locationsStore(stores) }),
        { logger: new Logger({ logLevel: 'SILENT' }) },
      );

      await handler(change('us-east-1', 'cannot-measure', 'ALARM', at(2)), context);

      const [page] = published();
      expect(page!.Subject).toBe(
        'CANNOT MEASURE prod/login from us-east-1: invalid runs (the alarm pages at 3 in a row)',
      );
      expect(textOf(page!).split('\n')[0]).toContain('in its last 2 stored runs');
    } finally {
      await Promise.all(Object.values(others).map((t) => t.close()));
    }
  });
});

describe('the quorum store', () => {
  it('writes over the revision it read, and refuses a second writer of the same revision', async () => {
    const quorums = createQuorumStore(table.dynamo, table.tableName);
    const state = { alarmName: 'a', locations: {}, breached: false, noticed: [] };

    const first = await quorums.write('prod', state);
    const racing = await quorums.write('prod', { ...state, breached: true });
    const next = await quorums.write('prod', { ...first!, breached: true });
    const stale = await quorums.write('prod', { ...first!, noticed: ['eu-west-1'] });

    expect([first?.revision, racing, next?.revision, stale]).toEqual([1, undefined, 2, undefined]);
    expect(await quorums.read('prod', 'a')).toEqual({ ...state, breached: true, revision: 2 });
  });
});

describe("one cause, one page, per location: that location's machinery alarms hold its own cannot-measure", () => {
  const cloudWatch = mockClient(CloudWatchClient);
  afterEach(() => cloudWatch.reset());

  it("holds us-east-1's cannot-measure while its worker alarm fires there, and pages eu-central-1's", async () => {
    const store = createRunStore(table.dynamo, table.tableName, 90, 'bank');
    // Both locations lost their shard (a worker failed); only us-east-1's worker alarm is in ALARM.
    for (const location of ['us-east-1', 'eu-central-1']) {
      const run = storedRun({
        runId: `lost-${location}`,
        startedAt: new Date(at(1)).toISOString(),
        latenciesUs: [],
        valid: false,
      });
      await store.save({ ...run, environment: 'prod', probeId: 'login', location, partial: true });
    }
    const east = new CloudWatchClient({ region: 'us-east-1' });
    const central = new CloudWatchClient({ region: 'eu-central-1' });
    cloudWatch.callsFake((input) => {
      const inEast = cloudWatch.call(cloudWatch.calls().length - 1).thisValue === east;
      const prefix = (input as { AlarmNamePrefix?: string }).AlarmNamePrefix;
      return prefix !== undefined && inEast
        ? {
            MetricAlarms: [
              {
                AlarmName: 'perfprobe.bank.prod.system.checks-worker-errors',
                StateValue: 'ALARM',
                StateUpdatedTimestamp: new Date(at(1, 30)),
              },
            ],
          }
        : { MetricAlarms: [] };
    });
    const handler = createNotifyHandler(
      () => deployed,
      () => ({
        ...dependencies(),
        cloudWatchAt: (region: string) => (region === 'us-east-1' ? east : central),
      }),
      { logger: new Logger({ logLevel: 'SILENT' }) },
    );

    const heldEast = await handler(change('us-east-1', 'cannot-measure', 'ALARM', at(2)), context);
    await handler(change('eu-central-1', 'cannot-measure', 'ALARM', at(2)), context);

    expect(heldEast).toMatchObject({
      notified: false,
      why: expect.stringMatching(
        /^perfprobe itself is failing: perfprobe\.bank\.prod\.system\.checks-worker-errors is in ALARM/,
      ),
    });
    expect(published().map((p) => p.Subject)).toEqual([
      'CANNOT MEASURE prod/login from eu-central-1: invalid runs (the alarm pages at 3 in a row)',
    ]);
  });
});
