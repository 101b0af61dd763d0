import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIncidentStore } from '../../../functions/adapters/dynamo-incident-store.ts';
import { createRunStore } from '../../../functions/adapters/dynamo-run-store.ts';
import { createSilenceStore } from '../../../functions/adapters/dynamo-silence-store.ts';
import { type DeployedSuite, deploySuite } from '../../../functions/core/cloud/deployed-suite.ts';
import { validateSuite } from '../../../functions/core/suite/validate-suite.ts';
import { createNotifyHandler, type NotifyDependencies } from '../../../functions/handlers/notify.ts';
import { storedRun } from '../../helpers/stored-runs.ts';
import { type LocalRunsTable, localRunsTable } from './runs-table.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:alarms';
const WARN_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:warnings';
const sns = mockClient(SNSClient);
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
const AT = Date.UTC(2026, 10, 30, 3, 12);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let table: LocalRunsTable;
let deployed: DeployedSuite;

beforeAll(async () => {
  deployed = deploySuite(
    validateSuite({
      name: 'bank',
      environments: { prod: { baseUrl: 'https://api.example.com' } },
      probes: [
        {
          id: 'login',
          request: { url: '/login' },
          schedule: 'rate(1 minute)',
          slo: { window: '30d', availability: '99.9%' },
        },
      ],
    }),
    'prod',
  );
  table = await localRunsTable();
  const store = createRunStore(table.dynamo, table.tableName, 90, 'bank');
  const at = (ms: number) => new Date(AT - ms).toISOString();
  // 101,000 requests in the window, 29 failed (71 % of 101 allowed left); the last hour 16 of 1,000 (16×).
  for (const run of [
    storedRun({ runId: 'old', startedAt: at(10 * DAY), latenciesUs: Array(98_987).fill(20_000), failed: 13 }),
    storedRun({ runId: 'mid', startedAt: at(2 * DAY), latenciesUs: Array(1_000).fill(20_000) }),
    storedRun({ runId: 'now', startedAt: at(HOUR / 2), latenciesUs: Array(984).fill(20_000), failed: 16 }),
  ]) {
    await store.save({ ...run, environment: 'prod', probeId: 'login' });
  }
}, 60_000);

afterAll(async () => {
  await table?.close();
});

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
});

function dependencies(): NotifyDependencies {
  return {
    store: createRunStore(table.dynamo, table.tableName, 90, 'bank'),
    incidents: createIncidentStore(table.dynamo, table.tableName),
    silences: createSilenceStore(table.dynamo, table.tableName),
    sns: new SNSClient({ region: 'eu-west-1' }),
    cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }),
    killSwitch: async () => 'off',
    killSwitchParameter: undefined,
    topicArn: TOPIC,
    warnTopicArn: WARN_TOPIC,
    table: table.tableName,
  } as NotifyDependencies;
}

/** A composite alarm's state change, as CloudWatch sends one (no metrics, the rule in its configuration). */
function compositeChange(kind: string) {
  const alarmName = `perfprobe.bank.prod.probe.login.${kind}`;
  return {
    version: '0',
    id: `event-${kind}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: new Date(AT).toISOString(),
    region: 'eu-west-1',
    resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      configuration: { description: 'burning', alarmRule: 'ALARM(long) AND ALARM(short)' },
      previousState: { value: 'OK', reason: 'earlier', timestamp: '2026-11-29T03:12:00.000+0000' },
      state: {
        value: 'ALARM',
        reason: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:long transitioned to ALARM',
        timestamp: new Date(AT).toISOString().replace('Z', '+0000'),
      },
    },
  };
}

describe('the notifier on an SLO burn alert', () => {
  const notify = createNotifyHandler(() => deployed, dependencies, {
    logger: new Logger({ logLevel: 'SILENT' }),
  });

  it("pages the fast burn to on-call's topic with the budget counted from the whole window's stored runs", async () => {
    const outcome = await notify(compositeChange('slo-availability-fast'), context);

    expect(outcome).toMatchObject({ notified: true });
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject).toBe('SLO BURN prod/login availability 99.9 %/30d: 16x burn, 71 % budget left');
    expect(JSON.parse(input.Message!).default).toContain(
      'SLO BURN: login availability 99.9 %/30d: burning 16× over the last hour, 71 % of the budget left, gone in 1 day 8 h at this rate.',
    );
  });

  it('sends the 1× three-day burn as a notice to the warn-level topic', async () => {
    await notify(compositeChange('slo-availability-budget'), context);

    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.TopicArn).toBe(WARN_TOPIC);
    expect(calls[0]!.args[0].input.Subject).toBe(
      'SLO NOTICE prod/login availability 99.9 %/30d: 8x burn, 71 % budget left',
    );
  });
});
