import type { Notification, NotificationInput } from '../notification.ts';
import { environmentNotification } from './page.ts';
import { lastedOf, linkLines, linksOf, stackLabel } from './parts.ts';

/**
 * PERFPROBE FAILING / RECOVERED: the machinery's alarms and a probe's store failures. The alarm's own description
 * says what failed and the fix.
 */
export function machineryMessage(input: NotificationInput, opened: boolean, dedupKey: string): Notification {
  const { detail } = input.event;
  const links = linksOf(input);
  const label = stackLabel(input.names.alarmPrefix);
  const what = detail.alarmName.slice(input.names.alarmPrefix.length);
  const { lasted } = lastedOf(input);
  const subject = opened
    ? `PERFPROBE FAILING ${label}: ${what}`
    : `PERFPROBE RECOVERED ${label}: ${what} after ${lasted}`;
  const text = [
    opened
      ? `PERFPROBE FAILING (${label}): ${detail.configuration?.description ?? what}`
      : `PERFPROBE RECOVERED (${label}): ${what} is back to OK after ${lasted}.`,
    '',
    `CloudWatch says: ${detail.state.reason}`,
    '',
    ...linkLines(links, undefined, dedupKey),
  ].join('\n');
  const kind = opened ? 'perfprobe-failing' : 'perfprobe-recovered';
  return environmentNotification(kind, dedupKey, subject, text, links);
}
