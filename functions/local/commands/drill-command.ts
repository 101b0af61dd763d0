import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { SNSClient } from '@aws-sdk/client-sns';
import { deployedLocations, homeOf, locationStackName } from '../../core/cloud/deployed-locations.ts';
import { deployedNames, deploySuite } from '../../core/cloud/deployed-suite.ts';
import type { Suite } from '../../core/suite/schema.ts';
import { durationFlag, FlagProblems } from '../flag-values.ts';
import { loadSuite } from '../load-suite.ts';
import { UsageError } from '../usage-error.ts';
import { describeHint, stackOutputs } from './deployed-table.ts';
import { pickEnvironment } from './suite-selection.ts';

/** The stack outputs a drill reads (fixed keys, see ProbeSuite's outputs). */
export const DRILL_OUTPUTS = {
  alarm: 'DrillAlarm',
  topic: 'AlarmTopic',
  notifierLogs: 'NotifierLogGroup',
} as const;

/** The watch topic's output: read when the stack has it (its subscriptions are checked like the alarm topic's). */
const WATCH_TOPIC_OUTPUT = 'WatchTopic';

/** How long the drill waits for every hop by default: SNS publishes its delivery metrics a minute or more late. */
const WAIT_DEFAULT = '5m';
/** Longer says nothing more: SNS's metrics are there within minutes, and the alarm stays raised meanwhile. */
const WAIT_MAX_MS = 30 * 60_000;
/** Between two reads of what is not known yet. */
const POLL_MS = 15_000;

export type HopResult = 'passed' | 'failed' | 'unknown';

/** One hop of the paging path and what the drill found. */
export interface Hop {
  readonly name: string;
  readonly result: HopResult | 'pending';
  readonly detail: string;
}

export interface DrillClients {
  readonly cloudWatch: CloudWatchClient;
  /**
   * With several locations, drilling another location than home: CloudWatch and CloudFormation in that
   * location's region (its drill alarm is raised and read there; the page is read at home).
   */
  readonly location?: {
    readonly cloudWatch: CloudWatchClient;
    readonly cloudFormation?: CloudFormationClient;
  };
  readonly logs: CloudWatchLogsClient;
  readonly cloudFormation?: CloudFormationClient | undefined;
  readonly sns: SNSClient;
}

