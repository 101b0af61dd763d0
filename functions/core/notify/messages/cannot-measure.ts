import { invalidRunsToAlarm } from '../../cloud/alert-policy.ts';
import { formatInstant } from '../figures.ts';
import { likelyFix } from '../likely-fix.ts';
import type { Notification } from '../notification.ts';
import { probeNotification } from './page.ts';
import {
  lastedOf,
  type ProbeAlarm,
  probeLabel,
  requestLine,
  runsText,
  sinceLine,
  sinceWhen,
  who,
} from './parts.ts';
import { runFigures } from './run-figures.ts';

/** CANNOT MEASURE: its runs are invalid in a row, so its SLA is not watched; what failed and the likely fix. */
export function cannotMeasureMessage(alarm: ProbeAlarm): Notification {
  const { probe, runs } = alarm;
  const streak = runs.findIndex((r) => r.validity.valid);
  const invalid = streak === -1 ? runs : runs.slice(0, streak);
  const about = invalid[0];
  const reasons = withoutRepeats([...new Set(invalid.slice(0, 3).flatMap((r) => r.validity.reasons))]);
  const since = sinceWhen(alarm, { run: invalid.at(-1), what: 'first invalid run' });
  const needed = invalidRunsToAlarm(probe);
  // The stored runs may lag what CloudWatch counted (a run still being stored): then say both, never less.
  const count =
    invalid.length >= needed
      ? `${runsText(invalid.length, 'invalid run')} in a row`
      : `invalid runs (the alarm pages at ${needed} in a row)`;
  return probeNotification(alarm, {
    kind: 'cannot-measure',
    subject: `CANNOT MEASURE ${who(probe)}: ${count}`,
    head: [
      `CANNOT MEASURE: ${probeLabel(probe)} could not measure its target in its last ${runsText(invalid.length, 'stored run')} (the alarm pages at ${needed} invalid runs in a row), ${sinceLine(since)}; its SLA is not being watched.`,
      requestLine(probe),
    ],
    body: [
      ...(about
        ? [`What failed (latest run ${formatInstant(Date.parse(about.startedAt))}, run ${about.runId}):`]
        : []),
      ...reasons.map((r) => `  - ${r}`),
      ...(about ? [`Latest run: ${runFigures(about)}.`] : []),
      `Likely fix: ${likelyFix(reasons)}`,
    ],
    about,
    since,
  });
}

/** MEASURING AGAIN: the cannot-measure incident is over; for how long it could not measure. */
export function measuringAgainMessage(alarm: ProbeAlarm): Notification {
  const about = alarm.runs[0];
  const { lasted, fromTo } = lastedOf(alarm);
  return probeNotification(alarm, {
    kind: 'measuring-again',
    subject: `MEASURING AGAIN ${who(alarm.probe)} after ${lasted}`,
    head: [
      `MEASURING AGAIN: ${probeLabel(alarm.probe)} delivers valid runs again; it could not measure for ${lasted} (${fromTo}).`,
    ],
    body: about ? [`Now (run ${about.runId}): ${runFigures(about)}.`] : [],
    about,
  });
}

/**
 * A run's validity reasons without the ones another already says: "no shard reported" repeats "only 0 of N
 * shards reported: <why>", which also says why.
 */
function withoutRepeats(reasons: readonly string[]): string[] {
  const noShard = reasons.some((r) => /^only 0 of \d+ shards? reported/.test(r));
  return reasons.filter((r) => !(noShard && r === 'no shard reported'));
}
