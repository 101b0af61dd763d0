import type { Notification, NotificationInput } from '../notification.ts';
import { environmentNotification } from './page.ts';
import { linkLines, linksOf, stackLabel } from './parts.ts';

/**
 * DRILL / DRILL OVER: `perfprobe drill` set the drill alarm to ALARM and back, to prove that a page reaches
 * on-call. DRILL leads the subject so nobody mistakes it for an incident; the OK's page closes the incident the
 * ALARM's opened (same dedupKey), so a paging service resolves it by itself.
 */
export function drillMessage(input: NotificationInput, opened: boolean, dedupKey: string): Notification {
  const links = linksOf(input);
  const label = stackLabel(input.names.alarmPrefix);
  const subject = opened
    ? `DRILL ${label}: paging path test, no action needed`
    : `DRILL OVER ${label}: paging path test ended`;
  const text = [
    opened
      ? `DRILL (${label}): this page is a test of the paging path, started with \`perfprobe drill\`. Nothing is broken and nothing needs doing; the drill sets the alarm back to OK by itself.`
      : `DRILL OVER (${label}): the drill alarm is back to OK. If you saw the DRILL page, the path from an alarm to you works.`,
    '',
    `CloudWatch says: ${input.event.detail.state.reason}`,
    '',
    ...linkLines(links, undefined, dedupKey),
  ].join('\n');
  return environmentNotification(opened ? 'drill' : 'drill-over', dedupKey, subject, text, links);
}