export interface DrillOptions {
  readonly suitePath: string;
  readonly env?: string | undefined;
  readonly region?: string | undefined;
  /** With several locations: whose drill alarm to raise (default home). */
  readonly location?: string | undefined;
  /** How long to wait for the alarm's history, the notifier's page and the topic's deliveries. @default 5m */
  readonly wait?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly out?: NodeJS.WritableStream;
  /** For tests: the clients (the SDK's otherwise), the clock and the pause between reads. */
  readonly clients?: DrillClients;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Target {
  readonly alarm: string;
  readonly topicName: string;
  /** The topics whose subscriptions must be confirmed: the alarm topic, and the watch topic when deployed. */
  readonly topicArns: readonly string[];
  readonly logGroup: string;
  readonly startMs: number;
  readonly drillId: string;
}

const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * `perfprobe drill`: proves the paging path after a deploy, with the operator's own credentials. It raises the
 * stack's drill alarm (SetAlarmState ALARM), then reads back each hop: the alarm's history (the state change
 * CloudWatch recorded), the notifier's log (the page it published, or why not) and the topic's delivery metrics
 * (delivered or failed) and the topics' subscriptions (none pending confirmation), and finally sets the alarm
 * back to OK. Each hop is passed, failed (with what AWS said) or unknown (it could not be read); exit 0 only
 * when every hop passed.
 */
export async function drillCommand(options: DrillOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? pause;
  const suite = await loadSuite(options.suitePath);
  const env = pickEnvironment(suite, options.env);
  const problems = new FlagProblems();
  const waitMs = durationFlag(problems, '--wait', options.wait ?? WAIT_DEFAULT, WAIT_MAX_MS) ?? 0;
  if (problems.messages.length > 0) throw new UsageError(problems.messages.join('\n'));
  const where = drillStacks(suite, env, options);
  const { region, stack } = where.home;
  const clients = options.clients ?? (await sdkClients(region, where.drilled?.region));
  try {
    const outputs = await stackOutputs(stack, env, region, clients, {
      what: "the drill's alarm",
      hint: `read them with ${describeHint(stack, region)}`,
    });
    const missing = Object.values(DRILL_OUTPUTS).filter((key) => !outputs[key]);
    if (missing.length > 0) {
      throw new UsageError(
        `stack ${stack} in ${region} has no ${missing.join(', ')} output: it was deployed by an older perfprobe; deploy this version (cdk deploy -c env=${env}) and drill again`,
      );
    }
    // Another location's drill alarm: raised in its region, its page read at home (the path it proves).
    const drilled = where.drilled;
    const alarm = drilled
      ? (
          await stackOutputs(
            drilled.stack,
            env,
            drilled.region,
            { cloudFormation: clients.location?.cloudFormation },
            {
              what: "the location's drill alarm",
              hint: `read them with ${describeHint(drilled.stack, drilled.region)}`,
            },
          )
        )[DRILL_OUTPUTS.alarm]
      : outputs[DRILL_OUTPUTS.alarm];
    if (!alarm) {
      throw new UsageError(
        `stack ${drilled?.stack} in ${drilled?.region} has no ${DRILL_OUTPUTS.alarm} output: deploy this version (cdk deploy -c env=${env}) and drill again`,
      );
    }
    const startMs = now();
    const target: Target = {
      alarm,
      topicName: outputs[DRILL_OUTPUTS.topic]!.split(':').at(-1)!,
      topicArns: [
        outputs[DRILL_OUTPUTS.topic]!,
        ...(outputs[WATCH_TOPIC_OUTPUT] ? [outputs[WATCH_TOPIC_OUTPUT]] : []),
      ],
      logGroup: outputs[DRILL_OUTPUTS.notifierLogs]!,
      startMs,
      drillId: new Date(startMs).toISOString(),
    };
    const from = drilled
      ? `stack ${drilled.stack}, ${drilled.region}; paged from ${stack}, ${region}`
      : `stack ${stack}, ${region}`;
    out.write(`drill ${target.alarm} (${from}): up to ${options.wait ?? WAIT_DEFAULT}\n`);
    const hops = await drill(clients, target, { now, sleep, waitMs, signal: options.signal });
    const width = Math.max(...hops.map((h) => h.name.length));
    for (const hop of hops) out.write(`  ${hop.result.padEnd(8)} ${hop.name.padEnd(width)}  ${hop.detail}\n`);
    const notPassed = hops.filter((h) => h.result !== 'passed').length;
    out.write(
      notPassed === 0
        ? 'every hop passed: a page reaches on-call\n'
        : `${notPassed} of ${hops.length} hops did not pass\n`,
    );
    return notPassed === 0 ? 0 : 1;
  } finally {
    if (!options.clients) {
      clients.cloudWatch.destroy();
      clients.logs.destroy();
      clients.cloudFormation?.destroy();
      clients.sns.destroy();
      clients.location?.cloudWatch.destroy();
      clients.location?.cloudFormation?.destroy();
    }
  }
}

async function sdkClients(region: string, locationRegion?: string): Promise<DrillClients> {
  // The SDKs load on use: every other command starts without them.
  const [{ CloudWatchClient }, { CloudWatchLogsClient }, { CloudFormationClient }, { SNSClient }] =
    await Promise.all([
      import('@aws-sdk/client-cloudwatch'),
      import('@aws-sdk/client-cloudwatch-logs'),
      import('@aws-sdk/client-cloudformation'),
      import('@aws-sdk/client-sns'),
    ]);
  return {
    cloudWatch: new CloudWatchClient({ region }),
    logs: new CloudWatchLogsClient({ region }),
    cloudFormation: new CloudFormationClient({ region }),
    sns: new SNSClient({ region }),
    ...(locationRegion === undefined
      ? {}
      : {
          location: {
            cloudWatch: new CloudWatchClient({ region: locationRegion }),
            cloudFormation: new CloudFormationClient({ region: locationRegion }),
          },
        }),
  };
}

interface StackAt {
  readonly stack: string;
  readonly region: string;
}

/**
 * Where the drill reads: the environment's stack (one location or none: `--region`), or with several locations
 * home's stack in home's region, and with `--location` another one, whose drill alarm is raised.
 */
function drillStacks(
  suite: Suite,
  env: string,
  options: Pick<DrillOptions, 'region' | 'location'>,
): { readonly home: StackAt; readonly drilled?: StackAt } {
  const deployed = deploySuite(suite, env);
  const names = deployedNames(suite.name, env);
  const locations = deployedLocations(deployed);
  if (locations.length <= 1) {
    if (options.location !== undefined && options.location !== locations[0]) {
      throw new UsageError(
        `--location: expected one of the locations of ${env} (${locations.join(', ') || 'it names none'}), got "${options.location}"`,
      );
    }
    const region = options.region ?? locations[0] ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError("--region: expected the stack's region (or set AWS_REGION)");
    return { home: { stack: names.stack, region } };
  }
  if (options.region !== undefined) {
    throw new UsageError(
      `--region: ${env} runs in several locations (${locations.join(', ')}), each stack in its own region: use --location`,
    );
  }
  const home = homeOf(deployed)!;
  const homeAt = { stack: locationStackName(names, home), region: home };
  const location = options.location ?? home;
  if (!locations.includes(location)) {
    throw new UsageError(`--location: expected one of ${locations.join(', ')}, got "${location}"`);
  }
  return location === home
    ? { home: homeAt }
    : { home: homeAt, drilled: { stack: locationStackName(names, location), region: location } };
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A hop read: final (passed, failed), not there yet (pending), or unreadable this time (unknown). */
type Read = (clients: DrillClients, target: Target) => Promise<Hop>;

const READS: readonly Read[] = [alarmHistory, notifierPage, topicDelivery, subscriptionsConfirmed];

/** Raise, read every hop until each is final or the wait is over, then lower. */
async function drill(
  clients: DrillClients,
  target: Target,
  wait: {
    readonly now: () => number;
    readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
    readonly waitMs: number;
    readonly signal: AbortSignal | undefined;
  },
): Promise<Hop[]> {
  const raised = await setState(clients, target, 'ALARM');
  let hops: Hop[];
  if (raised.result !== 'passed') {
    hops = READS.map((_, i) => ({
      name: HOP_NAMES[i]!,
      result: 'unknown',
      detail: 'not read: the drill alarm could not be raised',
    }));
    return [raised, ...hops];
  }
  hops = READS.map((_, i) => ({ name: HOP_NAMES[i]!, result: 'pending', detail: '' }));
  const deadline = target.startMs + wait.waitMs;
  for (;;) {
    hops = await Promise.all(
      READS.map((read, i) => (isFinal(hops[i]!) ? hops[i]! : read(clients, target).catch(unreadable(i)))),
    );
    if (hops.every(isFinal) || wait.now() >= deadline || wait.signal?.aborted) break;
    await wait.sleep(Math.min(POLL_MS, Math.max(0, deadline - wait.now())), wait.signal);
  }
  // Lowered whatever the reads found: CloudWatch would put it back to OK at its next evaluation anyway.
  const lowered = await setState(clients, target, 'OK');
  const waited = wait.signal?.aborted
    ? 'the drill was interrupted'
    : `not seen within ${wait.waitMs / 1000} s`;
  return [
    raised,
    ...hops.map(
      (h): Hop => (h.result === 'pending' ? { ...h, result: 'failed', detail: `${h.detail}${waited}` } : h),
    ),
    lowered,
  ];
}

const HOP_NAMES = ['alarm history', 'notifier paged', 'topic delivered', 'subscriptions confirmed'] as const;

const isFinal = (hop: Hop) => hop.result === 'passed' || hop.result === 'failed';

const unreadable = (i: number) => (error: unknown) =>
  ({ name: HOP_NAMES[i]!, result: 'unknown', detail: `could not be read: ${errorText(error)}` }) as const;

async function setState(clients: DrillClients, target: Target, state: 'ALARM' | 'OK'): Promise<Hop> {
  const { SetAlarmStateCommand } = await import('@aws-sdk/client-cloudwatch');
  const name = state === 'ALARM' ? 'raised to ALARM' : 'back to OK';
  try {
    await (clients.location?.cloudWatch ?? clients.cloudWatch).send(
      new SetAlarmStateCommand({
        AlarmName: target.alarm,
        StateValue: state,
        StateReason:
          state === 'ALARM'
            ? `perfprobe drill ${target.drillId}: proving the paging path, nothing is broken`
            : `perfprobe drill ${target.drillId}: over`,
      }),
    );
    return { name, result: 'passed', detail: `SetAlarmState ${state} accepted` };
  } catch (error) {
    return { name, result: 'failed', detail: errorText(error) };
  }
}

/** CloudWatch recorded the drill's change into ALARM. */
async function alarmHistory(clients: DrillClients, target: Target): Promise<Hop> {
  const { DescribeAlarmHistoryCommand } = await import('@aws-sdk/client-cloudwatch');
  const { AlarmHistoryItems } = await (clients.location?.cloudWatch ?? clients.cloudWatch).send(
    new DescribeAlarmHistoryCommand({
      AlarmName: target.alarm,
      HistoryItemType: 'StateUpdate',
      StartDate: new Date(target.startMs),
      ScanBy: 'TimestampAscending',
    }),
  );
  const raised = (AlarmHistoryItems ?? []).find((item) => newState(item.HistoryData) === 'ALARM');
  return raised
    ? {
        name: HOP_NAMES[0],
        result: 'passed',
        detail: `${raised.HistorySummary ?? 'into ALARM'} at ${raised.Timestamp?.toISOString() ?? '?'}`,
      }
    : { name: HOP_NAMES[0], result: 'pending', detail: 'no change into ALARM recorded: ' };
}

function newState(historyData: string | undefined): string | undefined {
  try {
    return (JSON.parse(historyData ?? '{}') as { newState?: { stateValue?: string } }).newState?.stateValue;
  } catch {
    return undefined;
  }
}

/** The notifier's log line for the drill's ALARM: "notified" with the DRILL page, or "not notified" and why. */
async function notifierPage(clients: DrillClients, target: Target): Promise<Hop> {
  const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const { events } = await clients.logs.send(
    new FilterLogEventsCommand({
      logGroupName: target.logGroup,
      startTime: target.startMs,
      filterPattern: `{ $.alarm = "${target.alarm}" }`,
    }),
  );
  const lines = (events ?? []).flatMap((e) => {
    try {
      return [JSON.parse(e.message ?? '') as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  const paged = lines.find((l) => l.message === 'notified' && l.kind === 'drill');
  if (paged) {
    return {
      name: HOP_NAMES[1],
      result: 'passed',
      detail: `published "${String(paged.subject)}" (SNS message ${String(paged.messageId)})`,
    };
  }
  const refused = lines.find((l) => l.message === 'not notified');
  if (refused)
    return { name: HOP_NAMES[1], result: 'failed', detail: `not notified: ${String(refused.why)}` };
  return { name: HOP_NAMES[1], result: 'pending', detail: 'no page logged by the notifier: ' };
}

/** SNS delivered the topic's messages since the drill began, and none failed. */
async function topicDelivery(clients: DrillClients, target: Target): Promise<Hop> {
  const { GetMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
  const metric = (id: string, MetricName: string) => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/SNS',
        MetricName,
        Dimensions: [{ Name: 'TopicName', Value: target.topicName }],
      },
      Period: 60,
      Stat: 'Sum',
    },
  });
  // Whole minutes: SNS's metrics have one-minute datapoints, the one the drill started in included.
  const start = Math.floor(target.startMs / 60_000) * 60_000;
  const { MetricDataResults } = await clients.cloudWatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(start),
      EndTime: new Date(start + 60 * 60_000),
      MetricDataQueries: [
        metric('delivered', 'NumberOfNotificationsDelivered'),
        metric('failed', 'NumberOfNotificationsFailed'),
      ],
    }),
  );
  const sum = (id: string) =>
    (MetricDataResults ?? []).find((r) => r.Id === id)?.Values?.reduce((a, b) => a + b, 0) ?? 0;
  const [delivered, failed] = [sum('delivered'), sum('failed')];
  if (failed > 0) {
    return {
      name: HOP_NAMES[2],
      result: 'failed',
      detail: `${failed} deliveries of ${target.topicName} failed (${delivered} delivered): the subscriptions' dead-letter queues hold them, the watch topic pages for them`,
    };
  }
  return delivered > 0
    ? {
        name: HOP_NAMES[2],
        result: 'passed',
        detail: `${delivered} delivered by ${target.topicName}, none failed`,
      }
    : { name: HOP_NAMES[2], result: 'pending', detail: `no delivery by ${target.topicName}: ` };
}

