import type { DeployedNames } from '../cloud/deployed-suite.ts';
import { type AlarmStateChangeEvent, alarmTime, latestDatapoint } from './alarm-event.ts';
import { formatInstant } from './figures.ts';
import { environmentNotification } from './messages/page.ts';
import { clipTo, linkLines, linksOf, runsText, stackLabel } from './messages/parts.ts';
import { type Notification, SUBJECT_MAX } from './notification.ts';

/** The alarm on the schedules' dead-letter queue, as systemAlarmName names it after "system.". */
export const SCHEDULE_DEAD_LETTERS = 'schedule-dead-letters';

/** SQS hands out at most 10 messages per ReceiveMessage: the peek reads one batch. */
export const PEEK_MAX = 10;

/** One message of the queue, as the peek read it (string message attributes only). */
export interface DeadLetter {
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** What the peek found: the messages, or why it could not read them (the page goes out anyway). */
export type DeadLetterPeek =
  | { readonly read: true; readonly messages: readonly DeadLetter[] }
  | { readonly read: false; readonly why: string };

/**
 * The likely fix for an error EventBridge Scheduler left in a dead-letter message (its ERROR_CODE and
 * ERROR_MESSAGE attributes), for a schedule whose target is StartExecution of a state machine. The first rule
 * that matches wins.
 */
const FIXES: readonly [RegExp, string][] = [
  [
    /AccessDenied|not authorized|Unauthorized|AssumeRole|KMS/i,
    "the schedules' role cannot start the state machine (states:StartExecution), or scheduler.amazonaws.com may no longer assume it: redeploy the stack to restore the role and its policy, and look for a permissions boundary or SCP that denies states:StartExecution.",
  ],
  [
    /ResourceNotFound|StateMachineDoesNotExist|StateMachineDeleting|does not exist|not found/i,
    'the state machine the schedule starts was deleted or renamed outside this stack: redeploy the stack so the schedule targets its state machine again.',
  ],
  [
    /Throttl|ExecutionLimitExceeded|TooManyRequests|Rate exceeded|LimitExceeded/i,
    "Step Functions refused the start: executions are over the account's limit in this region (open executions or the StartExecution rate). Lower how many probes run at once or how often, or raise the Step Functions quota.",
  ],
  [
    /InvalidExecutionInput|InvalidParameter|Validation|InvalidArn/i,
    "the state machine refused the schedule's request: redeploy the stack so the schedules and the state machines come from the same deploy.",
  ],
];

export function deadLetterFix(code: string, message: string): string {
  const text = `${code}\n${message}`;
  for (const [pattern, fix] of FIXES) if (pattern.test(text)) return fix;
  return "EventBridge Scheduler's error above names the cause; read the messages (command below) for the rest of their attributes.";
}

/** "arn:aws:scheduler:eu-west-1:123:schedule/default/NAME" → NAME. */
function scheduleName(arn: string | undefined): string | undefined {
  const match = arn === undefined ? null : /:schedule\/[^/]+\/(.+)$/.exec(arn);
  return match?.[1];
}

/**
 * Which probe a dead letter is about. The body is the schedule's target input ({ probeId, scheduledTime }, see
 * ProbeSuite), which names the probe directly; a truncated or foreign body leaves the schedule's name.
 */
function whose(letter: DeadLetter, probeIds: ReadonlySet<string>): string {
  let probeId: unknown;
  try {
    probeId = (JSON.parse(letter.body) as { probeId?: unknown }).probeId;
  } catch {
    probeId = undefined;
  }
  const schedule = scheduleName(letter.attributes.SCHEDULE_ARN);
  if (typeof probeId === 'string' && probeIds.has(probeId)) return `probe ${probeId}`;
  if (typeof probeId === 'string') return `probe ${probeId} (not a probe of this deployment any more)`;
  return schedule ? `schedule ${schedule}` : 'an unnamed schedule (no SCHEDULE_ARN attribute, body not JSON)';
}

interface Group {
  readonly who: string;
  readonly code: string;
  readonly message: string;
  readonly target: string | undefined;
  readonly times: string[];
}

/** One line per (probe, error), the oldest scheduled time first: several misses of one cause read as one. */
function groups(messages: readonly DeadLetter[], probeIds: ReadonlySet<string>): Group[] {
  const byKey = new Map<string, Group>();
  for (const letter of messages) {
    const a = letter.attributes;
    // Scheduler's attributes; a message without them is still counted, its cause said to be unknown.
    const code = a.ERROR_CODE ?? 'no ERROR_CODE attribute';
    const message = a.ERROR_MESSAGE ?? '';
    const who = whose(letter, probeIds);
    const key = `${who}\n${code}\n${message}`;
    const group = byKey.get(key) ?? { who, code, message, target: a.TARGET_ARN, times: [] };
    if (a.SCHEDULED_TIME) group.times.push(a.SCHEDULED_TIME);
    else group.times.push('');
    byKey.set(key, group);
  }
  return [...byKey.values()];
}

function when(times: readonly string[]): string {
  const known = times
    .filter((t) => t !== '')
    .map((t) => Date.parse(t))
    .filter((ms) => !Number.isNaN(ms))
    .sort((a, b) => a - b);
  const count = runsText(times.length, 'message');
  if (known.length === 0) return count;
  const first = formatInstant(known[0]!);
  const last = formatInstant(known.at(-1)!);
  return `${count}, scheduled ${first === last ? first : `${first} to ${last}`}`;
}

export interface ScheduleDeadLettersInput {
  readonly event: AlarmStateChangeEvent;
  readonly names: DeployedNames;
  readonly probeIds: readonly string[];
  readonly peek: DeadLetterPeek;
  /** The queue's URL, for the commands; undefined when the notifier was not told it. */
  readonly queueUrl: string | undefined;
  readonly dedupKey: string;
  readonly dashboard?: boolean | undefined;
}

/**
 * The detail page for the schedules' dead-letter alarm: which probes' runs did not start, EventBridge
 * Scheduler's error for each and its likely fix, how many messages wait, and the commands to read and purge
 * them. It goes out under the alarm's own name, so an integration that deduplicates on it folds it into the
 * page CloudWatch itself sent.
 */
export function scheduleDeadLettersNotification(input: ScheduleDeadLettersInput): Notification {
  const { event, names, peek, queueUrl, dedupKey } = input;
  const { detail } = event;
  const label = stackLabel(names.alarmPrefix);
  const links = linksOf({ event, names, dashboard: input.dashboard });
  const counted = latestDatapoint(detail.state.reasonData);
  const url = queueUrl ?? '<the queue URL: the SQS console, queue of the stack named *ScheduleDeadLetters*>';
  const region = `--region ${event.region}`;
  const read = `aws sqs receive-message --queue-url ${url} --attribute-names All --message-attribute-names All --max-number-of-messages ${PEEK_MAX} --visibility-timeout 0 ${region}`;
  const purge = `aws sqs purge-queue --queue-url ${url} ${region}`;
  const head = `PERFPROBE FAILING (${label}): EventBridge Scheduler could not start a probe's run and left the reason in the schedules' dead-letter queue. Those runs did not happen; the probes' heartbeats will follow if it goes on.`;

  let subject: string;
  let body: string[];
  if (!peek.read) {
    subject = `PERFPROBE FAILING ${label}: a schedule could not start a run (dead letters not read)`;
    body = [
      `The notifier could not read the dead letters (${peek.why}), so this message cannot say which probe or why${counted === undefined ? '' : `; CloudWatch counted ${counted} new`}.`,
      /AccessDenied|not authorized/i.test(peek.why)
        ? "Likely fix for the notifier: its role needs sqs:ReceiveMessage on the queue (redeploy the stack); the schedules' own failure is in the messages."
        : /NonExistentQueue|QueueDoesNotExist|does not exist/i.test(peek.why)
          ? 'Likely fix for the notifier: the queue was deleted outside the stack; redeploy it (the schedules lose their dead letters meanwhile).'
          : 'Read the messages yourself: their ERROR_CODE and ERROR_MESSAGE attributes say why.',
    ];
  } else if (peek.messages.length === 0) {
    subject = `PERFPROBE FAILING ${label}: a schedule could not start a run (queue empty now)`;
    body = [
      `No dead letter is visible now${counted === undefined ? '' : ` (CloudWatch counted ${counted} new)`}: someone is reading them or purged the queue. The alarm counts new dead letters, not the queue's depth: it returns to OK after a period without one, and fires again for the next.`,
    ];
  } else {
    const probeIds = new Set(input.probeIds);
    const found = groups(peek.messages, probeIds);
    const probes = [...new Set(found.map((g) => g.who.replace(/^probe /, '').replace(/ \(.*$/, '')))];
    const codes = [...new Set(found.map((g) => g.code))];
    const cause = `(${codes[0]}${codes.length > 1 ? ` +${codes.length - 1}` : ''})`;
    subject = `PERFPROBE FAILING ${label}: runs of ${probes.join(', ')} not started ${cause}`;
    // Many probes: their count, so the error code stays in the subject.
    if (subject.length > SUBJECT_MAX) {
      subject = `PERFPROBE FAILING ${label}: runs of ${probes.length} probes not started ${cause}`;
    }
    const full = peek.messages.length >= PEEK_MAX;
    body = [
      `Dead letters: ${full ? `at least ${peek.messages.length}` : peek.messages.length} waiting (read without taking them off the queue${counted === undefined ? '' : `; CloudWatch counted ${counted} new`})${full ? `; the first ${PEEK_MAX} are below` : ''}:`,
      ...found.flatMap((g) => [
        `  - ${g.who} (${when(g.times)}${g.target ? `, target ${g.target.split(':').at(-1)}` : ''}): ${g.code}${g.message ? `: ${clipTo(g.message, 400)}` : ''}`,
        `    Likely fix: ${deadLetterFix(g.code, g.message)}`,
      ]),
    ];
  }
  const text = [
    head,
    '',
    ...body,
    `Read them: ${read}`,
    // The alarm counts messages sent to the queue (NumberOfMessagesSent), so it clears by itself; a purge only
    // keeps old letters out of the next page's list.
    `Once fixed, purge them, so the next page lists only new ones (the alarm returns to OK by itself): ${purge}`,
    '',
    `CloudWatch says: ${detail.state.reason}`,
    `Since ${formatInstant(alarmTime(detail.state.timestamp))}.`,
    '',
    ...linkLines(links, undefined, dedupKey),
  ].join('\n');
  return environmentNotification('perfprobe-failing', dedupKey, subject, text, links);
}
