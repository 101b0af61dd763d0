import type { RunResult } from '../../run-result.ts';
import type { ConsoleLinks } from '../console-links.ts';
import { type Notification, type NotificationKind, SMS_MAX, SUBJECT_MAX } from '../notification.ts';
import {
  ascii,
  clipTo,
  fitSubject,
  linkLines,
  linksOf,
  type ProbeAlarm,
  runsCommand,
  type SinceWhen,
  sinceSms,
  smsText,
  who,
} from './parts.ts';

/** What a probe page's kind says; the links, runbook, dedupKey and SMS are the same for every kind. */
export interface ProbePage {
  readonly kind: NotificationKind;
  readonly subject: string;
  /** The first lines: what happened, to which probe. */
  readonly head: readonly string[];
  readonly body: readonly string[];
  /** The run the page is about. */
  readonly about: RunResult | undefined;
  /** For a page that opens an incident: since when, which the SMS repeats. */
  readonly since?: SinceWhen | undefined;
}

/** A probe alarm's page: its kind's words, then the links, the runbook and the incident. */
export function probeNotification(alarm: ProbeAlarm, page: ProbePage): Notification {
  const { probe, dedupKey } = alarm;
  const links = linksOf(alarm, probe);
  // The page goes out without its runs, with CloudWatch's own reason.
  const unavailable = alarm.runsUnavailable
    ? [
        `The stored runs could not be read (${alarm.runsUnavailable}); CloudWatch says: ${alarm.event.detail.state.reason}`,
      ]
    : [];
  const text = [
    ...page.head,
    '',
    ...unavailable,
    ...page.body,
    '',
    ...linkLines(links, probe.runbook, dedupKey, runsCommand(alarm)),
  ].join('\n');
  const subject = fitSubject(page.subject, who(probe));
  return {
    kind: page.kind,
    dedupKey,
    subject,
    text,
    sms: smsText(subject, page.since ? sinceSms(page.since) : '', probe.runbook),
    links,
    runbook: probe.runbook,
    runId: page.about?.runId,
  };
}

/**
 * A message about the environment rather than one probe (the machinery, the warn digest): no run, no runbook,
 * and its subject is its SMS.
 */
export function environmentNotification(
  kind: NotificationKind,
  dedupKey: string,
  subject: string,
  text: string,
  links: ConsoleLinks,
): Notification {
  const asciiSubject = clipTo(ascii(subject), SUBJECT_MAX);
  return {
    kind,
    dedupKey,
    subject: asciiSubject,
    text,
    sms: clipTo(asciiSubject, SMS_MAX),
    links,
    runbook: undefined,
    runId: undefined,
  };
}