/**
 * Every subscription of the alarm and watch topics is confirmed: SNS keeps an email subscription pending until
 * someone follows the link it mailed, and a pending one receives nothing, however well the rest of the path works.
 */
async function subscriptionsConfirmed(clients: DrillClients, target: Target): Promise<Hop> {
  const { ListSubscriptionsByTopicCommand } = await import('@aws-sdk/client-sns');
  const pending: string[] = [];
  const confirmed: string[] = [];
  for (const topicArn of target.topicArns) {
    const topic = topicArn.split(':').at(-1)!;
    let count = 0;
    let NextToken: string | undefined;
    do {
      const page = await clients.sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }),
      );
      for (const sub of page.Subscriptions ?? []) {
        if (sub.SubscriptionArn === 'PendingConfirmation') pending.push(`${endpointOf(sub)} on ${topic}`);
        else count++;
      }
      NextToken = page.NextToken;
    } while (NextToken);
    confirmed.push(`${count} on ${topic}`);
  }
  const name = HOP_NAMES[3];
  if (pending.length > 0) {
    return {
      name,
      result: 'failed',
      detail: `${pending.length} pending confirmation, so they receive nothing until confirmed (an email by the link AWS mailed, an endpoint by its SubscribeURL): ${pending.join(', ')}`,
    };
  }
  if (confirmed[0]!.startsWith('0 ')) {
    return {
      name,
      result: 'failed',
      detail: `no subscription on ${target.topicName}: no page reaches anyone`,
    };
  }
  return { name, result: 'passed', detail: `confirmed: ${confirmed.join(', ')}` };
}

/** What to call a subscription: an address as it is; an HTTP(S) endpoint by its host (its path may hold a key). */
function endpointOf(sub: { Protocol?: string | undefined; Endpoint?: string | undefined }): string {
  const protocol = sub.Protocol ?? '?';
  if (/^https?$/.test(protocol)) {
    try {
      return `${protocol} ${new URL(sub.Endpoint ?? '').host}`;
    } catch {
      return protocol;
    }
  }
  return `${protocol} ${sub.Endpoint ?? '?'}`;
}
